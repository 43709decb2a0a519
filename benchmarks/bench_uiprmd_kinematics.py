"""What the incorrect UI-PRMD hip-flexion movements do differently, in hipcoach's own kinematics series.

    .venv/bin/python benchmarks/bench_uiprmd_kinematics.py [--movements m02 m06] [--subjects 1 2 ...]

For each movement and subject, the ten correct and the ten incorrect episodes are imported with
`kinect.load_uiprmd` and filmed twice: from the side of the moving leg (the catalogue's "working side")
and from the front. Per episode, measured in the lift (frames where the moving hip's flexion is above
half its rise), each as a change from the episode's first frames unless said otherwise:

  side view   hip_rise     peak hip flexion of the moving leg minus its start (degrees)
              knee_move    knee flexion of the moving leg in the lift (absolute)
              knee_stand   knee flexion of the standing leg in the lift (absolute)
              trunk_fwd    trunk lean forwards (+) or backwards (−)
              speed        peak hip-flexion speed, degrees per second (5-frame smoothing)
              duration     episode length, seconds
  front view  trunk_side   trunk lean towards the moving leg (+) or away (−)
              hip_hike     pelvic obliquity, moving side up (+)
              abd_move     hip abduction of the moving leg (NaN while the thigh points at the camera)
              abd_stand    hip abduction of the standing leg

Labels are taken as the importer gives them (the skeleton's own left and right) with the view from
`classify_view`, so a mistake of the left/right resolver cannot blur the comparison. The table prints
medians over episodes (correct → incorrect); the summary counts subjects whose incorrect episodes sit
above (AUC ≥ 0.8) or below (AUC ≤ 0.2) their correct ones. Prints its figures; not a test.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np

from hipcoach.motion.kinect import load_uiprmd
from hipcoach.motion.kinematics import Kinematics, kinematics
from hipcoach.motion.views import classify_view

ROOT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "skeleton" / "ui-prmd"
MEASURES = (
    "hip_rise",
    "knee_move",
    "knee_stand",
    "trunk_fwd",
    "speed",
    "duration",
    "trunk_side",
    "hip_hike",
    "abd_move",
    "abd_stand",
)
OTHER = {"left": "right", "right": "left"}


def _series(track) -> Kinematics:
    return kinematics(track, resolve=False, view=classify_view(track))


def _smooth(x: np.ndarray, n: int = 5) -> np.ndarray:
    return np.convolve(np.pad(x, n // 2, mode="edge"), np.ones(n) / n, "valid")


def episode_measures(side: Kinematics, front: Kinematics, leg: str, a: int, b: int) -> dict[str, float]:
    """The measures of one episode (frames a..b) of a movement lifting `leg`."""
    stand = OTHER[leg]
    hip = side[f"hip_flexion_{leg}"][a:b]
    start = np.nanmedian(hip[:5])
    rise = np.nanmax(hip) - start
    lift = hip >= start + 0.5 * rise

    def change(k: Kinematics, name: str, sign: float = 1.0) -> float:
        x = k[name][a:b]
        return float(sign * (np.nanmedian(x[lift]) - np.nanmedian(x[:5])))

    def level(k: Kinematics, name: str) -> float:
        return float(np.nanmedian(k[name][a:b][lift]))

    toward = 1.0 if leg == "right" else -1.0  # trunk_lean_frontal is + towards the person's right
    hike = -toward  # pelvic_obliquity is + when the left hip is higher
    with np.errstate(all="ignore"):
        return {
            "hip_rise": float(rise),
            "knee_move": level(side, f"knee_flexion_{leg}"),
            "knee_stand": level(side, f"knee_flexion_{stand}"),
            "trunk_fwd": change(side, "trunk_lean_sagittal"),
            "speed": float(np.nanmax(np.abs(np.diff(_smooth(hip)))) * side_fps(side)),
            "duration": (b - a) / side_fps(side),
            "trunk_side": change(front, "trunk_lean_frontal", toward),
            "hip_hike": change(front, "pelvic_obliquity", hike),
            "abd_move": level(front, f"hip_abduction_{leg}"),
            "abd_stand": level(front, f"hip_abduction_{stand}"),
        }


def side_fps(k: Kinematics) -> float:
    return float(1.0 / np.median(np.diff(k.timestamps)))


def subject_measures(movement: str, subject: int, correct: bool) -> tuple[str, dict[str, np.ndarray]]:
    """The moving leg and each measure per episode for one subject's correct or incorrect set."""
    probe = load_uiprmd(ROOT, movement, subject, correct, view="front")
    leg = probe.meta["moving_leg"]
    side = _series(load_uiprmd(ROOT, movement, subject, correct, view=f"{leg}_side"))
    front = _series(probe)
    bounds = [*probe.meta["episode_start_frames"], probe.n_frames]
    rows = [episode_measures(side, front, leg, a, b) for a, b in itertools.pairwise(bounds)]
    return leg, {m: np.array([r[m] for r in rows]) for m in MEASURES}


def auc(correct: np.ndarray, incorrect: np.ndarray) -> float:
    """Probability that an incorrect episode's value exceeds a correct one's (ties count half)."""
    c, i = correct[np.isfinite(correct)], incorrect[np.isfinite(incorrect)]
    if len(c) == 0 or len(i) == 0:
        return float("nan")
    diff = i[:, None] - c[None, :]
    return float(((diff > 0).sum() + 0.5 * (diff == 0).sum()) / diff.size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movements", nargs="+", default=["m02", "m06"])
    parser.add_argument("--subjects", nargs="+", type=int, default=list(range(1, 11)))
    args = parser.parse_args()
    aucs: dict[str, dict[str, list[float]]] = {m: {k: [] for k in MEASURES} for m in args.movements}
    short = {m: m[:10] for m in MEASURES}
    header = f"{'mov':4} {'subj':>4} {'leg':5} {'legs':5} " + " ".join(f"{short[m]:>13}" for m in MEASURES)
    print("medians over episodes, correct → incorrect (degrees, deg/s, s)")
    print(header)
    for movement in args.movements:
        for subject in args.subjects:
            leg, good = subject_measures(movement, subject, True)
            leg_inc, bad = subject_measures(movement, subject, False)
            cells = []
            for m in MEASURES:
                aucs[movement][m].append(auc(good[m], bad[m]))
                digits = 1 if m == "duration" else 0
                cells.append(f"{np.nanmedian(good[m]):6.{digits}f}→{np.nanmedian(bad[m]):<6.{digits}f}")
            same = "same" if leg == leg_inc else "DIFF"
            print(f"{movement:4} {subject:4d} {leg:5} {same:5} " + " ".join(f"{c:>13}" for c in cells))
    print()
    print("subjects where incorrect sits above (AUC ≥ 0.8) / below (AUC ≤ 0.2) correct, per measure")
    print(f"{'measure':11} " + " ".join(f"{m:>14}" for m in args.movements))
    for m in MEASURES:
        cells = []
        for movement in args.movements:
            a = np.array(aucs[movement][m])
            cells.append(f"{int((a >= 0.8).sum()):>2} up {int((a <= 0.2).sum()):>2} down")
        print(f"{m:11} " + " ".join(f"{c:>14}" for c in cells))


if __name__ == "__main__":
    main()
