"""A fault is only reported from a value a body can show, read from a measure shown to follow real
movement: implausible values are "not measured", unvalidated depth is refused at load, and the series
table says truthfully which series use the pose model's depth."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import hipcoach.analysis.prepared as prepared
from hipcoach.analysis.coach import analyse_track
from hipcoach.analysis.faults import rep_faults
from hipcoach.analysis.segmenter import Rep
from hipcoach.analysis.specs import (
    SpecError,
    _read,
    load_series,
    load_specs,
    parse_series,
    parse_specs,
    series_base,
)
from hipcoach.motion.kinematics import kinematics
from hipcoach.motion.synthetic import generate
from hipcoach.motion.views import resolve_sides


def _squat_front(faults=None):
    return generate("single-leg-squat", reps=2, sides="right", faults=faults, view="front")


def _inflate(monkeypatch, series: str, value: float, after_s: float) -> None:
    """Make the clip's kinematics (made once, when it is prepared) read `value` for `series` from
    `after_s` on (a misread pose)."""
    real = prepared.kinematics

    def misread(*args, **kwargs):
        kin = real(*args, **kwargs)
        x = kin.series[series].copy()
        x[kin.timestamps >= after_s] = value
        kin.series[series] = x
        return kin

    monkeypatch.setattr(prepared, "kinematics", misread)


def test_an_out_of_range_value_is_not_measured_never_a_fault(monkeypatch):
    track, truth = _squat_front()
    second = truth.reps[1]
    _inflate(monkeypatch, "knee_fppa_right", 100.0, second.start - 0.1)  # what an oblique camera gives
    report = analyse_track(track, "single-leg-squat").report
    first, rep2 = report["reps"]
    assert not any(f["code"] == "knee_caves" for f in rep2["faults"])
    (miss,) = [m for m in rep2["not_measured"] if m["code"] == "knee_caves"]
    assert miss["side"] == "right" and miss["value"] == pytest.approx(100.0)
    assert "could not measure the inward knee angle" in miss["reason"]
    assert miss["plausible"][0] < 12.0 < miss["plausible"][1] < 100.0
    assert first["not_measured"] == [] and "knee_caves" in report["faults_checked"]
    assert report["summary"]["not_measured"] == {"knee_caves": 1}
    assert "Knee caves in was not measured in 1 of 2 reps" in report["summary"]["note"]


def test_a_fault_never_measured_in_any_rep_is_listed_not_checked_with_the_reason(monkeypatch):
    track, _ = _squat_front()
    _inflate(monkeypatch, "knee_fppa_right", 100.0, 0.0)
    report = analyse_track(track, "single-leg-squat").report
    assert "knee_caves" in report["faults_not_checked"]
    (entry,) = [n for n in report["not_checked"] if n["code"] == "knee_caves"]
    assert entry["reason"].startswith("Not measured in any rep: could not measure the inward knee angle")
    assert "from the front" in entry["camera"]


def test_a_real_fault_inside_the_plausible_range_is_still_flagged():
    track, _ = _squat_front(faults={"knee_caves": [1]})
    reps = analyse_track(track, "single-leg-squat").report["reps"]
    assert [f["code"] for f in reps[1]["faults"]] == ["knee_caves"] and reps[1]["not_measured"] == []


def test_a_swing_larger_than_a_body_can_make_in_a_rep_is_not_measured():
    """The squat (both feet planted) narrows the trunk's sideways swing to 25°."""
    track, truth = generate("squat", reps=2, view="front")
    kin = kinematics(track)
    rule = next(r for r in load_specs()["squat"].fault if r.code == "trunk_leans")
    rep0 = truth.reps[0]
    t = kin.timestamps
    start, end = int(np.searchsorted(t, rep0.start)), int(np.searchsorted(t, rep0.end))
    peak = (start + end) // 2
    rep = Rep(start, peak, end, 1.0, 0.0, 1.0, 1.0, False, 0.0)
    lean = kin.series["trunk_shift_frontal"]
    lean[peak] = lean[start] + 33.0  # the ~33° an oblique camera made of a squat's trunk
    hits, checked, misread = rep_faults((rule,), kin, rep, "both", "front")
    assert hits == [] and checked == set()
    assert [m.code for m in misread] == ["trunk_leans"] and misread[0].plausible == (0.0, 25.0)
    lean[peak] = lean[start] + 15.0  # a real lean well beyond the 6° limit
    hits, checked, misread = rep_faults((rule,), kin, rep, "both", "front")
    assert [h.code for h in hits] == ["trunk_leans"] and misread == []


