"""Live camera coaching speed. Prints its figures; not a test.

Server: saved pose tracks (the real clips' tracks cached by tests/analysis/test_live.py under
/tmp/hipcoach-live-tracks, else synthetic ones) are fed to analysis/live.py's LiveSet frame by frame at
15 frames/s, as the browser sends them. Each feed() is timed in CPU time of its thread (time.thread_time,
so other processes on a shared machine do not inflate it): per-frame p50/p95, the mean, and the sessions
one core holds at 15 frames/s (1 / (mean cost x 15)). Latency on the server's side: from the frame that
ends a rep (its end_s) to the frame whose feed() announced it, plus that feed()'s cost.

Browser (--browser): Debian's Chromium headless with a fake camera fed from a clip converted to .y4m
(as tests/web/test_browser_live.py does), signed in on a throwaway server: the page's measured pose frames
a second (data-pose-fps) and, per counted rep, the time from the frame that ends it to its count on the
screen (the page's window.hipcoachLive.reps log), p50/p95.

    .venv/bin/python benchmarks/bench_live.py [--browser] [--clip NAME ...]
"""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FPS = 15.0
CACHE = Path("/tmp/hipcoach-live-tracks")
CLIPS = {  # clip → (exercise, side), as tests/analysis/test_live.py
    "clamshell_band_side_6right.mp4": ("clamshell", "right"),
    "single_leg_squat_front_hyva_ja_paha2.mp4": ("single-leg-squat", "both"),
    "bridge_bilateral_side_1rep.mp4": ("bilateral-bridge", "both"),
}


def at_fps(track, fps: float):
    """The track's frames thinned to at most `fps` a second (what the page sends)."""
    from dataclasses import replace

    keep, last = [], -1.0
    for i, t in enumerate(track.timestamps):
        if t - last >= 1.0 / fps - 1e-6:
            keep.append(i)
            last = t
    idx = np.asarray(keep)
    return replace(
        track,
        landmarks=track.landmarks[idx],
        presence=track.presence[idx],
        world=track.world[idx],
        timestamps=track.timestamps[idx],
        fps=fps,
    )


def tracks() -> list[tuple[str, str, str, object]]:
    from hipcoach.motion.posetrack import PoseTrack
    from hipcoach.motion.synthetic import generate

    out = []
    for name, (exercise, side) in CLIPS.items():
        path = CACHE / f"{name}.npz"
        if path.exists():
            out.append((name, exercise, side, at_fps(PoseTrack.load(path), FPS)))
    if not out:
        print("(no cached real tracks: run tests/analysis/test_live.py once; synthetic tracks instead)")
        for exercise, side in (("clamshell", "right"), ("single-leg-squat", "right")):
            track, _ = generate(exercise, reps=8, sides=side, fps=FPS)
            out.append((f"synthetic {exercise}", exercise, side, track))
    return out


def server() -> None:
    from hipcoach.analysis.live import LiveSet

    costs, latencies, total_s = [], [], 0.0
    for name, exercise, side, track in tracks():
        live = LiveSet(exercise, side, 100, 0.0, track.frame_size)
        mine = []
        for i, t in enumerate(track.timestamps):
            world = track.world[i] if np.isfinite(track.world[i]).any() else None
            a = time.thread_time()
            events = live.feed(float(t), track.landmarks[i], world)
            cost = time.thread_time() - a
            mine.append(cost)
            latencies += [float(t) - e["end_s"] + cost for e in events if e["type"] == "rep"]
        a = time.thread_time()
        outcome = live.finish()
        end = time.thread_time() - a
        costs += mine
        total_s += float(track.timestamps[-1])
        ms = np.array(mine) * 1000
        print(
            f"{name:45s} {len(ms):4d} frames  p50 {np.percentile(ms, 50):6.2f} ms  p95 "
            f"{np.percentile(ms, 95):6.2f} ms  mean {ms.mean():6.2f} ms  finish {end * 1000:5.0f} ms  "
            f"live {outcome.reps_by_side}"
        )
    ms = np.array(costs) * 1000
    mean = float(ms.mean())
    p50, p95 = np.percentile(ms, 50), np.percentile(ms, 95)
    print(f"server per-frame CPU: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {ms.max():.1f} ms, mean {mean:.2f}")
    print(f"  over {len(ms)} frames ({total_s:.0f} s of sets)")
    print(f"sessions one core holds at {FPS:g} frames/s: {1000 / (mean * FPS):.1f}")
    if latencies:
        lat = np.array(latencies) * 1000
        p50, p95 = np.percentile(lat, 50), np.percentile(lat, 95)
        print(f"server latency, rep-ending frame to its event: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        print(f"  ({len(lat)} reps; the network and the page add to it)")


def browser(clips: list[str]) -> None:
    import tempfile

    import uvicorn

    from hipcoach.settings import Settings
    from hipcoach.web.app import create_app
    from tests.web.test_browser_live import CLIPS as STEPS
    from tests.web.test_browser_live import LiveRun, runner_on, step_of, to_y4m

    work = Path(tempfile.mkdtemp(prefix="bench-live-"))
    app = create_app(Settings(data_dir=work / "served"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    fps, latencies = [], []
    try:
        for k, name in enumerate(clips):
            exercise, side = STEPS[name]
            y4m = work / f"{k}.y4m"
            seconds = to_y4m(Path("/work/shared/data/clips") / name, y4m)
            client, sessions = runner_on(base, f"bench{k}@example.org")
            uid, number, _ = step_of(sessions, exercise, side)
            with LiveRun(base, client, y4m, work / f"profile-{k}") as run:
                got = run.count(uid, number, seconds)
            fps.append(got["pose_fps"])
            latencies += got["latencies_ms"]
            print(f"{name:45s} pose {got['pose_fps']:.1f} frames/s, counted {got['reps_by_side']}")
    finally:
        server.should_exit = True
        thread.join(30)
    print(f"in-browser pose (headless Chromium, software WebGL): {np.mean(fps):.1f} frames/s")
    if latencies:
        lat = np.array(latencies)
        print(f"rep-ending frame to its count on screen: p50 {np.percentile(lat, 50):.0f} ms, "
              f"p95 {np.percentile(lat, 95):.0f} ms ({len(lat)} reps)")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--browser", action="store_true", help="also run the page in headless Chromium")
    ap.add_argument("--clip", nargs="*", default=list(CLIPS), choices=list(CLIPS))
    args = ap.parse_args()
    server()
    if args.browser:
        browser(args.clip)


if __name__ == "__main__":
    main()
