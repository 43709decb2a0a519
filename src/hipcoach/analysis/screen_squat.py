"""Single-leg squat screen from the front: per rep and stance leg, knee angle, pelvic drop, trunk lean.

Why: a hip that cannot hold the thigh and pelvis lets the knee move inwards and the free side of the
pelvis sink as the runner squats on one leg. Per rep this measures, at the bottom of the squat (the
pelvis's lowest point, where the knee is most bent):
  peak knee flexion (the pose model's 3D estimate: from the front, knee bend is not in the picture),
  the knee's frontal-plane projection angle (FPPA, + = knee inwards of the hip-ankle line), taken at the
  bottom or, when the thigh points at the camera there and the angle is undefined, at the nearest frame
  within FPPA_WINDOW_S where it is defined (the rep says which and how far away; never made up),
  contralateral pelvic drop (the free leg's side below the stance side) and trunk lean over the stance
  leg. Left is judged against right with the verified measurement error (screen_evidence).
"""

from __future__ import annotations

import numpy as np

from hipcoach.analysis import screen_evidence as ev
from hipcoach.analysis.prepared import Prepared
from hipcoach.analysis.screen_prepare import OTHER, prepare_screen, rounded, screen_header
from hipcoach.analysis.segmenter import SegmenterConfig, segment
from hipcoach.analysis.sides import standing_side
from hipcoach.analysis.timeline import Mark, Result, Signal, Span, Timeline
from hipcoach.errors import UserError
from hipcoach.motion.posetrack import PoseTrack

CUTOFF_HZ = 6.0
FPPA_WINDOW_S = 0.5
MIN_LOWERING = 0.15  # pelvis lowering, in trunk lengths, that can count as a squat at all
CAMERA_ADVICE = (
    "Put the phone straight in front of you, level, at knee-to-hip height, 2-3 m away, with your whole "
    "body from head to feet in the picture, and face it while you squat."
)


def _fppa_near(t: np.ndarray, fppa: np.ndarray, bottom: int) -> tuple[float | None, float | None, str]:
    """FPPA at the bottom, else at the nearest frame within the window where it is defined."""
    if np.isfinite(fppa[bottom]):
        return float(fppa[bottom]), 0.0, "at the bottom"
    near = np.flatnonzero(np.isfinite(fppa) & (np.abs(t - t[bottom]) <= FPPA_WINDOW_S))
    if len(near) == 0:
        return None, None, f"not measurable: the thigh pointed at the camera for over {FPPA_WINDOW_S} s"
    k = near[np.argmin(np.abs(t[near] - t[bottom]))]
    return float(fppa[k]), float(t[k] - t[bottom]), "nearest frame where the thigh could be seen"


def _reps(prepared: Prepared) -> list[dict]:
    kin, points = prepared.kin, prepared.points
    t = kin.timestamps
    reps = segment(t, -kin["pelvis_height"], SegmenterConfig(min_range=MIN_LOWERING))
    out = []
    for i, rep in enumerate(reps, start=1):
        side = standing_side(points, rep.start, rep.end)
        fppa, offset, how = _fppa_near(t, kin.side("knee_fppa", side), rep.peak)
        flexion = kin.side("knee_flexion_3d", side)
        around = flexion[max(rep.start, rep.peak - 3) : rep.peak + 4]
        lean_sign = -1.0 if side == "left" else 1.0  # trunk_lean_frontal: + towards the person's right
        out.append(
            {
                "index": i,
                "side": side,
                "start_s": rounded(t[rep.start], 3),
                "bottom_s": rounded(t[rep.peak], 3),
                "end_s": rounded(t[rep.end], 3),
                "partial": rep.partial,
                "peak_knee_flexion_deg": rounded(np.nanmax(around)) if np.isfinite(around).any() else None,
                "fppa_deg": rounded(fppa),
                "fppa_taken": how,
                "fppa_offset_s": rounded(offset, 3),
                "pelvic_drop_deg": rounded(kin.side("pelvic_drop", OTHER[side])[rep.peak]),
                "trunk_lean_over_stance_deg": rounded(lean_sign * kin["trunk_lean_frontal"][rep.peak]),
            }
        )
    return out


def _mean_sd(values: list) -> tuple[float | None, float | None, int]:
    x = np.array([v for v in values if v is not None], float)
    return (rounded(x.mean()) if len(x) else None, rounded(x.std(ddof=1)) if len(x) > 1 else None, len(x))


