"""Joint and segment angles and body-scaled distances as named time series, one value per frame.

Angle convention (degrees; a single camera measures angles projected on the image plane, so each
series is valid in the views named for its plane — see PLANES; 3D series use the world landmarks):

Image plane: pixels with y up. "Left"/"right" are the person's own sides, resolved by `views`.

Sagittal series (side views: left_side / right_side). The turning sense of flexion in the image comes
from the view (counter-clockwise when the camera sees the right side), so signs hold whichever way the
person faces and whether they stand, lie or kneel.
  hip_flexion_{side}    thigh (hip→knee) against the same side's trunk line continued down (shoulder→hip):
                        0 = thigh in line with trunk, + = flexion (thigh in front), − = extension.
  knee_flexion_{side}   thigh against shank (knee→ankle): 0 = straight, + = flexion, − = hyperextension.
  trunk_lean_sagittal   trunk (mid-hip→mid-shoulder) against image vertical: 0 = upright, + = forwards.
  shank_angle_{side}    shank (ankle→knee) against image vertical: 0 = vertical, + = knee ahead of ankle.

Frontal series (front / back views; lying views where the body is seen from the front or back).
  pelvic_obliquity      hip line (right→left hip) against image horizontal: + = left hip higher.
  pelvic_drop_{side}    + = that side's hip lower than the other (contralateral pelvic drop in running is
                        pelvic_drop of the swing side during the other leg's stance).
  pelvis_trunk_tilt     hip line against the perpendicular to the trunk: + = left hip towards the ribs
                        (a left hip hitch); for side-lying where gravity is no reference.
  hip_abduction_{side}  thigh against the perpendicular to the hip line, pointing down the body:
                        0 = neutral, + = abduction (knee away from the midline), − = adduction.
  knee_fppa_{side}      knee frontal-plane projection angle (Munro 2012): 180° minus the hip-knee-ankle
                        angle, + = valgus (knee medial of the hip-ankle line), − = varus.
                        Hip abduction and FPPA are NaN where the thigh (or shank) on screen is shorter
                        than MIN_SEGMENT trunk lengths: pointing at the camera, it has no direction.
  trunk_lean_frontal    trunk against image vertical: 0 = upright, + = towards the person's right.
  trunk_shift_frontal   the sideways trunk lean from how far the shoulders sit to the side of the hips,
                        against the trunk's own length (the body scale): arcsin(offset / trunk length),
                        + = towards the person's right. Unlike trunk_lean_frontal it is not magnified
                        when the trunk bends forwards towards a front camera (a deep single-leg squat's
                        trunk shortens on screen, and its angle from vertical grows for the same lean).
  shank_tilt_{side}     shank (knee→ankle) against the body's down direction: + = ankle towards the midline
                        (a seated hip external rotation swings the foot in); defined even when the thigh
                        points at the camera.
  knee_out_{side}       knee offset from its hip along the hip line, in body scales: + = outwards.
  thigh_separation      angle at mid-hip between the two knees (the clamshell opening; unsigned).
  knee_separation, ankle_separation   distances between the knees / ankles, in body scales.
  pelvis_depth_angle    hip line out of the image plane from BlazePose depth: + = left hip further from
                        the camera (a side-lying pelvis rolling back shows here).

Any view: pelvis_height (mid-hip above the mean ankle, image vertical) and pelvis_x / pelvis_y (mid-hip
position), in body scales; trunk_inclination (unsigned angle of the trunk from image vertical: 0 upright,
90 horizontal); knee_lift_{side} (knee above its hip, image vertical, in body scales; not tied to the
trunk, so leaning back does not shrink it).
3D (world landmarks; BlazePose's depth is rough, so treat as indicative): hip_flexion_3d_{side},
hip_abduction_3d_{side} (in the pelvis/trunk frame), knee_flexion_3d_{side}, and pelvic_drop_3d_{side}
(the hip line against the camera's horizontal plane, + = that side's hip lower; a pelvis rolling towards
the floor in a single-leg bridge filmed from the side shows here, where the 2D hip line has no length).

Body scale: the 90th percentile over frames of the mean left/right shoulder-to-hip distance in pixels
(the trunk rarely foreshortens more than the legs do).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipcoach.motion.geometry import dot, signed_angle, unit, unsigned_angle
from hipcoach.motion.landmarks import INDEX
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.views import ViewResult, image_points, resolve_sides

SIDES = ("left", "right")
MIN_SEGMENT = 0.3  # thigh or shank shorter than this many trunk lengths on screen: frontal angles undefined
PLANES: dict[str, str] = {
    "hip_flexion": "sagittal",
    "knee_flexion": "sagittal",
    "trunk_lean_sagittal": "sagittal",
    "shank_angle": "sagittal",
    "pelvic_obliquity": "frontal",
    "pelvic_drop": "frontal",
    "pelvis_trunk_tilt": "frontal",
    "hip_abduction": "frontal",
    "knee_fppa": "frontal",
    "trunk_lean_frontal": "frontal",
    "trunk_shift_frontal": "frontal",
    "shank_tilt": "frontal",
    "knee_out": "frontal",
    "thigh_separation": "frontal",
    "knee_separation": "frontal",
    "ankle_separation": "frontal",
    "pelvis_depth_angle": "frontal",
    "pelvis_height": "any",
    "pelvis_x": "any",
    "pelvis_y": "any",
    "trunk_inclination": "any",
    "knee_lift": "any",
    "hip_flexion_3d": "3d",
    "hip_abduction_3d": "3d",
    "knee_flexion_3d": "3d",
    "pelvic_drop_3d": "3d",
}
VIEWS_FOR_PLANE = {
    "sagittal": ("left_side", "right_side"),
    "frontal": ("front", "back", "lying"),
    "any": ("front", "back", "left_side", "right_side", "lying"),
    "3d": ("front", "back", "left_side", "right_side", "lying"),
}


@dataclass
class Kinematics:
    """Named series [T] (NaN where no person), timestamps, the resolved view and the body scale (px)."""

    series: dict[str, np.ndarray]
    timestamps: np.ndarray
    view: ViewResult
    body_scale: float

    def __getitem__(self, name: str) -> np.ndarray:
        return self.series[name]

    def side(self, name: str, side: str) -> np.ndarray:
        """A per-side series by base name and the person's side, e.g. side("knee_fppa", "left")."""
        return self.series[f"{name}_{side}"]

    def valid_in_view(self, name: str) -> bool:
        """Whether a series (base or per-side name) means what it says in this clip's view."""
        base = name.removesuffix("_left").removesuffix("_right")
        return self.view.view in VIEWS_FOR_PLANE[PLANES[base]]


