"""The working leg comes from what actually moves: the foot that leaves its place, not the hip angles,
which both rise when the trunk and pelvis lean over the stance foot (issue 13). Alternating legs rep by
rep, one leg a set, and a lean away from the working leg are all counted per side."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hipcoach.analysis.coach import analyse_track, prepare
from hipcoach.analysis.sides import foot_travel, moving_foot, standing_side
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.synthetic import generate
from hipcoach.motion.views import image_points, resolve_sides

CACHE = Path("/tmp/hipcoach-live-tracks")  # the real pose tracks test_live.py caches, shared with it


def _sides(report: dict) -> list[str]:
    assert report["status"] == "ok", report.get("problem")
    return [r["side"] for r in report["reps"] if r["counted"]]


@pytest.mark.parametrize("view", ["front", "back", "left_side"])
@pytest.mark.parametrize("sides", ["both", "alternate"])
def test_standing_abduction_with_a_lean_over_the_stance_foot_is_counted_per_side(view, sides):
    """A 20° lean of trunk and pelvis away from the lifting leg makes the stance hip's pelvis-relative
    abduction rise two thirds as far as the working one's: before, the clip was refused as "both legs
    move together"."""
    track, truth = generate("standing-band-hip-abduction", reps=3, sides=sides, view=view, lean_deg=20.0)
    report = analyse_track(track, "standing-band-hip-abduction").report
    assert _sides(report) == [r.side for r in truth.reps]


@pytest.mark.parametrize("view", ["front", "left_side"])
def test_alternating_hip_flexion_with_a_lean_is_counted_per_side(view):
    track, truth = generate("standing-band-hip-flexion", reps=3, sides="alternate", view=view, lean_deg=15.0)
    report = analyse_track(track, "standing-band-hip-flexion").report
    assert _sides(report) == ["left", "right"] * 3 == [r.side for r in truth.reps]


def test_the_travelling_foot_names_the_working_leg_and_still_feet_name_none():
    track, truth = generate("standing-band-hip-abduction", reps=1, sides="left", view="front", lean_deg=20.0)
    resolved, _ = resolve_sides(track)
    points = image_points(resolved)
    t = resolved.timestamps
    a, b = np.searchsorted(t, [truth.reps[0].start, truth.reps[0].end])
    travel = foot_travel(points, a, b)
    assert travel["left"] > 10 * travel["right"]
    assert moving_foot(points, a, b) == "left"
    squat, _ = generate("squat", reps=1, view="front")  # both feet stay planted: the feet cannot tell
    resolved, _ = resolve_sides(squat)
    assert moving_foot(image_points(resolved), 0, resolved.n_frames - 1) is None


def test_a_squat_is_still_refused_as_a_one_legged_exercise():
    """Feet that both stay put leave the old judgement on the angles: both legs moved together."""
    track, _ = generate("squat", reps=4, view="front")
    report = analyse_track(track, "standing-band-hip-abduction").report
    assert report["status"] == "not_matching"


@pytest.mark.parametrize("view", ["front", "back", "left_side", "right_side"])
@pytest.mark.parametrize("yaw", [0.0, 30.0])
@pytest.mark.parametrize("sides", ["alternate", "both"])
def test_single_leg_squats_are_given_the_standing_leg_from_any_camera_angle(view, yaw, sides):
    """The standing foot stays put and the free one travels with the pelvis, whichever way the phone
    looks at the person: alternating legs rep by rep and one leg a set both come out leg by leg."""
    track, truth = generate("single-leg-squat", reps=2, sides=sides, view=view, yaw_deg=yaw)
    report = analyse_track(track, "single-leg-squat").report
    assert _sides(report) == [r.side for r in truth.reps]


@pytest.fixture(scope="module")
def hyva7(data_dir, real_pose_track) -> PoseTrack:
    """The real pose track of single_leg_squat_front_hyva7.mp4, from the cache when it is of this clip."""
    from hipcoach.motion.video import sha256

    clip = "single_leg_squat_front_hyva7.mp4"
    path = CACHE / f"{clip}.npz"
    if path.exists():
        track = PoseTrack.load(path)
        if track.source_sha256 == sha256(data_dir / "clips" / clip):
            return track
    track = real_pose_track(clip)
    CACHE.mkdir(parents=True, exist_ok=True)
    track.save(path)
    return track


@pytest.mark.slow
def test_the_real_hyva7_clip_alternates_standing_legs_and_each_rep_gets_its_own(hyva7):
    """The frames show her switching legs rep by rep: on her left leg with the right foot held just off
    the floor in front at 1.5 s and 16.0 s (reps 1 and 3), on her right leg with the left foot raised
    behind at 6.5 s and 22.0 s (reps 2 and 4); ../shared/data/README.md's "same stance leg" does not
    match the video. In every rep the free foot travels and the standing one stays put."""
    report = analyse_track(hyva7, "single-leg-squat").report
    assert _sides(report) == ["left", "right", "left", "right"]
    prep = prepare(hyva7)  # the cleaned, side-resolved points the analysis itself used
    points, t = prep.points, prep.kin.timestamps
    for rep in (r for r in report["reps"] if r["counted"]):
        a, b = np.searchsorted(t, [rep["start_s"], rep["end_s"]])
        free = "left" if rep["side"] == "right" else "right"
        assert moving_foot(points, a, b) == free
        assert standing_side(points, a, b) == rep["side"]


@pytest.mark.slow
def test_the_trainers_deep_good_squats_in_hyva7_show_no_knee_cave(hyva7):
    """Four good squats to about 100° of knee bend, the knee over the foot in every frame at the bottoms
    (2.4, 11.3, 17.8, 23.8 s). Read to the bottom, her left knee's image angle reached 11.4° and 13.4°, the
    second over the 12° limit: a front camera magnifies a thigh pointing at it, so the angle is read only
    to 80° of knee bend."""
    reps = [r for r in analyse_track(hyva7, "single-leg-squat").report["reps"] if r["counted"]]
    assert len(reps) == 4
    assert [f["code"] for r in reps for f in r["faults"] if f["code"] != "moving_too_fast"] == []
