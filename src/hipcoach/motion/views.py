"""Which way the camera sees the person, and the person's true left and right.

Why: BlazePose labels left/right by guessing which way the person faces, and it guesses wrong from
behind, and flickers between legs in side views. Every side-specific number (pelvic drop on the left,
the right knee caving) depends on getting this right, so it is resolved here once, from evidence that
does not trust the labels:

* Image coordinates are pixels with y pointing up. The trunk axis runs mid-hip → mid-shoulder.
* Frontal-ness: image width of shoulders + hips over trunk length, against the same person's 3D ratio
  (world landmarks) — about |cos| of the yaw between the body and the camera. At or above 0.5 the
  camera sees the person's front or back; below it, a side.
* Facing the camera or not (frontal views): the nose's depth against the shoulders' (BlazePose's z), and
  face landmarks' visibility when it is low (a high one proves nothing: real BlazePose reports a face
  it cannot see as visible). Facing the camera, the person's left lies
  clockwise of the trunk axis in the image; facing away, counter-clockwise. This holds standing or lying.
* Side views: the turning sense of the sagittal plane in the image, from face (ear → nose), feet
  (shank → heel-to-toe) and bent knees, all label-free. Counter-clockwise flexion means the camera sees
  the person's right side. The near side's landmarks have smaller depth z and higher visibility.
* Labels are then assigned per frame, separately for the upper body and the legs, by a two-state
  Viterbi pass that weighs that evidence against continuity of positions from frame to frame.

Views: "front", "back", "left_side" / "right_side" (the side the camera sees), "lying" (body horizontal
and seen from the front or back, e.g. a clamshell filmed at floor level). A supine or quadruped person
filmed from the side is a side view.

The camera's angle is measured too, because a view is only as good as its squareness: an angle read in
the image is a frontal- or sagittal-plane angle only when that plane faces the camera. `angle_deg` is
how far the person's frontal plane (the shoulder and hip lines) turns out of the image plane: 0 square
to the front or back, 90 square to a side. It comes from the world landmarks, which BlazePose fits in
the camera's axes (real front clips read 1-8°, real side clips 81-90°; the image width ratio above only
gives its cosine, which hardly changes within 30° of the front), or from that ratio when there are no
world landmarks. Upright, between OBLIQUE_DEG the view is `oblique`: the nearest of front/back/side is
still named (it picks how reps are counted), but neither plane is seen square-on. Lying or on all fours,
`along_body_deg` is how far the trunk points at the camera; beyond ALONG_BODY_DEG the camera films from
the head or feet end (`end_on`), where side-view angles are foreshortened.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from hipcoach.motion.geometry import cross, unit
from hipcoach.motion.landmarks import INDEX, NAMES
from hipcoach.motion.nanstats import nanmedian
from hipcoach.motion.posetrack import PoseTrack

VIEWS = ("front", "back", "left_side", "right_side", "lying")
# The catalogue's view names → the views that satisfy them.
ALIASES = {"side": ("left_side", "right_side"), "lying_front": ("lying",)}
MIRROR = np.array(
    [INDEX[n.replace("left", "right")] if "left" in n else INDEX[n.replace("right", "left")] for n in NAMES]
)
UPPER_PAIRS = ("shoulder", "elbow", "wrist", "ear", "eye")
LOWER_PAIRS = ("hip", "knee", "ankle", "heel", "foot_index")
UPPER = [i for i, n in enumerate(NAMES) if "_" in n and not any(k in n for k in LOWER_PAIRS)]
LOWER = [i for i, n in enumerate(NAMES) if any(k in n for k in LOWER_PAIRS)]
FACE = [INDEX[n] for n in NAMES[:11] if "ear" not in n]
# (shoulder + hip width) / trunk length without world landmarks; BlazePose on the real clips gave 1.13-1.24.
DEFAULT_WIDTH_RATIO = 1.18
SIDE_BELOW = 0.5  # frontal-ness under which the view is a side view
HORIZONTAL_DEG = 70.0  # trunk further than this from image vertical: lying (cam04 leans 64° on screen)
# Upright views turned further than this from square are oblique: a projected frontal angle mixes in
# sin(angle) of the sagittal one. At 15° the synthetic squat's 35° forward trunk lean reads as 10° of
# sideways lean (the limit is 6°) and a side-step's bent knees as caving in; at 12° the lean reads 8°.
# The real front clips read 1-10°, the real side clips 81-90°.
OBLIQUE_DEG = (12.0, 78.0)
ALONG_BODY_DEG = 30.0  # trunk pointing this far out of the image plane: filmed from the head or feet end


@dataclass
class ViewResult:
    """A clip's view with a confidence (share of detected frames that agree), plus per-frame evidence."""

    view: str
    confidence: float
    facing_camera: bool | None  # frontal and lying views only
    horizontal: bool  # trunk roughly horizontal (lying, bridging, on all fours)
    sagittal_sign: int  # +1: flexion turns counter-clockwise in the image (y up), i.e. right side seen
    lying_side_up: str | None = None  # "left"/"right" for a person lying on their side
    per_frame: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    frontalness: np.ndarray = field(default_factory=lambda: np.array([]))
    swapped_upper: np.ndarray = field(default_factory=lambda: np.array([], dtype=bool))
    swapped_lower: np.ndarray = field(default_factory=lambda: np.array([], dtype=bool))
    angle_deg: float | None = None  # frontal plane out of the image plane: 0 square front/back, 90 side
    oblique: bool = False  # upright and turned between OBLIQUE_DEG: neither plane seen square-on
    near_side: str | None = None  # "left"/"right": the side nearer the camera in an oblique view
    oblique_from: str | None = None  # "front"/"back": what an oblique camera sees besides the near side
    along_body_deg: float | None = None  # trunk axis out of the image plane (lying / on all fours)
    end_on: str | None = None  # "feet"/"head": lying, filmed from that end of the body

    @property
    def square(self) -> bool:
        """Whether the camera faces a body plane square-on, so image angles are that plane's."""
        return not self.oblique and self.end_on is None

    def describe(self) -> str:
        """Where the camera stood, in words, with its angle: "obliquely, about 45° round from the front
        towards the person's left side"."""
        if self.oblique:
            return (
                f"obliquely, about {self.angle_deg:.0f}° round from the {self.oblique_from} towards the "
                f"person's {self.near_side} side"
            )
        words = {
            "front": "from the front",
            "back": "from behind",
            "left_side": "from the left side",
            "right_side": "from the right side",
            "lying": "lying down, from the front or back",
        }.get(self.view, self.view)
        if self.end_on:
            return f"{words}, from the {self.end_on} end (about {self.along_body_deg:.0f}° along the body)"
        if self.angle_deg is not None:
            off = self.angle_deg if self.view in ("front", "back", "lying") else 90 - self.angle_deg
            return f"{words} (about {off:.0f}° from square)"
        return words

    def matches(self, expected: str) -> bool:
        """Whether this view satisfies an expected one ("side" and "lying_front" as in the catalogue)."""
        if expected == "lying_front":
            return self.view == "lying" and bool(self.facing_camera)
        return self.view in ALIASES.get(expected, (expected,))


