"""Which leg worked in a rep, found from the movement itself (the user is never asked).

Rules (analysers.toml `side`): the leg whose driver rose, the knee or ankle that travelled further, the
foot that stays put (the standing leg), or the way the pelvis travelled (a side-step leads with the
leg on that side). Positions are image points with y up, of a track whose left/right are the person's own.
"""

from __future__ import annotations

import numpy as np

from hipcoach.analysis.segmenter import Rep
from hipcoach.motion.landmarks import INDEX

SIDES = ("left", "right")


def _travel(points: np.ndarray, joint: str, rep: Rep) -> dict[str, float]:
    """Furthest each side's joint gets from where it started the rep, relative to the mid-hip."""
    p = points[rep.start : rep.end + 1]  # only the rep's frames: this runs once per rep
    mid = 0.5 * (p[:, INDEX["left_hip"]] + p[:, INDEX["right_hip"]])
    out = {}
    for side in SIDES:
        rel = p[:, INDEX[f"{side}_{joint}"]] - mid
        rel = rel[np.isfinite(rel).all(axis=1)]
        out[side] = float(np.linalg.norm(rel - rel[0], axis=1).max()) if len(rel) else 0.0
    return out


def standing_side(points: np.ndarray, a: int, b: int) -> str:
    """The leg on the floor between frames a and b: its foot (ankle, heel, toes) stays put on screen
    while the free foot, hanging from the pelvis, travels with it (down in a single-leg squat, up in a
    single-leg bridge). How low a foot looks misleads when the free leg reaches towards the camera, and
    how near it is to the mid-hip misleads when the pelvis drops."""
    p = points[a : b + 1]
    travel = {}
    for side in SIDES:
        foot = np.nanmean(p[:, [INDEX[f"{side}_{j}"] for j in ("ankle", "heel", "foot_index")]], axis=1)
        travel[side] = float(np.nansum(np.nanstd(foot, axis=0)))
    return "left" if travel["left"] < travel["right"] else "right"


def _travel_direction(points: np.ndarray, rep: Rep) -> str:
    """The side the pelvis moved towards over the rep (the person's left or right)."""
    p = points[rep.start : rep.end + 1]
    mid = 0.5 * (p[:, INDEX["left_hip"]] + p[:, INDEX["right_hip"]])
    d = p[:, INDEX["left_hip"]] - p[:, INDEX["right_hip"]]
    d = np.nanmedian(d / np.linalg.norm(d, axis=1, keepdims=True), axis=0)
    moved = mid[-1] - mid[0]
    if not np.isfinite(moved).all():
        top = rep.peak - rep.start
        moved = np.nanmedian(mid[top:], axis=0) - np.nanmedian(mid[: top + 1], axis=0)
    return "left" if float(moved @ d) > 0 else "right"


def working_side(rule: str, rep: Rep, points: np.ndarray, driver_side: str | None) -> str:
    """The working side of one rep under a spec's side rule (`driver_side`: the leg whose own driver
    series made the rep, for the "driver" rule)."""
    if rule == "both":
        return "both"
    if rule == "driver":
        if driver_side is None:
            raise ValueError("the 'driver' side rule needs per-side driver series")
        return driver_side
    if rule in ("moving_knee", "moving_ankle"):
        moved = _travel(points, rule.removeprefix("moving_"), rep)
        return max(SIDES, key=moved.get)
    if rule == "stance":
        return standing_side(points, rep.start, rep.end)
    if rule == "travel":
        return _travel_direction(points, rep)
    raise ValueError(f"unknown side rule {rule!r}")
