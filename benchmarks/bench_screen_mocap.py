"""Running screen against treadmill motion capture, trial by trial. Prints its figures; not a test.

    .venv/bin/python benchmarks/bench_screen_mocap.py [--fps 60] [--trials NAME ...]

Every Fukuchi running trial is filmed by a virtual phone behind the treadmill (straight behind, 10° and
20° off to the side), without noise and with pose-model-like keypoint noise (0.002 and 0.003 of the
runner's image height, 3% of frames lost), and run through `screen_running`. Per row: stances matched
to the markers' own stances, pelvic-drop RMSE and bias (screen minus markers, per stance), the median
timing error of the estimated stance start and end, and cadence from the screen against the markers.
Then the OpenPose rear-running keypoints go through the same screen and what it says is printed.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from hipcoach.analysis.screen_running import screen_running
from hipcoach.motion import mocap
from hipcoach.motion.trackio import from_openpose

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
MOCAP = DATA / "mocap" / "fukuchi_running"
OPENPOSE = DATA / "keypoints" / "rear_running_openpose"
CONDITIONS = ((0.0, 0.0), (0.002, 0.03), (0.003, 0.03))  # (noise, dropout)


def run_trial(trial, offsets, truth, yaw: float, noise: float, dropout: float, fps: float) -> dict:
    start = time.perf_counter()
    track = mocap.film_from_behind(trial, offsets, yaw_deg=yaw, noise=noise, dropout=dropout, fps=fps)
    report = screen_running(track).report
    seconds = time.perf_counter() - start
    pairs = mocap.match_stances(report["stances"], truth, float(trial.t[0]))
    err = np.array([s["peak_drop_deg"] - m["peak_drop_deg"] for s, m in pairs])
    t0 = float(trial.t[0])
    start_err = [s["stance_start_s"] + t0 - m["start"] for s, m in pairs]
    end_err = [s["stance_end_s"] + t0 - m["end"] for s, m in pairs]
    return {
        "matched": len(pairs),
        "truth": len(truth),
        "rmse": float(np.sqrt(np.mean(err**2))) if len(err) else float("nan"),
        "bias": float(err.mean()) if len(err) else float("nan"),
        "start": float(np.median(start_err)) if pairs else float("nan"),
        "end": float(np.median(end_err)) if pairs else float("nan"),
        "cadence": report["cadence_steps_per_min"],
        "marker_cadence": mocap.marker_cadence(truth),
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fps", type=float, default=60.0, help="frame rate of the virtual phone")
    parser.add_argument("--trials", nargs="*", help="trial file names (default: every running trial)")
    args = parser.parse_args()
    offsets = mocap.joint_offsets(mocap.read_fukuchi(MOCAP / "RBDS0041static.txt"))
    names = args.trials or sorted(p.name for p in MOCAP.glob("RBDS*run*.txt"))
    print(f"virtual phone at {args.fps:g} fps; drop error = screen minus markers, per matched stance")
    header = (
        f"{'trial':<26}{'yaw':>5}{'noise':>7}{'stances':>10}{'RMSE°':>7}{'bias°':>7}{'start s':>9}"
        f"{'end s':>7}{'cad screen':>11}{'markers':>9}{'s':>6}"
    )
    print(header)
    print("-" * len(header))
    worst: dict[float, float] = {}
    for name in names:
        trial = mocap.read_fukuchi(MOCAP / name)
        truth = mocap.marker_drops(trial, offsets)
        for yaw in (0.0, 10.0, 20.0):
            for noise, dropout in CONDITIONS:
                r = run_trial(trial, offsets, truth, yaw, noise, dropout, args.fps)
                worst[noise] = max(worst.get(noise, 0.0), r["rmse"])
                print(
                    f"{name:<26}{yaw:>5.0f}{noise:>7.3f}{r['matched']:>5}/{r['truth']:<4}{r['rmse']:>7.2f}"
                    f"{r['bias']:>7.2f}{r['start']:>9.3f}{r['end']:>7.3f}{r['cadence']:>11.1f}"
                    f"{r['marker_cadence']:>9.1f}{r['seconds']:>6.2f}"
                )
    print("worst pelvic-drop RMSE by noise level: " + ", ".join(f"{k:g}: {v:.2f}°" for k, v in worst.items()))

    print("\nOpenPose rear-running keypoints (Radluy/Running-Gait-Analysis):")
    report = screen_running(from_openpose(OPENPOSE)).report
    for s in report["stances"]:
        print(
            f"  stance {s['index']}: {s['side']:<5} {s['stance_start_s']:.2f}-{s['stance_end_s']:.2f} s, "
            f"contralateral drop {s['peak_drop_deg']:+.1f}°"
        )
    print(f"  cadence {report['cadence_steps_per_min']} steps/min; left/right {report['left_right']}")
    print(f"  needs work: {report['needs_work_side']}; quality: {[q['code'] for q in report['quality']]}")
    print("  " + report["interpretation"].replace("\n\n", "\n  "))


if __name__ == "__main__":
    main()
