"""Floor exercises: side-lying (clamshell, hip abduction), supine (bridges) and quadruped.

Room axes: x along the mat, y up, z towards where a front camera stands. Joint angles follow
`poses.leg_fk`; fault sizes are chosen to sit well beyond measurement noise.
"""

from __future__ import annotations

import numpy as np

from hipcoach.motion.synthetic.poses import SIGN, assemble, frames, leg_fk, planted_leg
from hipcoach.motion.synthetic.skeleton import Body, Skeleton, rotate, swing_about, unit
from hipcoach.motion.synthetic.timeline import Timeline

Y = np.array([0.0, 1.0, 0.0])
Z = np.array([0.0, 0.0, 1.0])


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


def _side_lying_base(body: Body, tl: Timeline) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-frame top (working) side, its sign, and the lying body frame facing +z (the camera)."""
    n = len(tl.t)
    top = np.where(tl.side == "both", "right", tl.side)
    s_top = np.where(top == "left", 1.0, -1.0)
    left = s_top[:, None] * Y  # the person's left axis points up when the left side is on top
    up = np.cross(Z, left)
    return top, s_top, frames(left, up, n)


def _side_lying(body: Body, tl: Timeline, leg_pose) -> Skeleton:
    n = len(tl.t)
    top, s_top, base = _side_lying_base(body, tl)
    roll = 20.0 * tl.fault("pelvis_rolls_back")
    hike = 12.0 * tl.fault("hip_hikes")
    pelvis = rotate(rotate(base, 1, s_top * roll), 2, s_top * hike)
    trunk = rotate(base, 1, s_top * roll * 0.5)
    hip_mid = np.broadcast_to(np.array([0.0, 0.5 * body.hip_width + 0.05, 0.0]), (n, 3)).copy()
    legs = {}
    for side in SIGN:
        hip = hip_mid + SIGN[side] * 0.5 * body.hip_width * pelvis[..., :, 0]
        is_top = top == side
        legs[side] = leg_pose(body, pelvis, hip, side, is_top, s_top)
    skel = assemble(body, hip_mid, pelvis, trunk, legs)
    up_ax, ant_ax = trunk[..., :, 1], trunk[..., :, 2]
    for side in SIGN:
        sh = skel.shoulder(side)
        is_top = (top == side)[:, None]
        lat = SIGN[side] * trunk[..., :, 0]
        top_elbow = sh + body.upper_arm * unit(0.7 * ant_ax - 0.7 * up_ax)
        bottom_elbow = sh + body.upper_arm * up_ax
        skel.elbow[side] = np.where(is_top, top_elbow, bottom_elbow)
        skel.wrist[side] = np.where(
            is_top, skel.elbow[side] + body.forearm * unit(ant_ax - lat), bottom_elbow + body.forearm * up_ax
        )
    return skel


def clamshell(body: Body, tl: Timeline) -> Skeleton:
    """Side-lying, hips 45° and knees 90° flexed; the top knee opens about the hip-ankle line up to 45°."""
    opening = 45.0 * tl.phase
    lift = 14.0 * tl.fault("feet_separate")

    def leg(body, pelvis, hip, side, is_top, s_top):
        knee, ankle, foot, sole = leg_fk(
            body, pelvis, hip, side, 45.0, np.where(is_top, -25.0, 0.0), 0.0, 90.0
        )
        lateral = SIGN[side] * pelvis[..., :, 0]
        open_sign = np.sign(np.einsum("ij,ij->i", np.cross(ankle - hip, knee - hip), lateral))
        opened = swing_about(knee, hip, ankle, open_sign * opening)
        knee = np.where(is_top[:, None], opened, knee)
        ant = pelvis[..., :, 2]
        lifted = [swing_about(p, hip, hip + ant, SIGN[side] * lift) for p in (knee, ankle)]
        knee = np.where(is_top[:, None], lifted[0], knee)
        ankle = np.where(is_top[:, None], lifted[1], ankle)
        return knee, ankle, foot, sole

    return _side_lying(body, tl, leg)


def side_lying_hip_abduction(body: Body, tl: Timeline) -> Skeleton:
    """Side-lying, bottom knee bent; the straight top leg lifts from 10° adduction to 35° abduction."""
    abd = -10.0 + 45.0 * tl.phase
    flex = 25.0 * tl.fault("hip_flexes")

    def leg(body, pelvis, hip, side, is_top, s_top):
        return leg_fk(
            body,
            pelvis,
            hip,
            side,
            np.where(is_top, flex, 30.0),
            np.where(is_top, abd, 0.0),
            0.0,
            np.where(is_top, 0.0, 60.0),
        )

    return _side_lying(body, tl, leg)


def _bridge(body: Body, tl: Timeline, single: bool) -> Skeleton:
    """Supine, head towards -x, feet flat; the trunk pivots on the shoulders until shoulder-hip-knee align."""
    n = len(tl.t)
    up, ant = np.array([-1.0, 0.0, 0.0]), Y
    base = frames(np.cross(up, ant), up, n)
    sh_y = 0.08
    reach = body.trunk + body.thigh
    top = np.arcsin((0.95 * body.shank + body.ankle_height - sh_y) / reach)
    rest = np.arcsin((0.1 - sh_y) / body.trunk)  # hips resting about 10 cm above the floor
    lack = 0.45 * tl.carries("hips_not_extended")  # the whole rep stops short, same timing
    arch = np.radians(12.0) * tl.fault("back_arches")
    alpha = rest + (top - rest) * tl.phase * (1 - lack) + arch
    direction = np.stack([np.cos(alpha), np.sin(alpha), np.zeros(n)], -1)
    shoulder_mid = np.array([0.0, sh_y, 0.0])
    hip_mid = shoulder_mid + body.trunk * direction
    trunk = frames(base[..., :, 0], -direction, n)  # up axis runs hip→shoulder
    work = np.where(tl.side == "both", "right", tl.side)
    drop = 10.0 * tl.fault("pelvis_drops")
    free_sign = np.where(work == "left", -1.0, 1.0)  # free side's sign: pelvis rolls towards the floor on it
    pelvis = rotate(trunk, 1, free_sign * drop)
    knee_top = shoulder_mid + reach * np.array([np.cos(top), np.sin(top), 0.0])
    ankle_x = knee_top[0] + body.shank * np.sqrt(1 - 0.95**2)
    legs = {}
    for side in SIGN:
        hip = hip_mid + SIGN[side] * 0.5 * body.hip_width * pelvis[..., :, 0]
        ankle = np.stack([np.full(n, ankle_x), np.full(n, body.ankle_height), hip[:, 2]], -1)
        knee = planted_leg(body, hip, ankle, np.broadcast_to(Y, (n, 3)), np.zeros((n, 3)))
        legs[side] = (
            knee,
            ankle,
            np.broadcast_to(np.array([1.0, 0.0, 0.0]), (n, 3)),
            np.broadcast_to(Y, (n, 3)),
        )
    if single:
        for side in SIGN:
            free = (work != side)[:, None]
            hip = hip_mid + SIGN[side] * 0.5 * body.hip_width * pelvis[..., :, 0]
            other_hip = hip_mid - SIGN[side] * 0.5 * body.hip_width * pelvis[..., :, 0]
            along = unit(legs[_other(side)][0] - other_hip)
            knee = hip + body.thigh * along
            ankle = knee + body.shank * along
            foot = unit(np.cross(along, pelvis[..., :, 0]) * -1)
            legs[side] = tuple(
                np.where(free, new, old)
                for new, old in zip((knee, ankle, foot, -along), legs[side], strict=True)
            )
    arms = {}, {}
    skel = assemble(body, hip_mid, pelvis, trunk, legs, arms=arms)
    for side in SIGN:
        sh = skel.shoulder(side)
        skel.elbow[side] = sh + body.upper_arm * unit(direction + np.array([0, -0.15, 0]))
        skel.wrist[side] = skel.elbow[side] + body.forearm * np.array([1.0, 0.0, 0.0])
    return skel


def single_leg_bridge(body: Body, tl: Timeline) -> Skeleton:
    return _bridge(body, tl, single=True)


def bilateral_bridge(body: Body, tl: Timeline) -> Skeleton:
    return _bridge(body, tl, single=False)


def _quadruped(body: Body, tl: Timeline, knee_extends: bool) -> Skeleton:
    """Hands and knees, head towards +x; the working hip extends from 90° flexion to neutral."""
    n = len(tl.t)
    up, ant = np.array([1.0, 0.0, 0.0]), -Y
    knee_y = 0.05
    hip_h = body.thigh + knee_y
    dy = 0.08  # shoulders a little above the hips; the arms slope forwards to reach the floor
    trunk_up = np.array([np.sqrt(body.trunk**2 - dy**2), dy, 0.0]) / body.trunk
    trunk = frames(np.cross(up, ant), trunk_up, n)
    level = frames(np.cross(up, ant), up, n)  # hip angles are taken from a level pelvis
    pelvis = trunk
    hip_mid = np.broadcast_to(np.array([0.0, hip_h, 0.0]), (n, 3)).copy()
    work = np.where(tl.side == "both", "right", tl.side)
    legs = {}
    for side in SIGN:
        hip = hip_mid + SIGN[side] * 0.5 * body.hip_width * pelvis[..., :, 0]
        working = work == side
        tilt = np.degrees(np.arcsin(dy / body.trunk))  # thigh in line with the trunk at the top
        flex = np.where(working, 90.0 - (90.0 - tilt) * tl.phase - 15.0 * tl.fault("back_arches"), 90.0)
        knee_flex = np.where(working & knee_extends, 90.0 - 85.0 * tl.phase, 90.0)
        legs[side] = leg_fk(body, level, hip, side, flex, 0.0, 0.0, knee_flex)
    skel = assemble(body, hip_mid, pelvis, trunk, legs, arms=({}, {}))
    arm = body.upper_arm + body.forearm
    reach = np.array([np.sqrt(max(arm**2 - (hip_h + dy) ** 2, 0.0)), -(hip_h + dy), 0.0]) / arm
    for side in SIGN:
        sh = skel.shoulder(side)
        skel.elbow[side] = sh + body.upper_arm * reach
        skel.wrist[side] = skel.elbow[side] + body.forearm * reach
    return skel


def quadruped_knee_flexed(body: Body, tl: Timeline) -> Skeleton:
    return _quadruped(body, tl, knee_extends=False)


def quadruped_knee_extending(body: Body, tl: Timeline) -> Skeleton:
    return _quadruped(body, tl, knee_extends=True)
