"""Which leg worked in a rep, found from the movement itself (the user is never asked).

Rules (analysers.toml `side`): the leg whose driver rose, the knee or ankle that travelled further, the
foot that stays put (the standing leg), or the way the pelvis travelled (a side-step leads with the
leg on that side). Positions are image points with y up, of a track whose left/right are the person's own.

The feet settle what the angles cannot: a driver measured against the pelvis (hip abduction) rises on
both legs when the trunk and pelvis lean over the stance foot, but the stance foot stays on the floor
while the working foot travels. Where one foot clearly travelled and the other stayed put, that foot's
leg worked the rep, whatever the angles say (`moving_foot`).
"""

from __future__ import annotations

import warnings

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


def _foot(p: np.ndarray, side: str) -> np.ndarray:
    """[frames, 2]: the mean of the foot's ankle, heel and toes; NaN in a frame where none was seen
    (by design, so numpy's warning about it says nothing)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(p[:, [INDEX[f"{side}_{j}"] for j in ("ankle", "heel", "foot_index")]], axis=1)


def standing_side(points: np.ndarray, a: int, b: int) -> str:
    """The leg on the floor between frames a and b: its foot (ankle, heel, toes) stays put on screen
    while the free foot, hanging from the pelvis, travels with it (down in a single-leg squat, up in a
    single-leg bridge). How low a foot looks misleads when the free leg reaches towards the camera, and
    how near it is to the mid-hip misleads when the pelvis drops."""
    p = points[a : b + 1]
    travel = {}
    for side in SIDES:
        foot = _foot(p, side)
        travel[side] = float(np.nansum(np.nanstd(foot, axis=0)))
    return "left" if travel["left"] < travel["right"] else "right"


FOOT_STILL = 0.35  # a foot that travelled under this share of the other foot's travel stayed put
FOOT_MOVED = 0.08  # ... and the other travelled (spread of its positions) over this many trunk lengths


def foot_travel(points: np.ndarray, a: int, b: int) -> dict[str, float]:
    """How far each foot (mean of ankle, heel and toes) moved on screen between frames a and b: the spread
    of its positions (standard deviations summed over x and y), in trunk lengths of those frames."""
    p = points[a : b + 1]
    trunk = np.linalg.norm(
        0.5 * (p[:, INDEX["left_shoulder"]] + p[:, INDEX["right_shoulder"]])
        - 0.5 * (p[:, INDEX["left_hip"]] + p[:, INDEX["right_hip"]]),
        axis=-1,
    )
    scale = float(np.nanmedian(trunk)) if np.isfinite(trunk).any() else float("nan")
    out = {}
    for side in SIDES:
        foot = _foot(p, side)
        ok = np.isfinite(foot).all(axis=1)
        out[side] = float(np.sum(np.std(foot[ok], axis=0)) / scale) if ok.sum() > 2 else float("nan")
    return out


def moving_foot(points: np.ndarray, a: int, b: int) -> str | None:
    """The leg whose foot travelled between frames a and b while the other stayed put, or None when the
    feet do not tell (both moved, neither did, or one was not seen)."""
    travel = foot_travel(points, a, b)
    if not all(np.isfinite(v) for v in travel.values()):
        return None
    big = max(SIDES, key=travel.get)
    small = travel[other_side(big)]
    if travel[big] >= FOOT_MOVED and small <= FOOT_STILL * travel[big]:
        return big
    return None


def other_side(side: str) -> str:
    return "right" if side == "left" else "left"


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
        return moving_foot(points, rep.start, rep.end) or driver_side
    if rule in ("moving_knee", "moving_ankle"):
        moved = _travel(points, rule.removeprefix("moving_"), rep)
        return max(SIDES, key=moved.get)
    if rule == "stance":
        return standing_side(points, rep.start, rep.end)
    if rule == "travel":
        return _travel_direction(points, rep)
    raise ValueError(f"unknown side rule {rule!r}")
