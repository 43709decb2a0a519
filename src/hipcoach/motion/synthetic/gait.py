"""Treadmill running seen from behind, with a chosen contralateral pelvic drop per stance side.

Joint-angle curves are smooth approximations of running kinematics (hip ~+29° at contact to -10° at
toe-off, knee ~40° at midstance and ~100° in swing); stance takes ~38% of a stride. During a stance on
side S the pelvis drops on the other side by `drop_deg[S]` at midstance (sine-shaped over the stance).
"""

from __future__ import annotations

import numpy as np

from hipcoach.motion.synthetic.poses import SIGN, assemble, frames, leg_fk
from hipcoach.motion.synthetic.skeleton import Body, Skeleton, rotate
from hipcoach.motion.synthetic.timeline import Truth

STANCE = 0.38


def _hip_flex(p: np.ndarray) -> np.ndarray:
    return 12.5 + 22.5 * np.cos(2 * np.pi * (p - 0.88))


def _knee_flex(p: np.ndarray) -> np.ndarray:
    stance = 20 + 20 * np.sin(np.pi * np.clip(p / STANCE, 0, 1))
    swing = 20 + 80 * np.sin(np.pi * np.clip((p - STANCE) / (1 - STANCE), 0, 1))
    return np.where(p < STANCE, stance, swing)


def running(
    body: Body, duration: float, fps: float, cadence: float, drop_deg: dict[str, float]
) -> tuple[Skeleton, np.ndarray, Truth]:
    """Run in place for `duration` s at `cadence` steps/min; returns the skeleton, timestamps and truth."""
    t = np.arange(0.0, duration, 1.0 / fps)
    n = len(t)
    stride = 120.0 / cadence  # seconds per stride (two steps)
    phase = {"left": (t / stride) % 1.0, "right": (t / stride + 0.5) % 1.0}
    obliquity = np.zeros(n)  # positive = left hip higher, i.e. the right side dropped
    for side, p in phase.items():
        in_stance = p < STANCE
        shape = np.sin(np.pi * np.clip(p / STANCE, 0, 1)) * in_stance
        # During a left stance the right side drops: left hip higher: positive obliquity.
        obliquity += SIGN[side] * drop_deg.get(side, 0.0) * shape
    pelvis = rotate(frames(np.eye(3)[0], np.eye(3)[1], n), 2, obliquity)
    trunk = rotate(frames(np.eye(3)[0], np.eye(3)[1], n), 0, np.full(n, 8.0))
    bounce = 0.035 * np.cos(2 * np.pi * (2 * t / stride - STANCE / 2))
    hip_mid = np.stack([np.zeros(n), body.ankle_height + 0.93 * body.leg + bounce, np.zeros(n)], -1)
    legs = {}
    for side in SIGN:
        hip = hip_mid + SIGN[side] * 0.5 * body.hip_width * pelvis[..., :, 0]
        p = phase[side]
        adduct = np.where(p < STANCE, -4.0, 0.0)
        legs[side] = leg_fk(body, pelvis, hip, side, _hip_flex(p), adduct, 0.0, _knee_flex(p))
    skel = assemble(body, hip_mid, pelvis, trunk, legs, arm_flex=0.0, elbow=90.0)
    truth = Truth("running", "back", params={"cadence": cadence, "drop_deg": dict(drop_deg)})
    for side in SIGN:
        offset = 0.0 if side == "left" else -0.5
        k = np.arange(np.floor(-1 - offset), np.ceil(duration / stride - offset) + 1)
        for start in (k + (0.0 if side == "left" else 0.5)) * stride:
            end = start + STANCE * stride
            if start >= 0 and end <= t[-1]:
                truth.stances.append(
                    {
                        "side": side,
                        "start": float(start),
                        "end": float(end),
                        "drop_deg": drop_deg.get(side, 0.0),
                    }
                )
    truth.stances.sort(key=lambda s: s["start"])
    return skel, t, truth
