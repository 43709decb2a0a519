"""Per-rep form faults: each rule measures one series over the rep and compares it with its limit.

A fault found reports the catalogue code, the side it was seen on, the measured value, the limit and
the moment it was at its worst, so the user can look at that frame and see it for themselves.

A value outside what a body can do (the series' plausible range, series.toml) is a misread pose, not a
fault: the rule is then "not measured" in that rep, with the reason, and never flagged. Flagging good form
costs the user's trust as surely as a crash. A rule may read its series in part of the movement only
(`read_while`): where the camera's view of it is known to stop being true, it is not read at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipcoach.analysis.segmenter import Rep
from hipcoach.analysis.signals import resolve
from hipcoach.analysis.specs import FaultRule, series_info, series_unit
from hipcoach.motion.kinematics import Kinematics

START_S = 0.2  # the rep's starting level: median over its first this-many seconds


@dataclass(frozen=True)
class FaultHit:
    code: str
    side: str
    value: float
    limit: float
    t_s: float


def _measure(rule: FaultRule, t: np.ndarray, x: np.ndarray, rep: Rep) -> tuple[float, int] | None:
    """(value, frame index of the worst moment) of one series over a rep; None where it was never seen."""
    idx = np.arange(rep.start, rep.end + 1)
    seg = x[idx]
    ok = np.isfinite(seg)
    if not ok.any():
        return None
    idx, seg = idx[ok], seg[ok]
    start = float(np.median(seg[t[idx] <= t[idx[0]] + START_S]))
    if rule.measure == "max":
        k = int(np.argmax(seg))
        return float(seg[k]), int(idx[k])
    if rule.measure == "min":
        k = int(np.argmin(seg))
        return float(seg[k]), int(idx[k])
    if rule.measure == "rise":
        k = int(np.argmax(seg))
        return float(seg[k] - start), int(idx[k])
    if rule.measure == "drop":
        k = int(np.argmin(seg))
        return float(start - seg[k]), int(idx[k])
    if rule.measure == "swing":
        k = int(np.argmax(np.abs(seg - start)))
        return float(abs(seg[k] - start)), int(idx[k])
    # at_peak: the valid frame nearest the top of the rep
    k = int(np.argmin(np.abs(idx - rep.peak)))
    return float(seg[k]), int(idx[k])


@dataclass(frozen=True)
class NotMeasured:
    """A rule whose value in this rep was outside what a body can show: a misread, not a fault."""

    code: str
    side: str
    value: float
    plausible: tuple[float, float]
    reason: str
    t_s: float


def _implausible(rule: FaultRule, value: float, level: float) -> tuple[float, float] | None:
    """The plausible range the measured value (or the series' own level at the worst frame) broke."""
    info = series_info(rule.series)
    low, high = rule.plausible_range(info)
    if not low <= value <= high:
        return low, high
    assert info.values is not None
    if not info.values[0] <= level <= info.values[1]:
        return info.values
    return None


def _reason(rule: FaultRule, value: float, low: float, high: float) -> str:
    info = series_info(rule.series)
    unit = "°" if series_unit(rule.series) == "deg" else " trunk lengths"
    return (
        f"could not measure the {info.label} from this camera: it read {value:.3g}{unit}, "
        f"outside the {low:g} to {high:g}{unit} a body can show"
    )


def _beyond(rule: FaultRule, value: float) -> bool:
    return value < rule.limit if rule.measure == "min" else value > rule.limit


def rep_faults(
    rules: tuple[FaultRule, ...], kin: Kinematics, rep: Rep, side: str, view: str
) -> tuple[list[FaultHit], set[str], list[NotMeasured]]:
    """(faults seen in this rep, codes measured in it, rules whose value was implausible). A code is
    measured when some rule gave it a plausible value; a side whose value was a misread is listed as not
    measured unless another rule measured that code on that side."""
    hits, checked, misread, measured = [], set(), [], set()
    t = kin.timestamps
    for rule in rules:
        if not rule.applies_in(view):
            continue
        worst = None
        gates = resolve(kin, rule.read_while.series, side) if rule.read_while else {}
        for series_side, x in resolve(kin, rule.series, side).items():
            if rule.read_while:  # frames outside the gate (or where it was not seen) are not read
                gate = gates.get(series_side, gates.get("both"))
                x = np.where(gate <= rule.read_while.max, x, np.nan)
            found = _measure(rule, t, x, rep)
            if found is None:
                continue
            value, k = found
            at = side if series_side == "both" else series_side  # a whole-body series: the rep's side
            broken = _implausible(rule, value, float(x[k]))
            if broken is not None:
                reason = _reason(rule, value, *broken)
                misread.append(
                    NotMeasured(rule.code, at, round(value, 3), broken, reason, round(float(t[k]), 3))
                )
                continue
            checked.add(rule.code)
            measured.add((rule.code, at))
            if _beyond(rule, value) and (worst is None or abs(value) > abs(worst.value)):
                worst = FaultHit(rule.code, at, round(value, 3), rule.limit, round(float(t[k]), 3))
        if worst:
            hits.append(worst)
    unmeasured = {}
    for m in misread:
        if (m.code, m.side) not in measured:
            unmeasured.setdefault((m.code, m.side), m)
    return _one_per_code(hits), checked, list(unmeasured.values())


def _one_per_code(hits: list[FaultHit]) -> list[FaultHit]:
    """A code measured by two rules (e.g. in two views' series) is reported once, at its worst."""
    best: dict[str, FaultHit] = {}
    for h in hits:
        if h.code not in best or abs(h.value) > abs(best[h.code].value):
            best[h.code] = h
    return list(best.values())


def tempo_fault(rep: Rep, side: str, peak_t: float, prescribed_s: float, fraction: float) -> FaultHit | None:
    """moving_too_fast: lifting plus lowering took less than `fraction` of the prescribed time."""
    took = rep.up_s + rep.down_s
    limit = fraction * prescribed_s
    if took < limit:
        return FaultHit("moving_too_fast", side, round(took, 3), round(limit, 3), round(peak_t, 3))
    return None
