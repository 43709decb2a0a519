"""The video coach on synthetic tracks with exact ground truth: counts, sides, holds, partial reps,
faults, clips that do not show the exercise, and the report's shape."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from benchmarks.coach_grid import Score, cases, score_case
from hipcoach.analysis.coach import SCHEMA, analyse_track
from hipcoach.errors import UserError
from hipcoach.motion.synthetic import Tempo, generate


@pytest.mark.slow
def test_synthetic_grid_meets_the_accuracy_bounds():
    """Every exercise × view × tempo × injected fault (356 clips)."""
    total = Score()
    for case in cases():
        total.add(score_case(*case))
    holds = np.array(total.hold_errors)
    assert total.exact / total.cases >= 0.98, total.failures[:10]
    assert total.precision >= 0.9 and total.recall >= 0.9, total.failures[:10]
    assert holds.mean() <= 0.3 and np.percentile(holds, 90) <= 0.3


def test_reps_per_side_and_their_times_match_the_truth():
    track, truth = generate("side-lying-hip-abduction", reps=3, sides="both")
    report = analyse_track(track, "side-lying-hip-abduction").report
    assert report["schema_version"] == SCHEMA and report["status"] == "ok"
    assert [r["side"] for r in report["reps"]] == ["left"] * 3 + ["right"] * 3
    for found, want in zip(report["reps"], truth.reps, strict=True):
        assert abs(found["start_s"] - want.start) < 0.3 and abs(found["end_s"] - want.end) < 0.3
        assert abs(found["peak_s"] - want.peak) < 0.6
        assert 35 < found["range_deg"] < 55  # the synthetic leg moves 45°
    s = report["summary"]
    assert (s["reps_left"], s["reps_right"], s["reps_total"]) == (3, 3, 6)


@pytest.mark.parametrize("exercise", ["single-leg-squat", "single-leg-bridge"])
def test_the_working_side_is_the_standing_leg_found_from_the_movement(exercise):
    track, truth = generate(exercise, reps=2, sides="both")
    sides = [r["side"] for r in analyse_track(track, exercise).report["reps"]]
    assert sides == [r.side for r in truth.reps]


def test_a_held_rep_reports_its_hold():
    track, truth = generate("bilateral-bridge", reps=2, tempo=Tempo(up=1.5, hold=3.0, down=1.5, rest=1.0))
    holds = [r["hold_s"] for r in analyse_track(track, "bilateral-bridge").report["reps"]]
    assert holds == pytest.approx([r.hold for r in truth.reps], abs=0.3)


def test_a_rep_cut_off_by_the_end_of_the_clip_is_partial_and_not_counted():
    track, truth = generate("clamshell", reps=3, sides="right")
    last = truth.reps[-1]
    report = analyse_track(track.take(track.timestamps <= last.peak + 0.5 * last.hold), "clamshell").report
    assert [r["counted"] for r in report["reps"]] == [True, True, False]
    assert report["reps"][-1]["shortfall_pct"] > 30
    assert report["summary"]["reps_right"] == 2 and report["summary"]["partial_reps"] == 1
    assert "partial" in report["summary"]["note"]


def test_faults_carry_code_value_limit_side_and_time():
    track, _ = generate("single-leg-squat", reps=2, sides="right", faults={"knee_caves": [1]}, view="front")
    reps = analyse_track(track, "single-leg-squat").report["reps"]
    assert [f["code"] for f in reps[0]["faults"]] == []
    (fault,) = reps[1]["faults"]
    assert fault["code"] == "knee_caves" and fault["side"] == "right"
    assert fault["value"] > fault["limit"] and fault["unit"] == "deg"
    assert reps[1]["start_s"] <= fault["t_s"] <= reps[1]["end_s"]


def test_the_coaching_note_gives_the_catalogues_correction_for_a_fault(catalog):
    track, _ = generate("clamshell", reps=3, sides="right", faults={"feet_separate": [0, 1]})
    note = analyse_track(track, "clamshell").report["summary"]["note"]
    assert catalog.faults["feet_separate"].correction in note and "2 of 3 right reps" in note


def test_left_right_asymmetry_of_range_is_reported():
    track, _ = generate("standing-band-hip-abduction", reps=3, sides="both", view="front")
    report = analyse_track(track, "standing-band-hip-abduction").report
    asym = report["summary"]["asymmetry_pct"]
    assert asym["count"] == 0 and abs(asym["range"]) < 15


def test_a_squat_analysed_as_a_clamshell_is_reported_as_not_matching():
    track, _ = generate("squat", reps=4, view="front")
    report = analyse_track(track, "clamshell").report
    assert report["status"] == "not_matching" and report["problem"]["code"] == "wrong_posture"
    assert report["reps"] == [] and report["summary"]["reps_total"] == 0


def test_a_two_legged_squat_analysed_as_a_one_legged_exercise_is_not_matching():
    track, _ = generate("squat", reps=4, view="left_side")
    report = analyse_track(track, "standing-band-hip-flexion").report
    assert report["status"] == "not_matching"
    assert report["problem"]["code"] in ("both_legs_move", "no_movement")


def test_a_clip_filmed_from_the_wrong_side_is_not_matching_and_says_where_to_film(catalog):
    track, _ = generate("side-step", reps=2, view="front")
    report = analyse_track(track, "bilateral-bridge").report
    assert report["status"] == "not_matching" and report["reps"] == []
    track, _ = generate("squat", reps=2, view="left_side")
    report = analyse_track(track, "side-step").report
    assert report["problem"]["code"] == "wrong_view" and "from the front" in report["problem"]["message"]


def test_a_still_person_gives_no_reps():
    track, _ = generate("squat", reps=1, view="front")
    still = replace(
        track,
        landmarks=np.repeat(track.landmarks[:1], track.n_frames, 0),
        world=np.repeat(track.world[:1], track.n_frames, 0),
    )
    report = analyse_track(still, "squat").report
    assert report["status"] == "not_matching" and report["problem"]["code"] == "no_movement"


def test_nobody_in_the_clip_is_a_user_error():
    track, _ = generate("squat", reps=1)
    empty = replace(
        track, landmarks=np.full_like(track.landmarks, np.nan), presence=np.zeros_like(track.presence)
    )
    with pytest.raises(UserError, match="Nobody"):
        analyse_track(empty, "squat")


def test_an_unknown_exercise_is_a_user_error():
    track, _ = generate("squat", reps=1)
    with pytest.raises(UserError, match="No exercise called"):
        analyse_track(track, "burpee")
