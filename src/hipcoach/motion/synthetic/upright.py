"""Standing and seated exercises. Room axes: y up; the person starts facing +z with their left on +x.

Feet that bear weight stay planted and the knee is solved by two-link IK; a moving leg is driven by
hip and knee angles. Sideways trunk lean is a rotation about the anterior axis (positive = towards the
person's right), matching the kinematics module's sign.
"""

from __future__ import annotations

import numpy as np

from hipcoach.motion.synthetic.poses import SIGN, assemble, frames, leg_fk, planted_foot, planted_leg
from hipcoach.motion.synthetic.skeleton import Body, Skeleton, rotate
from hipcoach.motion.synthetic.timeline import Timeline, ramp

X, Y, Z = np.eye(3)


def _upright(n: int) -> np.ndarray:
    return frames(X, Y, n)


def _stance(body: Body, n: int, width: float = 1.0) -> dict[str, np.ndarray]:
    return {
        s: np.tile([SIGN[s] * 0.5 * body.hip_width * width, body.ankle_height, 0.03], (n, 1)) for s in SIGN
    }


def _lean_away(tl: Timeline, code: str, size: float) -> np.ndarray:
    """Sideways lean away from the working side (towards the stance leg) for reps carrying `code`."""
    away = np.where(tl.side == "left", 1.0, -1.0)  # working left → lean right (positive)
    return away * size * tl.fault(code)


def _planted_legs(body, hip_mid, pelvis, ankles, valgus, sides=("left", "right")):
    n = len(hip_mid)
    out = {}
    for side in sides:
        hip = hip_mid + SIGN[side] * 0.5 * body.hip_width * pelvis[..., :, 0]
        medial = -SIGN[side] * pelvis[..., :, 0]
        knee = planted_leg(body, hip, ankles[side], pelvis[..., :, 2], medial, valgus.get(side, 0.0))
        out[side] = (knee, ankles[side], *planted_foot(n, Z))
    return out


def _standing_height(body: Body, knee_flex: float = 3.0) -> float:
    return body.ankle_height + body.leg * np.cos(np.radians(knee_flex / 2))


def squat(body: Body, tl: Timeline) -> Skeleton:
    """Bilateral squat to about 95° of knee flexion, arms forward; faults: knees cave, trunk leans."""
    n = len(tl.t)
    ankles = _stance(body, n, 1.3)
    p = tl.phase
    hip_mid = np.stack([np.zeros(n), _standing_height(body) - 0.42 * body.leg * p, -0.18 * body.leg * p], -1)
    pelvis = rotate(_upright(n), 0, 15.0 * p)
    trunk = rotate(rotate(_upright(n), 0, 35.0 * p), 2, 12.0 * tl.fault("trunk_leans"))
    cave = 8.0 * tl.fault("knee_caves")  # deep knee flexion magnifies a small inward turn
    legs = _planted_legs(body, hip_mid, pelvis, ankles, {"left": cave, "right": cave})
    return assemble(body, hip_mid, pelvis, trunk, legs, arm_flex=80.0 * p)


