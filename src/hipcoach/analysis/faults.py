"""Per-rep form faults: each rule measures one series over the rep and compares it with its limit.

A fault found reports the catalogue code, the side it was seen on, the measured value, the limit and
the moment it was at its worst, so the user can look at that frame and see it for themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipcoach.analysis.segmenter import Rep
from hipcoach.analysis.signals import resolve
from hipcoach.analysis.specs import FaultRule
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


def _beyond(rule: FaultRule, value: float) -> bool:
    return value < rule.limit if rule.measure == "min" else value > rule.limit


def rep_faults(
    rules: tuple[FaultRule, ...], kin: Kinematics, rep: Rep, side: str, view: str
) -> tuple[list[FaultHit], set[str]]:
    """(faults seen in this rep, codes that could be checked in it)."""
    hits, checked = [], set()
    t = kin.timestamps
    for rule in rules:
        if not rule.applies_in(view):
            continue
        worst = None
        for series_side, x in resolve(kin, rule.series, side).items():
            found = _measure(rule, t, x, rep)
            if found is None:
                continue
            checked.add(rule.code)
            value, k = found
            if _beyond(rule, value) and (worst is None or abs(value) > abs(worst.value)):
                at = side if series_side == "both" else series_side  # a whole-body series: the rep's side
                worst = FaultHit(rule.code, at, round(value, 3), rule.limit, round(float(t[k]), 3))
        if worst:
            hits.append(worst)
    return _one_per_code(hits), checked


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