def _clamshell_with(rule: dict) -> dict:
    raw = _read("analysers.toml")
    body = dict(raw["clamshell"])
    body["fault"] = [*body["fault"], rule]
    body.pop("not_checked")
    return {"clamshell": body}


def test_a_depth_series_feeding_a_fault_without_validation_is_refused_at_load():
    rule = {"code": "pelvis_rolls_back", "series": "pelvis_depth_angle", "measure": "swing", "limit": 10.0}
    with pytest.raises(SpecError, match="depth-based series that has not been shown to track real motion"):
        parse_specs(_clamshell_with(rule))


def test_a_depth_series_with_validation_evidence_is_accepted():
    rule = {"code": "pelvis_rolls_back", "series": "pelvis_depth_angle", "measure": "swing", "limit": 10.0}
    raw = _read("series.toml")
    raw["pelvis_depth_angle"] = raw["pelvis_depth_angle"] | {"validated": "compared with motion capture"}
    specs = parse_specs(_clamshell_with(rule), parse_series(raw))
    assert any(r.series == "pelvis_depth_angle" for r in specs["clamshell"].fault)


def test_a_limit_outside_its_plausible_range_is_refused():
    rule = {"code": "feet_separate", "series": "ankle_separation", "measure": "rise", "limit": 2.5}
    with pytest.raises(SpecError, match="outside its plausible range"):
        parse_specs(_clamshell_with(rule))


def test_a_fault_with_neither_a_rule_nor_a_reason_is_refused():
    raw = _read("analysers.toml")
    body = dict(raw["clamshell"])
    body.pop("not_checked")
    with pytest.raises(SpecError, match="neither a rule nor a not_checked reason"):
        parse_specs({"clamshell": body})


def test_no_fault_rule_reads_the_pose_models_depth():
    series = load_series()
    for ex_id, spec in load_specs().items():
        for rule in spec.fault:
            assert series[series_base(rule.series)].source == "image", (ex_id, rule.code)


def test_the_series_table_marks_depth_exactly_where_depth_changes_the_series():
    """Scramble landmark z and the world landmarks: the series that change are the ones marked depth."""
    track, _ = generate("single-leg-squat", reps=1, sides="right", view="front")
    track, view = resolve_sides(track)  # the same view and labels for both: only depth differs
    base = kinematics(track, resolve=False, view=view)
    rng = np.random.default_rng(0)
    landmarks = track.landmarks.copy()
    landmarks[:, :, 2] += rng.normal(0, 0.2, landmarks[:, :, 2].shape)
    world = track.world + rng.normal(0, 0.2, track.world.shape)
    scrambled = kinematics(replace(track, landmarks=landmarks, world=world), resolve=False, view=view)
    changed = {
        series_base(name.removesuffix("_left").removesuffix("_right") + "_{side}")
        for name, x in base.series.items()
        if not np.allclose(np.nan_to_num(x), np.nan_to_num(scrambled.series[name]), atol=1e-6)
    }
    marked = {name for name, info in load_series().items() if info.source == "depth"}
    assert changed == marked


def _misread_report(monkeypatch) -> dict:
    track, truth = _squat_front(faults={"knee_caves": [0]})
    _inflate(monkeypatch, "knee_fppa_right", 100.0, truth.reps[1].start - 0.1)
    return analyse_track(track, "single-leg-squat").report


def test_the_web_report_lists_not_measured_apart_from_the_faults(monkeypatch):
    from types import SimpleNamespace

    from hipcoach.web.pages.render import templates
    from hipcoach.web.pages.report_view import fault_lines

    report = _misread_report(monkeypatch)
    html = templates.env.get_template("_exercise_report.html").render(
        report=report, faults=fault_lines(report), files="/f", analysis=SimpleNamespace(id=1)
    )
    found = html.split('<ul id="faults">')[1].split("</ul>")[0]
    unmeasured = html.split('<ul id="faults-not-measured">')[1].split("</ul>")[0]
    assert "Knee caves in" in found and "Rep 1 " in found and "Rep 2 " not in found
    assert "Rep 2 (right)" in unmeasured
    assert "not measured: could not measure the inward knee angle" in unmeasured