def single_leg_squat(body: Body, tl: Timeline) -> Skeleton:
    """Squat on the working leg to ~60° knee flexion, free leg held forward; faults: knee caves, pelvis drops
    on the free side, trunk leans over the stance leg."""
    n = len(tl.t)
    work = np.where(tl.side == "both", "right", tl.side)
    s_work = np.where(work == "left", 1.0, -1.0)
    p = tl.phase
    ankle = np.stack(
        [s_work * 0.5 * body.hip_width * 0.6, np.full(n, body.ankle_height), np.full(n, 0.03)], -1
    )
    hip_mid = np.stack([np.zeros(n), _standing_height(body) - 0.2 * body.leg * p, -0.1 * body.leg * p], -1)
    drop = 9.0 * tl.fault("pelvis_drops")  # free side goes down: rotation sign towards the free side
    pelvis = rotate(rotate(_upright(n), 0, 10.0 * p), 2, s_work * drop)
    lean = -s_work * 12.0 * tl.fault("trunk_leans")  # over the stance leg
    trunk = rotate(rotate(_upright(n), 0, 20.0 * p), 2, lean)
    legs = {}
    cave = 20.0 * tl.fault("knee_caves")
    for side in SIGN:
        is_work = (work == side)[:, None]
        planted = _planted_legs(body, hip_mid, pelvis, {side: ankle}, {side: cave}, (side,))[side]
        hip = hip_mid + SIGN[side] * 0.5 * body.hip_width * pelvis[..., :, 0]
        free = leg_fk(body, pelvis, hip, side, 35.0 + 20 * p, 0.0, 0.0, 70.0)
        legs[side] = tuple(np.where(is_work, a, b) for a, b in zip(planted, free, strict=True))
    return assemble(body, hip_mid, pelvis, trunk, legs, arm_flex=60.0)


def side_step(body: Body, tl: Timeline) -> Skeleton:
    """Mini-squat lateral band walk: the leading leg steps out, the trailing leg follows. Rep side = the
    direction of travel (= leading leg). Faults: trunk leans, feet come together, knees cave."""
    n = len(tl.t)
    step = 0.55 * body.hip_width
    width = 1.4 * body.hip_width
    # Direction from the current rep itself, so it turns when the next rep starts (feet move continuously).
    rep_sides = np.array([r.side for r in tl.reps] or ["right"])
    direction = np.where(rep_sides[np.maximum(tl.rep, 0)] == "left", 1.0, -1.0)
    lead_move = step * direction * tl.up
    trail_move = step * direction * tl.down
    together = tl.fault("feet_come_together")
    squeeze = (0.5 * step + 0.7 * width) * np.sin(np.pi * np.clip(tl.down, 0, 1)) * together
    # Each rep starts where the previous ones left the feet.
    travel = np.concatenate([[0.0], np.cumsum([step * (1.0 if r.side == "left" else -1.0) for r in tl.reps])])
    offset = np.where(tl.rep >= 0, travel[np.maximum(tl.rep, 0)], 0.0)
    lead_is_left = direction > 0
    base_l = offset + 0.5 * width
    base_r = offset - 0.5 * width
    left_x = base_l + np.where(lead_is_left, lead_move, trail_move + direction * squeeze)
    right_x = base_r + np.where(lead_is_left, trail_move + direction * squeeze, lead_move)
    lift = 0.04 * (np.sin(np.pi * tl.up) ** 2 * (tl.up < 1) + np.sin(np.pi * tl.down) ** 2 * (tl.down < 1))
    ankles = {
        "left": np.stack([left_x, body.ankle_height + lift * lead_is_left, np.full(n, 0.03)], -1),
        "right": np.stack([right_x, body.ankle_height + lift * ~lead_is_left, np.full(n, 0.03)], -1),
    }
    hip_mid = np.stack(
        [0.5 * (left_x + right_x), np.full(n, _standing_height(body, 40.0) - 0.02), np.full(n, -0.05)], -1
    )
    pelvis = rotate(_upright(n), 0, np.full(n, 10.0))
    trunk = rotate(rotate(_upright(n), 0, np.full(n, 15.0)), 2, -direction * 10.0 * tl.fault("trunk_leans"))
    cave = 20.0 * tl.fault("knee_caves")
    legs = _planted_legs(body, hip_mid, pelvis, ankles, {"left": cave, "right": cave})
    return assemble(body, hip_mid, pelvis, trunk, legs, arm_flex=20.0, elbow=70.0)


