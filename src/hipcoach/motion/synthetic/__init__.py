"""Synthetic pose tracks with exact ground truth, for testing everything downstream of the pose model.

    track, truth = generate("clamshell", reps=5, sides="both", faults={"feet_separate": [2]})
    track, truth = generate_running(cadence=170, drop_deg={"left": 3, "right": 8}, view="back")

A parametric skeleton (`skeleton.Body`, proportions of height) performs the movement, a virtual pinhole
camera (`camera.Camera`) films it from the catalogue's set-up or a chosen view, and `camera.render`
returns a PoseTrack shaped like BlazePose's, with optional noise, dropped frames and label mix-ups.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.synthetic import floor, gait, upright
from hipcoach.motion.synthetic.camera import Camera, frame_camera, render
from hipcoach.motion.synthetic.skeleton import Body, Skeleton
from hipcoach.motion.synthetic.timeline import Rep, Tempo, Truth, make_timeline

__all__ = ["EXERCISES", "Body", "Camera", "Rep", "Tempo", "Truth", "generate", "generate_running"]

# exercise id → (builder, allowed views (first = the catalogue's set-up), lens height in metres, faults)
EXERCISES: dict[str, tuple[Callable, tuple[str, ...], float, tuple[str, ...]]] = {
    "clamshell": (
        floor.clamshell,
        ("lying", "back"),
        0.3,
        ("pelvis_rolls_back", "feet_separate", "moving_too_fast"),
    ),
    "side-lying-hip-abduction": (
        floor.side_lying_hip_abduction,
        ("lying", "back"),
        0.3,
        ("pelvis_rolls_back", "hip_flexes", "hip_hikes", "moving_too_fast"),
    ),
    "single-leg-bridge": (
        floor.single_leg_bridge,
        ("working_side", "left_side", "right_side"),
        0.35,
        ("pelvis_drops", "hips_not_extended", "moving_too_fast"),
    ),
    "bilateral-bridge": (
        floor.bilateral_bridge,
        ("right_side", "left_side"),
        0.35,
        ("hips_not_extended", "back_arches", "moving_too_fast"),
    ),
    "quadruped-hip-extension-knee-flexed": (
        floor.quadruped_knee_flexed,
        ("working_side", "left_side", "right_side"),
        0.6,
        ("back_arches", "moving_too_fast"),
    ),
    "quadruped-hip-extension-knee-extending": (
        floor.quadruped_knee_extending,
        ("working_side", "left_side", "right_side"),
        0.6,
        ("back_arches", "moving_too_fast"),
    ),
    "side-step": (
        upright.side_step,
        ("front", "back"),
        0.9,
        ("trunk_leans", "feet_come_together", "knee_caves"),
    ),
    "seated-band-hip-external-rotation": (
        upright.seated_band_hip_external_rotation,
        ("front", "back"),
        0.5,
        ("thigh_moves", "trunk_leans", "moving_too_fast"),
    ),
    "standing-band-hip-flexion": (
        upright.standing_band_hip_flexion,
        ("working_side", "left_side", "right_side", "front", "back"),
        0.9,
        ("trunk_leans_back", "trunk_leans_forward", "moving_too_fast"),
    ),
    "standing-band-hip-abduction": (
        upright.standing_band_hip_abduction,
        ("front", "back", "left_side", "right_side"),
        0.9,
        ("trunk_leans", "hip_flexes", "hip_hikes", "moving_too_fast"),
    ),
    "squat": (
        upright.squat,
        ("front", "back", "left_side", "right_side"),
        0.9,
        ("knee_caves", "trunk_leans"),
    ),
    "single-leg-squat": (
        upright.single_leg_squat,
        ("front", "back", "left_side", "right_side"),
        0.8,
        ("knee_caves", "pelvis_drops", "trunk_leans"),
    ),
}
BILATERAL = {"bilateral-bridge", "squat"}
# Side-lying exercises cannot alternate legs rep by rep (the person would roll over between reps).
SIDE_LYING = {"clamshell", "side-lying-hip-abduction"}
# Exercises on one standing leg, where a sideways lean away from the working leg (`lean_deg`) is
# modelled: real trainers lean the whole upper body, pelvis included, over the stance foot.
LEANING = {"standing-band-hip-abduction", "standing-band-hip-flexion"}


def _camera_direction(skel: Skeleton, view: str, yaw_deg: float = 0.0) -> np.ndarray:
    """Room direction from the person to the camera for a view, from the body frame at the first frame,
    turned `yaw_deg` about the vertical towards the person's left (negative: their right)."""
    left, _, ant = skel.pelvis[0].T
    d = {"front": ant, "lying": ant, "back": -ant, "left_side": left, "right_side": -left}[view]
    side = {"front": left, "lying": left, "back": left, "left_side": -ant, "right_side": ant}[view]
    a = np.radians(yaw_deg)
    return np.cos(a) * d + np.sin(a) * side


