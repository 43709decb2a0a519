"""Running screen from behind: contralateral pelvic drop per stance, cadence, left/right, trend.

Why these measures: in Bramah 2018 (see screen_evidence) pelvic drop in stance was the measure that best
separated injured from uninjured runners. From behind, a phone sees the line between the hips; while one
foot is on the ground the other side of the pelvis sinks, and how far it sinks at its lowest is the
contralateral pelvic drop of that stance. A drop that is larger when standing on one leg points to the
hip of that standing leg as the one to strengthen.

Validated against treadmill motion capture (benchmarks/bench_screen_mocap.py; the bounds are held by
tests/analysis/test_screen_running.py). The track is cleaned with a 10 Hz low-pass rather than the
default 6 Hz: 6 Hz flattened the drop's peak by up to 1° against the markers at 4.5 m/s.
"""

from __future__ import annotations

import numpy as np

from hipcoach.analysis import gait_events, screen_evidence
from hipcoach.analysis.prepared import Prepared
from hipcoach.analysis.screen_prepare import OTHER, prepare_screen, rounded, screen_header
from hipcoach.analysis.timeline import Mark, Result, Signal, Span, Timeline
from hipcoach.errors import UserError
from hipcoach.motion.posetrack import PoseTrack

CUTOFF_HZ = 10.0
MIN_STANCES_PER_SIDE = 2
STEADY_STANCES_PER_SIDE = 10  # fewer than this per side: say the averages are rough
CAMERA_ADVICE = (
    "Put the phone behind the runner (on the treadmill's centre line, or the path they run away along), "
    "at hip height, level, 2-4 m away, in portrait, with the whole body from head to feet in the picture."
)


def _peak_window(x: np.ndarray, t: np.ndarray, a: int, b: int) -> np.ndarray:
    """x over a stance; at 50 frames/s and more, each frame averaged with its neighbours (weights 1-2-1).
    The largest value of a noisy curve reads high; at 60 frames/s the averaging takes part of that bias
    away (worst trial with noise 0.003: 2.13° → 1.94° RMSE), at 30 it flattens the true peak more than it
    helps (clean: 0.86° → 1.42°), so there it is not done."""
    if float(np.median(np.diff(t))) > 1 / 50:
        return x[a : b + 1]
    lo, hi = max(0, a - 1), min(len(x), b + 2)
    seg = x[lo:hi]
    ok = np.isfinite(seg)
    kernel = np.array([1.0, 2.0, 1.0])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.convolve(np.where(ok, seg, 0.0), kernel, "same") / np.convolve(ok, kernel, "same")
    mean[~ok] = np.nan
    return mean[a - lo : a - lo + (b - a + 1)]


def _stances(prepared, steps: list[gait_events.Step]) -> list[dict]:
    kin = prepared.kin
    t = kin.timestamps
    out = []
    for i, s in enumerate(steps):
        drop = _peak_window(kin.side("pelvic_drop", OTHER[s.side]), t, s.stance_start, s.stance_end)
        if not np.isfinite(drop).any():
            continue
        k = s.stance_start + int(np.nanargmax(drop))
        previous = steps[i - 1] if i and steps[i - 1].end == s.start else None
        out.append(
            {
                "index": len(out) + 1,
                "side": s.side,
                "stance_start_s": rounded(t[s.stance_start], 3),
                "stance_end_s": rounded(t[s.stance_end], 3),
                "midstance_s": rounded(t[s.midstance], 3),
                "peak_drop_deg": rounded(np.nanmax(drop)),
                "peak_drop_s": rounded(t[k], 3),
                "step_time_s": rounded(t[s.midstance] - t[previous.midstance], 3) if previous else None,
                "foot_evidence_agrees": s.foot_agrees,
            }
        )
    return out


