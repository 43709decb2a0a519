"""Video analysis as a user runs it, timed as whole processes. Prints its figures; not a test.

    .venv/bin/python benchmarks/bench_video_speed.py [--repeats 3] [--memory-seconds 600]
        [--skip-memory] [--skip-workers]

1. A 720p 30 fps H.264 clip made from a real one (single_leg_squat_front_hyva7.mp4, 673 frames, re-timed
   from 25 to 30 fps: 22.4 s). In turn, --repeats times each (A B C A B C ...), every one a fresh
   process: the naive loop people write from the tutorials (OpenCV read + legacy mp.solutions.pose per
   frame), `hipcoach pose`, `hipcoach analyse --no-video`. Medians of wall time; ours/naive as a speed
   ratio (target >= 1.5) and multiples of real time (target >= 5). Start-up: `hipcoach pose` on a
   1-frame clip. Where 2 CPUs are usable, also the clip as two time segments in two processes of one
   inference thread each (pose_segments), against one process choosing its own threads.
2. Peak memory (ru_maxrss of the child, from wait4) of `hipcoach pose` on a 1920x1080 30 fps video of
   --memory-seconds (a 10 s re-encode of the real clip, looped by stream copy), again with a spinning
   neighbour per CPU while it times 1 against 2 threads (so it drops to one thread), on a 5 s 4K
   clip and on a 5 s 10-bit HEVC DCI 4K clip (a phone's HDR mode): target < 500 MB. Then the worker
   itself over analysis jobs on those clips in turn, each job in a process of its own (jobs.child).
3. `estimate_video_segments` with 1, 2, 4, 8 worker processes, as many as this process may use CPUs,
   on the 720p clip looped to --workers-seconds (2 minutes); the counts above that are said not measured.
The load average and CPU pressure are printed at the start and the end: on a shared machine quote the
ratios, not the times.

Why ours is not cheaper per frame than the naive loop (3 Dec 2026, CPU seconds per 720p frame with one
inference thread, frames in memory where it says so, at load 13-14): the network is the same and it is
nearly all of the work, tasks detect_for_video 25.6-28.1 ms against the legacy graph's 24.1-26.1;
decoding with the RGB conversion 3.8 ms (PyAV, one thread, OpenCV's I420 conversion) against 3.0-4.5
(cv2.VideoCapture); turning the result into arrays adds nothing measurable. What ours adds is the people
counter (41 ms a call, once a second: ~1.4 ms a frame), the thread probe (a second model for ~6 frames)
and start-up (1.6 s of CPU): whole processes took 20.7 s of CPU against the naive loop's 18.4 on 673
frames. So ours can only be faster by using the second core, and on a busy machine it is not free: two
XNNPACK threads spin and collapse (3 frames/s at load 6; a 673-frame run did not finish in 8 minutes at
load 15), which is why the thread count is measured. Two 1-thread segment processes avoid the spinning,
but each later segment's tracker starts afresh, which moved rep ranges up to 9 degrees after the
boundary on a real clip (tests/motion/test_pose.py), so they are not the default for short clips
(benchmarks/bench_segments.py has every real clip's figures).

What `hipcoach analyse --no-video` costs beyond `hipcoach pose` (4 Dec 2026, whole processes in turn,
both with --threads 1): 10.9 s against 10.1 s wall (ratio 1.10), 0.8 s of CPU: after the pose, importing
the analysers (scipy.signal 0.44 s of it, for motion.clean's Butterworth; they load only after the pose
for memory, tests/analysis/test_run_imports.py), the plot (~0.6 s, matplotlib's import most of it) and
the analysis itself (~0.15 s). The pose runs once for one person. Left to choose threads, the two
differ more by which thread count each run's probe picked than by that: 9.6 s (analyse, 2 threads)
against 10.6 s (pose, 1 thread) in one series. With several people in view the first run used to be
a whole second pose pass; it now stops following once they are seen (cg_singleLegHip 13.8 -> 10.4 s).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIPS = ROOT.parent / "shared" / "data" / "clips"
SOURCE = CLIPS / "single_leg_squat_front_hyva7.mp4"
HIPCOACH = [str(Path(sys.executable).with_name("hipcoach"))]  # the console script, as a user runs it

NAIVE = """
import sys, cv2, mediapipe as mp
cap = cv2.VideoCapture(sys.argv[1])
with mp.solutions.pose.Pose(model_complexity=1) as pose:
    n = 0
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        n += 1
print(n)
"""


TWO_PROCESSES = "2 processes x 1 thread (time segments)"
SEGMENTS_CODE = (
    "import sys; from hipcoach.motion.pose_segments import estimate_video_segments as e\n"
    "e(sys.argv[1], workers=int(sys.argv[2]), min_segment_s=float(sys.argv[3]), threads=int(sys.argv[4]))"
    ".save(sys.argv[5])"
)


def machine() -> str:
    try:
        psi = Path("/proc/pressure/cpu").read_text().split()[1]
    except OSError:
        psi = "no PSI"
    cpus = len(os.sched_getaffinity(0))
    return f"load average {os.getloadavg()[0]:.1f}, CPU pressure {psi}, usable CPUs {cpus}"


def run(cmd: list[str], env: dict | None = None) -> tuple[float, float, float]:
    """(wall s, cpu s, peak RSS MiB) of one child process, from wait4."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed ({status}): {' '.join(cmd)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *args], check=True)


