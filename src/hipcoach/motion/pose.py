"""BlazePose on video, offline: frames in, a PoseTrack out.

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

Following one person: in video mode BlazePose tracks the person it found from frame to frame. With
`max_people` > 1 the detector also runs on every frame (about half the speed) and we keep the candidate
nearest the person followed so far; with the default of 1 we record where the followed body jumps
implausibly (`meta["person_jumps"]`, seconds), which is where another person may have been picked up.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import numpy as np

from hipcoach.errors import UserError
from hipcoach.motion.camera_motion import CameraMotion
from hipcoach.motion.landmarks import INDEX, N_LANDMARKS
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.video import Frame, iter_frames, probe, sha256

_HIPS = [INDEX["left_hip"], INDEX["right_hip"]]
_SHOULDERS = [INDEX["left_shoulder"], INDEX["right_shoulder"]]
# A followed body whose hip centre moves more than this many torso lengths between neighbouring frames
# (under 0.25 s apart) has probably been swapped for someone else.
_JUMP_TORSOS = 1.0


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
    """BlazePose in video (tracking) mode. Feed upright RGB frames in time order; use as a context manager."""

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        threads: int | None = None,
        max_people: int = 1,
        min_confidence: float = 0.5,
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
            running_mode=vision.RunningMode.VIDEO,
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
        self._last_ms = -1
        self._calls = 0
        self._previous: np.ndarray | None = None  # [33, 2] of the person followed
        self.people_seen = 0  # most people found in one frame (only > 1 when max_people > 1)

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
        if self._calls < 2:  # the first inferences print native notices too
            with _quiet_native_stderr():
                result = self._landmarker.detect_for_video(mp_image, ms)
        else:
            result = self._landmarker.detect_for_video(mp_image, ms)
        self._calls += 1
        if not result.pose_landmarks:
            return None
        people = [
            np.array([(p.x, p.y, p.z, p.visibility, p.presence) for p in person], np.float32)
            for person in result.pose_landmarks
        ]
        self.people_seen = max(self.people_seen, len(people))
        k = pick_person([p[:, :2] for p in people], self._previous)
        self._previous = people[k][:, :2]
        world = np.array([(p.x, p.y, p.z) for p in result.pose_world_landmarks[k]], np.float32)
        return people[k][:, :4], people[k][:, 4], world


def torso(points: np.ndarray) -> tuple[np.ndarray, float]:
    """Hip centre [.., 2] and shoulder-centre-to-hip-centre length of [.., 33, 2] points."""
    hips = points[..., _HIPS, :].mean(axis=-2)
    shoulders = points[..., _SHOULDERS, :].mean(axis=-2)
    return hips, np.linalg.norm(shoulders - hips, axis=-1)


def pick_person(candidates: list[np.ndarray], previous: np.ndarray | None) -> int:
    """Index of the candidate ([33, 2] points) to follow: nearest the previous person, else the biggest."""
    if len(candidates) == 1:
        return 0
    if previous is not None and not np.isnan(previous).all():
        centre, _ = torso(previous)
        return int(np.argmin([np.linalg.norm(torso(c)[0] - centre) for c in candidates]))
    return int(np.argmax([np.nanmax(torso(c)[1]) for c in candidates]))


def person_jumps(landmarks: np.ndarray, timestamps: np.ndarray) -> list[float]:
    """Times (s) where the followed body's hip centre leaps more than a torso length between frames."""
    centre, length = torso(landmarks[:, :, :2])
    seen = np.flatnonzero(~np.isnan(centre[:, 0]))
    jumps = []
    for a, b in itertools.pairwise(seen):
        if timestamps[b] - timestamps[a] > 0.25:
            continue
        if np.linalg.norm(centre[b] - centre[a]) > _JUMP_TORSOS * max(length[a], length[b]):
            jumps.append(round(float(timestamps[b]), 3))
    return jumps