def image_points(track: PoseTrack) -> np.ndarray:
    """[T, 33, 2] pixels with y pointing up, so angles read counter-clockwise as in mathematics."""
    w, h = track.frame_size
    return track.landmarks[:, :, :2].astype(np.float64) * np.array([w, -h])


def _mid(p: np.ndarray, name: str) -> np.ndarray:
    return 0.5 * (p[:, INDEX[f"left_{name}"]] + p[:, INDEX[f"right_{name}"]])


def _pair_ids(names: tuple[str, ...]) -> tuple[list[int], list[int]]:
    return [INDEX[f"left_{n}"] for n in names], [INDEX[f"right_{n}"] for n in names]


def _running_mean(x: np.ndarray, n: int) -> np.ndarray:
    """Mean over a centred window, ignoring NaN; NaN only where the whole window is NaN."""
    n = min(n, len(x))  # np.convolve "same" returns the longer input's length
    if n <= 1:
        return x
    valid = np.isfinite(x)
    k = np.ones(n)
    num = np.convolve(np.where(valid, x, 0.0), k, "same")
    den = np.convolve(valid.astype(float), k, "same")
    return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _width_ratio_3d(track: PoseTrack) -> float:
    """This person's (shoulder + hip width) / trunk length in 3D, from world landmarks if any."""
    w = track.world.astype(np.float64)
    if not np.isfinite(w).any():
        return DEFAULT_WIDTH_RATIO
    widths = np.linalg.norm(
        w[:, INDEX["left_shoulder"]] - w[:, INDEX["right_shoulder"]], axis=-1
    ) + np.linalg.norm(w[:, INDEX["left_hip"]] - w[:, INDEX["right_hip"]], axis=-1)
    trunk = np.linalg.norm(_mid(w, "shoulder") - _mid(w, "hip"), axis=-1)
    ratio = nanmedian(widths / trunk)
    return float(ratio) if np.isfinite(ratio) and ratio > 0.3 else DEFAULT_WIDTH_RATIO


