"""What a rep actually moved: the movement features a spec's signature is checked against.

Why: posture alone (upright or lying) lets anything through within a posture: side leg raises counted
as squats, quadruped kicks as single-leg bridges. Each analyser states its exercise's movement signature
in analysers.toml (which parts move, which stay still, one leg or two, in which plane); this module
measures those same things on every rep the analyser found, from the pose alone, so a clip that shows a
different movement is refused with what it looks like instead.

Features per rep (distances in trunk lengths, from the image; angles in degrees, from the world
landmarks, whose depth is rough but whose knee angle and direction of travel hold to tens of degrees).
Travel on screen is travel against the camera: a camera that tilts, pans or zooms during a rep moves a
planted foot as far as the floor under it, which the landmarks cannot tell from a step (analysers.toml,
single-leg squat, has a real rep filmed so). The features per rep:
  pelvis, shoulders        how far the mid-hip / mid-shoulder travels on screen from where the rep began
  knee_more, knee_less     how far the knee that travels further on screen travels / the other one
  ankle_more, ankle_less   the same for the ankles (a planted foot stays still)
  knee_bend                the larger change of knee angle of the two legs
  stance_knee_bend         the change of knee angle of the leg whose foot travels least on screen (the
                           leg that holds the body up): a single-leg squat bends it, a balance on one
                           leg lifts and bends the other knee while this one stays nearly straight
  hips_lower               how far the mid-hip comes down towards the lower foot on screen (image
                           vertical, trunk lengths): a squat's hips lower over the foot; lifting the
                           other foot does not move them
  foot_raise               how much higher on screen one ankle is than the other, the median over the
                           rep: a foot off the floor (upright exercises only; lying, it is the pose)
  sideways                 share of the moving leg's travel (knee or ankle, relative to the pelvis) that
                           runs along the hip line: near 1 for a frontal-plane movement (abduction, a
                           clamshell's opening), near 0 for a sagittal one (flexion, extension)
"""

from __future__ import annotations

import warnings

import numpy as np

from hipcoach.analysis.segmenter import Rep
from hipcoach.motion.landmarks import INDEX

FEATURES = (
    "pelvis",
    "shoulders",
    "knee_more",
    "knee_less",
    "ankle_more",
    "ankle_less",
    "knee_bend",
    "stance_knee_bend",
    "hips_lower",
    "sideways",
    "foot_raise",
)
# The others are in trunk lengths.
FEATURE_UNITS = {"knee_bend": "deg", "stance_knee_bend": "deg", "sideways": "share"}
FEATURE_WORDS = {  # "in 4 of 5 reps <words> 0.62 trunk lengths"
    "pelvis": "the pelvis travelled",
    "shoulders": "the shoulders travelled",
    "knee_more": "the knee that moved most travelled",
    "knee_less": "the knee that moved least travelled",
    "ankle_more": "the foot that moved most travelled",
    "ankle_less": "the foot that moved least travelled",
    "knee_bend": "the knee angle changed by",
    "stance_knee_bend": "the knee of the standing leg bent by",
    "hips_lower": "the hips came down towards the standing foot by",
    "sideways": "the share of the leg's movement that ran sideways was",
    "foot_raise": "one foot was higher than the other by",
}
START_FRAMES = 3  # a rep's starting position: the median of its first frames
TRAVEL_PERCENTILE = 95  # the furthest a joint gets, robust to a frame or two of misread pose


def _mid(p: np.ndarray, name: str) -> np.ndarray:
    return 0.5 * (p[:, INDEX[f"left_{name}"]] + p[:, INDEX[f"right_{name}"]])


def _travel(x: np.ndarray) -> float:
    """Furthest a [n, d] trajectory gets from its start (NaN frames ignored; 0 when never seen)."""
    x = x[np.isfinite(x).all(axis=1)]
    if len(x) < 2:
        return 0.0
    d = np.linalg.norm(x - np.median(x[:START_FRAMES], axis=0), axis=1)
    return float(np.percentile(d, TRAVEL_PERCENTILE))


