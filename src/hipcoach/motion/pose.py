"""BlazePose on video, offline: frames in, a PoseTrack out (the model itself is in pose_model; long
videos split across processes in pose_segments)."""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import numpy as np

from hipcoach.errors import UserError
from hipcoach.motion.camera_motion import CameraMotion
from hipcoach.motion.frameskip import frames_to_skip
from hipcoach.motion.landmarks import N_LANDMARKS
from hipcoach.motion.person import (
    PEOPLE_CHECK_S,
    PEOPLE_CONFIDENCE,
    link_people,
    people_in_view,
    person_jumps,
    segment_arrays,
)
from hipcoach.motion.pose_model import PoseEstimator
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.video import Frame, check_limits, iter_frames, probe, sha256

# Skipping frames while the body is still is on by default only while benchmarks/bench_skip.py finds
# every real clip's counts, sides, holds and main-angle ranges unchanged with it. It did not (2 Dec 2026):
# clamshell_band_side_6right 6 reps became 5 + 1 partial, cg_clamshell 4 became 3 + 1, rep ranges moved
# 3.1-5.7 degrees on hyva6, cg_singleLegHip, hyva_ja_paha2; spans 2.1-2.2 on hyva3, single_leg_bridge; a
# cg_banded-walk hold 0.3 s; the model ran on 76% of 4,873 frames. Why (3 Dec 2026, one inference thread
# for every run, so two every-frame runs are identical to the pixel): on clamshell_band_side_6right the
# skipping run kept 6 reps but moved rep 6's range 5.7 degrees (60.5 to 54.8) and differed from the
# every-frame run by p95 5.1 px at hips, knees and ankles on the very frames the model ran on; the
# every-frame track interpolated over the same skipped frames moved no range more than 0.8 degrees (p95
# 3.5 px). On cg_clamshell skipping made 4 reps 3 + 1 while the interpolated every-frame track kept 4
# (though its ranges moved up to 2.6 degrees and a hold 0.9 s: that clip fails the bar even so). So the
# count changes are the model's own state, not the interpolation: MediaPipe's tracking crop and its
# landmark filters see a different frame sequence. The crop cannot be predicted for it: the Tasks
# PoseLandmarker refuses a region of interest (roi_allowed=False) and its filters have no option. With
# both runs on one thread that clip's count stayed 6 (the runs above each chose their threads by timing).
# An option (`skip_still=True`, `hipcoach pose --skip-still`), not the default.
SKIP_STILL_DEFAULT = False


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


def _in_background(fn, *args) -> Callable[[], object]:
    """Start fn(*args) in a thread; the returned function waits for its result (or raises its error)."""
    out: list = []

    def work() -> None:
        try:
            out.append((True, fn(*args)))
        except BaseException as exc:  # handed to whoever asks for the result
            out.append((False, exc))

    thread = threading.Thread(target=work, name="hipcoach-hash", daemon=True)
    thread.start()

    def result():
        thread.join()
        ok, value = out[0]
        if not ok:
            raise value
        return value

    return result


