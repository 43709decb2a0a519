"""The BlazePose model, loaded offline, run frame by frame in video (tracking) mode.

Why the Tasks API (PoseLandmarker) with a `.task` bundle built in memory from the wheel's own tflite files,
rather than the legacy `mp.solutions.pose` (measured here and in ../shared/notes/pose-stack.md):

- Same network, same answers: world landmarks are identical to the legacy API's, image landmarks differ by
  under 1 px median. Nothing is downloaded: the bundle is two files already inside mediapipe 0.10.21
  (`pose_detection.tflite`, `pose_landmark_full.tflite`, the latter given the NormalizationOptions
  metadata the Tasks API needs), zipped uncompressed and 4-byte aligned, in memory (~0.1 s).
- Faster on this 2-core machine: the Tasks graph lets us set the XNNPACK delegate's thread count; with 2
  threads it infers ~1.5x faster than the default single thread (notes: 113 vs 90 frames/s at 720p;
  here 63-86 vs 41-46). The legacy graph offers no such knob. But XNNPACK's workers spin while waiting,
  so on a busy machine 2 threads collapse (measured here at load 7 on 2 cores: 1 frame/s with 2 threads,
  9-17 with 1): `default_threads` uses 2 only when the cores are otherwise idle.
- It outlives 0.10.21: 0.10.30+ and 1.x (numpy 2) keep only the Tasks API, and the same kind of bundle
  runs lite/heavy models taken from the npm `@mediapipe/pose` package (pass `model=path.task`). The
  legacy API runs only the full model offline (complexity 0 and 2 try to download).
- It exposes visibility and presence per landmark and can return several people (`max_people`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy as np

from hipcoach.errors import UserError
from hipcoach.motion.person import pick_person


@contextlib.contextmanager
def _quiet_native_stderr() -> Iterator[None]:
    """Silence MediaPipe's C++ start-up chatter (EGL, XNNPACK, feedback-tensor notices) on fd 2.

    It bypasses Python's logging and GLOG_minloglevel, and would bury the CLI's own messages. Python
    exceptions are unaffected: they are raised, not printed, while this is active.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real fd 2 (e.g. captured): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _mediapipe():
    os.environ.setdefault("GLOG_minloglevel", "2")  # the C++ side logs a page of INFO lines otherwise
    try:
        import mediapipe as mp
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise UserError(
            "Pose estimation needs mediapipe 0.10.21, which is not installed.",
            "Install it with `pip install --no-deps mediapipe==0.10.21` (see requirements/no-deps.txt).",
        ) from exc
    return mp


@cache
def wheel_bundle() -> tuple[bytes, str]:
    """The full-model `.task` bundle made from the tflite files shipped in the mediapipe wheel, and its id."""
    mp = _mediapipe()
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer
    from mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils import AlignZipFile

    root = Path(mp.__file__).parent / "modules"
    detector = (root / "pose_detection" / "pose_detection.tflite").read_bytes()
    landmarks = (root / "pose_landmark" / "pose_landmark_full.tflite").read_bytes()
    # The landmark model takes RGB in 0..1: Tasks reads that from metadata the wheel's copy lacks.
    writer = metadata_writer.MetadataWriter.create(bytearray(landmarks))
    writer.add_general_info("pose_landmark_full", "BlazePose GHUM 3D, full")
    writer.add_image_input(norm_mean=[0.0], norm_std=[255.0])
    landmarks_md, _ = writer.populate()
    buf = io.BytesIO()
    with AlignZipFile(buf, mode="w", alignment=4) as zf:
        zf.writestr("pose_detector.tflite", detector)
        zf.writestr("pose_landmarks_detector.tflite", bytes(landmarks_md))
    digest = hashlib.sha256(detector + landmarks).hexdigest()[:12]
    return buf.getvalue(), f"blazepose-full/mediapipe-{mp.__version__}/{digest}"


