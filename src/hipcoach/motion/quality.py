"""Checks on a pose track that tell the user what to fix before the analysis can be trusted.

Each finding is an Issue(code, message, hint): the message says what is wrong in plain words, the hint
what to do. Thresholds are shares of frames so a short glitch does not nag.

What the track can and cannot show:
- Several people: only what the pose step recorded — `meta["people_seen"]` (most people in one frame) or
  `meta["person_jumps"]` (times the followed body jumped, i.e. someone else may have been picked up).
- Moving camera, two ways: the pose step measures the background's shift against the first frame with
  the person masked out (`meta["camera_shift"]`, motion.camera_motion): tripod clips read under 0.1% of
  the frame width, the mid-clip zoom of single_leg_squat_front_hyva_ja_paha2 19%. And the person's image
  size changing while their real size (world landmarks) does not, first third of the clip against the
  last (so a squat that foreshortens the body for a second does not count): a zoom, or the phone moved
  nearer or further, also on tracks from other sources that carry no camera_shift.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from hipcoach.motion.landmarks import INDEX
from hipcoach.motion.nanstats import nanmedian, nanmedian_columns
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.views import ViewResult, classify_view

LOST_SHARE = 0.2  # more frames than this without a person: warn
OUT_SHARE = 0.1  # a body part out of frame (or unseen) in more frames than this: warn
LOW_VISIBILITY = 0.6  # mean visibility of the better-seen side of the main joints below this: warn
SMALL_PERSON = 0.25  # person's image height under this share of the frame height: warn
SCALE_CHANGE = 0.25  # person's image size, first third of the clip against the last third: warn above
CAMERA_SHIFT = 0.05  # background shift (share of frame width) that counts as a moving camera

PARTS = {
    "head": ("nose", "left_ear", "right_ear"),
    "feet": ("left_ankle", "right_ankle", "left_heel", "right_heel", "left_foot_index", "right_foot_index"),
}
CORE_PAIRS = ("shoulder", "hip", "knee", "ankle")
VIEW_WORDS = {
    "front": "from the front",
    "back": "from behind",
    "left_side": "from the left side",
    "right_side": "from the right side",
    "side": "from the side",
    "lying": "lying down, filmed from the front or back",
    "lying_front": "lying on your side facing the camera",
}


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    hint: str
    detail: dict = field(default_factory=dict)


def _no_person(track: PoseTrack) -> list[Issue]:
    found = track.detected
    if track.n_frames == 0 or not found.any():
        return [
            Issue(
                "no_person",
                "No person was found in the video.",
                "Film with your whole body in view, in good light, with nobody else in the picture.",
            )
        ]
    lost = 1.0 - found.mean()
    if lost > LOST_SHARE:
        return [
            Issue(
                "person_lost",
                f"You were out of sight in {lost:.0%} of the video.",
                "Stay inside the picture for the whole set, and keep the camera pointed at you.",
                {"share": round(float(lost), 3)},
            )
        ]
    return []


def _several_people(track: PoseTrack) -> list[Issue]:
    seen = track.meta.get("people_seen")
    jumps = track.meta.get("person_jumps") or []
    if (isinstance(seen, int | float) and seen > 1) or jumps:
        return [
            Issue(
                "several_people",
                "More than one person may be in the video; the analysis could mix you up with them.",
                "Film with only you in the picture.",
                {"people_seen": seen, "jumps_s": list(jumps)},
            )
        ]
    return []


def _out_of_frame(track: PoseTrack) -> list[Issue]:
    lm = track.landmarks[track.detected]
    if len(lm) == 0:
        return []
    issues = []
    for part, names in PARTS.items():
        ids = [INDEX[n] for n in names]
        xy, vis = lm[:, ids, :2], lm[:, ids, 3]
        outside = ((xy < 0) | (xy > 1)).any(-1)
        unseen = outside | (vis < 0.15)  # seen from behind, a face still scores ~0.3
        share = float(np.mean(unseen.mean(axis=1) > 0.5))
        if share > OUT_SHARE:
            issues.append(
                Issue(
                    f"{part}_out_of_frame",
                    f"Your {part} {'is' if part == 'head' else 'are'} out of the picture or hidden in "
                    f"{share:.0%} of the frames.",
                    "Move the camera back or tilt it so your whole body, head to feet, stays in the picture.",
                    {"share": round(share, 3)},
                )
            )
    return issues


def _low_visibility(track: PoseTrack) -> list[Issue]:
    lm = track.landmarks[track.detected]
    if len(lm) == 0:
        return []
    best = [np.maximum(lm[:, INDEX[f"left_{j}"], 3], lm[:, INDEX[f"right_{j}"], 3]) for j in CORE_PAIRS]
    mean_vis = float(np.nanmean(best))
    if mean_vis < LOW_VISIBILITY:
        return [
            Issue(
                "low_visibility",
                "Your joints are hard to make out: the video is probably too dark, blurred, or your clothes "
                "blend with the background.",
                "Film in brighter light, hold the camera still (prop it up), and wear clothes that contrast "
                "with the wall and floor.",
                {"mean_visibility": round(mean_vis, 3)},
            )
        ]
    return []


SEGMENTS = (
    ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"), ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"), ("left_hip", "left_knee"), ("right_hip", "right_knee"),
    ("left_knee", "left_ankle"), ("right_knee", "right_ankle"),
)  # fmt: skip
TYPICAL_M = np.array([0.43, 0.31, 0.5, 0.5, 0.43, 0.43, 0.43, 0.43])  # of a 1.75 m adult, without world data


def _pixels_per_metre(px: np.ndarray, world: np.ndarray) -> np.ndarray:
    """Image scale per frame: the largest ratio of a segment's image length to its real length.

    Foreshortening only shortens a segment, so the segment lying flattest to the camera gives the scale;
    leaning towards the camera does not read as a zoom.
    """
    a = [INDEX[s[0]] for s in SEGMENTS]
    b = [INDEX[s[1]] for s in SEGMENTS]
    image = np.linalg.norm(px[:, a] - px[:, b], axis=-1)
    real = (
        nanmedian_columns(np.linalg.norm(world[:, a] - world[:, b], axis=-1))
        if np.isfinite(world).any()
        else TYPICAL_M
    )
    real = np.where(np.isfinite(real) & (real > 0.05), real, TYPICAL_M)
    return np.nanmax(image / real, axis=1)


def _detected_pixels(track: PoseTrack) -> np.ndarray:
    return track.landmarks[track.detected][:, :, :2] * np.array(track.frame_size)


def _too_small(track: PoseTrack) -> list[Issue]:
    px = _detected_pixels(track)
    if len(px) < 2:
        return []
    h = track.frame_size[1]
    extent = np.nanmax(px[:, :, 1], axis=1) - np.nanmin(px[:, :, 1], axis=1)
    extent = np.maximum(extent, np.nanmax(px[:, :, 0], axis=1) - np.nanmin(px[:, :, 0], axis=1))
    if nanmedian(extent) >= SMALL_PERSON * h:
        return []
    return [
        Issue(
            "person_too_small",
            "You are small in the picture, so joint angles will be rough.",
            "Move the camera closer, so your body fills most of the picture height (or width if lying).",
            {"share_of_frame": round(float(nanmedian(extent) / h), 3)},
        )
    ]


def _camera_moved(track: PoseTrack) -> list[Issue]:
    """The background shifted (the pose step's measure), or else the person's image size changed
    for good while their real size did not (works on tracks from any source)."""
    shift = track.meta.get("camera_shift")
    if isinstance(shift, int | float) and shift >= CAMERA_SHIFT:
        return [
            Issue(
                "camera_moved",
                f"The camera moved during the video (the background shifted by {shift:.0%} of the picture "
                "width), so your movement and the camera's are mixed up.",
                "Stand the phone on something steady (a tripod, a shelf, a pile of books) and don't touch it "
                "while filming.",
                {"background_shift": shift},
            )
        ]
    size = _pixels_per_metre(_detected_pixels(track), track.world[track.detected])
    size = size[np.isfinite(size)]
    if len(size) <= 10:
        return []
    third = len(size) // 3
    lo, hi = sorted((np.median(size[:third]), np.median(size[-third:])))
    if hi <= (1 + SCALE_CHANGE) * lo:
        return []
    return [
        Issue(
            "camera_moved",
            "You change size in the picture during the video: the camera zoomed or moved, or you "
            "moved towards or away from it.",
            "Put the camera on something steady, don't zoom while filming, and stay at the same "
            "distance from it.",
            {"size_ratio": round(float(hi / lo), 2)},
        )
    ]


def _wrong_view(view: ViewResult, expected: Sequence[str]) -> list[Issue]:
    if view.view == "unknown" or any(view.matches(e) for e in expected):
        return []
    seen = VIEW_WORDS.get(view.view, view.view)
    wanted = " or ".join(VIEW_WORDS.get(e, e) for e in expected)
    return [
        Issue(
            "wrong_view",
            f"The camera sees you {seen}, but this exercise needs to be filmed {wanted}.",
            f"Turn yourself or move the camera so it films you {wanted}.",
            {"seen": view.view, "expected": list(expected), "confidence": round(view.confidence, 2)},
        )
    ]


def check_quality(
    track: PoseTrack, expected_views: Sequence[str] | None = None, view: ViewResult | None = None
) -> list[Issue]:
    """Every issue found, most basic first. `expected_views` uses the catalogue's names ("front",
    "side", "lying_front", ...); pass `view` if it was already classified."""
    issues = _no_person(track)
    if issues and issues[0].code == "no_person":
        return issues
    for check in (_several_people, _out_of_frame, _low_visibility, _too_small, _camera_moved):
        issues += check(track)
    if expected_views:
        issues += _wrong_view(view or classify_view(track), expected_views)
    return issues