def _evidence(track: PoseTrack) -> dict[str, np.ndarray]:
    """Label-free per-frame evidence: trunk, frontal-ness, horizontal, facing score, sagittal score."""
    p = image_points(track)
    vis = track.landmarks[:, :, 3].astype(np.float64)
    z = track.landmarks[:, :, 2].astype(np.float64) * track.frame_size[0]
    hip, sho = _mid(p, "hip"), _mid(p, "shoulder")
    trunk = sho - hip
    length = np.linalg.norm(trunk, axis=-1)
    up = unit(trunk)
    widths = np.linalg.norm(p[:, INDEX["left_shoulder"]] - p[:, INDEX["right_shoulder"]], axis=-1)
    widths += np.linalg.norm(p[:, INDEX["left_hip"]] - p[:, INDEX["right_hip"]], axis=-1)
    frontal = np.clip(widths / length / _width_ratio_3d(track), 0.0, 1.0)
    tilt = np.degrees(np.arccos(np.clip(up[:, 1], -1, 1)))

    seen_face = np.isfinite(vis[:, FACE])
    # Mean over the face points the source has (OpenPose has no inner eyes or mouth); a body found with no
    # face point at all (OpenPose drops what it cannot see) counts as an unseen face.
    body_found = np.isfinite(vis[:, [INDEX["left_shoulder"], INDEX["right_shoulder"]]]).any(axis=1)
    face_vis = np.where(
        seen_face.any(axis=1),
        np.nansum(vis[:, FACE], axis=1) / np.maximum(seen_face.sum(axis=1), 1),
        np.where(body_found, 0.0, np.nan),
    )
    nose_depth = (
        z[:, INDEX["nose"]] - 0.5 * (z[:, INDEX["left_shoulder"]] + z[:, INDEX["right_shoulder"]])
    ) / length
    # Real BlazePose reports the face as visible even from behind (single_leg_stance_cam03), so a visible
    # face proves nothing; a face it marks as unseen is strong evidence of a back view.
    depth_term = np.tanh(-3 * nose_depth)
    vis_term = 1.5 * np.minimum(0.0, np.tanh(6 * (face_vis - 0.6)))
    # Either cue alone will do (OpenPose has no depth; a back view may have no nose).
    facing = np.where(
        np.isfinite(depth_term) | np.isfinite(vis_term),
        np.nan_to_num(depth_term) + np.nan_to_num(vis_term),
        np.nan,
    )

    down = -up
    ear = _mid(p, "ear")
    face_dir = unit(p[:, INDEX["nose"]] - ear)
    sag = cross(down, face_dir) * np.clip(face_vis, 0, 1)
    for side in ("left", "right"):
        ids = {k: INDEX[f"{side}_{k}"] for k in ("hip", "knee", "ankle", "heel", "foot_index")}
        shank = unit(p[:, ids["ankle"]] - p[:, ids["knee"]])
        foot = unit(p[:, ids["foot_index"]] - p[:, ids["heel"]])
        thigh = unit(p[:, ids["knee"]] - p[:, ids["hip"]])
        sag = sag + 0.5 * cross(shank, foot)
        bend = -cross(thigh, shank)
        sag = sag + 0.5 * np.where(np.abs(bend) > np.sin(np.radians(20)), bend, 0.0)
    return {
        "points": p,
        "vis": vis,
        "z": z,
        "length": length,
        "up": up,
        "frontal": frontal,
        "horizontal": tilt > HORIZONTAL_DEG,
        "facing": facing,
        "sagittal": sag,
    }


def _plane_angles(track: PoseTrack, frontal: np.ndarray) -> tuple[float | None, str | None, float | None]:
    """(frontal plane out of the image plane in degrees, the side nearer the camera, trunk axis out of the
    image plane, + = shoulders further away), medians over frames; see the module docstring."""
    w = track.world.astype(np.float64)
    lines = (w[:, INDEX["left_hip"]] - w[:, INDEX["right_hip"]]) + (
        w[:, INDEX["left_shoulder"]] - w[:, INDEX["right_shoulder"]]
    )
    if np.isfinite(lines).all(axis=1).sum() >= 3:
        yaw = np.degrees(np.arctan2(np.abs(lines[:, 2]), np.hypot(lines[:, 0], lines[:, 1])))
        near = "left" if nanmedian(lines[:, 2]) < 0 else "right"  # camera z points away from the lens
        trunk = _mid(w, "shoulder") - _mid(w, "hip")
        along = np.degrees(np.arctan2(trunk[:, 2], np.hypot(trunk[:, 0], trunk[:, 1])))
        return float(nanmedian(yaw)), near, float(nanmedian(along))
    if np.isfinite(frontal).any():
        return float(np.degrees(np.arccos(np.clip(nanmedian(frontal), 0, 1)))), None, None
    return None, None, None


