"""A parametric human skeleton that turns a few joint positions and frames into BlazePose's 33 landmarks.

Segment lengths are fractions of standing height (Drillis & Contini / Winter's anthropometric table;
widths from BlazePose on real clips), so a synthetic person has the proportions the kinematics code will
meet in real footage. Everything is
vectorised over frames: arrays are [T, 3] positions or [T, 3, 3] frames in the room (metres, y up).
A body frame's columns are the person's (left, up, anterior) axes, a right-handed set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipcoach.motion.landmarks import INDEX, N_LANDMARKS


@dataclass(frozen=True)
class Body:
    """Segment lengths in metres from standing height (fractions after Winter 2009, table 4.1)."""

    height: float = 1.75

    @property
    def thigh(self) -> float:
        return 0.245 * self.height

    @property
    def shank(self) -> float:
        return 0.246 * self.height

    @property
    def trunk(self) -> float:  # mid-hip to mid-shoulder
        return 0.288 * self.height

    # BlazePose puts its hip and shoulder landmarks inside the bony widths: on the real clips its world
    # landmarks give hip width / trunk 0.46-0.52 and shoulder width / trunk 0.67-0.72.
    @property
    def hip_width(self) -> float:
        return 0.14 * self.height

    @property
    def shoulder_width(self) -> float:
        return 0.2 * self.height

    @property
    def upper_arm(self) -> float:
        return 0.186 * self.height

    @property
    def forearm(self) -> float:
        return 0.146 * self.height

    @property
    def ankle_height(self) -> float:
        return 0.039 * self.height

    @property
    def leg(self) -> float:
        return self.thigh + self.shank


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def rotation(axis: np.ndarray, angle_deg: np.ndarray | float) -> np.ndarray:
    """Rotation matrices [T, 3, 3] about unit axes [T, 3] (or [3]) by angles in degrees (Rodrigues)."""
    axis = unit(np.asarray(axis, dtype=float))
    a = np.radians(np.asarray(angle_deg, dtype=float))
    axis, a = np.broadcast_arrays(axis, a[..., None])
    a = a[..., 0]
    x, y, z = axis[..., 0], axis[..., 1], axis[..., 2]
    c, s, C = np.cos(a), np.sin(a), 1 - np.cos(a)
    return np.stack(
        [
            np.stack([c + x * x * C, x * y * C - z * s, x * z * C + y * s], -1),
            np.stack([y * x * C + z * s, c + y * y * C, y * z * C - x * s], -1),
            np.stack([z * x * C - y * s, z * y * C + x * s, c + z * z * C], -1),
        ],
        -2,
    )


def rotate(frames: np.ndarray, axis_index: int, angle_deg: np.ndarray | float) -> np.ndarray:
    """Turn body frames [T, 3, 3] about one of their own axes (0 left, 1 up, 2 anterior)."""
    return rotation(frames[..., :, axis_index], angle_deg) @ frames


def swing_about(point: np.ndarray, a: np.ndarray, b: np.ndarray, angle_deg: np.ndarray | float) -> np.ndarray:
    """Turn `point` about the line a→b (e.g. a knee about the hip-ankle line, keeping hip and ankle still)."""
    return a + np.einsum("...ij,...j->...i", rotation(b - a, angle_deg), point - a)


def two_link_knee(
    hip: np.ndarray, ankle: np.ndarray, thigh: float, shank: float, bend: np.ndarray
) -> np.ndarray:
    """Knee position that joins hip and ankle with fixed segment lengths, bulging towards `bend`."""
    d = ankle - hip
    dist = np.clip(np.linalg.norm(d, axis=-1), 1e-6, thigh + shank - 1e-6)
    along = (thigh**2 - shank**2 + dist**2) / (2 * dist)
    out = np.sqrt(np.clip(thigh**2 - along**2, 0, None))
    axis = unit(d)
    perp = bend - (bend * axis).sum(-1, keepdims=True) * axis
    return hip + axis * along[..., None] + unit(perp) * out[..., None]


@dataclass
class Skeleton:
    """Joint positions and body frames of a pose sequence; `landmarks()` dresses it in BlazePose's 33 points.

    pelvis/trunk/head are frames [T, 3, 3] (columns left, up, anterior). Sides are keyed "left"/"right"
    (the person's own). foot: [T, 3] unit vector heel→toe; sole: unit vector from the sole up the leg.
    """

    body: Body
    hip_mid: np.ndarray
    pelvis: np.ndarray
    trunk: np.ndarray
    head: np.ndarray
    knee: dict[str, np.ndarray]
    ankle: dict[str, np.ndarray]
    foot: dict[str, np.ndarray]
    sole: dict[str, np.ndarray]
    elbow: dict[str, np.ndarray]
    wrist: dict[str, np.ndarray]

    def hip(self, side: str) -> np.ndarray:
        sign = 1.0 if side == "left" else -1.0
        return self.hip_mid + sign * 0.5 * self.body.hip_width * self.pelvis[..., :, 0]

    def shoulder_mid(self) -> np.ndarray:
        return self.hip_mid + self.body.trunk * self.trunk[..., :, 1]

    def shoulder(self, side: str) -> np.ndarray:
        sign = 1.0 if side == "left" else -1.0
        return self.shoulder_mid() + sign * 0.5 * self.body.shoulder_width * self.trunk[..., :, 0]

    def landmarks(self) -> tuple[np.ndarray, np.ndarray]:
        """[T, 33, 3] positions and [T, 33, 3] outward normals (used to fake BlazePose's visibility)."""
        h = self.body.height
        t = len(self.hip_mid)
        pos = np.zeros((t, N_LANDMARKS, 3))
        nrm = np.zeros((t, N_LANDMARKS, 3))
        left_ax, up_ax, ant_ax = (self.head[..., :, i] for i in range(3))
        neck = self.shoulder_mid() + 0.03 * h * self.trunk[..., :, 1]

        def put(name: str, p: np.ndarray, n: np.ndarray) -> None:
            pos[:, INDEX[name]] = p
            nrm[:, INDEX[name]] = unit(n)

        def face(lat: float, up: float, ant: float) -> np.ndarray:
            return neck + h * (lat * left_ax + up * up_ax + ant * ant_ax)

        put("nose", face(0, 0.095, 0.065), ant_ax)
        for side, s in (("left", 1.0), ("right", -1.0)):
            put(f"{side}_eye_inner", face(0.017 * s, 0.112, 0.055), ant_ax)
            put(f"{side}_eye", face(0.027 * s, 0.113, 0.053), ant_ax)
            put(f"{side}_eye_outer", face(0.037 * s, 0.112, 0.048), ant_ax)
            put(f"{side}_ear", face(0.047 * s, 0.1, 0.0), s * left_ax + 0.3 * ant_ax)
            put(f"mouth_{side}", face(0.016 * s, 0.075, 0.055), ant_ax)
            lateral_trunk = s * self.trunk[..., :, 0]
            put(f"{side}_shoulder", self.shoulder(side), lateral_trunk + 0.4 * self.trunk[..., :, 2])
            put(f"{side}_elbow", self.elbow[side], lateral_trunk)
            put(f"{side}_wrist", self.wrist[side], lateral_trunk)
            hand = unit(self.wrist[side] - self.elbow[side])
            palm_side = unit(np.cross(hand, self.trunk[..., :, 1]) + 1e-9) * s
            put(f"{side}_pinky", self.wrist[side] + 0.05 * h * hand - 0.015 * h * palm_side, lateral_trunk)
            put(f"{side}_index", self.wrist[side] + 0.055 * h * hand + 0.01 * h * palm_side, lateral_trunk)
            put(f"{side}_thumb", self.wrist[side] + 0.03 * h * hand + 0.02 * h * palm_side, lateral_trunk)
            lateral_pelvis = s * self.pelvis[..., :, 0]
            put(f"{side}_hip", self.hip(side), lateral_pelvis + 0.3 * self.pelvis[..., :, 2])
            put(f"{side}_knee", self.knee[side], lateral_pelvis + 0.5 * self.pelvis[..., :, 2])
            put(f"{side}_ankle", self.ankle[side], lateral_pelvis)
            foot, sole = self.foot[side], self.sole[side]
            put(f"{side}_heel", self.ankle[side] - 0.035 * h * foot - 0.03 * h * sole, -foot)
            put(f"{side}_foot_index", self.ankle[side] + 0.11 * h * foot - 0.035 * h * sole, foot)
        return pos, nrm
