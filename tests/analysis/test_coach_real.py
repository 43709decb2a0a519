"""The video coach on real clips (the real pose model) and on UI-PRMD Kinect recordings, against the
ground truth in ../shared/data/README.md."""

from __future__ import annotations

import pytest

from hipcoach.analysis.coach import analyse_track

pytestmark = pytest.mark.slow

SINGLE_LEG_SQUATS = {  # clip → (full reps, partial reps)
    "single_leg_squat_front_hyva7.mp4": (4, 0),
    "single_leg_squat_front_hyva3.mp4": (1, 0),
    "single_leg_squat_front_hyva6.mp4": (1, 0),
    "single_leg_squat_front_hyva_ja_paha.mp4": (1, None),  # may start mid-rep: a partial is allowed
    "single_leg_squat_front_hyva2.mp4": (1, 2),
}


def _summary(real_pose_track, clip: str, exercise: str) -> dict:
    report = analyse_track(real_pose_track(clip), exercise).report
    assert report["status"] == "ok", report.get("problem")
    return report


def test_bilateral_bridge_clip_is_one_rep_held_about_1_7_s(real_pose_track):
    report = _summary(real_pose_track, "bridge_bilateral_side_1rep.mp4", "bilateral-bridge")
    (rep,) = [r for r in report["reps"] if r["counted"]]
    assert rep["side"] == "both"
    assert rep["hold_s"] == pytest.approx(1.7, abs=0.3)


@pytest.mark.parametrize("clip", sorted(SINGLE_LEG_SQUATS))
def test_single_leg_squat_counts(real_pose_track, clip):
    full, partial = SINGLE_LEG_SQUATS[clip]
    report = _summary(real_pose_track, clip, "single-leg-squat")
    assert report["summary"]["reps_total"] == full
    if partial is not None:
        assert report["summary"]["partial_reps"] == partial


def test_five_left_then_five_right_and_the_right_set_caves(real_pose_track):
    report = _summary(real_pose_track, "single_leg_squat_front_hyva_ja_paha2.mp4", "single-leg-squat")
    assert [r["side"] for r in report["reps"] if r["counted"]] == ["left"] * 5 + ["right"] * 5

    def caving(side):
        return sum(
            any(f["code"] == "knee_caves" for f in r["faults"]) for r in report["reps"] if r["side"] == side
        )

    assert caving("right") >= 3 > caving("left")


def test_the_banded_clamshell_gets_six_right_reps_and_no_false_pelvis_roll(real_pose_track):
    """A trainer's good clamshell: BlazePose's depth read a 59-85° pelvis roll on every rep; the fault
    must not be flagged from a measure nobody showed to follow real movement."""
    report = _summary(real_pose_track, "clamshell_band_side_6right.mp4", "clamshell")
    counted = [r for r in report["reps"] if r["counted"]]
    assert [r["side"] for r in counted] == ["right"] * 6
    assert not any(f["code"] == "pelvis_rolls_back" for r in counted for f in r["faults"])
    (entry,) = [n for n in report["not_checked"] if n["code"] == "pelvis_rolls_back"]
    assert "depth" in entry["reason"]


@pytest.mark.parametrize(
    ("clip", "exercise", "low", "high"),
    [
        ("cg_clamshell.mp4", "clamshell", 3, 5),  # about 4 openings
        ("cg_banded-walk.mp4", "side-step", 4, 6),  # about 5 step cycles
        ("cg_bridge.mp4", "bilateral-bridge", 2, 2),
        ("cg_singleLegHip.mp4", "single-leg-bridge", 2, 4),  # hip thrust on a bench, about 3
    ],
)
def test_computer_generated_clips_give_plausible_counts(real_pose_track, clip, exercise, low, high):
    report = _summary(real_pose_track, clip, exercise)
    assert low <= report["summary"]["reps_total"] <= high


def _uiprmd(data_dir, movement: str, correct: bool):
    from hipcoach.motion.kinect import load_uiprmd

    root = data_dir / "skeleton" / "ui-prmd"
    return [
        analyse_track(
            load_uiprmd(root, movement=movement, subject=s, correct=correct), "standing-band-hip-flexion"
        ).report
        for s in range(1, 11)
    ]


@pytest.mark.parametrize("movement", ["m02", "m06"])
def test_uiprmd_ten_episodes_count_ten_and_incorrect_versions_raise_more_faults(data_dir, movement):
    correct, incorrect = _uiprmd(data_dir, movement, True), _uiprmd(data_dir, movement, False)
    exact = [r["summary"]["reps_total"] == 10 for r in correct]
    # 9 of 10 subjects per movement: m02 subject 1's first step is a third the size of the others, and
    # the Kinect loses m06 subject 7's lifted leg for a few frames at the top of most lifts.
    assert sum(exact) >= 9, [r["summary"]["reps_total"] for r in correct]

    def form_faults(reports):
        return sum(
            1
            for r in reports
            for rep in r["reps"]
            if rep["counted"]
            for f in rep["faults"]
            if f["code"] != "moving_too_fast"
        )

    assert form_faults(incorrect) > 2 * max(form_faults(correct), 1)
