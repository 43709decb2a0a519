"""Turn a spec's series names into arrays: the driver reps are counted on, and per-rep series by side.

Names follow analysers.toml: "{side}" is both sides, "{work}" the rep's working side, "{free}" the other.
"""

from __future__ import annotations

import warnings

import numpy as np

from hipcoach.analysis.specs import SignalSpec, series_base
from hipcoach.motion.kinematics import Kinematics

SIDES = ("left", "right")


def other(side: str) -> str:
    return {"left": "right", "right": "left"}.get(side, side)


def per_side(kin: Kinematics, name: str, sign: int = 1) -> dict[str, np.ndarray]:
    """Both sides of a per-side name (any placeholder), or the one series under "both"."""
    base = series_base(name)
    if base == name:
        return {"both": sign * kin[name]}
    return {s: sign * kin.side(base, s) for s in SIDES}


def resolve(kin: Kinematics, name: str, work: str, sign: int = 1) -> dict[str, np.ndarray]:
    """The series a rule means for a rep worked by `work` ("left", "right" or "both"), keyed by the side
    it belongs to: one entry for {work}/{free}/plain names; both sides for {side} or a two-legged rep."""
    base = series_base(name)
    if base == name:
        return {"both": sign * kin[name]}
    if name.endswith("_{side}") or work == "both":
        return per_side(kin, name, sign)
    side = work if name.endswith("_{work}") else other(work)
    return {side: sign * kin.side(base, side)}


def driver(kin: Kinematics, sig: SignalSpec) -> np.ndarray:
    """The driver as one series, to check and plot the movement: per-side drivers are joined frame by
    frame ("max": whichever leg is higher above its own resting level; "mean": both legs together)."""
    parts = per_side(kin, sig.driver, sig.driver_sign)
    if "both" in parts:
        return parts["both"]
    lifted = [x - (np.nanpercentile(x, 5) if np.isfinite(x).any() else 0.0) for x in parts.values()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without a person are NaN by design
        if sig.combine == "max":
            return np.nanmax(np.stack(lifted), axis=0)
        return np.nanmean(np.stack(list(parts.values())), axis=0)
