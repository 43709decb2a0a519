"""Pose pipeline speed, frame-skipping accuracy and peak memory. Prints its figures; not a test.

    .venv/bin/python benchmarks/bench_pose.py [--frames 300] [--repeats 3] [--memory-minutes 10]
        [--threads N] [--memory-only]

1. Makes a 720p 30 fps H.264 clip from a real one (single_leg_squat_front_hyva7.mp4 is 720p at 25 fps: the
   same frames re-timed to 30 fps) and measures, on the same frames, medians of --repeats runs:
   decode only (the ceiling), pose inference only (frames decoded beforehand), the pipeline as
   `hipcoach pose` runs it (with and without decoding in a background thread), and the naive loop
   (OpenCV read + legacy mp.solutions.pose per frame).
2. Every 2nd / 3rd frame + interpolation: throughput and the knee-angle error against every frame.
3. Peak resident memory of `estimate_video` on a synthesised 10-minute 1080p video (a 10 s clip looped by
   remuxing packets, no re-encoding), in a child process.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import av
import numpy as np

from hipcoach.motion.landmarks import INDEX
from hipcoach.motion.overlay import flexion_angles
from hipcoach.motion.person import torso
from hipcoach.motion.pose import estimate_video, interpolate_between
from hipcoach.motion.pose_model import PoseEstimator, _quiet_native_stderr, default_threads
from hipcoach.motion.video import iter_frames

CLIPS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "clips"
SOURCE = CLIPS / "single_leg_squat_front_hyva7.mp4"
FAST_MOVER = CLIPS / "single_leg_squat_front_hyva_ja_paha2.mp4"  # 30 fps, brisk squats


def reencode(
    src: Path, dst: Path, *, fps: int, size: tuple[int, int] | None = None, frames: int | None = None
):
    """Re-encode `src` at `fps` (and `size`) with H.264: real content at the rate/size we need."""
    with av.open(str(dst), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "veryfast", "crf": "20"}
        for n, frame in enumerate(iter_frames(src)):
            if frames is not None and n >= frames:
                break
            image = frame.image
            if size is not None:
                import cv2

                image = cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)
            if n == 0:
                stream.height, stream.width = image.shape[:2]
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return dst


def loop_remux(src: Path, dst: Path, minutes: float) -> int:
    """Concatenate `src` with itself by copying packets (no re-encode) until `minutes` long."""
    with av.open(str(src)) as inp:
        istream = inp.streams.video[0]
        packets = [(p.pts, p.dts, p.duration) for p in inp.demux(istream) if p.dts is not None]
        tb = istream.time_base
    clip_len = max(pts + (dur or 0) for pts, _, dur in packets)
    frames, offset = 0, 0
    with av.open(str(dst), "w") as out, av.open(str(src)) as template:
        ostream = out.add_stream_from_template(template.streams.video[0])
        while offset * tb < minutes * 60:
            with av.open(str(src)) as inp:
                for packet in inp.demux(inp.streams.video[0]):
                    if packet.dts is None:
                        continue
                    packet.pts, packet.dts = packet.pts + offset, packet.dts + offset
                    packet.stream = ostream
                    out.mux(packet)  # PyAV rescales from the packet's time base to the stream's
                    frames += 1
            offset += clip_len
    return frames


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def median_of(repeats: int, fn) -> float:
    return statistics.median(fn() for _ in range(repeats))


def decode_only(path: Path, frames: int) -> float:
    t = time.perf_counter()
    n = 0
    for frame in iter_frames(path):
        frame.image  # noqa: B018 - the RGB conversion is part of decoding for pose
        n += 1
        if n == frames:
            break
    return rate(n, time.perf_counter() - t)


def inference_only(images: list[np.ndarray], times: list[float], threads: int) -> float:
    with PoseEstimator(threads=threads) as est:
        est.process(images[0], -1.0)  # warm-up frame, not timed
        t = time.perf_counter()
        for image, ts in zip(images, times, strict=True):
            est.process(image, ts)
        return rate(len(images), time.perf_counter() - t)


def pipeline(path: Path, frames: int, fps: float, **kwargs) -> tuple[float, float]:
    """(steady frames/s from first to last frame, whole-call frames/s including model load and hashing)."""
    marks: list[float] = []
    t0 = time.perf_counter()
    end = (frames - 0.5) / fps
    track = estimate_video(path, end=end, progress=lambda *_: marks.append(time.perf_counter()), **kwargs)
    whole = rate(track.n_frames, time.perf_counter() - t0)
    return rate(track.n_frames - 1, marks[-1] - marks[0]), whole


def naive_loop(path: Path, frames: int) -> float:
    import cv2
    import mediapipe as mp

    cap = cv2.VideoCapture(str(path))
    with _quiet_native_stderr(), mp.solutions.pose.Pose(model_complexity=1) as pose:
        ok, bgr = cap.read()
        pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))  # warm-up
        t, n = time.perf_counter(), 0
        while n < frames:
            ok, bgr = cap.read()
            if not ok:
                break
            pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            n += 1
    cap.release()
    return rate(n, time.perf_counter() - t)


def knee_error(full, skipped) -> tuple[float, float]:
    a, b = flexion_angles(full.pixels()), flexion_angles(skipped.pixels())
    err = np.concatenate([np.abs(a[k] - b[k]) for k in ("left_knee", "right_knee")])
    err = err[~np.isnan(err)]
    return float(np.median(err)), float(np.percentile(err, 95))


_MOVING = [INDEX[f"{side}_{part}"] for side in ("left", "right")
           for part in ("shoulder", "hip", "knee", "ankle", "heel", "foot_index")]  # fmt: skip


def adaptive_skip(full, stride: int, slow_below: float):
    """Simulate skipping up to stride-1 frames only while the body moved slower than `slow_below` torso
    lengths/s between the last two frames the model ran on (decided online, from those frames only).
    Returns (fraction of frames the model would run on, the interpolated track's landmarks)."""
    px = full.landmarks[:, :, :2] * np.asarray(full.frame_size, np.float32)
    run, i, last = [], 0, None
    while i < full.n_frames:
        run.append(i)
        speed = np.inf
        if last is not None and not np.isnan(px[i, 0, 0]) and not np.isnan(px[last, 0, 0]):
            step = np.linalg.norm(px[i, _MOVING] - px[last, _MOVING], axis=-1).max()
            speed = step / float(torso(px[i])[1]) / (full.timestamps[i] - full.timestamps[last])
        last = i
        i += stride if speed < slow_below else 1
    if run[-1] != full.n_frames - 1:
        run.append(full.n_frames - 1)
    lm = np.full_like(full.landmarks, np.nan)
    lm[run] = full.landmarks[run]
    interpolate_between(lm, np.asarray(run))
    return len(run) / full.n_frames, lm


def peak_memory(path: Path, threads: int) -> tuple[float, int, float]:
    """(peak RSS MiB, frames, seconds) of estimate_video over `path`, in a fresh child process."""
    code = (
        "import re, time; from pathlib import Path; from hipcoach.motion.pose import estimate_video\n"
        f"t = time.perf_counter(); tr = estimate_video({str(path)!r}, threads={threads})\n"
        # VmHWM: this process's own high-water mark (ru_maxrss would include the parent's, across exec)
        "peak = int(re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text())[1]) / 1024\n"
        "print(peak, tr.n_frames, time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), int(out[1]), float(out[2])


def speed_and_skipping(tmp: Path, args, threads: int) -> None:
    clip = reencode(SOURCE, tmp / "hyva7_720p30.mp4", fps=30)
    n = args.frames
    print(f"clip: {SOURCE.name} re-timed to 1280x720 @ 30 fps; {n} frames per run, median of {args.repeats}")
    decoded = [(f.image, f.time) for f, _ in zip(iter_frames(clip), range(n), strict=False)]
    images, times = [d[0] for d in decoded], [d[1] for d in decoded]
    results = {
        "decode only (PyAV -> RGB, the ceiling)": median_of(args.repeats, lambda: decode_only(clip, n)),
        "pose inference only (frames in memory)": median_of(
            args.repeats, lambda: inference_only(images, times, threads)
        ),
    }
    decoded.clear()
    images.clear()
    pipe = [pipeline(clip, n, 30.0, threads=threads) for _ in range(args.repeats)]
    serial = [pipeline(clip, n, 30.0, threads=threads, prefetch=False) for _ in range(args.repeats)]
    results["pipeline: decode thread + pose (default)"] = statistics.median(p[0] for p in pipe)
    results["  same, whole call incl. model load + sha256"] = statistics.median(p[1] for p in pipe)
    results["pipeline: decode and pose in one thread"] = statistics.median(p[0] for p in serial)
    results["naive: OpenCV read + legacy mp.solutions.pose"] = median_of(
        args.repeats, lambda: naive_loop(clip, n)
    )
    for name, value in results.items():
        print(f"  {name:<50} {value:7.1f} frames/s")
    infer = results["pose inference only (frames in memory)"]
    default = results["pipeline: decode thread + pose (default)"]
    print(f"  pipeline / inference-only = {default / infer:.2f}   (targets: pipeline >= 60, ratio >= 0.85)")

    print("frame skipping (model on every Nth frame, linear interpolation between), vs every frame:")
    for path, label in ((clip, "720p30 slow squats"), (FAST_MOVER, "406x720 brisk squats")):
        full = estimate_video(path, threads=threads)
        for stride in (2, 3):
            t = time.perf_counter()
            skipped = estimate_video(path, stride=stride, threads=threads)
            speed = rate(skipped.n_frames, time.perf_counter() - t)
            med, p95 = knee_error(full, skipped)
            print(f"  {label:<22} every {stride}: model on {1 / stride:4.0%} of frames, {speed:6.1f} "
                  f"source frames/s; knee error median {med:.1f} deg, p95 {p95:.1f} deg")  # fmt: skip
        # Skipping only while slow needs the model's own output to decide, so compare like with like:
        # both policies simulated from the every-frame track (model state effects left out).
        for stride, slow in ((2, np.inf), (3, np.inf), (2, 1.0), (3, 1.0), (4, 1.0)):
            share, lm = adaptive_skip(full, stride, slow)
            med, p95 = knee_error(full, replace(full, landmarks=lm))
            policy = f"every {stride}" if np.isinf(slow) else f"up to {stride} while < {slow:g} torso/s"
            print(f"  {label:<22} simulated {policy:<26}: model on {share:4.0%} of frames; "
                  f"knee error median {med:.1f} deg, p95 {p95:.1f} deg")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300, help="frames of the 720p clip per measurement")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--memory-minutes", type=float, default=10.0, help="0 skips the memory run")
    parser.add_argument("--threads", type=int, default=None, help="XNNPACK threads [default_threads()]")
    parser.add_argument("--memory-only", action="store_true", help="only the peak-memory run")
    args = parser.parse_args()
    threads = args.threads or default_threads()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; XNNPACK threads: {threads}")
    if not SOURCE.exists():
        sys.exit(f"needs the real clips in {CLIPS.resolve()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.memory_only:
            speed_and_skipping(tmp, args, threads)
        if args.memory_minutes > 0:
            seg = reencode(SOURCE, tmp / "seg1080.mp4", fps=30, size=(1920, 1080), frames=300)
            long = tmp / "long1080.mp4"
            frames = loop_remux(seg, long, args.memory_minutes)
            seg.unlink()
            mib, done, secs = peak_memory(long, threads)
            size = long.stat().st_size / 2**20
            print(f"peak memory, {args.memory_minutes:g}-minute 1920x1080 30 fps video ({frames} frames, "
                  f"{size:.0f} MiB file): {mib:.0f} MiB max RSS (target < 500 MB); "
                  f"{done} frames in {secs:.0f} s = {done / secs:.1f} frames/s")  # fmt: skip
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    print(
        f"(this process's own peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