def make_clip(tmp: Path, frames: int) -> Path:
    clip = tmp / "hyva7_720p30.mp4"
    ffmpeg("-i", str(SOURCE), "-vf", "setpts=N/30/TB", "-r", "30", "-an", "-frames:v", str(frames),
           "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
           str(clip))  # fmt: skip
    return clip


def speed(tmp: Path, clip: Path, frames: int, repeats: int) -> None:
    one = tmp / "one.mp4"
    ffmpeg("-i", str(clip), "-frames:v", "1", "-c:v", "libx264", str(one))
    seconds = frames / 30
    commands = {
        "naive: OpenCV + legacy mp.solutions.pose": [sys.executable, "-c", NAIVE, str(clip)],
        "hipcoach pose": [*HIPCOACH, "pose", str(clip), "-o", str(tmp / "t.npz")],
        "hipcoach analyse --no-video": [
            *HIPCOACH,
            "analyse",
            str(clip),
            "-e",
            "single-leg-squat",
            "--no-video",
            "-o",
            str(tmp / "rep"),
        ],
        "start-up: hipcoach pose, 1 frame": [*HIPCOACH, "pose", str(one), "-o", str(tmp / "one.npz")],
    }
    if len(os.sched_getaffinity(0)) >= 2:  # the same clip as two time segments, one inference thread each
        commands[TWO_PROCESSES] = [
            sys.executable,
            "-c",
            SEGMENTS_CODE,
            str(clip),
            "2",
            "5",
            "1",
            str(tmp / "s.npz"),
        ]
    run(commands["hipcoach pose"])  # warm-up: the model bundle cache, the file cache
    print(f"  speed, at the start: {machine()}")
    runs: dict[str, list[tuple[float, float, float]]] = {k: [] for k in commands}
    for _ in range(repeats):
        for name, cmd in commands.items():
            runs[name].append(run(cmd))
    print(
        f"720p 30 fps clip, {frames} frames = {seconds:.1f} s; whole processes, median of {repeats} in turn"
    )
    naive = statistics.median(r[0] for r in runs["naive: OpenCV + legacy mp.solutions.pose"])
    for name, rs in runs.items():
        wall = statistics.median(r[0] for r in rs)
        cpu = statistics.median(r[1] for r in rs)
        mib = max(r[2] for r in rs)
        line = f"  {name:44s} wall {wall:6.1f} s  cpu {cpu:6.1f} s  peak {mib:4.0f} MiB"
        if not name.startswith("start-up"):
            line += f"  {frames / wall:5.1f} frames/s  {seconds / wall:4.2f}x real time"
            if not name.startswith("naive"):
                pairs = [
                    n[0] / o[0]
                    for n, o in zip(runs["naive: OpenCV + legacy mp.solutions.pose"], rs, strict=True)
                ]
                line += f"  ours/naive {naive / wall:4.2f} (pairs {min(pairs):.2f}-{max(pairs):.2f})"
        print(line)
    print(f"  speed, at the end: {machine()}")
    print("  targets: ours/naive >= 1.5, >= 5x real time")


def memory(tmp: Path, clip: Path, seconds: float) -> None:
    seg = tmp / "seg1080.mp4"
    ffmpeg("-stream_loop", "2", "-i", str(clip), "-t", "10", "-vf", "scale=1920:1080", "-c:v", "libx264",
           "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", str(seg))  # fmt: skip
    long = tmp / "long1080.mp4"
    loops = max(0, round(seconds / 10) - 1)
    ffmpeg("-stream_loop", str(loops), "-i", str(seg), "-c", "copy", "-t", str(seconds), str(long))
    uhd = tmp / "uhd.mp4"
    ffmpeg("-stream_loop", "2", "-i", str(clip), "-t", "5", "-vf", "scale=3840:2160", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(uhd))  # fmt: skip
    hdr = tmp / "hdr.mp4"  # what a phone's HDR mode records: 10-bit HEVC, here at the largest size accepted
    ffmpeg("-stream_loop", "2", "-i", str(clip), "-t", "5", "-vf", "scale=4096:2160", "-c:v", "libx265",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p10le", "-x265-params", "log-level=error",
           str(hdr))  # fmt: skip
    for label, path, length, busy in (
        (f"{seconds / 60:g} min 1920x1080", long, seconds, False),
        (f"{seconds / 60:g} min 1920x1080, CPUs busy during the thread probe", long, seconds, True),
        ("5 s 3840x2160", uhd, 5.0, False),
        ("5 s 4096x2160 10-bit HEVC", hdr, 5.0, False),
    ):
        # Busy: a spinning neighbour per CPU for the first seconds, so timing 1 against 2 threads finds 1
        # faster and the run drops to one thread, the other path through the model's memory (issue 14).
        neighbours = [
            subprocess.Popen([sys.executable, "-c", SPIN])
            for _ in range(len(os.sched_getaffinity(0)) if busy else 0)
        ]
        wall, _cpu, mib = run([*HIPCOACH, "pose", str(path), "-o", str(tmp / "m.npz")])
        for n in neighbours:
            n.wait()
        chosen = threads_chosen(tmp / "m.npz")
        print(f"  peak memory, hipcoach pose on {label} 30 fps: {mib:.0f} MiB (target < 500 MB; "
              f"{length * 30 / wall:.1f} frames/s, wall {wall:.0f} s; threads {chosen})")  # fmt: skip
        if busy and "measured" not in chosen:
            print("    (the CPUs were busy before it started, so it guessed 1 thread and did not time 1 "
                  "against 2: the path through the probe was not measured)")  # fmt: skip
    worker_jobs(tmp, [long, uhd, hdr])