def body_scale(track: PoseTrack) -> float:
    """Trunk length in pixels (90th percentile of the mean left/right shoulder-to-hip distance)."""
    p = image_points(track)
    trunk = [np.linalg.norm(p[:, INDEX[f"{s}_shoulder"]] - p[:, INDEX[f"{s}_hip"]], axis=-1) for s in SIDES]
    per_frame = 0.5 * (trunk[0] + trunk[1])
    return float(np.nanpercentile(per_frame, 90)) if np.isfinite(per_frame).any() else float("nan")


def _sagittal(p: np.ndarray, sign: int, out: dict[str, np.ndarray]) -> None:
    up = np.array([0.0, 1.0])
    trunk_up = 0.5 * (p[:, INDEX["left_shoulder"]] + p[:, INDEX["right_shoulder"]]) - 0.5 * (
        p[:, INDEX["left_hip"]] + p[:, INDEX["right_hip"]]
    )
    out["trunk_lean_sagittal"] = -sign * signed_angle(up, trunk_up)
    for s in SIDES:
        sho, hip, knee, ankle = (p[:, INDEX[f"{s}_{j}"]] for j in ("shoulder", "hip", "knee", "ankle"))
        thigh, shank = knee - hip, ankle - knee
        out[f"hip_flexion_{s}"] = sign * signed_angle(hip - sho, thigh)
        out[f"knee_flexion_{s}"] = -sign * signed_angle(thigh, shank)
        out[f"shank_angle_{s}"] = -sign * signed_angle(up, knee - ankle)


