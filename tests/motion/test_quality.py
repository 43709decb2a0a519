"""Quality checks fire on the problems users cause, and stay quiet on good footage."""

from __future__ import annotations

import numpy as np
import pytest

from hipcoach.motion.quality import check_quality
from hipcoach.motion.synthetic import EXERCISES, generate

CATALOGUE_VIEW = {  # the catalogue's [camera] view per exercise
    "clamshell": "lying_front",
    "side-lying-hip-abduction": "lying_front",
    "single-leg-bridge": "side",
    "bilateral-bridge": "side",
    "quadruped-hip-extension-knee-flexed": "side",
    "quadruped-hip-extension-knee-extending": "side",
    "side-step": "front",
    "seated-band-hip-external-rotation": "front",
    "standing-band-hip-flexion": "side",
    "standing-band-hip-abduction": "front",
    "squat": "front",
    "single-leg-squat": "front",
}


def codes(track, expected=None):
    return [i.code for i in check_quality(track, expected)]


def good_track(exercise="squat", **kw):
    kw = {"reps": 2, "noise": 0.005, "dropout": 0.02, "seed": 1} | kw
    return generate(exercise, **kw)[0]


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_good_footage_from_the_catalogue_set_up_raises_nothing(exercise):
    assert codes(good_track(exercise), [CATALOGUE_VIEW[exercise]]) == []


def test_no_person_is_the_only_issue_when_nobody_is_found():
    track = good_track()
    track.landmarks[:] = np.nan
    issues = check_quality(track, ["front"])
    assert [i.code for i in issues] == ["no_person"]
    assert "whole body" in issues[0].hint


def test_person_lost_for_much_of_the_video():
    track = good_track()
    track.landmarks[: track.n_frames // 2] = np.nan
    assert "person_lost" in codes(track)
    assert "person_lost" not in codes(good_track())


@pytest.mark.parametrize("meta", [{"people_seen": 2}, {"person_jumps": [3.2]}])
def test_several_people_from_what_the_pose_step_recorded(meta):
    track = good_track()
    assert "several_people" not in codes(track)
    track.meta.update(meta)
    assert "several_people" in codes(track)


def test_feet_out_of_frame_but_not_the_head():
    track = good_track()
    feet_bottom = np.nanmax(track.landmarks[:, :, 1])
    track.landmarks[:, :, 1] += 1.02 - feet_bottom + 0.03  # feet below the bottom edge
    found = codes(track)
    assert "feet_out_of_frame" in found and "head_out_of_frame" not in found


def test_head_out_of_frame():
    track = good_track()
    track.landmarks[:, :, 1] -= np.nanmin(track.landmarks[:, :, 1]) + 0.06
    assert "head_out_of_frame" in codes(track)


def test_dark_or_blurred_footage_shows_as_low_visibility():
    track = good_track()
    assert "low_visibility" not in codes(track)
    track.landmarks[:, :, 3] *= 0.45
    assert "low_visibility" in codes(track)


def test_person_too_small_in_the_picture():
    track = good_track()
    track.landmarks[:, :, :2] = 0.5 + (track.landmarks[:, :, :2] - 0.5) * 0.2
    assert "person_too_small" in codes(track)


def test_zooming_during_the_video_is_reported():
    track = good_track()
    zoom = np.where(np.arange(track.n_frames) < track.n_frames // 2, 1.0, 1.5).astype(np.float32)
    track.landmarks[:, :, :2] = 0.5 + (track.landmarks[:, :, :2] - 0.5) * zoom[:, None, None]
    assert "camera_moved" in codes(track)


def test_leaning_towards_the_camera_is_not_mistaken_for_a_zoom():
    track = good_track("squat", view="front", reps=3)  # 35° forward lean shortens the trunk on screen
    assert "camera_moved" not in codes(track)


@pytest.mark.parametrize(
    ("exercise", "view", "expected"),
    [
        ("squat", "left_side", "front"),
        ("single-leg-squat", "back", "front"),
        ("standing-band-hip-flexion", "front", "side"),
    ],
)
def test_wrong_view_says_what_was_seen_and_what_is_needed(exercise, view, expected):
    issues = [i for i in check_quality(good_track(exercise, view=view), [expected]) if i.code == "wrong_view"]
    assert len(issues) == 1
    assert issues[0].detail["seen"] == view
    assert "from the front" in issues[0].message or "from the side" in issues[0].message


def test_clamshell_filmed_from_behind_is_not_the_lying_front_set_up():
    assert "wrong_view" in codes(good_track("clamshell", view="back"), ["lying_front"])
    assert "wrong_view" not in codes(good_track("clamshell", view="back"), ["lying"])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("clip", "expected"),
    [
        ("bridge_bilateral_side_1rep.mp4", "side"),
        ("single_leg_squat_front_hyva3.mp4", "front"),
        ("single_leg_squat_front_hyva6.mp4", "front"),  # a deep squat must not read as a zoom
        ("single_leg_stance_cam03.mp4", "back"),
    ],
)
def test_good_real_clips_raise_nothing(real_pose_track, clip, expected):
    assert codes(real_pose_track(clip), [expected]) == []


@pytest.mark.slow
def test_the_mid_clip_zoom_is_reported_as_camera_movement(real_pose_track):
    """The data README: the camera zooms mid-clip in hyva_ja_paha2; tripod clips read near zero."""
    track = real_pose_track("single_leg_squat_front_hyva_ja_paha2.mp4")
    assert "camera_moved" in codes(track, ["front"])
    assert real_pose_track("single_leg_squat_front_hyva3.mp4").meta["camera_shift"] < 0.01