def _side_summary(reps: list[dict], side: str) -> dict:
    full = [r for r in reps if r["side"] == side and not r["partial"]]
    out: dict = {"reps": len(full), "partial_reps": sum(r["side"] == side and r["partial"] for r in reps)}
    for key, name in (
        ("fppa_deg", "fppa"),
        ("pelvic_drop_deg", "pelvic_drop"),
        ("trunk_lean_over_stance_deg", "trunk_lean"),
        ("peak_knee_flexion_deg", "knee_flexion"),
    ):
        mean, sd, n = _mean_sd([r[key] for r in full])
        out[f"{name}_mean_deg"], out[f"{name}_sd_deg"] = mean, sd
        if name == "fppa":
            out["fppa_reps_measured"] = n
    return out


def _compare(per_side: dict, key: str, threshold: float, bigger: str) -> dict:
    """Left minus right; a side is named only past `threshold` and when its own value is positive
    (a knee that moves outwards less, or a pelvis that rises less, is not a fault of the other side)."""
    left, right = per_side["left"][key], per_side["right"][key]
    diff = None if left is None or right is None else left - right
    beyond = diff is not None and abs(diff) >= threshold and max(left, right) > 0
    return {
        "difference_deg": rounded(diff),
        bigger: ("left" if diff > 0 else "right") if beyond else None,
        "threshold_deg": threshold,
        "beyond_measurement_error": bool(beyond),
    }


def _left_right(per_side: dict) -> dict:
    fppa = _compare(per_side, "fppa_mean_deg", ev.FPPA_SIDE_DIFFERENCE_DEG, "more_inward")
    drop = _compare(
        per_side, "pelvic_drop_mean_deg", ev.PELVIC_DROP_RESOLUTION_DEG, "larger_drop_standing_on"
    )
    needs = fppa["more_inward"] or drop["larger_drop_standing_on"]
    basis = "knee angle" if fppa["more_inward"] else "pelvic drop" if needs else None
    return {"fppa": fppa, "pelvic_drop": drop, "needs_work_side": needs, "decided_by": basis}


def _timeline(prepared, reps: list[dict]) -> Timeline:
    kin = prepared.kin
    t = kin.timestamps
    inwards = "knee angle from the front (+ = inwards)"
    signals = [
        Signal("knee_fppa_left", f"left {inwards}", "deg", t, kin["knee_fppa_left"], "left"),
        Signal("knee_fppa_right", f"right {inwards}", "deg", t, kin["knee_fppa_right"], "right"),
        Signal(
            "pelvic_obliquity", "pelvic obliquity (+ = left hip higher)", "deg", t, kin["pelvic_obliquity"]
        ),
    ]
    spans = [Span(r["start_s"], r["end_s"], r["side"], f"rep {r['index']}", not r["partial"]) for r in reps]
    marks = [
        Mark(r["bottom_s"] + (r["fppa_offset_s"] or 0.0), r["side"], f"{r['side']} knee {r['fppa_deg']:.0f}°")
        for r in reps
        if r["fppa_deg"] is not None
    ]
    return Timeline(signals, spans, marks)


def prepare_clip(track: PoseTrack) -> Prepared:
    """The clip prepared as this screen cleans it (analysis.prepared, low-pass at CUTOFF_HZ)."""
    return prepare_screen(track, CUTOFF_HZ)


def screen_single_leg_squat(track: PoseTrack, prepared: Prepared | None = None) -> Result:
    """Screen single-leg squats filmed from the front; raises UserError for another view, no person or no
    squat found on either leg.
    `prepared`: the clip already prepared by prepare_clip (analysis.run prepares each clip once)."""
    prepared = prepared or prepare_clip(track)
    header = screen_header(prepared, "single-leg-squat", ("front",), CAMERA_ADVICE)
    reps = _reps(prepared)
    per_side = {side: _side_summary(reps, side) for side in OTHER}
    if not any(per_side[s]["reps"] for s in OTHER):
        raise UserError(
            "No single-leg squat was found in the video.",
            "Squat on one leg until the knee bends clearly, 5 times on each leg, facing the camera.",
        )
    left_right = _left_right(per_side)
    missing = [s for s in OTHER if not per_side[s]["reps"]]
    report = {
        **header,
        "reps": reps,
        "per_side": per_side,
        "left_right": left_right,
        "needs_work_side": left_right["needs_work_side"],
        "interpretation": ev.squat_interpretation(per_side, left_right)
        + (
            f"\n\nNo squat on your {missing[0]} leg was found: film both legs to compare them."
            if missing
            else ""
        ),
        "measurement_notes": ev.SQUAT_NOTES,
        "evidence": ev.cite("fppa_error", "fppa_not_3d", "fppa_norms"),
    }
    rows = [{"test": "single-leg-squat", **r} for r in reps]
    return Result(report, rows, _timeline(prepared, reps))