def estimate_video(
    path: str | Path,
    *,
    model: str | Path | None = None,
    threads: int | None = None,
    max_people: int = 1,
    stride: int = 1,
    skip_still: bool | None = None,
    start: float = 0.0,
    end: float | None = None,
    prefetch: bool = True,
    progress: Callable[[int, int], None] | None = None,
    people: list[PoseTrack] | None = None,
    inferred: list[int] | None = None,
    count_only_once_several: bool = False,
) -> PoseTrack:
    """Run BlazePose over a video and return its PoseTrack (NaN where no person was found).

    stride > 1 runs the model on every stride-th frame and fills the frames between by linear
    interpolation (the benchmark measures what that costs in accuracy); 1 runs it on every frame.
    skip_still (with stride 1) skips up to a few frames at a time while the body is still and none while
    it moves (`frameskip`); None takes `SKIP_STILL_DEFAULT`.
    progress(frames_done, frames_expected) is called after each frame.
    With max_people 1 the people in a frame are counted about once a second (meta["people_seen"], for the
    "several people" warning); with more, `people` (a list, if given) receives one track per person seen
    without a break (motion.person.link_people), for the analysis to follow the exerciser among them.
    `inferred` (a list, if given) receives the indices of the frames the model ran on (benchmarks/bench_skip
    compares skipping with the every-frame track interpolated over the same frames).
    count_only_once_several (max_people 1, every frame): once the people counts say several people are
    in view (`people_in_view` > 1), the person is no longer followed (the rest of the track stays NaN,
    meta["followed_until"] says until when) and only the counting goes on, on the same frames, so
    meta["people_seen"] is what a full run finds: for a caller that will find the pose again keeping
    everyone (analysis.run) and would throw this track away.
    """
    if stride < 1:
        raise UserError(f"stride must be 1 or more, not {stride}.", "Use 1 to run the model on every frame.")
    path = Path(path)
    info = probe(path)
    check_limits(info, start, end)
    digest = _in_background(sha256, path)  # hashlib lets go of the GIL: it overlaps model load and decode
    expected = info.frame_count
    if end is not None or start:
        span = (min(end, info.duration) if end is not None else info.duration) - start
        expected = max(1, round(span * info.fps))
    adaptive = stride == 1 and (SKIP_STILL_DEFAULT if skip_still is None else skip_still)
    # Frames the model runs on are converted to RGB in the decoding thread; with adaptive skipping
    # that is decided as the frames arrive, so they are converted when first looked at.
    wanted = (lambda _i: False) if adaptive else (lambda i: i % stride == 0)
    frames = iter_frames(path, start=start, end=end, rgb=wanted, frame_threads=False)
    if prefetch:
        frames = _prefetch(frames)
    times: list[float] = []
    lms = np.full((max(expected, 1), N_LANDMARKS, 4), np.nan, np.float32)
    pres = np.full((max(expected, 1), N_LANDMARKS), np.nan, np.float32)
    world = np.full((max(expected, 1), N_LANDMARKS, 3), np.nan, np.float32)
    inferred = [] if inferred is None else inferred
    inferred.clear()
    held: Frame | None = None  # the latest skipped frame, run at the end if the video ends on it
    camera, next_camera_check = CameraMotion(), 0.0
    everyone: list[list] = []  # per frame, everyone found (max_people > 1)
    # With one person followed, a second model counts everyone in a frame now and then (IMAGE mode). Each
    # model holds about 110 MB, and while the tracker times its thread counts it runs a second one, so the
    # counter is made only once that is over: never three at once (the 500 MB bound, issue 14).
    counter: PoseEstimator | None = None
    counts, next_people_check = [], 0.0
    last_run: Frame | None = None  # the latest frame the model ran on, counted at the end if none was
    confidence = 0.5 if max_people == 1 else PEOPLE_CONFIDENCE
    skip_left, seen_px, seen_t = 0, None, 0.0  # adaptive skipping: frames still to skip, last inferred
    size_px = np.asarray(info.size, np.float32)
    counting_only = False  # count_only_once_several: several people seen, the tracker closed
    may_stop = count_only_once_several and max_people == 1 and stride == 1 and not adaptive
    followed_until = None
    with (
        PoseEstimator(model, threads=threads, max_people=max_people, min_confidence=confidence) as estimator,
        ExitStack() as stack,
    ):

        def count_people(frame: Frame) -> None:
            nonlocal counter
            if counter is None:
                counter = stack.enter_context(
                    PoseEstimator(
                        model, threads=1, max_people=3, min_confidence=PEOPLE_CONFIDENCE, still_images=True
                    )
                )
            counter.process(frame.image, frame.time)
            counts.append(len(counter.people))

        for n, frame in enumerate(frames):
            if n >= len(lms):  # the header under-counted: grow by half
                grow = len(lms) // 2 + 1
                lms, pres, world = (np.concatenate([a, np.full((grow, *a.shape[1:]), np.nan, a.dtype)])
                                    for a in (lms, pres, world))  # fmt: skip
            times.append(frame.time)
            everyone.append([])
            if counting_only:  # the same checks on the same frames as when the tracker went on
                if frame.time >= next_people_check:
                    count_people(frame)
                    next_people_check = frame.time + PEOPLE_CHECK_S
                if progress:
                    progress(n + 1, max(expected, n + 1))
                continue
            run = skip_left == 0 if adaptive else (frame.converted or n == 0)  # converted: see `wanted`
            if run:
                result = estimator.process(frame.image, frame.time)
                inferred.append(n)
                held = None
                if result is not None:
                    lms[n], pres[n], world[n] = result
                everyone[n] = estimator.people if max_people > 1 else []
                if max_people == 1 and frame.time >= next_people_check and not estimator.probing:
                    count_people(frame)
                    next_people_check = frame.time + PEOPLE_CHECK_S
                    if may_stop and people_in_view(counts) > 1:
                        counting_only, followed_until = True, frame.time
                        estimator.close()  # its memory goes back; the counter stays
                last_run = frame
                if adaptive:
                    px = lms[n, :, :2] * size_px if result is not None else None
                    skip_left = frames_to_skip(seen_px, px, frame.time - seen_t, 1.0 / info.fps)
                    seen_px, seen_t = px, frame.time
                if frame.time >= next_camera_check:  # about twice a second
                    size = frame.image.shape[1::-1]  # (width, height) as decoded, scaled down
                    camera.add(frame.image, lms[n, :, :2] * size if result is not None else None)
                    next_camera_check = frame.time + 0.5
            else:
                skip_left -= 1
                held = frame
            if progress:
                progress(n + 1, max(expected, n + 1))
        if held is not None:  # the video ended on a skipped frame: run it so nothing trails off as NaN
            n = len(times) - 1
            result = estimator.process(held.image, held.time)
            inferred.append(n)
            if result is not None:
                lms[n], pres[n], world[n] = result
            last_run = held
        if max_people == 1 and not counts and last_run is not None:  # ended while the threads were timed
            estimator.close()  # done with it: the counter takes its memory
            count_people(last_run)
        model_id = estimator.model_id
        threads_used = estimator.threads
        thread_log = estimator.thread_log
        people_seen = estimator.people_seen if max_people > 1 else people_in_view(counts)
    if not times:
        raise UserError(
            f"{path.name} has no frames between {start:g} s and {end if end is not None else 'its end'} "
            f"(it is {info.duration:.1f} s long).",
            "Choose --start and --end within the video.",
        )
    t = len(times)
    lms, pres, world = lms[:t], pres[:t], world[:t]
    if len(inferred) < t:
        for a in (lms, pres, world):
            interpolate_between(a, np.asarray(inferred))
    timestamps = np.asarray(times, np.float64)
    track = PoseTrack(
        landmarks=lms,
        presence=pres,
        world=world,
        timestamps=timestamps,
        frame_size=info.size,
        fps=info.fps,
        rotation=info.rotation,
        model=model_id,
        source_sha256=digest(),
        source_name=path.name,
        meta={
            "api": "mediapipe-tasks PoseLandmarker, VIDEO mode",
            "threads": threads_used,
            "thread_choice": thread_log,
            "stride": stride,
            "skip_still": adaptive,
            "inferred_share": round(len(inferred) / t, 4),
            "max_people": max_people,
            "start": start,
            "stream_start": info.start_time,
            "codec": info.codec,
            "person_jumps": person_jumps(lms, timestamps),
            "people_seen": people_seen,
            "camera_shift": round(camera.max_shift, 4) if camera.samples else None,
        },
    )
    if followed_until is not None:
        track.meta["followed_until"] = followed_until
    if people is not None and max_people > 1:
        for seg in link_people(everyone[:t], timestamps):
            arrays = segment_arrays(everyone[:t], seg)
            if stride > 1:
                for a in arrays:
                    interpolate_between(a, np.asarray(inferred))
            p_lms, p_pres, p_world = arrays
            meta = track.meta | {"person_jumps": person_jumps(p_lms, timestamps)}
            people.append(replace(track, landmarks=p_lms, presence=p_pres, world=p_world, meta=meta))
    return track


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
