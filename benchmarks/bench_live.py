"""Live camera coaching speed. Prints its figures; not a test.

Server: saved pose tracks (the real clips' tracks cached by tests/analysis/test_live.py under
/tmp/hipcoach-live-tracks, else synthetic ones) are fed to analysis/live.py's LiveSet frame by frame at
15 frames/s, as the browser sends them. Each feed() is timed in CPU time of its thread (time.thread_time,
so other processes on a shared machine do not inflate it): per-frame p50/p95, the mean, and the sessions
one core holds at 15 frames/s (1 / (mean cost x 15)). Latency on the server's side: from the frame that
ends a rep (its end_s in the whole track's analysis, finish()'s report: a window may end it later) to the
frame whose feed() announced it, plus that feed()'s cost. A negative figure is a rep counted before the
frame the whole track ends it on: the windows saw it come back within the segmenter's leave share
(live_window.come_back) or ended it where its return slowed, and the frames after show a slow drift
the whole track's segmenter takes into the rep (knees drifting shut): the same rep, counted as the
runner comes back, not a count of something else.

Browser (--browser): Debian's Chromium headless with a fake camera fed from a clip converted to .y4m
(as tests/web/test_browser_live.py does), signed in on a throwaway server: the page's measured pose frames
a second (data-pose-fps) and, per counted rep, the time from the frame that ends it to its count on the
screen (the page's window.hipcoachLive.reps log), p50/p95.

Budget: the window analyses a second and the CPU of feed() per second of footage, per session; with
--against another checkout (e.g. /work/main), both trees measured in turns and the ratios printed.

    .venv/bin/python benchmarks/bench_live.py [--browser] [--clip NAME ...] [--against DIR [--rounds N]]
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


def rep_end(rep: dict, report: dict) -> float:
    """Where the whole track's analysis ends the rep a window announced (the same movement: more than
    half of the shorter shared), else where that window ended it. A window can end a rep later than the
    whole track does (it cannot see the frames after its newest one), so its own end_s would understate
    the delay."""
    from hipcoach.analysis.live_reps import overlap

    span = (rep["start_s"], rep["end_s"])
    same = [r for r in report.get("reps", []) if r["counted"] and overlap(span, (r["start_s"], r["end_s"]))]
    return same[0]["end_s"] if same else rep["end_s"]


def server(quiet: bool = False) -> dict[str, float]:
    """Feed every track to a LiveSet; print (unless `quiet`) and return the figures."""
    import importlib

    from hipcoach.analysis import live as live_module

    try:  # where the window analysis calls analyse_track from (live.py itself before live_window)
        caller, finishes = importlib.import_module("hipcoach.analysis.live_window"), 0
    except ModuleNotFoundError:
        caller, finishes = live_module, 1  # ... and finish() calls it there too
    runs = [0]
    analyse = caller.analyse_track

    def counted(*args, **kwargs):
        runs[0] += 1
        return analyse(*args, **kwargs)

    caller.analyse_track = counted
    say = (lambda *a: None) if quiet else print
    costs, latencies, total_s, analyses = [], [], 0.0, 0
    for name, exercise, side, track in tracks():
        live = live_module.LiveSet(exercise, side, 100, 0.0, track.frame_size)
        mine, mylat, runs[0] = [], [], 0
        for i, t in enumerate(track.timestamps):
            world = track.world[i] if np.isfinite(track.world[i]).any() else None
            a = time.thread_time()
            events = live.feed(float(t), track.landmarks[i], world)
            cost = time.thread_time() - a
            mine.append(cost)
            mylat += [float(t) + cost for e in events if e["type"] == "rep"]
        a = time.thread_time()
        outcome = live.finish()
        end = time.thread_time() - a
        mylat = [at - rep_end(r, outcome.report) for at, r in zip(mylat, live._reps, strict=False)]
        ran = runs[0] - finishes
        costs += mine
        latencies += mylat
        lat = (
            f"rep-end to count p50 {np.median(mylat) * 1000:4.0f} max {max(mylat) * 1000:4.0f} ms"
            if mylat
            else ""
        )
        seconds = float(track.timestamps[-1])
        total_s += seconds
        analyses += ran
        ms = np.array(mine) * 1000
        say(
            f"{name:45s} {len(ms):4d} frames  p50 {np.percentile(ms, 50):6.2f} ms  p95 "
            f"{np.percentile(ms, 95):6.2f} ms  mean {ms.mean():6.2f} ms  finish {end * 1000:5.0f} ms  "
            f"{ran / seconds:4.2f} analyses/s  {lat}  live {outcome.reps_by_side}"
        )
        at_end = sum(e["type"] == "rep" for e in outcome.events)
        say(f"  {'':43s} each rep, ms: {' '.join(f'{x * 1000:.0f}' for x in mylat)}; at finish(): {at_end}")
    caller.analyse_track = analyse
    ms = np.array(costs) * 1000
    lat = np.array(latencies or [np.nan]) * 1000
    got = {
        "frame_p50_ms": float(np.percentile(ms, 50)),
        "frame_p95_ms": float(np.percentile(ms, 95)),
        "frame_mean_ms": float(ms.mean()),
        "analyses_per_s": analyses / total_s,
        "cpu_ms_per_s": float(ms.sum()) / total_s,
        "sessions_per_core": 1000 / (float(ms.mean()) * FPS),
        "latency_p50_ms": float(np.percentile(lat, 50)),
        "latency_p95_ms": float(np.percentile(lat, 95)),
    }
    say(
        f"server per-frame CPU: p50 {got['frame_p50_ms']:.2f} ms, p95 {got['frame_p95_ms']:.2f} ms, "
        f"max {ms.max():.1f} ms, mean {got['frame_mean_ms']:.2f}"
    )
    rate = got["analyses_per_s"]
    say(f"  over {len(ms)} frames ({total_s:.0f} s of sets), {rate:.2f} window analyses a second")
    say(f"per-session CPU: {got['cpu_ms_per_s']:.1f} ms per second of footage (all of feed())")
    early = getattr(live_module, "EARLY_PER_S", None)
    if early is not None and analyses:
        each = float(np.sort(ms)[-analyses:].mean())  # the costliest frames are those that analysed
        most = 1 / live_module.STEP_S + early
        say(f"  budget: at most {most:.1f} analyses a second (1/STEP_S + EARLY_PER_S) x {each:.1f} ms each")
    say(f"sessions one core holds at {FPS:g} frames/s: {got['sessions_per_core']:.1f}")
    if latencies:
        say(f"server latency, rep-ending frame to its event: p50 {got['latency_p50_ms']:.0f} ms, "
            f"p95 {got['latency_p95_ms']:.0f} ms")  # fmt: skip
        say(f"  ({len(latencies)} reps; the network and the page add to it)")
    return got


def against(other: Path, rounds: int) -> None:
    """This tree's figures and those of another checkout (`other`, e.g. /work/main) measured in turns,
    `rounds` times each, in fresh processes: medians and the ratio this / other, which a machine shared
    with other work disturbs less than either figure alone."""
    import json
    import os
    import subprocess

    here = Path(__file__).resolve().parents[1]
    got: dict[str, list[dict]] = {"this": [], "other": []}
    for _ in range(rounds):
        for key, tree in (("other", other), ("this", here)):
            env = dict(os.environ, PYTHONPATH=str(tree / "src"))
            out = subprocess.run(
                [sys.executable, __file__, "--json"], env=env, capture_output=True, text=True, check=True
            )
            got[key].append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'':22s} {'other':>10s} {'this':>10s} {'this/other':>11s}   ({rounds} rounds, medians)")
    print(f"  other = {other}")
    for k in got["this"][0]:
        a = float(np.median([g[k] for g in got["other"]]))
        b = float(np.median([g[k] for g in got["this"]]))
        print(f"{k:22s} {a:10.2f} {b:10.2f} {b / a if a else float('nan'):11.2f}")


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
    ap.add_argument(
        "--against", type=Path, help="also measure this checkout's src (e.g. /work/main), in turns"
    )
    ap.add_argument("--rounds", type=int, default=3, help="turns each with --against")
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.json:
        import json

        print(json.dumps(server(quiet=True)))
        return
    server()
    if args.against:
        against(args.against.resolve(), args.rounds)
    if args.browser:
        browser(args.clip)


if __name__ == "__main__":
    main()
