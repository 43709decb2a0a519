"""Motion-capture ground truth: reading Fukuchi files, joint centres, stances, and filming from behind."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from hipcoach.errors import UserError
from hipcoach.motion import mocap
from hipcoach.motion.views import classify_view


@pytest.fixture(scope="module")
def fukuchi(data_dir):
    folder = data_dir / "mocap" / "fukuchi_running"
    offsets = mocap.joint_offsets(mocap.read_fukuchi(folder / "RBDS0041static.txt"))
    return folder, offsets


@pytest.fixture(scope="module")
def trial(fukuchi):
    return mocap.read_fukuchi(fukuchi[0] / "RBDS001runT25markers.txt")


def test_reads_markers_in_metres_with_the_runners_axes(trial):
    assert trial.t[0] == 0 and abs(trial.t[-1] - 30.0) < 0.05
    right, left = trial["R.ASIS"], trial["L.ASIS"]
    assert np.nanmedian(right[:, 2] - left[:, 2]) > 0.15  # z points to the runner's right, metres
    assert np.nanmedian(trial["R.ASIS"][:, 0] - trial["R.PSIS"][:, 0]) > 0.1  # x points forwards
    assert 0.7 < np.nanmedian(trial.mean("R.ASIS", "L.ASIS")[:, 1]) < 1.3  # y up


def test_joint_centres_stack_up_a_leg(trial, fukuchi):
    joints = mocap.joint_centres(trial, fukuchi[1])
    for side in ("left", "right"):
        height = {j: np.nanmedian(joints[f"{side}_{j}"][:, 1]) for j in ("hip", "knee", "ankle", "heel")}
        assert height["hip"] > height["knee"] > height["ankle"] > height["heel"]
        thigh = np.nanmedian(np.linalg.norm(joints[f"{side}_hip"] - joints[f"{side}_knee"], axis=-1))
        assert 0.35 < thigh < 0.55


def test_hip_line_obliquity_matches_the_asis_line(trial, fukuchi):
    """The hip-centre regression is symmetric, so the hip line tilts exactly as the pelvis does."""
    joints = mocap.joint_centres(trial, fukuchi[1])
    filled = mocap.fill_rigid(trial)
    asis = mocap.pelvic_obliquity({"left_hip": filled["L.ASIS"], "right_hip": filled["R.ASIS"]})
    hips = mocap.pelvic_obliquity(joints)
    # Both lie along the pelvis's left-right axis; projected on the frontal plane they agree closely.
    assert np.nanmax(np.abs(hips - asis)) < 1.0


def test_a_missing_pelvis_marker_is_rebuilt_from_the_others(trial):
    damaged = mocap.MocapTrial(trial.name, trial.t, dict(trial.markers))
    truth = trial["R.ASIS"][1000:1030].copy()
    damaged.markers["R.ASIS"] = trial["R.ASIS"].copy()
    damaged.markers["R.ASIS"][1000:1030] = np.nan
    rebuilt = mocap.fill_rigid(damaged)["R.ASIS"][1000:1030]
    assert np.max(np.linalg.norm(rebuilt - truth, axis=-1)) < 0.015  # skin markers shift a little


def test_marker_stances_alternate_at_a_running_cadence(trial):
    stances = mocap.marker_stances(trial)
    sides = [s["side"] for s in stances]
    assert sum(a != b for a, b in pairwise(sides)) >= 0.95 * (len(sides) - 1)
    durations = np.array([s["end"] - s["start"] for s in stances])
    assert 0.15 < np.median(durations) < 0.4
    assert 150 < mocap.marker_cadence(stances) < 180  # the data set's README: about 156-176


@pytest.mark.parametrize("yaw", [0.0, 20.0])
def test_filmed_from_behind_is_a_back_view(trial, fukuchi, yaw):
    track = mocap.film_from_behind(trial, fukuchi[1], yaw_deg=yaw, fps=30)
    assert track.n_frames == pytest.approx(900, abs=2)
    assert classify_view(track).view == "back"
    assert track.meta["camera_yaw_deg"] == yaw


def test_not_a_marker_file_is_a_user_error(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(UserError, match="not a Fukuchi marker file"):
        mocap.read_fukuchi(bad)
    with pytest.raises(UserError, match="Cannot read"):
        mocap.read_fukuchi(tmp_path / "absent.txt")