def _frontal(p: np.ndarray, z: np.ndarray, scale: float, out: dict[str, np.ndarray]) -> None:
    lh, rh = p[:, INDEX["left_hip"]], p[:, INDEX["right_hip"]]
    hip_mid = 0.5 * (lh + rh)
    sho_mid = 0.5 * (p[:, INDEX["left_shoulder"]] + p[:, INDEX["right_shoulder"]])
    trunk_up = unit(sho_mid - hip_mid)
    to_left = unit(lh - rh)
    vertical = np.array([0.0, 1.0])
    out["pelvic_obliquity"] = np.degrees(np.arcsin(np.clip(dot(to_left, vertical), -1, 1)))
    out["pelvic_drop_left"] = -out["pelvic_obliquity"]
    out["pelvic_drop_right"] = out["pelvic_obliquity"]
    out["pelvis_trunk_tilt"] = np.degrees(np.arcsin(np.clip(dot(to_left, trunk_up), -1, 1)))
    horizontal_left = np.stack([np.sign(to_left[:, 0]), np.zeros(len(p))], -1)
    out["trunk_lean_frontal"] = np.degrees(np.arctan2(dot(trunk_up, -horizontal_left), trunk_up[:, 1]))
    offset = dot(sho_mid - hip_mid, -horizontal_left) / scale
    out["trunk_shift_frontal"] = np.degrees(np.arcsin(np.clip(offset, -1.0, 1.0)))
    # Down the body, perpendicular to the hip line.
    perp = np.stack([-to_left[:, 1], to_left[:, 0]], -1)
    body_down = perp * np.sign(dot(perp, -trunk_up))[:, None]
    for s, lateral in (("left", to_left), ("right", -to_left)):
        hip, knee, ankle = (p[:, INDEX[f"{s}_{j}"]] for j in ("hip", "knee", "ankle"))
        thigh, shank = knee - hip, ankle - knee
        # A thigh pointing at the camera has no direction on screen (a deep squat filmed from the front):
        # its frontal angles are undefined there, NaN rather than a wild number.
        thigh_seen = np.linalg.norm(thigh, axis=-1) >= MIN_SEGMENT * scale
        shank_seen = np.linalg.norm(shank, axis=-1) >= MIN_SEGMENT * scale
        abd = np.degrees(np.arctan2(dot(thigh, lateral), dot(thigh, body_down)))
        out[f"hip_abduction_{s}"] = np.where(thigh_seen, abd, np.nan)
        medial = -lateral
        thigh_in = np.arctan2(dot(thigh, medial), dot(thigh, body_down))
        shank_in = np.arctan2(dot(shank, medial), dot(shank, body_down))
        fppa = (np.degrees(thigh_in - shank_in) + 180.0) % 360.0 - 180.0
        out[f"knee_fppa_{s}"] = np.where(thigh_seen & shank_seen, fppa, np.nan)
        out[f"shank_tilt_{s}"] = np.where(shank_seen, np.degrees(shank_in), np.nan)
        out[f"knee_out_{s}"] = dot(thigh, lateral) / scale
        out[f"knee_lift_{s}"] = thigh[:, 1] / scale
    out["thigh_separation"] = unsigned_angle(
        p[:, INDEX["left_knee"]] - hip_mid, p[:, INDEX["right_knee"]] - hip_mid
    )
    for joint in ("knee", "ankle"):
        d = p[:, INDEX[f"left_{joint}"]] - p[:, INDEX[f"right_{joint}"]]
        out[f"{joint}_separation"] = np.linalg.norm(d, axis=-1) / scale
    dz = z[:, INDEX["left_hip"]] - z[:, INDEX["right_hip"]]
    out["pelvis_depth_angle"] = np.degrees(np.arctan2(dz, np.linalg.norm(lh - rh, axis=-1)))
    ankles = 0.5 * (p[:, INDEX["left_ankle"], 1] + p[:, INDEX["right_ankle"], 1])
    out["pelvis_height"] = (hip_mid[:, 1] - ankles) / scale
    out["pelvis_x"] = hip_mid[:, 0] / scale
    out["pelvis_y"] = hip_mid[:, 1] / scale
    out["trunk_inclination"] = unsigned_angle(sho_mid - hip_mid, vertical)


def _world(w: np.ndarray, out: dict[str, np.ndarray]) -> None:
    """3D angles in a pelvis/trunk frame built from world landmarks (camera axes: x right, y down, z away)."""
    lh, rh = w[:, INDEX["left_hip"]], w[:, INDEX["right_hip"]]
    left = unit(lh - rh)
    trunk = 0.5 * (w[:, INDEX["left_shoulder"]] + w[:, INDEX["right_shoulder"]]) - 0.5 * (lh + rh)
    up = unit(trunk - dot(trunk, left)[:, None] * left)
    ant = np.cross(left, up)
    # Camera y points down, so a left hip below the right has a larger y: positive = left hip lower.
    lower_left = np.degrees(np.arcsin(np.clip(dot(unit(lh - rh), np.array([0.0, 1.0, 0.0])), -1, 1)))
    out["pelvic_drop_3d_left"], out["pelvic_drop_3d_right"] = lower_left, -lower_left
    for s, lateral in (("left", left), ("right", -left)):
        hip, knee, ankle = (w[:, INDEX[f"{s}_{j}"]] for j in ("hip", "knee", "ankle"))
        thigh = knee - hip
        out[f"hip_flexion_3d_{s}"] = np.degrees(np.arctan2(dot(thigh, ant), dot(thigh, -up)))
        out[f"hip_abduction_3d_{s}"] = np.degrees(np.arctan2(dot(thigh, lateral), dot(thigh, -up)))
        out[f"knee_flexion_3d_{s}"] = unsigned_angle(thigh, ankle - knee)


def kinematics(track: PoseTrack, *, resolve: bool = True, view: ViewResult | None = None) -> Kinematics:
    """All series for a track. With `resolve`, left/right labels are first fixed by `views.resolve_sides`
    (pass resolve=False and a `view` if the track is already resolved)."""
    if resolve or view is None:
        track, view = resolve_sides(track)
    p = image_points(track)
    z = track.landmarks[:, :, 2].astype(np.float64) * track.frame_size[0]
    scale = body_scale(track)
    out: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        _sagittal(p, view.sagittal_sign, out)
        _frontal(p, z, scale, out)
        _world(track.world.astype(np.float64), out)
    return Kinematics(out, np.asarray(track.timestamps, dtype=np.float64), view, scale)
