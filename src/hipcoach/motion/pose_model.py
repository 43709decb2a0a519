"""The BlazePose model, loaded offline, run frame by frame in video (tracking) mode.

Why the Tasks API (PoseLandmarker) with a `.task` bundle built in memory from the wheel's own tflite files,
rather than the legacy `mp.solutions.pose` (measured here and in ../shared/notes/pose-stack.md):

- Same network, same answers: world landmarks are identical to the legacy API's, image landmarks differ by
  under 1 px median. Nothing is downloaded: the bundle is two files already inside mediapipe 0.10.21
  (`pose_detection.tflite`, `pose_landmark_full.tflite`, the latter given the NormalizationOptions
  metadata the Tasks API needs), zipped uncompressed and 4-byte aligned (motion.pose_bundle, cached on disk).
- Faster on this 2-core machine: the Tasks graph lets us set the XNNPACK delegate's thread count; with 2
  threads it infers ~1.5x faster than the default single thread (notes: 113 vs 90 frames/s at 720p;
  here 63-86 vs 41-46). The legacy graph offers no such knob. But XNNPACK's workers spin while waiting,
  so on a busy machine 2 threads collapse (measured here at load 7 on 2 cores: 1 frame/s with 2 threads,
  9-17 with 1). So the thread count is measured, not guessed (`choose_threads`): the CPUs this process
  may use (`os.sched_getaffinity`) and the kernel's CPU pressure (PSI) give a first guess, then the first
  frames are run with both 1 and 2 threads, alternately, and the faster is kept; a 2-thread run that later
  slows to well below the 1-thread speed (a neighbour started) drops to 1 thread. The 1-minute load
  average was the old guide: it stays high for a minute after any other work and it cannot tell a
  neighbour that leaves one core free from one that takes both.
- It outlives 0.10.21: 0.10.30+ and 1.x (numpy 2) keep only the Tasks API, and the same kind of bundle
  runs lite/heavy models taken from the npm `@mediapipe/pose` package (pass `model=path.task`). The
  legacy API runs only the full model offline (complexity 0 and 2 try to download).
- It exposes visibility and presence per landmark and can return several people (`max_people`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import statistics
import sys
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy as np

from hipcoach.errors import UserError
from hipcoach.motion.person import pick_person
from hipcoach.motion.pose_bundle import import_mediapipe, load_model
from hipcoach.motion.pose_threads import (
    PROBE_FRAMES,
    WATCH_FRAMES,
    choose_threads,
    default_threads,
    should_demote,
    usable_cpus,
)


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


@cache
def _libc_trim():
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    """Give the heap's free pages back to the system (glibc keeps them otherwise).

    Creating a landmarker allocates and frees scratch (the unpacked bundle, XNNPACK's weight packing)
    in MediaPipe's own threads, and glibc keeps what was freed in those threads' arenas: measured here,
    each model left RSS 60-100 MB above what it holds, and a closed one kept most of its share, which
    is much of what took `hipcoach pose` past 500 MB (issue 14). Called after a model is made or closed,
    a few times a run; it takes under a millisecond.
    """
    trim = _libc_trim()
    if trim is not None:
        trim(0)


class PoseEstimator:
    """BlazePose in video (tracking) mode. Feed upright RGB frames in time order; use as a context manager.

    threads=None chooses the XNNPACK thread count by measurement (module docstring, `choose_threads`);
    `threads` then tells the count in use and `thread_log` how it was chosen.
    still_images: every frame on its own (IMAGE mode: the detector always runs), used to count the people
    in a frame now and then beside a one-person tracker (pose.estimate_video).
    """

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        threads: int | None = None,
        max_people: int = 1,
        min_confidence: float = 0.5,
        still_images: bool = False,
    ) -> None:
        self._mp = import_mediapipe()
        self._still = still_images
        self._data, self.model_id, self._file = load_model(model)
        self._max_people, self._min_confidence = max_people, min_confidence
        self.auto = threads is None
        self.threads = threads or default_threads()
        self.thread_log: list[str] = [f"{'first guess' if self.auto else 'given'}: {self.threads}"]
        self._landmarker = self._create(self.threads)
        self._other = None  # during the probe: a 1-thread landmarker fed the same frames
        self._probe: dict[int, list[float]] = {1: [], 2: []}
        self._probing = self.auto and self.threads == 2
        self._recent: list[float] = []
        self._one_time: float | None = None  # median seconds/frame with 1 thread, from the probe
        self._last_ms = -1
        self._calls = 0
        self._previous: np.ndarray | None = None  # [33, 2] of the person followed
        self.people_seen = 0  # most people found in one frame (only > 1 when max_people > 1)
        # Everyone found in the latest frame: (landmarks [33,4], presence [33], world [33,3]) each, so a
        # caller can follow someone else than the person nearest the one followed so far (motion.person).
        self.people: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def _create(self, threads: int):
        from mediapipe.calculators.tensor import inference_calculator_pb2
        from mediapipe.tasks.cc.core.proto import acceleration_pb2
        from mediapipe.tasks.python import vision
        from mediapipe.tasks.python.core import base_options

        xnnpack = inference_calculator_pb2.InferenceCalculatorOptions.Delegate.Xnnpack(num_threads=threads)

        class _Options(base_options.BaseOptions):
            def to_pb2(self):  # the public options cannot set XNNPACK's thread count
                pb = super().to_pb2()
                pb.acceleration.CopyFrom(acceleration_pb2.Acceleration(xnnpack=xnnpack))
                return pb

        options = vision.PoseLandmarkerOptions(
            base_options=(
                _Options(model_asset_path=str(self._file))
                if self._file is not None
                else _Options(model_asset_buffer=self._data)
            ),
            running_mode=vision.RunningMode.IMAGE if self._still else vision.RunningMode.VIDEO,
            num_poses=self._max_people,
            min_pose_detection_confidence=self._min_confidence,
            min_pose_presence_confidence=self._min_confidence,
            min_tracking_confidence=self._min_confidence,
        )
        try:
            with _quiet_native_stderr():
                landmarker = vision.PoseLandmarker.create_from_options(options)
        except RuntimeError as exc:
            raise UserError(
                f"The pose model could not be loaded ({exc}).", "Check the --model file."
            ) from exc
        release_freed_memory()  # loading leaves ~60-100 MB of freed scratch in the heap
        return landmarker

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def probing(self) -> bool:
        """Whether the first frames are still being run with both thread counts (two models alive)."""
        return self._probing

    def close(self) -> None:
        """Close the model(s) and hand their memory back; closing twice is harmless."""
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None
        if self._other is not None:
            self._other.close()
            self._other = None
        release_freed_memory()

    def _detect(self, landmarker, mp_image, ms: int):
        t = time.perf_counter()
        detect = landmarker.detect if self._still else landmarker.detect_for_video
        args = (mp_image,) if self._still else (mp_image, ms)
        if self._calls < 2:  # the first inferences print native notices too
            with _quiet_native_stderr():
                result = detect(*args)
        else:
            result = detect(*args)
        return result, time.perf_counter() - t

    def _timed_detect(self, mp_image, ms: int):
        """Run the model; while probing, on both thread counts (alternating which goes first) and time
        them; afterwards watch a 2-thread run for a collapse. The first call only warms up."""
        if not self._probing:
            result, took = self._detect(self._landmarker, mp_image, ms)
            if self.auto and self.threads == 2 and self._one_time is not None:
                self._watch(took)
            return result
        if self._calls == 0:
            return self._detect(self._landmarker, mp_image, ms)[0]
        if self._other is None:
            self._other = self._create(1)
            self._detect(self._other, mp_image, ms)  # its warm-up; its tracker starts here
            return self._detect(self._landmarker, mp_image, ms)[0]
        pair = [(2, self._landmarker), (1, self._other)]
        if self._calls % 2:
            pair.reverse()
        results = {}
        for n, landmarker in pair:
            results[n], took = self._detect(landmarker, mp_image, ms)
            self._probe[n].append(took)
        if len(self._probe[1]) >= PROBE_FRAMES or self._probe[2][-1] > 5 * self._probe[1][-1]:
            one, two = statistics.median(self._probe[1]), statistics.median(self._probe[2])
            chosen = choose_threads(usable_cpus(), None, one, two)
            self.thread_log.append(f"measured {1 / one:.0f} frames/s with 1, {1 / two:.0f} with 2: {chosen}")
            self._one_time, self._probing = one, False
            if chosen == 1:
                self._landmarker.close()
                self._landmarker, self.threads = self._other, 1
            else:
                self._other.close()
            self._other = None
            release_freed_memory()
        return results[2]

    def _watch(self, took: float) -> None:
        self._recent.append(took)
        if len(self._recent) < WATCH_FRAMES:
            return
        recent, self._recent = statistics.median(self._recent), []
        if should_demote(recent, self._one_time):
            self.thread_log.append(f"2 threads slowed to {1 / recent:.0f} frames/s at call {self._calls}: 1")
            self._landmarker.close()  # the new one starts by detecting: the person is found again
            release_freed_memory()  # before the new one is made, not only after: else both count at once
            self._landmarker, self.threads = self._create(1), 1

    def process(self, image: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """Landmarks [33,4], presence [33], world [33,3] of the followed person at time t (s), or None."""
        ms = max(round(t * 1000), self._last_ms + 1)  # VIDEO mode needs strictly increasing integer ms
        self._last_ms = ms
        mp_image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=image)
        result = self._timed_detect(mp_image, ms)
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
