"""Single-leg squat screen from the front: synthetic faults per side, refusals, FPPA near the bottom,
the verified evidence, and the real clip whose right-leg set caves more."""

from __future__ import annotations

import re

import numpy as np
import pytest

from hipcoach.analysis import screen_evidence
from hipcoach.analysis.screen_compare import compare_screens
from hipcoach.analysis.screen_squat import _fppa_near, screen_single_leg_squat
from hipcoach.errors import UserError
from hipcoach.motion.synthetic import generate


def _screen(faults: dict, **kw):
    track, truth = generate("single-leg-squat", view="front", sides="both", reps=4, faults=faults, **kw)
    return screen_single_leg_squat(track), truth


def test_reps_and_stance_legs_match_the_truth():
    result, truth = _screen({})
    reps = result.report["reps"]
    assert [r["side"] for r in reps] == [r.side for r in truth.reps]
    for rep, true in zip(reps, truth.reps, strict=True):
        assert true.start - 0.3 <= rep["bottom_s"] <= true.end + 0.3
    assert result.report["needs_work_side"] is None
    assert len(result.rows) == len(reps) and len(result.timeline.spans) == len(reps)


def test_knee_caving_on_the_right_names_the_right_leg():
    result, _ = _screen({"knee_caves": [4, 5, 6, 7]}, noise=0.002)
    per_side, lr = result.report["per_side"], result.report["left_right"]
    assert per_side["right"]["fppa_mean_deg"] - per_side["left"]["fppa_mean_deg"] > 15
    assert lr["fppa"]["more_inward"] == "right" and lr["fppa"]["beyond_measurement_error"]
    assert result.report["needs_work_side"] == "right" and lr["decided_by"] == "knee angle"


def test_pelvis_dropping_while_standing_on_the_left_names_the_left_leg():
    result, _ = _screen({"pelvis_drops": [0, 1, 2, 3]})
    per_side, lr = result.report["per_side"], result.report["left_right"]
    assert per_side["left"]["pelvic_drop_mean_deg"] == pytest.approx(9.0, abs=2.0)
    assert abs(per_side["right"]["pelvic_drop_mean_deg"]) < 2.0
    assert lr["pelvic_drop"]["larger_drop_standing_on"] == "left"
    assert result.report["needs_work_side"] == "left"


def test_trunk_lean_over_the_stance_leg_is_measured():
    result, _ = _screen({"trunk_leans": [4, 5, 6, 7]})
    per_side = result.report["per_side"]
    assert per_side["right"]["trunk_lean_mean_deg"] > 8 and abs(per_side["left"]["trunk_lean_mean_deg"]) < 3


def test_fppa_is_taken_nearest_the_bottom_and_never_made_up():
    t = np.arange(0, 3, 1 / 30)
    fppa = np.where(np.abs(t - 1.5) < 0.2, np.nan, 10 * t)
    value, offset, how = _fppa_near(t, fppa, int(np.argmin(np.abs(t - 1.5))))
    assert abs(offset) == pytest.approx(0.2, abs=0.04) and value == pytest.approx(10 * (1.5 + offset))
    assert "nearest" in how
    value, offset, how = _fppa_near(t, np.full_like(t, np.nan), 45)
    assert value is None and offset is None and "not measurable" in how


def test_side_view_is_refused_with_camera_advice():
    track, _ = generate("single-leg-squat", view="right_side", reps=2)
    with pytest.raises(UserError) as info:
        screen_single_leg_squat(track)
    assert "from the right side" in info.value.message and "in front of you" in info.value.hint


def test_no_person_is_refused():
    track, _ = generate("single-leg-squat", view="front", reps=1)
    track.landmarks[:] = np.nan
    with pytest.raises(UserError, match="No person"):
        screen_single_leg_squat(track)


def test_norms_are_mentioned_as_unverified_and_not_used():
    result, _ = _screen({"knee_caves": [4, 5, 6, 7]})
    text = result.report["interpretation"]
    assert "could not verify" in text and "8.4" not in text and "16.8" not in text
    labels = {e["key"]: e["label"] for e in result.report["evidence"]}
    assert labels["fppa_norms"] == "V2" and labels["fppa_error"] == "V"


def test_compare_screens_calls_small_fppa_changes_measurement_error():
    def report(left: float, right: float) -> dict:
        per_side = {
            s: {"fppa_mean_deg": v, "pelvic_drop_mean_deg": 0.0}
            for s, v in (("left", left), ("right", right))
        }
        return {"schema_version": "hipcoach.screen/1", "test": "single-leg-squat", "per_side": per_side}

    diff = compare_screens(report(5.0, 20.0), report(11.0, 8.0))
    verdicts = {c["side"]: c["verdict"] for c in diff["changes"] if c["measure"] == "fppa_mean_deg"}
    assert verdicts == {"left": "within measurement error", "right": "better"}
    assert "Munro 2012" in diff["summary"]
    borderline = compare_screens(report(5.0, 5.0), report(13.0, 5.0))
    assert borderline["changes"][0]["verdict"].startswith("borderline")
    with pytest.raises(UserError):
        compare_screens(report(1, 1), {**report(1, 1), "test": "running"})


def test_every_cited_figure_is_on_a_line_of_evidence_with_its_label(shared):
    lines = (shared / "evidence" / "EVIDENCE.md").read_text().splitlines()
    for figure in screen_evidence.FIGURES.values():
        hits = [line for line in lines if figure.evidence_text in line]
        assert hits, figure.key
        assert any(re.search(rf"\|\s*{figure.label}\b", line) or f"({figure.label})" in line for line in hits)


@pytest.mark.slow
def test_real_clip_right_leg_set_caves_more(real_pose_track):
    result = screen_single_leg_squat(real_pose_track("single_leg_squat_front_hyva_ja_paha2.mp4"))
    reps = result.report["reps"]
    assert [r["side"] for r in reps] == ["left"] * 5 + ["right"] * 5
    per_side = result.report["per_side"]
    assert per_side["right"]["fppa_mean_deg"] > per_side["left"]["fppa_mean_deg"]
    assert result.report["left_right"]["fppa"]["more_inward"] == "right"
    assert result.report["needs_work_side"] == "right"