def _prefetch(frames: Iterator[Frame], depth: int = 4) -> Iterator[Frame]:
    """Decode in a background thread (PyAV releases the GIL) so it overlaps inference; bounded memory."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def work() -> None:
        try:
            for frame in frames:
                if stop.is_set():
                    return
                q.put(frame)
            q.put(done)
        except BaseException as exc:  # handed to the consumer, raised there
            q.put(exc)

    thread = threading.Thread(target=work, name="hipcoach-decode", daemon=True)
    thread.start()
    try:
        while (item := q.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                q.get_nowait()
            except queue.Empty:
                thread.join(0.05)


def estimate_video(
    path: str | Path,
    *,
    model: str | Path | None = None,
    threads: int | None = None,
    max_people: int = 1,
    stride: int = 1,
    start: float = 0.0,
    end: float | None = None,
    prefetch: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> PoseTrack:
    """Run BlazePose over a video and return its PoseTrack (NaN where no person was found).

    stride > 1 runs the model on every stride-th frame and fills the frames between by linear
    interpolation (the benchmark measures what that costs in accuracy); 1 runs it on every frame.
    progress(frames_done, frames_expected) is called after each frame.
    """
    if stride < 1:
        raise UserError(f"stride must be 1 or more, not {stride}.", "Use 1 to run the model on every frame.")
    path = Path(path)
    info = probe(path)
    digest = sha256(path)
    expected = info.frame_count
    if end is not None or start:
        span = (min(end, info.duration) if end is not None else info.duration) - start
        expected = max(1, round(span * info.fps))
    frames = iter_frames(path, start=start, end=end, rgb=lambda i: i % stride == 0, frame_threads=False)
    if prefetch:
        frames = _prefetch(frames)
    times: list[float] = []
    lms = np.full((max(expected, 1), N_LANDMARKS, 4), np.nan, np.float32)
    pres = np.full((max(expected, 1), N_LANDMARKS), np.nan, np.float32)
    world = np.full((max(expected, 1), N_LANDMARKS, 3), np.nan, np.float32)
    inferred: list[int] = []
    held: Frame | None = None  # the latest skipped frame, run at the end if the video ends on it
    camera, next_camera_check = CameraMotion(), 0.0
    with PoseEstimator(model, threads=threads, max_people=max_people) as estimator:
        for n, frame in enumerate(frames):
            if n >= len(lms):  # the header under-counted: grow by half
                grow = len(lms) // 2 + 1
                lms, pres, world = (np.concatenate([a, np.full((grow, *a.shape[1:]), np.nan, a.dtype)])
                                    for a in (lms, pres, world))  # fmt: skip
            times.append(frame.time)
            if frame.converted or n == 0:  # converted: chosen by the rgb predicate above
                result = estimator.process(frame.image, frame.time)
                inferred.append(n)
                held = None
                if result is not None:
                    lms[n], pres[n], world[n] = result
                if frame.time >= next_camera_check:  # about twice a second
                    camera.add(frame.image, lms[n, :, :2] * info.size if result is not None else None)
                    next_camera_check = frame.time + 0.5
            else:
                held = frame
            if progress:
                progress(n + 1, max(expected, n + 1))
        if held is not None:  # the video ended on a skipped frame: run it so nothing trails off as NaN
            n = len(times) - 1
            result = estimator.process(held.image, held.time)
            inferred.append(n)
            if result is not None:
                lms[n], pres[n], world[n] = result
        model_id = estimator.model_id
        threads_used = estimator.threads
        people_seen = estimator.people_seen if max_people > 1 else None
    if not times:
        raise UserError(
            f"{path.name} has no frames between {start:g} s and {end if end is not None else 'its end'} "
            f"(it is {info.duration:.1f} s long).",
            "Choose --start and --end within the video.",
        )
    t = len(times)
    lms, pres, world = lms[:t], pres[:t], world[:t]
    if stride > 1:
        for a in (lms, pres, world):
            interpolate_between(a, np.asarray(inferred))
    timestamps = np.asarray(times, np.float64)
    return PoseTrack(
        landmarks=lms,
        presence=pres,
        world=world,
        timestamps=timestamps,
        frame_size=info.size,
        fps=info.fps,
        rotation=info.rotation,
        model=model_id,
        source_sha256=digest,
        source_name=path.name,
        meta={
            "api": "mediapipe-tasks PoseLandmarker, VIDEO mode",
            "threads": threads_used,
            "stride": stride,
            "max_people": max_people,
            "start": start,
            "stream_start": info.start_time,
            "codec": info.codec,
            "person_jumps": person_jumps(lms, timestamps),
            "people_seen": people_seen,
            "camera_shift": round(camera.max_shift, 4) if camera.samples else None,
        },
    )


def interpolate_between(values: np.ndarray, known: np.ndarray) -> None:
    """Fill rows not in `known` in place by linear interpolation between the nearest known rows.

    A gap is filled only where both neighbours hold a person; otherwise it stays NaN.
    """
    if len(known) == 0:
        return
    flat = values.reshape(len(values), -1)
    for a, b in itertools.pairwise(known):
        if b - a < 2:
            continue
        w = (np.arange(a + 1, b) - a) / (b - a)
        flat[a + 1 : b] = (1 - w)[:, None] * flat[a] + w[:, None] * flat[b]