def worker_jobs(tmp: Path, clips: list[Path]) -> None:
    """The worker's memory over jobs in turn: a process that has imported what the worker imports runs
    each clip as the queue does (jobs.analysis.default_analyser: a process of its own per job); its own
    peak and its largest job process's, from getrusage."""
    code = (
        "import json, resource, sys\n"
        "from pathlib import Path\n"
        "import hipcoach.jobs.standalone\n"
        "from hipcoach.jobs.analysis import default_analyser\n"
        "for i, clip in enumerate(sys.argv[2:]):\n"
        "    out = Path(sys.argv[1]) / f'job{i}'; out.mkdir()\n"
        "    default_analyser('exercise')(Path(clip), 'single-leg-squat', out, None)\n"
        "    me, kid = (resource.getrusage(w).ru_maxrss / 1024\n"
        "               for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
        "    print(json.dumps([Path(clip).name, me, kid]), flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp), *map(str, clips)], capture_output=True,
                          text=True, check=True)  # fmt: skip
    print("  the worker over analysis jobs in turn (hipcoach analyse as the queue runs it):")
    for line in done.stdout.splitlines():
        name, me, kid = json.loads(line)
        print(f"    after {name}: worker {me:.0f} MiB, largest job process so far {kid:.0f} MiB")


SPIN = "import time\nt = time.time()\nwhile time.time() - t < 15:\n    pass"


def threads_chosen(track: Path) -> str:
    """How the run chose its thread count: timing 1 against 2 threads runs a second model for a few
    frames (~110 MB), so a peak is comparable only between runs that did the same."""
    from hipcoach.motion.posetrack import PoseTrack

    return "; ".join(PoseTrack.load(track).meta["thread_choice"])


def probe_frames(clip: Path) -> int:
    out = subprocess.run(["ffprobe", "-v", "error", "-count_packets", "-select_streams", "v",
                          "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", str(clip)],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return int(out.strip())


def workers(tmp: Path, clip: Path, seconds: float, rounds: int) -> None:
    long = tmp / "long720.mp4"
    loops = str(int(seconds * 30 // max(1, probe_frames(clip))))
    ffmpeg("-stream_loop", loops, "-i", str(clip), "-c", "copy", "-t", str(seconds), str(long))
    cpus = len(os.sched_getaffinity(0))
    counts = [n for n in (1, 2, 4, 8) if n <= cpus]
    code = (
        "import sys; from hipcoach.motion.pose_segments import estimate_video_segments as e\n"
        "e(sys.argv[1], workers=int(sys.argv[2]), min_segment_s=20.0)"
    )
    walls: dict[int, list[float]] = {n: [] for n in counts}
    for _ in range(rounds):
        for n in counts:
            walls[n].append(run([sys.executable, "-c", code, str(long), str(n)])[0])
    base = statistics.median(walls[1])
    print(f"  worker processes on a {seconds:g} s 720p clip, {rounds} round(s) in turn ({cpus} usable CPUs):")
    for n in counts:
        wall = statistics.median(walls[n])
        print(
            f"    {n} process(es): wall {wall:5.1f} s, {3600 / wall:5.1f} frames/s, "
            f"speed-up {base / wall:.2f}"
        )
    for n in (4, 8):
        if n > cpus:
            print(f"    {n} processes: not measured: this process may use {cpus} CPUs, and more processes "
                  "than CPUs only share them")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--memory-seconds", type=float, default=600.0)
    ap.add_argument("--frames", type=int, default=673, help="frames of the 720p clip (673: all of it)")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-workers", action="store_true")
    ap.add_argument("--workers-seconds", type=float, default=120.0)
    ap.add_argument("--workers-rounds", type=int, default=2)
    args = ap.parse_args()
    if not SOURCE.exists():
        sys.exit(f"needs the real clips in {CLIPS}")
    print(f"start: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        clip = make_clip(Path(tmp), args.frames)
        if not args.skip_speed:
            speed(Path(tmp), clip, args.frames, args.repeats)
        if not args.skip_memory:
            memory(Path(tmp), clip, args.memory_seconds)
        if not args.skip_workers:
            workers(Path(tmp), clip, args.workers_seconds, args.workers_rounds)
    print(f"end: {machine()}")


if __name__ == "__main__":
    main()