def _label_evidence(ev: dict, facing: np.ndarray, sign: int, names: tuple[str, ...]) -> np.ndarray:
    """Per frame: > 0 when the labels of these pairs already sit where the person's true sides are."""
    p, vis, z, length = ev["points"], ev["vis"], ev["z"], ev["length"]
    li, ri = _pair_ids(names)
    up = ev["up"]
    cw = np.stack([up[:, 1], -up[:, 0]], -1)
    left_dir = np.where((facing > 0)[:, None], cw, -cw)
    weight = np.minimum(vis[:, li], vis[:, ri]) + 0.05
    frontal_e = np.einsum("tkd,td->tk", p[:, li] - p[:, ri], left_dir) / length[:, None]
    side_e = sign * ((z[:, li] - z[:, ri]) / length[:, None] + (vis[:, ri] - vis[:, li]))
    f = ev["frontal"][:, None]
    mix = np.where(f >= SIDE_BELOW, 1.0, np.clip(f / SIDE_BELOW, 0, 1) ** 2)
    # Seen from the front, feet and knees cross when someone walks or steps; hips and shoulders do not,
    # so they carry most of the frontal evidence.
    anchor = np.array([4.0 if n in ("hip", "shoulder") else 1.0 for n in names])
    e = mix * frontal_e * anchor + (1 - mix) * side_e
    return np.nansum(e * (vis[:, li] + vis[:, ri] + 0.1), axis=1) / np.sum(weight + 1, axis=1)


def _viterbi(
    unary: np.ndarray, p: np.ndarray, li: list[int], ri: list[int], length: np.ndarray
) -> np.ndarray:
    """Swap decisions [T] minimising −evidence plus position jumps between consecutive resolved frames."""
    swapped = np.zeros(len(unary), bool)
    valid = np.flatnonzero(np.isfinite(unary) & np.isfinite(length))
    if len(valid) == 0:
        return swapped
    u = np.clip(unary[valid], -3, 3)
    a, b = valid[:-1], valid[1:]
    scale = 3.0 / np.maximum(0.5 * (length[a] + length[b]), 1e-6)

    pl_a, pl_b, pr_a, pr_b = p[a][:, li], p[b][:, li], p[a][:, ri], p[b][:, ri]  # taken once, not 8 times

    def jump(x_b: np.ndarray, y_a: np.ndarray) -> np.ndarray:
        return np.nansum(np.linalg.norm(x_b - y_a, axis=-1), axis=1)

    same = ((jump(pl_b, pl_a) + jump(pr_b, pr_a)) * scale).tolist()
    cross = ((jump(pl_b, pr_a) + jump(pr_b, pl_a)) * scale).tolist()
    # The recursion is sequential: on Python floats (the same IEEE doubles) it is several times faster
    # than on numpy scalars, which matters on a live window re-analysed every second.
    uk = u.tolist()
    cost0, cost1 = -uk[0], uk[0]
    back = [(False, False)]
    for s_, c_, u_ in zip(same, cross, uk[1:], strict=True):
        keep0, keep1 = cost0 + s_, cost1 + c_  # into state 0 (keep)
        swap0, swap1 = cost0 + c_, cost1 + s_  # into state 1 (swap)
        back.append((keep1 < keep0, swap1 < swap0))
        cost0, cost1 = min(keep0, keep1) - u_, min(swap0, swap1) + u_
    state = int(cost1 < cost0)
    states = np.zeros(len(valid), bool)
    for k in range(len(valid) - 1, -1, -1):
        states[k] = bool(state)
        state = int(back[k][state])
    swapped[valid] = states
    return swapped