def seated_band_hip_external_rotation(body: Body, tl: Timeline) -> Skeleton:
    """Sitting on a high seat, hips and knees at 90°; the working foot swings inwards (external rotation)
    up to 35°. Faults: the thigh moves (knee drifts outwards), trunk leans."""
    n = len(tl.t)
    hip_mid = np.tile([0.0, body.shank + body.ankle_height + 0.08, 0.0], (n, 1))
    pelvis = _upright(n)
    trunk = rotate(_upright(n), 2, _lean_away(tl, "trunk_leans", 10.0))
    legs = {}
    for side in SIGN:
        work = tl.side == side
        hip = hip_mid + SIGN[side] * 0.5 * body.hip_width * pelvis[..., :, 0]
        rot = np.where(work, 35.0 * tl.phase, 0.0)
        abd = np.where(work, 12.0 * tl.fault("thigh_moves"), 0.0) + 3.0
        legs[side] = leg_fk(body, pelvis, hip, side, 90.0, abd, rot, 90.0)
    return assemble(body, hip_mid, pelvis, trunk, legs, arm_flex=0.0, elbow=60.0)


def _standing_on_one_leg(body: Body, tl: Timeline, working_pose, pelvis_tilt) -> Skeleton:
    """Stand on the non-working leg while `working_pose(side)` gives the working leg's hip/knee angles.
    The timeline's `lean` tilts the pelvis working side up (the trunk follows, see `_leaning`)."""
    n = len(tl.t)
    work = np.where(tl.side == "both", "right", tl.side)
    s_work = np.where(work == "left", 1.0, -1.0)
    pelvis_tilt = pelvis_tilt + tl.lean * tl.phase
    shift = 0.5 * body.hip_width * 0.25 * ramp(np.clip(tl.t / 0.5, 0, 1))
    hip_mid = np.stack([-s_work * shift, np.full(n, _standing_height(body)), np.zeros(n)], -1)
    pelvis = rotate(_upright(n), 2, s_work * pelvis_tilt)
    ankles = _stance(body, n)
    planted = _planted_legs(body, hip_mid, pelvis, ankles, {})
    legs = {}
    for side in SIGN:
        hip = hip_mid + SIGN[side] * 0.5 * body.hip_width * pelvis[..., :, 0]
        moving = leg_fk(body, pelvis, hip, side, *working_pose(side))
        is_work = (work == side)[:, None]
        legs[side] = tuple(np.where(is_work, a, b) for a, b in zip(moving, planted[side], strict=True))
    return hip_mid, pelvis, legs


def _leaning(tl: Timeline) -> np.ndarray:
    """The lean of the trunk away from the working leg, with the pelvis (degrees, as `rotate`)."""
    away = np.where(tl.side == "left", 1.0, -1.0)
    return away * tl.lean * tl.phase


def standing_band_hip_flexion(body: Body, tl: Timeline) -> Skeleton:
    """Marching lift against a band: hip to ~70° and knee to ~80° flexion; faults: trunk leans back or
    bends forward."""
    hip_mid, pelvis, legs = _standing_on_one_leg(
        body, tl, lambda side: (70.0 * tl.phase, 0.0, 0.0, 80.0 * tl.phase), 0.0
    )
    lean = 14.0 * (tl.fault("trunk_leans_forward") - tl.fault("trunk_leans_back"))
    trunk = rotate(rotate(_upright(len(tl.t)), 0, lean), 2, _leaning(tl))
    return assemble(body, hip_mid, pelvis, trunk, legs, arm_flex=0.0, elbow=80.0)


def standing_band_hip_abduction(body: Body, tl: Timeline) -> Skeleton:
    """Straight-leg lift to ~30° abduction; faults: trunk leans, hip swings forward, hip hitches up."""
    hike = 8.0 * tl.fault("hip_hikes")
    hip_mid, pelvis, legs = _standing_on_one_leg(
        body, tl, lambda side: (22.0 * tl.fault("hip_flexes"), 30.0 * tl.phase, 0.0, 3.0), hike
    )
    trunk = rotate(_upright(len(tl.t)), 2, _lean_away(tl, "trunk_leans", 12.0) + _leaning(tl))
    return assemble(body, hip_mid, pelvis, trunk, legs, arm_flex=0.0, elbow=90.0)
