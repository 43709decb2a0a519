"""Count reps on a spec's driver with the shared segmenter, per leg where each leg has its own series.

Why per leg: a leg's resting level depends on its role (the top leg of a side-lying abduction rests
lower than the bottom one), so joining both legs into one series before counting hides the start of
every rep. Each leg is counted against its own rest; a rep found on both legs at once is kept on the
leg that moved further (the other leg only wobbled along), unless the feet say otherwise: when one
foot travelled and the other stayed on the floor, the rep is the travelling foot's leg and not a rep of
both legs, however far the stance leg's pelvis-relative angle rose with a lean over it.
"""

from __future__ import annotations

import warnings

import numpy as np

from hipcoach.analysis.segmenter import Rep, SegmenterConfig, segment
from hipcoach.analysis.sides import moving_foot
from hipcoach.analysis.signals import per_side
from hipcoach.analysis.specs import SignalSpec
from hipcoach.motion.kinematics import Kinematics

SAME_REP = 0.5  # two reps overlapping by more than this share of the shorter are the same movement
BOTH_LEGS = 0.6  # ... and both legs moved when the smaller range is above this share of the larger


def overlap(a: Rep, b: Rep) -> float:
    inter = min(a.end, b.end) - max(a.start, b.start)
    return max(0, inter) / max(min(a.end - a.start, b.end - b.start), 1)


def count_reps(
    kin: Kinematics, sig: SignalSpec, points: np.ndarray | None = None
) -> tuple[list[tuple[Rep, str | None]], int]:
    """(reps in time order with the leg whose driver made them, or None for a one-series driver;
    how many reps were found on both legs at once). `points`: the track's image points (y up), for the
    feet to settle a rep found on both legs."""
    cfg = SegmenterConfig(min_range=sig.min_range, rest_percentile=sig.rest_percentile)
    t = kin.timestamps
    parts = per_side(kin, sig.driver, sig.driver_sign)
    if "both" in parts or sig.combine == "mean":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # frames without a person are NaN by design
            x = parts["both"] if "both" in parts else np.nanmean(np.stack(list(parts.values())), axis=0)
        return [(r, None) for r in segment(t, x, cfg)], 0
    found = [(r, side) for side, x in parts.items() for r in segment(t, x, cfg)]
    found.sort(key=lambda rs: rs[0].start)
    kept: list[tuple[Rep, str | None]] = []
    together = 0
    for rep, side in found:
        clash = next((k for k, (other, _) in enumerate(kept) if overlap(rep, other) > SAME_REP), None)
        if clash is None:
            kept.append((rep, side))
            continue
        other = kept[clash][0]
        foot = None
        if points is not None:
            foot = moving_foot(points, min(rep.start, other.start), max(rep.end, other.end))
        if foot is not None:
            if foot == side:
                kept[clash] = (rep, side)
            continue
        if min(rep.range, other.range) > BOTH_LEGS * max(rep.range, other.range):
            together += 1
        if rep.range > other.range:
            kept[clash] = (rep, side)
    return kept, together