def _swapped(track: PoseTrack, swaps: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """New landmarks, presence and world arrays with the labels of the swapped frames mirrored (only
    those frames are gathered anew)."""
    out = {k: getattr(track, k).copy() for k in ("landmarks", "presence", "world")}
    for group, ids in (("upper", UPPER), ("lower", LOWER)):
        rows = np.flatnonzero(swaps[group])
        if len(rows):
            for k, arr in out.items():
                arr[np.ix_(rows, ids)] = getattr(track, k)[np.ix_(rows, MIRROR[ids])]
    return out


def _frame_views(ev: dict, facing: np.ndarray, sag_sign: np.ndarray) -> np.ndarray:
    frontal = ev["frontal"] >= SIDE_BELOW
    labels = np.where(
        frontal,
        np.where(ev["horizontal"], "lying", np.where(facing > 0, "front", "back")),
        np.where(sag_sign > 0, "right_side", "left_side"),
    ).astype(object)
    unknown_facing = frontal & ~ev["horizontal"] & ~np.isfinite(facing)
    labels[~np.isfinite(ev["length"]) | ~np.isfinite(ev["frontal"]) | unknown_facing] = None
    return labels


def classify_view(track: PoseTrack) -> ViewResult:
    """The clip's view without changing any labels (see `resolve_sides` for both at once)."""
    return resolve_sides(track)[1]


def resolve_sides(track: PoseTrack) -> tuple[PoseTrack, ViewResult]:
    """A copy of the track whose left/right labels are the person's own, and the view it was filmed from."""
    ev = _evidence(track)
    window = max(1, round(track.fps or 30))
    facing = _running_mean(ev["facing"], window)
    sag_clip = np.nansum(ev["sagittal"][ev["frontal"] < SIDE_BELOW])
    if sag_clip == 0:
        sag_clip = np.nansum(ev["sagittal"])
    clip_sign = 1 if sag_clip >= 0 else -1
    sag_frame = _running_mean(ev["sagittal"], window)
    sag_frame = np.where(np.abs(sag_frame) > 0.2, np.sign(sag_frame), clip_sign)

    p = ev["points"]
    swaps = {}
    for group, names in (("upper", UPPER_PAIRS), ("lower", LOWER_PAIRS)):
        unary = _label_evidence(ev, facing, clip_sign, names)
        li, ri = _pair_ids(names)
        swaps[group] = _viterbi(unary, p, li, ri, ev["length"])
    resolved = replace(track, meta=dict(track.meta), **_swapped(track, swaps))

    labels = _frame_views(ev, facing, sag_frame)
    known = labels[labels != None]  # noqa: E711 (element-wise on an object array)
    if len(known) == 0:
        view, conf = "unknown", 0.0
    else:
        counts = Counter(known.tolist())  # the most frequent, ties to the first in alphabetical order
        view = min(counts, key=lambda v: (-counts[v], v))
        conf = float(counts[view] / max(int(track.detected.sum()), 1))
    frontal_view = view in ("front", "back", "lying")
    facing_clip = bool(np.nansum(facing) > 0) if frontal_view else None
    sign = {"right_side": 1, "left_side": -1}.get(view, clip_sign)
    side_up = None
    if view == "lying":
        rp = image_points(resolved)
        up_pts = rp[:, INDEX["left_hip"], 1] - rp[:, INDEX["right_hip"], 1]
        side_up = "left" if nanmedian(up_pts) > 0 else "right"
    angle, near, along = _plane_angles(track, ev["frontal"])
    horizontal = (
        bool(np.mean(ev["horizontal"][np.isfinite(ev["length"])]) > 0.5)
        if np.isfinite(ev["length"]).any()
        else False
    )
    oblique = bool(
        not horizontal and near and angle is not None and OBLIQUE_DEG[0] <= angle <= OBLIQUE_DEG[1]
    )
    end_on = None
    if horizontal and along is not None and abs(along) >= ALONG_BODY_DEG:
        end_on = "feet" if along > 0 else "head"  # shoulders further from the lens: filmed from the feet
    result = ViewResult(
        view=view,
        confidence=conf,
        facing_camera=facing_clip,
        horizontal=horizontal,
        sagittal_sign=sign,
        lying_side_up=side_up,
        per_frame=labels,
        frontalness=ev["frontal"],
        swapped_upper=swaps["upper"],
        swapped_lower=swaps["lower"],
        angle_deg=None if angle is None else round(angle, 1),
        oblique=oblique,
        near_side=near if oblique else None,
        oblique_from=("front" if np.nansum(facing) > 0 else "back") if oblique else None,
        along_body_deg=None if along is None else round(along, 1),
        end_on=end_on,
    )
    return resolved, result