def test_the_terminal_table_says_not_measured(monkeypatch):
    from rich.console import Console

    from hipcoach.cli_analysis import _rep_table

    report = _misread_report(monkeypatch)
    console = Console(width=200, record=True)
    console.print(_rep_table(report))
    rows = [line for line in console.export_text().splitlines() if "│ right" in line]
    assert "Knee caves in (" in rows[0] and "not measured" not in rows[0]
    assert "Knee caves in not measured" in rows[1]


def _first_right_squat_rep(code: str):
    """(kinematics, the fault rule `code`, the first rep) of a synthetic right-leg squat from the front,
    for tests that set a series by hand within that rep."""
    track, truth = generate("single-leg-squat", reps=2, sides="right", view="front")
    kin = kinematics(track)
    rule = next(r for r in load_specs()["single-leg-squat"].fault if r.code == code)
    t, rep0 = kin.timestamps, truth.reps[0]
    start, end = int(np.searchsorted(t, rep0.start)), int(np.searchsorted(t, rep0.end))
    return kin, rule, Rep(start, (start + end) // 2, end, 1.0, 0.0, 1.0, 1.0, False, 0.0)


def test_a_free_hip_that_starts_hitched_and_comes_back_to_level_is_not_a_pelvis_drop():
    """Pelvis drop is the free hip below the standing one (a Trendelenburg sign), not a change from the
    rep's start: a trainer's free hip started 11° high and came back to level (../shared/data)."""
    kin, rule, rep = _first_right_squat_rep("pelvis_drops")
    start, end = rep.start, rep.end
    free = kin.series["pelvic_drop_left"]  # the right leg stands
    free[start:end] = np.linspace(-11.0, -1.0, end - start)  # hitched, then level
    hits, checked, _ = rep_faults((rule,), kin, rep, "right", "front")
    assert hits == [] and checked == {"pelvis_drops"}
    free[start:end] = np.linspace(-2.0, 8.0, end - start)  # falls 8° below the standing hip
    hits, _, _ = rep_faults((rule,), kin, rep, "right", "front")
    assert [(h.code, h.side) for h in hits] == [("pelvis_drops", "left")]


def test_the_knee_angle_is_not_read_past_the_depth_where_a_front_camera_magnifies_it():
    """Past 80° of knee bend the thigh points at a front camera and a leg turned a few degrees reads as a
    cave of 10° or more: a trainer's good deep squats (../shared/data hyva7) read 13.4° there."""
    kin, rule, rep = _first_right_squat_rep("knee_caves")
    start, end = rep.start, rep.end
    mid = slice((2 * start + end) // 3, (start + 2 * end) // 3)
    fppa, bend = kin.series["knee_fppa_right"], kin.series["knee_flexion_3d_right"]
    fppa[start : end + 1], bend[start : end + 1] = 5.0, 40.0
    fppa[mid], bend[mid] = 14.0, 100.0  # beyond the 12° limit, but only at the bottom of a deep squat
    hits, checked, _ = rep_faults((rule,), kin, rep, "right", "front")
    assert hits == [] and checked == {"knee_caves"}
    bend[mid] = 60.0  # the same angle at the catalogue's depth is a cave
    hits, _, _ = rep_faults((rule,), kin, rep, "right", "front")
    assert [(h.code, h.value) for h in hits] == [("knee_caves", 14.0)]


def test_a_gate_on_the_other_side_than_its_rule_is_refused():
    rule = {
        "code": "feet_separate",
        "series": "ankle_separation",
        "measure": "rise",
        "limit": 0.1,
        "read_while": {"series": "knee_flexion_3d_{work}", "max": 80.0},
    }
    with pytest.raises(SpecError, match="must name the side"):
        parse_specs(_clamshell_with(rule))