def _knee_angle(w: np.ndarray, side: str) -> np.ndarray:
    thigh = w[:, INDEX[f"{side}_hip"]] - w[:, INDEX[f"{side}_knee"]]
    shank = w[:, INDEX[f"{side}_ankle"]] - w[:, INDEX[f"{side}_knee"]]
    cos = np.sum(thigh * shank, axis=1) / (np.linalg.norm(thigh, axis=1) * np.linalg.norm(shank, axis=1))
    return 180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _range(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(np.percentile(x, 95) - np.percentile(x, 5)) if len(x) > 2 else 0.0


def _sideways(w: np.ndarray, joint: str, side: str) -> float:
    """Share of a joint's travel (relative to the mid-hip, world landmarks) along the hip line."""
    rel = w[:, INDEX[f"{side}_{joint}"]] - _mid(w, "hip")
    axis = w[:, INDEX["left_hip"]] - w[:, INDEX["right_hip"]]
    ok = np.isfinite(rel).all(axis=1) & np.isfinite(axis).all(axis=1)
    if ok.sum() < 2:
        return float("nan")
    rel, axis = rel[ok], axis[ok]
    axis = np.median(axis / np.linalg.norm(axis, axis=1, keepdims=True), axis=0)
    axis /= np.linalg.norm(axis)
    move = rel - np.median(rel[:START_FRAMES], axis=0)
    k = int(np.argmax(np.linalg.norm(move, axis=1)))
    size = float(np.linalg.norm(move[k]))
    return abs(float(move[k] @ axis)) / size if size > 0 else float("nan")


def rep_features(points: np.ndarray, world: np.ndarray, scale: float, rep: Rep) -> dict[str, float]:
    """The movement features of one rep: `points` [T, 33, 2] image pixels (y up) of a side-resolved
    track, `world` [T, 33, 3] its world landmarks, `scale` the body scale in pixels."""
    span = slice(rep.start, rep.end + 1)
    p = points[span] / scale
    w = world[span].astype(np.float64)
    knees = {s: _travel(p[:, INDEX[f"{s}_knee"]]) for s in ("left", "right")}
    ankles = {s: _travel(p[:, INDEX[f"{s}_ankle"]]) for s in ("left", "right")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without a person are NaN by design
        bends = {s: _range(_knee_angle(w, s)) for s in ("left", "right")}
        hips = _mid(w, "hip")
        pairs = [(s, j) for s in ("left", "right") for j in ("knee", "ankle")]
        rel = {(s, j): _travel(w[:, INDEX[f"{s}_{j}"]] - hips) for s, j in pairs}
    side, joint = max(rel, key=rel.get)
    stance = min(ankles, key=ankles.get)
    return {
        "pelvis": _travel(_mid(p, "hip")),
        "shoulders": _travel(_mid(p, "shoulder")),
        "knee_more": max(knees.values()),
        "knee_less": min(knees.values()),
        "ankle_more": max(ankles.values()),
        "ankle_less": min(ankles.values()),
        "knee_bend": max(bends.values()),
        "stance_knee_bend": bends[stance],
        "hips_lower": _hips_lower(p),
        "sideways": _sideways(w, joint, side),
        "foot_raise": _foot_raise(p),
    }


def _foot_raise(p: np.ndarray) -> float:
    gap = np.abs(p[:, INDEX["left_ankle"], 1] - p[:, INDEX["right_ankle"], 1])
    gap = gap[np.isfinite(gap)]
    return float(np.median(gap)) if len(gap) else 0.0


def _hips_lower(p: np.ndarray) -> float:
    """Largest fall of the mid-hip's height above the lower ankle from the rep's start (image y is up)."""
    low_foot = np.fmin(p[:, INDEX["left_ankle"], 1], p[:, INDEX["right_ankle"], 1])
    height = _mid(p, "hip")[:, 1] - low_foot
    height = height[np.isfinite(height)]
    if len(height) < 2:
        return 0.0
    fall = np.median(height[:START_FRAMES]) - height
    return float(np.percentile(fall, TRAVEL_PERCENTILE))