def _side_summary(stances: list[dict], side: str) -> dict:
    drops = np.array([s["peak_drop_deg"] for s in stances if s["side"] == side], float)
    steps = np.array([s["step_time_s"] for s in stances if s["side"] == side and s["step_time_s"]], float)
    n = len(drops)
    third = max(1, n // 3)
    return {
        "stances": n,
        "peak_drop_mean_deg": rounded(drops.mean()) if n else None,
        "peak_drop_sd_deg": rounded(drops.std(ddof=1)) if n > 1 else None,
        "peak_drop_range_deg": [rounded(drops.min()), rounded(drops.max())] if n else None,
        "step_time_mean_s": rounded(steps.mean(), 3) if len(steps) else None,
        "trend": {
            "first_third_deg": rounded(drops[:third].mean()) if n >= 3 else None,
            "last_third_deg": rounded(drops[-third:].mean()) if n >= 3 else None,
        },
    }


def _left_right(per_side: dict) -> dict:
    """Left minus right mean drop. A side is named only when the difference beats both this screen's
    measurement error and twice its standard error from the step-to-step spread (few, scattered steps
    cannot name a side)."""
    left, right = (per_side[s]["peak_drop_mean_deg"] for s in ("left", "right"))
    diff = left - right
    se = np.sqrt(sum((per_side[s]["peak_drop_sd_deg"] or 0.0) ** 2 / per_side[s]["stances"] for s in OTHER))
    beyond = abs(diff) >= max(screen_evidence.PELVIC_DROP_RESOLUTION_DEG, 2 * se)
    return {
        "difference_deg": rounded(diff),
        "standard_error_deg": rounded(se, 2),
        "larger_drop_standing_on": ("left" if diff > 0 else "right") if beyond else None,
        "threshold_deg": screen_evidence.PELVIC_DROP_RESOLUTION_DEG,
        "beyond_measurement_error": bool(beyond),
    }


def _timeline(prepared, stances: list[dict]) -> Timeline:
    kin = prepared.kin
    t = kin.timestamps
    signals = [
        Signal(
            "pelvic_obliquity", "pelvic obliquity (+ = left hip higher)", "deg", t, kin["pelvic_obliquity"]
        ),
    ]
    spans = [
        Span(s["stance_start_s"], s["stance_end_s"], s["side"], f"stance {s['index']} ({s['side']} foot)")
        for s in stances
    ]
    marks = [
        Mark(s["peak_drop_s"], s["side"], f"{OTHER[s['side']]} hip dropped {s['peak_drop_deg']:.0f}°")
        for s in stances
    ]
    return Timeline(signals, spans, marks)


def prepare_clip(track: PoseTrack) -> Prepared:
    """The clip prepared as this screen cleans it (analysis.prepared, low-pass at CUTOFF_HZ)."""
    return prepare_screen(track, CUTOFF_HZ)


def screen_running(track: PoseTrack, prepared: Prepared | None = None) -> Result:
    """Screen a run filmed from behind; raises UserError for another view, no person or too few strides.
    `prepared`: the clip already prepared by prepare_clip (analysis.run prepares each clip once)."""
    prepared = prepared or prepare_clip(track)
    header = screen_header(prepared, "running", ("back",), CAMERA_ADVICE)
    t = prepared.kin.timestamps
    signals = gait_events.gait_signals(prepared.resolved)
    steps = gait_events.detect_steps(t, signals, prepared.resolved.detected)
    stances = _stances(prepared, steps)
    counts = {side: sum(s["side"] == side for s in stances) for side in OTHER}
    if min(counts.values()) < MIN_STANCES_PER_SIDE:
        raise UserError(
            f"Only {counts['left']} left and {counts['right']} right stances could be measured; the screen "
            f"needs at least {MIN_STANCES_PER_SIDE} on each foot.",
            "Film at least 10 seconds of steady running, and keep the runner in the picture all the time.",
        )
    per_side = {side: _side_summary(stances, side) for side in OTHER}
    left_right = _left_right(per_side)
    cadence = gait_events.cadence(t, steps)
    report = {
        **header,
        "stances": stances,
        "per_side": per_side,
        "left_right": left_right,
        "cadence_steps_per_min": rounded(cadence),
        "needs_work_side": left_right["larger_drop_standing_on"],
        "interpretation": screen_evidence.running_interpretation(per_side, left_right, cadence)
        + (
            f"\n\nOnly {min(counts.values())} steps on one foot were measured, so these averages are rough: "
            "film at least 20 seconds of steady running for a firmer result."
            if min(counts.values()) < STEADY_STANCES_PER_SIDE
            else ""
        ),
        "measurement_notes": screen_evidence.RUNNING_NOTES,
        "evidence": screen_evidence.cite("pelvic_drop_odds", "cadence_typical", "cadence_increase"),
    }
    rows = [{"test": "running", **s} for s in stances]
    return Result(report, rows, _timeline(prepared, stances))