def default_threads() -> int:
    """XNNPACK threads to use: 2 when two cores are free (1-minute load average), else 1 (see above)."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - platforms without a load average
        load = 0.0
    return 2 if cores >= 2 and load <= cores - 2 + 0.5 else 1


def _load_model(model: str | Path | None) -> tuple[bytes, str]:
    if model is None:
        return wheel_bundle()
    path = Path(model)
    if not path.is_file():
        raise UserError(f"No pose model at {path}.", "Leave out --model to use the built-in full model.")
    data = path.read_bytes()
    return data, f"task:{path.stem}/{hashlib.sha256(data).hexdigest()[:12]}"


class PoseEstimator:
    """BlazePose in video (tracking) mode. Feed upright RGB frames in time order; use as a context manager.

    still_images: every frame on its own (IMAGE mode: the detector always runs), used to count the people
    in a frame now and then beside a one-person tracker (pose.estimate_video)."""

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        threads: int | None = None,
        max_people: int = 1,
        min_confidence: float = 0.5,
        still_images: bool = False,
    ) -> None:
        mp = _mediapipe()
        from mediapipe.calculators.tensor import inference_calculator_pb2
        from mediapipe.tasks.cc.core.proto import acceleration_pb2
        from mediapipe.tasks.python import vision
        from mediapipe.tasks.python.core import base_options

        self.threads = threads or default_threads()
        xnnpack = inference_calculator_pb2.InferenceCalculatorOptions.Delegate.Xnnpack(
            num_threads=self.threads
        )

        class _Options(base_options.BaseOptions):
            def to_pb2(self):  # the public options cannot set XNNPACK's thread count
                pb = super().to_pb2()
                pb.acceleration.CopyFrom(acceleration_pb2.Acceleration(xnnpack=xnnpack))
                return pb

        data, self.model_id = _load_model(model)
        options = vision.PoseLandmarkerOptions(
            base_options=_Options(model_asset_buffer=data),
            running_mode=vision.RunningMode.IMAGE if still_images else vision.RunningMode.VIDEO,
            num_poses=max_people,
            min_pose_detection_confidence=min_confidence,
            min_pose_presence_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
        )
        try:
            with _quiet_native_stderr():
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except RuntimeError as exc:
            raise UserError(
                f"The pose model could not be loaded ({exc}).", "Check the --model file."
            ) from exc
        self._mp = mp
        self._still = still_images
        self._last_ms = -1
        self._calls = 0
        self._previous: np.ndarray | None = None  # [33, 2] of the person followed
        self.people_seen = 0  # most people found in one frame (only > 1 when max_people > 1)
        # Everyone found in the latest frame: (landmarks [33,4], presence [33], world [33,3]) each, so a
        # caller can follow someone else than the person nearest the one followed so far (motion.person).
        self.people: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._landmarker.close()

    def process(self, image: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Landmarks [33,4], presence [33], world [33,3] of the followed person at time t (s), or None."""
        ms = max(round(t * 1000), self._last_ms + 1)  # VIDEO mode needs strictly increasing integer ms
        self._last_ms = ms
        mp_image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=image)
        detect = self._landmarker.detect if self._still else self._landmarker.detect_for_video
        args = (mp_image,) if self._still else (mp_image, ms)
        if self._calls < 2:  # the first inferences print native notices too
            with _quiet_native_stderr():
                result = detect(*args)
        else:
            result = detect(*args)
        self._calls += 1
        if not result.pose_landmarks:
            self.people = []
            return None
        people = [
            np.array([(p.x, p.y, p.z, p.visibility, p.presence) for p in person], np.float32)
            for person in result.pose_landmarks
        ]
        self.people_seen = max(self.people_seen, len(people))
        k = pick_person([p[:, :2] for p in people], self._previous)
        self._previous = people[k][:, :2]
        worlds = [np.array([(p.x, p.y, p.z) for p in w], np.float32) for w in result.pose_world_landmarks]
        self.people = [(p[:, :4], p[:, 4], w) for p, w in zip(people, worlds, strict=True)]
        return self.people[k]
