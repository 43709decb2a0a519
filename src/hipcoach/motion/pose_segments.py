"""Long videos: BlazePose over time segments in parallel worker processes, joined into one PoseTrack.

Apart from `pose` because it is another way to run the model, not part of running it: it plans the
segments, starts child processes ("spawn") that each call `pose.estimate_video` on one, and joins their
tracks. `pose` stays a single-process pipeline that knows nothing of processes; the command line and
benchmarks/bench_video_speed.py come here when a video is long enough to split.
"""

from __future__ import annotations

import itertools
import queue
from collections.abc import Callable
from pathlib import Path

import numpy as np

from hipcoach.errors import UserError
from hipcoach.motion.person import person_jumps
from hipcoach.motion.pose import estimate_video
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.video import check_limits, probe

SEGMENT_MIN_S = 45.0  # shorter segments cost more in process start-up (imports, model) than they save
# Not lowered to split clips of ~20 s, though 2 one-thread processes were 1.25-1.35x faster than one on a
# 22 s clip: benchmarks/bench_segments.py (4 Dec 2026, one inference thread, every real clip forced into 2
# segments) kept every count, side and partial rep, but moved main-angle rep ranges past 2 degrees on
# both clips of 20 s or more with a 1 s overlap (hyva_ja_paha2 8.9, hyva7 2.1) and on hyva_ja_paha2 still
# 6.2 with 3 s (flexion span 7.9); cg_clamshell moved 3.7 (1 s) and 12.0 (3 s), a hold 0.57 s. A longer
# overlap does not bring the later segment's tracker back to where one continuous run's tracker is.
OVERLAP_S = 1.0  # each later segment starts this much early: its detector finds the person, its tracker
# and smoothing settle, and the frames before its boundary are dropped in favour of the previous segment's