def film(
    skel: Skeleton,
    t: np.ndarray,
    view: str,
    lens_height: float,
    frame_size: tuple[int, int],
    yaw_deg: float = 0.0,
    **render_kw,
) -> tuple[PoseTrack, Camera]:
    """Frame the whole movement from `view` (turned `yaw_deg` round the person) and render it."""
    pos, normals = skel.landmarks()
    cam = frame_camera(pos, _camera_direction(skel, view, yaw_deg), lens_height, frame_size)
    return render(pos, normals, cam, t, **render_kw), cam


def generate(
    exercise: str,
    *,
    reps: int = 5,
    sides: str = "right",
    tempo: Tempo | None = None,
    faults: dict[str, list[int]] | None = None,
    view: str | None = None,
    height: float = 1.75,
    fps: float = 30.0,
    frame_size: tuple[int, int] = (1280, 720),
    noise: float = 0.002,
    dropout: float = 0.0,
    facing_mixup: bool = False,
    leg_swap_rate: float = 0.0,
    back_face_visibility: float = 0.97,
    jitter: float = 0.1,
    seed: int = 0,
    lean_deg: float = 0.0,
    yaw_deg: float = 0.0,
) -> tuple[PoseTrack, Truth]:
    """A PoseTrack of `exercise` and its ground truth.

    sides: "left", "right", "both" (all reps on the left, then all on the right) or "alternate" (left,
    right, left, ...: `reps` per side; not for side-lying exercises); bilateral exercises ignore it.
    lean_deg: in each rep the upper body and pelvis tilt this far away from the working leg, over the
    stance foot, and back (standing one-leg exercises only, see LEANING), as trainers filmed doing a
    standing abduction do; beyond the limits it reads as trunk lean and hip hike, and it makes both hips'
    pelvis-relative angles rise together. faults: fault code → rep indices (0-based over all reps).
    view: one of the exercise's allowed views (default the catalogue's set-up; "working_side" films the
    first working side). yaw_deg turns the camera about the vertical from that view, towards the
    person's left for a front or back view (negative: their right), towards their front for a side
    view: 45 films a front view obliquely.
    noise is landmark jitter as a fraction of the person's image height (see `camera.render`); the default
    0.002 is a little above what BlazePose showed on the real clips (0.0002-0.0016, one clip 0.003).
    """
    if exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise!r}; known: {', '.join(EXERCISES)}")
    builder, views, lens_height, known_faults = EXERCISES[exercise]
    unknown = set(faults or {}) - set(known_faults)
    if unknown:
        raise ValueError(
            f"{exercise} has no synthetic fault(s) {sorted(unknown)}; it has {list(known_faults)}"
        )
    view = view or views[0]
    if view not in views:
        raise ValueError(f"{exercise} can be filmed from {views}, not {view!r}")
    if sides == "alternate" and exercise in SIDE_LYING:
        raise ValueError(f"{exercise} is done lying on one side: its legs cannot alternate rep by rep")
    if lean_deg and exercise not in LEANING:
        raise ValueError(f"lean_deg is modelled for {sorted(LEANING)}, not {exercise}")
    if exercise in BILATERAL:
        sides = "bilateral"
    tl = make_timeline(reps, sides, tempo or Tempo(), faults, fps, jitter=jitter, seed=seed, lean=lean_deg)
    skel = builder(Body(height), tl)
    if view == "working_side":
        first = tl.reps[0].side if tl.reps else "right"
        view = "right_side" if first == "both" else f"{first}_side"
    track, _ = film(
        skel,
        tl.t,
        view,
        lens_height,
        frame_size,
        yaw_deg=yaw_deg,
        noise=noise,
        dropout=dropout,
        facing_mixup=facing_mixup,
        leg_swap_rate=leg_swap_rate,
        back_face_visibility=back_face_visibility,
        seed=seed,
    )
    truth_view = "lying" if exercise in ("clamshell", "side-lying-hip-abduction") else view
    truth = Truth(exercise, truth_view, reps=tl.reps, params={"facing_camera": view != "back"})
    return track, truth


def generate_running(
    *,
    duration: float = 6.0,
    cadence: float = 170.0,
    drop_deg: dict[str, float] | None = None,
    view: str = "back",
    height: float = 1.75,
    fps: float = 60.0,
    frame_size: tuple[int, int] = (1280, 720),
    noise: float = 0.002,
    dropout: float = 0.0,
    facing_mixup: bool = False,
    seed: int = 0,
) -> tuple[PoseTrack, Truth]:
    """Running in place filmed from `view` (default behind), with `drop_deg[side]` of contralateral pelvic
    drop during each stance on `side`; truth lists every complete stance."""
    skel, t, truth = gait.running(
        Body(height), duration, fps, cadence, drop_deg or {"left": 4.0, "right": 4.0}
    )
    track, _ = film(
        skel, t, view, 1.0, frame_size, noise=noise, dropout=dropout, facing_mixup=facing_mixup, seed=seed
    )
    truth.view = view
    return track, truth
