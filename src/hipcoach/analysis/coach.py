"""The video coach: a pose track of an exercise → reps per side, range, holds, faults and a summary.

Every exercise goes through the same steps, driven by its spec (analysers.toml): the clip is prepared
once (analysis.prepared: cleaned, the person's left and right fixed, the view measured), then: check
the clip shows this exercise, count reps on the driver with the shared segmenter, find each rep's
working side, measure its range and faults, summarise.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from hipcoach.analysis.counting import count_reps
from hipcoach.analysis.coverage import why_unchecked
from hipcoach.analysis.faults import FaultHit, rep_faults, tempo_fault
from hipcoach.analysis.matching import (
    Mismatch,
    check_movement,
    check_signature,
    check_view_and_posture,
    signature_fit,
)
from hipcoach.analysis.prepared import Prepared, prepare
from hipcoach.analysis.segmenter import Rep
from hipcoach.analysis.sides import working_side
from hipcoach.analysis.signals import driver, resolve
from hipcoach.analysis.signature import rep_features
from hipcoach.analysis.specs import (
    ExerciseSpec,
    FaultRule,
    SignalSpec,
    series_base,
    series_unit,
    spec_for,
)
from hipcoach.analysis.summary import summarise
from hipcoach.analysis.timeline import Mark, Result, Signal, Span, Timeline
from hipcoach.catalog import load_catalog
from hipcoach.motion.kinematics import PLANES, Kinematics
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.quality import check_quality
from hipcoach.motion.views import ViewResult

SCHEMA = "hipcoach.analysis/1"
NOTES = [
    "Angles come from one camera: movement towards or away from the lens is not seen, so angles outside "
    "the camera's plane are estimates.",
    "Faults are flagged against coaching limits set above measurement noise, not against published norms.",
]


@dataclass(frozen=True)
class Movement:
    """What one analyser makes of a prepared clip before any fault is measured."""

    mismatch: Mismatch | None
    sig: SignalSpec | None = None
    reps: tuple = ()
    fit: float = float("-inf")  # the signature fit (matching.signature_fit); -inf when not even tried


def movement(prep: Prepared, exercise_id: str, features=rep_features) -> Movement:
    """View, posture, movement and signature checks for one analyser, and its reps. `features`:
    signature.rep_features, or a cache of it (the live set's windows overlap)."""
    spec = spec_for(exercise_id)
    exercise = load_catalog().exercise(exercise_id)
    mismatch = check_view_and_posture(spec, exercise, prep.view)
    if mismatch is not None:
        return Movement(mismatch)
    sig = spec.signal_for(prep.view.view)
    reps, together = count_reps(prep.kin, sig, prep.points)
    unit = series_unit(sig.driver)
    mismatch = check_movement(
        exercise, driver(prep.kin, sig), sig.label, sig.min_range, unit, len(reps), together
    )
    if mismatch is not None:
        return Movement(mismatch, sig, tuple(reps))
    if not reps:
        return Movement(_no_reps(sig, exercise), sig)
    feats = [features(prep.points, prep.resolved.world, prep.kin.body_scale, r) for r, _ in reps]
    fit = signature_fit(spec.signature, feats)
    return Movement(check_signature(spec, exercise, feats), sig, tuple(reps), fit)


def analyse_track(
    track: PoseTrack,
    exercise_id: str,
    *,
    prepared: Prepared | None = None,
    suggest: bool = True,
    features=rep_features,
) -> Result:
    """Analyse a pose track as `exercise_id`. A clip that does not show the exercise gets a report with
    status "not_matching", no reps and (with `suggest`) the catalogue exercises it looks like instead;
    a track with nobody in it raises UserError. `prepared`: the track already prepared; `features`: as
    for movement()."""
    spec = spec_for(exercise_id)
    catalog = load_catalog()
    exercise = catalog.exercise(exercise_id)
    prep = prepared or prepare(track)
    view, kin = prep.view, prep.kin
    base = _report_base(track, exercise, kin)
    base["quality"] = [
        {"code": i.code, "message": i.message, "hint": i.hint}
        for i in check_quality(track, spec.views, view=view)
    ]
    moved = movement(prep, exercise_id, features)
    if moved.mismatch is not None:
        return _not_matching(base, moved.mismatch, _instead(prep, exercise_id) if suggest else [])
    sig, reps = moved.sig, list(moved.reps)
    points = prep.points
    rules = seen_rules(spec, view)
    entries, marks, checked = [], [], set()
    for n, (rep, driver_side) in enumerate(reps, 1):
        side = working_side(spec.side, rep, points, driver_side)
        entry, hits, codes = _rep_entry(n, rep, side, spec, rules, sig, kin, exercise)
        entries.append(entry)
        checked |= codes
        marks += [Mark(h.t_s, h.side, catalog.faults[h.code].name, h.code) for h in hits]
    unchecked = sorted(set(exercise.faults) - checked)
    misread = [m for e in entries for m in e["not_measured"]]
    not_checked = [
        {"code": c, "name": catalog.faults[c].name}
        | why_unchecked(
            c,
            spec,
            exercise,
            view.view,
            [m for m in misread if m["code"] == c],
            off_square=None if view.square or c not in {r.code for r in spec.fault} else view.describe(),
        )
        for c in unchecked
    ]
    report = base | {
        "status": "ok",
        "signal": {"driver": sig.driver, "angle": sig.angle, "label": sig.label, "unit": "deg"},
        "faults_checked": sorted(checked),
        "faults_not_checked": unchecked,
        "not_checked": not_checked,
        "reps": entries,
        "summary": summarise(entries, exercise, catalog.faults, unchecked),
    }
    timeline = Timeline(_signals(kin, sig), [_span(e) for e in entries], marks)
    return Result(report, [_row(e) for e in entries], timeline)


def seen_rules(spec: ExerciseSpec, view: ViewResult) -> tuple[FaultRule, ...]:
    """The fault rules this camera can check: all of them from a square-on view; from an oblique or
    end-on camera only those read from series that mean the same from anywhere (PLANES "any"), since a
    frontal or sagittal angle is then a mix of both planes (an oblique squat's knee bend reads as caving)."""
    if view.square:
        return spec.fault
    return tuple(r for r in spec.fault if PLANES[series_base(r.series)] == "any")


def _rep_entry(
    n: int,
    rep: Rep,
    side: str,
    spec: ExerciseSpec,
    rules: tuple[FaultRule, ...],
    sig: SignalSpec,
    kin: Kinematics,
    exercise,
) -> tuple[dict[str, Any], list[FaultHit], set[str]]:
    t = kin.timestamps
    angle = resolve(kin, sig.angle, side, sig.angle_sign)
    span = slice(rep.start, rep.end + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without a person are NaN by design
        stacked = np.nanmean(np.stack([a[span] for a in angle.values()]), axis=0)
    ok = np.isfinite(stacked)
    range_deg = float(stacked[ok].max() - stacked[ok].min()) if ok.any() else None
    peak_deg = float(stacked[ok].max()) if ok.any() else None
    hits, checked, misread = rep_faults(rules, kin, rep, side, kin.view.view)
    tempo = exercise.dose.tempo
    if "moving_too_fast" in exercise.faults and not rep.partial:
        checked.add("moving_too_fast")
        fast = tempo_fault(rep, side, float(t[rep.peak]), tempo.up_s + tempo.down_s, spec.fast_fraction)
        hits += [fast] if fast else []
    names = load_catalog().faults
    entry = {
        "index": n,
        "side": side,
        "start_s": round(float(t[rep.start]), 3),
        "peak_s": round(float(t[rep.peak]), 3),
        "end_s": round(float(t[rep.end]), 3),
        "range_deg": None if range_deg is None else round(range_deg, 1),
        "peak_deg": None if peak_deg is None else round(sig.angle_sign * peak_deg, 1),
        "hold_s": round(rep.hold_s, 2),
        "up_s": round(rep.up_s, 2),
        "down_s": round(rep.down_s, 2),
        "counted": not rep.partial,
        "partial": rep.partial,
        "shortfall_pct": round(100 * rep.shortfall / (rep.range + rep.shortfall), 0) if rep.partial else None,
        "faults": [
            {
                "code": h.code,
                "name": names[h.code].name,
                "side": h.side,
                "value": h.value,
                "limit": h.limit,
                "unit": "s" if h.code == "moving_too_fast" else _fault_unit(spec, h.code, kin.view.view),
                "t_s": h.t_s,
            }
            for h in hits
        ],
        "not_measured": [
            {
                "code": m.code,
                "name": names[m.code].name,
                "side": m.side,
                "value": m.value,
                "plausible": list(m.plausible),
                "unit": _fault_unit(spec, m.code, kin.view.view),
                "reason": m.reason,
                "t_s": m.t_s,
            }
            for m in misread
        ],
    }
    return entry, hits, checked


def _fault_unit(spec: ExerciseSpec, code: str, view: str) -> str:
    rule = next(r for r in spec.fault if r.code == code and r.applies_in(view))
    return series_unit(rule.series)


def _report_base(track: PoseTrack, exercise, kin: Kinematics) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA,
        "exercise": {"id": exercise.id, "name": exercise.name},
        "source": {
            "name": track.source_name,
            "sha256": track.source_sha256,
            "duration_s": round(float(track.duration), 2),
            "fps": round(float(track.fps), 2),
            "frame_size": list(track.frame_size),
            "pose_model": track.model,
        },
        "view": {
            "view": kin.view.view,
            "confidence": round(float(kin.view.confidence), 2),
            "angle_deg": None if kin.view.angle_deg is None else round(kin.view.angle_deg),
            "oblique": kin.view.oblique,
            "end_on": kin.view.end_on,
            "description": kin.view.describe(),
        },
        "measurement_notes": NOTES,
    }


def _instead(prep: Prepared, exercise_id: str) -> list[dict[str, Any]]:
    from hipcoach.analysis.recognise import recognise  # recognise builds on this module

    return [c for c in recognise(prep).candidates if c["matches"] and c["id"] != exercise_id]


def _not_matching(base: dict[str, Any], mismatch: Mismatch, instead: list[dict[str, Any]]) -> Result:
    message = mismatch.message
    if instead:
        message += f" It looks more like: {', '.join(c['name'].lower() for c in instead[:2])}."
    report = base | {
        "status": "not_matching",
        "problem": {
            "code": mismatch.code,
            "message": message,
            "hint": mismatch.hint,
            "looks_like": instead[:3],
        },
        "reps": [],
        "summary": {
            "reps_left": 0,
            "reps_right": 0,
            "reps_both": 0,
            "reps_total": 0,
            "note": message,
        },
    }
    return Result(report, [], Timeline())


def _no_reps(sig: SignalSpec, exercise) -> Mismatch:
    return Mismatch(
        "no_movement",
        f"No complete {sig.label} movement was found for a {exercise.name.lower()}.",
        "Check the exercise chosen and that the whole movement is in view.",
    )


def _signals(kin: Kinematics, sig: SignalSpec) -> list[Signal]:
    parts = resolve(kin, sig.angle.replace("{work}", "{side}"), "both", sig.angle_sign)
    return [
        Signal(
            f"{sig.angle}:{side}",
            f"{sig.label}{'' if side == 'both' else f' ({side})'}",
            "deg",
            kin.timestamps,
            values,
            side,
        )
        for side, values in parts.items()
    ]


def _span(e: dict[str, Any]) -> Span:
    label = f"rep {e['index']}" + ("" if e["counted"] else " (partial)")
    hold = (e["peak_s"], round(e["peak_s"] + e["hold_s"], 3)) if e["hold_s"] > 0 else None
    return Span(e["start_s"], e["end_s"], e["side"], label, counted=e["counted"], hold=hold)


def _row(e: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "index",
        "side",
        "start_s",
        "peak_s",
        "end_s",
        "range_deg",
        "peak_deg",
        "hold_s",
        "up_s",
        "down_s",
    )
    row = {k: e[k] for k in keys} | {"counted": e["counted"], "shortfall_pct": e["shortfall_pct"]}
    row["faults"] = ";".join(f["code"] for f in e["faults"])
    row["not_measured"] = ";".join(dict.fromkeys(m["code"] for m in e["not_measured"]))
    return row
