"""Building blocks shared by the synthetic exercises: body frames, legs by joint angles or by IK, arms."""

from __future__ import annotations

import numpy as np

from hipcoach.motion.synthetic.skeleton import Body, Skeleton, rotate, two_link_knee, unit

SIGN = {"left": 1.0, "right": -1.0}


def frames(left: np.ndarray, up: np.ndarray, t: int) -> np.ndarray:
    """Body frames [T, 3, 3] (columns left, up, anterior) from left and up axes (anterior = left × up)."""
    left = np.broadcast_to(np.asarray(left, float), (t, 3))
    up = np.broadcast_to(np.asarray(up, float), (t, 3))
    return np.stack([unit(left), unit(up), unit(np.cross(left, up))], -1)


def leg_fk(
    body: Body,
    pelvis: np.ndarray,
    hip: np.ndarray,
    side: str,
    flex: np.ndarray | float = 0.0,
    abd: np.ndarray | float = 0.0,
    ext_rot: np.ndarray | float = 0.0,
    knee_flex: np.ndarray | float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Knee, ankle, foot (heel→toe) and sole (up the leg) of one leg from anatomical hip and knee angles.

    Hip angles are intrinsic, in this order, from the pelvis: flexion, abduction, external rotation.
    """
    s = SIGN[side]
    thigh = rotate(
        rotate(rotate(pelvis, 0, -np.asarray(flex, float)), 2, s * np.asarray(abd, float)),
        1,
        s * np.asarray(ext_rot, float),
    )
    shank = rotate(thigh, 0, np.asarray(knee_flex, float))
    knee = hip - body.thigh * thigh[..., :, 1]
    ankle = knee - body.shank * shank[..., :, 1]
    return knee, ankle, shank[..., :, 2], shank[..., :, 1]


def planted_leg(
    body: Body, hip: np.ndarray, ankle: np.ndarray, anterior: np.ndarray, medial: np.ndarray, valgus_deg=0.0
) -> np.ndarray:
    """Knee of a leg whose foot stays put; it bends forwards, or `valgus_deg` towards the midline."""
    v = np.radians(np.asarray(valgus_deg, float))[..., None]
    return two_link_knee(hip, ankle, body.thigh, body.shank, np.cos(v) * anterior + np.sin(v) * medial)


def hanging_arms(body: Body, skel_trunk: np.ndarray, shoulder: dict[str, np.ndarray], flex=0.0, elbow=10.0):
    """Elbows and wrists for arms raised forward by `flex` degrees from hanging, elbows bent `elbow`."""
    out_e, out_w = {}, {}
    for side, s in SIGN.items():
        arm = rotate(rotate(skel_trunk, 0, -np.asarray(flex, float)), 2, s * 8.0)
        fore = rotate(arm, 0, -np.asarray(elbow, float))
        out_e[side] = shoulder[side] - body.upper_arm * arm[..., :, 1]
        out_w[side] = out_e[side] - body.forearm * fore[..., :, 1]
    return out_e, out_w


def assemble(
    body: Body,
    hip_mid: np.ndarray,
    pelvis: np.ndarray,
    trunk: np.ndarray,
    legs: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    arm_flex=0.0,
    elbow=10.0,
    head: np.ndarray | None = None,
    arms: tuple[dict, dict] | None = None,
) -> Skeleton:
    """A Skeleton from pelvis/trunk frames and legs as (knee, ankle, foot, sole) per side."""
    skel = Skeleton(
        body=body,
        hip_mid=hip_mid,
        pelvis=pelvis,
        trunk=trunk,
        head=trunk if head is None else head,
        knee={s: legs[s][0] for s in SIGN},
        ankle={s: legs[s][1] for s in SIGN},
        foot={s: unit(legs[s][2]) for s in SIGN},
        sole={s: unit(legs[s][3]) for s in SIGN},
        elbow={},
        wrist={},
    )
    if arms is None:
        arms = hanging_arms(body, trunk, {s: skel.shoulder(s) for s in SIGN}, arm_flex, elbow)
    skel.elbow, skel.wrist = arms
    return skel


def planted_foot(t: int, anterior) -> tuple[np.ndarray, np.ndarray]:
    """Foot and sole directions of a foot flat on the floor pointing along `anterior`."""
    fwd = np.broadcast_to(np.asarray(anterior, float), (t, 3))
    return unit(fwd), np.broadcast_to(np.array([0.0, 1.0, 0.0]), (t, 3))
