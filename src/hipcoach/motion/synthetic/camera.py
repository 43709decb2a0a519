"""A virtual pinhole camera that turns synthetic 3D landmarks into a PoseTrack shaped like BlazePose's.

What BlazePose gives and this imitates: x, y normalised to the frame; z relative depth with the hip
midpoint at 0, smaller = nearer the camera, on x's scale; visibility high for landmarks facing the camera
and low for those turned away or out of frame; world landmarks in metres, hip-centred, in camera axes
(x right, y down, z away). Noise, dropped frames and BlazePose's left/right mix-ups are optional.
From behind, real BlazePose still reports the face as visible (~1.0 on single_leg_stance_cam03/04), so
that is the default; `back_face_visibility` can lower it to model a detector that knows it cannot see it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipcoach.motion.landmarks import INDEX, NAMES
from hipcoach.motion.posetrack import PoseTrack

LEFT_RIGHT = np.array(
    [INDEX[n.replace("left", "right")] if "left" in n else INDEX[n.replace("right", "left")] for n in NAMES]
)
FACE = [INDEX[n] for n in NAMES[:11]]
LOWER = [INDEX[n] for n in NAMES if any(k in n for k in ("hip", "knee", "ankle", "heel", "foot"))]


@dataclass
class Camera:
    """Pinhole camera at `position` looking at `target` (room metres, y up), square pixels."""

    position: np.ndarray
    target: np.ndarray
    frame_size: tuple[int, int] = (1280, 720)
    hfov_deg: float = 60.0

    @property
    def axes(self) -> np.ndarray:
        """Rows: right, down, forward."""
        fwd = self.target - self.position
        fwd = fwd / np.linalg.norm(fwd)
        right = np.cross(fwd, [0.0, 1.0, 0.0])
        right = right / np.linalg.norm(right)
        return np.stack([right, np.cross(fwd, right), fwd])

    @property
    def focal_px(self) -> float:
        return self.frame_size[0] / 2 / np.tan(np.radians(self.hfov_deg) / 2)

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        return (points - self.position) @ self.axes.T

    def project(self, points: np.ndarray) -> np.ndarray:
        """[..., 3] room points → [..., 2] normalised image x, y."""
        c = self.to_camera(points)
        w, h = self.frame_size
        f = self.focal_px
        return np.stack(
            [(w / 2 + f * c[..., 0] / c[..., 2]) / w, (h / 2 + f * c[..., 1] / c[..., 2]) / h], -1
        )


def frame_camera(
    points: np.ndarray,
    direction: np.ndarray,
    lens_height: float,
    frame_size: tuple[int, int] = (1280, 720),
    hfov_deg: float = 60.0,
    fill: float = 0.8,
) -> Camera:
    """Place a camera along horizontal `direction` from the body, at `lens_height`, far enough that
    every point of the whole movement fits in `fill` of the frame (how a user sets up a phone)."""
    centre = 0.5 * (points.reshape(-1, 3).min(0) + points.reshape(-1, 3).max(0))
    direction = np.array([direction[0], 0.0, direction[2]]) / np.hypot(direction[0], direction[2])
    target = np.array([centre[0], lens_height, centre[2]])
    dist = 2.0
    for _ in range(4):
        cam = Camera(target + dist * direction, target, frame_size, hfov_deg)
        xy = cam.project(points.reshape(-1, 3))
        span = np.max(np.abs(xy - 0.5)) * 2
        dist *= span / fill
    return Camera(target + dist * direction, target, frame_size, hfov_deg)


def render(
    positions: np.ndarray,
    normals: np.ndarray,
    camera: Camera,
    timestamps: np.ndarray,
    *,
    noise: float = 0.0,
    dropout: float = 0.0,
    facing_mixup: bool = False,
    leg_swap_rate: float = 0.0,
    back_face_visibility: float = 0.97,
    seed: int = 0,
) -> PoseTrack:
    """Project [T, 33, 3] room landmarks to a PoseTrack.

    noise: standard deviation of landmark jitter as a fraction of the person's image height.
    dropout: fraction of frames with no detection (in bursts of 1-4 frames).
    facing_mixup: imitate BlazePose taking a back view for a front view (labels swapped, depth mirrored).
    leg_swap_rate: chance per frame that a burst of left/right leg label swaps starts (side views).
    back_face_visibility: visibility given to face landmarks turned away from the camera.
    """
    rng = np.random.default_rng(seed)
    t = len(timestamps)
    w, h = camera.frame_size
    xy = camera.project(positions)
    cam_pts = camera.to_camera(positions)
    hip_mid = 0.5 * (positions[:, INDEX["left_hip"]] + positions[:, INDEX["right_hip"]])
    hip_depth = camera.to_camera(hip_mid)[:, 2]
    z = (cam_pts[..., 2] - hip_depth[:, None]) * camera.focal_px / hip_depth[:, None] / w
    to_cam = camera.position - positions
    to_cam /= np.linalg.norm(to_cam, axis=-1, keepdims=True)
    facing = (normals * to_cam).sum(-1)
    vis = np.clip(0.97 - 0.7 * np.clip(-facing - 0.1, 0, 1), 0.05, 0.995)
    vis[:, FACE] = np.where(facing[:, FACE] < -0.2, back_face_visibility, vis[:, FACE])
    world = (positions - hip_mid[:, None]) @ camera.axes.T

    person_px = np.ptp(xy[..., 1] * h, axis=1).max() if t else 1.0
    if noise > 0:
        sd = noise * person_px
        xy = xy + rng.normal(0, sd, xy.shape) / np.array([w, h])
        z = z + rng.normal(0, 2 * sd / w, z.shape)
        world = world + rng.normal(0, noise * 2.0, world.shape)
        vis = np.clip(vis + rng.normal(0, 0.02, vis.shape), 0.0, 1.0)
    out = (xy < 0) | (xy > 1)
    vis = np.where(out.any(-1), np.minimum(vis, 0.1), vis)

    if facing_mixup:
        xy, z, vis, world = xy[:, LEFT_RIGHT], -z[:, LEFT_RIGHT], vis[:, LEFT_RIGHT], world[:, LEFT_RIGHT]
        world[..., 2] *= -1
    if leg_swap_rate > 0:
        swap = np.zeros(t, bool)
        for start in np.flatnonzero(rng.random(t) < leg_swap_rate):
            swap[start : start + rng.integers(2, 8)] = True
        lower_perm = np.arange(len(NAMES))
        lower_perm[LOWER] = LEFT_RIGHT[LOWER]
        for arr in (xy, z, vis, world):
            arr[swap] = arr[swap][:, lower_perm]

    landmarks = np.concatenate([xy, z[..., None], vis[..., None]], -1).astype(np.float32)
    world = world.astype(np.float32)
    if dropout > 0:
        gone = np.zeros(t, bool)
        for start in np.flatnonzero(rng.random(t) < dropout / 2.5):
            gone[start : start + rng.integers(1, 5)] = True
        landmarks[gone] = np.nan
        world[gone] = np.nan
    presence = np.where(np.isnan(landmarks[..., 0]), 0.0, 1.0).astype(np.float32)
    fps = float((t - 1) / (timestamps[-1] - timestamps[0])) if t > 1 else 30.0
    return PoseTrack(
        landmarks=landmarks,
        presence=presence,
        world=world,
        timestamps=np.asarray(timestamps, dtype=np.float64),
        frame_size=camera.frame_size,
        fps=fps,
        model="synthetic",
        source_name="synthetic",
    )