def plan_segments(duration: float, workers: int, min_s: float = SEGMENT_MIN_S) -> list[tuple[float, float]]:
    """Equal time segments [(start, end) s] of a `duration` s video for up to `workers` processes, none
    shorter than `min_s` (one segment, the whole video, when it is too short to split)."""
    n = max(1, min(workers, int(duration // min_s)))
    bounds = [duration * i / n for i in range(n + 1)]
    return list(itertools.pairwise(bounds))


def auto_workers(duration: float, cpus: int) -> int:
    """Processes for a video of `duration` s on `cpus` usable CPUs: one per CPU, as long as each gets a
    segment of at least SEGMENT_MIN_S (benchmarks/bench_video_speed.py measures the speed-up)."""
    return max(1, min(cpus, int(duration // SEGMENT_MIN_S)))


def segment_spans(
    bounds: list[tuple[float, float]], overlap_s: float = OVERLAP_S
) -> list[tuple[float, float | None]]:
    """(start, end) s to run each segment's model over: every later one starts `overlap_s` early (its
    frames before its boundary are dropped by `join_segments`); the last runs to the video's end (None)."""
    return [
        (max(0.0, lo - overlap_s) if i else 0.0, hi if i < len(bounds) - 1 else None)
        for i, (lo, hi) in enumerate(bounds)
    ]


def join_segments(tracks: list[PoseTrack], bounds: list[tuple[float, float]]) -> PoseTrack:
    """One track from segment tracks: from each, the frames from its own start up to the next one's."""
    keep = []
    for i, (track, (lo, hi)) in enumerate(zip(tracks, bounds, strict=True)):
        last = i == len(tracks) - 1
        t = track.timestamps
        keep.append(track.take((t >= lo - 1e-6) & (last | (t < hi - 1e-6))))
    first = tracks[0]
    ts = np.concatenate([k.timestamps for k in keep])
    lms = np.concatenate([k.landmarks for k in keep])
    meta = dict(first.meta)
    meta.update(
        segments=[[round(a, 3), round(b, 3)] for a, b in bounds],
        person_jumps=person_jumps(lms, ts),
        inferred_share=round(
            sum(k.meta.get("inferred_share", 1.0) * k.n_frames for k in keep) / max(len(ts), 1), 4
        ),
        camera_shift=max((k.meta["camera_shift"] or 0.0 for k in keep), default=None),
        people_seen=max((k.meta["people_seen"] or 0 for k in keep), default=0) or first.meta["people_seen"],
        thread_choice=[k.meta["thread_choice"] for k in keep],
    )
    return PoseTrack(
        landmarks=lms,
        presence=np.concatenate([k.presence for k in keep]),
        world=np.concatenate([k.world for k in keep]),
        timestamps=ts,
        frame_size=first.frame_size,
        fps=first.fps,
        rotation=first.rotation,
        model=first.model,
        source_sha256=first.source_sha256,
        source_name=first.source_name,
        meta=meta,
    )


def _segment_worker(index: int, path: str, start: float, end: float | None, kwargs: dict, out) -> None:
    """In a child process: one segment's track, or the error's message, onto the `out` queue."""
    try:
        done = [0]

        def tell(n: int, _total: int) -> None:
            if n - done[0] >= 30:
                out.put(("progress", index, n))
                done[0] = n

        track = estimate_video(path, start=start, end=end, progress=tell, **kwargs)
        out.put(("done", index, track))
    except UserError as exc:
        out.put(("user_error", index, (exc.message, exc.hint)))
    except BaseException as exc:  # reported to the parent, which raises it
        out.put(("error", index, f"{type(exc).__name__}: {exc}"))


def estimate_video_segments(
    path: str | Path,
    *,
    workers: int | None = None,
    threads: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    min_segment_s: float = SEGMENT_MIN_S,
    overlap_s: float = OVERLAP_S,
    **kwargs,
) -> PoseTrack:
    """`estimate_video` over time segments in parallel worker processes (`plan_segments`), joined into
    one track. workers=None: `auto_workers`. One segment runs in this process, as `estimate_video`.

    Each child starts its own detector `overlap_s` before its segment so the person is found and
    followed by the boundary; the joined track takes every frame from exactly one segment. Children are
    started with "spawn" (MediaPipe's threads do not survive a fork) and use 1 inference thread each
    unless `threads` says otherwise, so N processes fill N CPUs.
    """
    import multiprocessing

    from hipcoach.motion.pose_threads import usable_cpus

    path = Path(path)
    info = probe(path)
    check_limits(info)
    cpus = usable_cpus()
    bounds = plan_segments(info.duration, workers or auto_workers(info.duration, cpus), min_segment_s)
    if len(bounds) == 1:
        return estimate_video(path, threads=threads, progress=progress, **kwargs)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    per = threads or max(1, cpus // len(bounds))
    children = []
    for i, (start, end) in enumerate(segment_spans(bounds, overlap_s)):
        child = ctx.Process(
            target=_segment_worker,
            args=(i, str(path), start, end, dict(kwargs, threads=per), out),
            name=f"hipcoach-pose-{i}",
            daemon=True,
        )
        child.start()
        children.append(child)
    tracks: list[PoseTrack | None] = [None] * len(bounds)
    done = [0] * len(bounds)
    try:
        while any(t is None for t in tracks):
            try:
                kind, i, value = out.get(timeout=5.0)
            except queue.Empty:
                dead = [c for c, t in zip(children, tracks, strict=True) if t is None and not c.is_alive()]
                if dead:
                    raise RuntimeError(f"pose worker {dead[0].name} ended without a result") from None
                continue
            if kind == "progress":
                done[i] = value
                if progress:
                    progress(sum(done), info.frame_count)
            elif kind == "done":
                tracks[i] = value
            elif kind == "user_error":
                raise UserError(*value)
            else:
                raise RuntimeError(f"pose worker {i} failed: {value}")
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
            child.join(timeout=5)
    joined = join_segments(tracks, bounds)
    if progress:
        progress(joined.n_frames, joined.n_frames)
    return joined
