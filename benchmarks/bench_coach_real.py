"""Video coach on real data: expected against found for the real and computer-generated clips (real pose
model), UI-PRMD Kinect recordings, and the time to analyse a 10-minute pose track. Prints its figures.

    .venv/bin/python benchmarks/bench_coach_real.py [--cache DIR] [--skip-clips] [--skip-uiprmd]

Pose tracks of the clips are cached in --cache (default: a folder in the system temp dir) so reruns
only time the analysis.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks._common import TRACK_CACHE, cached_track
from hipcoach.analysis.coach import analyse_track
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.synthetic import Tempo, generate

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
# clip → (exercise, expected from ../shared/data/README.md)
CLIPS = {
    "bridge_bilateral_side_1rep.mp4": ("bilateral-bridge", "1 rep, hold 1.7 ± 0.3 s"),
    "single_leg_squat_front_hyva_ja_paha2.mp4": (
        "single-leg-squat",
        "5 left then 5 right; right set caves more",
    ),
    "single_leg_squat_front_hyva7.mp4": ("single-leg-squat", "4"),
    "single_leg_squat_front_hyva3.mp4": ("single-leg-squat", "1"),
    "single_leg_squat_front_hyva6.mp4": ("single-leg-squat", "1"),
    "single_leg_squat_front_hyva_ja_paha.mp4": ("single-leg-squat", "1"),
    "single_leg_squat_front_hyva2.mp4": ("single-leg-squat", "1 full + 2 partial"),
    "cg_clamshell.mp4": ("clamshell", "about 4"),
    "cg_banded-walk.mp4": ("side-step", "about 5"),
    "cg_bridge.mp4": ("bilateral-bridge", "2"),
    "cg_singleLegHip.mp4": ("single-leg-bridge", "about 3"),
}


def _track(cache: Path, clip: str) -> PoseTrack:
    return cached_track(cache, DATA / "clips" / clip)


def _found(report: dict) -> str:
    if report["status"] != "ok":
        return f"not matching: {report['problem']['code']}"
    s = report["summary"]
    sides = "".join(r["side"][0].upper() for r in report["reps"] if r["counted"])
    text = f"{s['reps_total']} ({sides})"
    if s["partial_reps"]:
        text += f" + {s['partial_reps']} partial"
    holds = [r["hold_s"] for r in report["reps"] if r["counted"]]
    if report["exercise"]["id"].endswith("bridge") and holds:
        text += f", hold {statistics.mean(holds):.2f} s"
    caves = {
        side: sum(
            any(f["code"] == "knee_caves" for f in r["faults"]) for r in report["reps"] if r["side"] == side
        )
        for side in ("left", "right")
    }
    if report["exercise"]["id"] == "single-leg-squat":
        text += f", knee caves L{caves['left']} R{caves['right']}"
    return text


def clips(cache: Path) -> None:
    print(f"{'clip':42s} {'expected':42s} found")
    for clip, (exercise, expected) in CLIPS.items():
        report = analyse_track(_track(cache, clip), exercise).report
        print(f"{clip:42s} {expected:42s} {_found(report)}")


def uiprmd() -> None:
    from hipcoach.motion.kinect import load_uiprmd

    root = DATA / "skeleton" / "ui-prmd"
    print(
        "\nUI-PRMD as standing-band-hip-flexion (side view): reps per subject 1-10, form faults (not tempo)"
    )
    for movement in ("m02", "m06"):
        for correct in (True, False):
            counts, faults = [], 0
            for subject in range(1, 11):
                track = load_uiprmd(root, movement=movement, subject=subject, correct=correct)
                r = analyse_track(track, "standing-band-hip-flexion").report
                counts.append(r["summary"]["reps_total"])
                faults += sum(
                    f["code"] != "moving_too_fast"
                    for rep in r["reps"]
                    if rep["counted"]
                    for f in rep["faults"]
                )
            label = "correct" if correct else "incorrect"
            exact = sum(c == 10 for c in counts)
            print(f"  {movement} {label:9s} counts {counts}  exactly 10: {exact}/10  form faults: {faults}")


def speed(repeats: int = 5) -> None:
    track, _ = generate("clamshell", reps=62, sides="both", tempo=Tempo(1.5, 1.0, 1.5, 0.8))
    track = track.take(track.timestamps <= 600.0)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        analyse_track(track, "clamshell")
        times.append(time.perf_counter() - start)
    print(
        f"\nAnalysis of a {track.duration / 60:.1f}-minute track ({track.n_frames} frames): median "
        f"{statistics.median(times):.2f} s, best {min(times):.2f} s over {repeats} runs"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=TRACK_CACHE)
    ap.add_argument("--skip-clips", action="store_true")
    ap.add_argument("--skip-uiprmd", action="store_true")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    if not args.skip_clips:
        clips(args.cache)
    if not args.skip_uiprmd:
        uiprmd()
    speed()


if __name__ == "__main__":
    main()
