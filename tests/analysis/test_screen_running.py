"""Running screen from behind: synthetic runners with known drop, motion-capture bounds, OpenPose input."""

from __future__ import annotations

import numpy as np
import pytest

from hipcoach.analysis.screen_compare import compare_screens
from hipcoach.analysis.screen_running import screen_running
from hipcoach.errors import UserError
from hipcoach.motion import mocap
from hipcoach.motion.synthetic import generate_running
from hipcoach.motion.trackio import from_openpose


@pytest.fixture(scope="module")
def asymmetric():
    track, truth = generate_running(duration=12.0, cadence=170, drop_deg={"left": 3.0, "right": 8.0})
    return screen_running(track), truth


def test_drop_is_measured_per_stance_side(asymmetric):
    result, truth = asymmetric
    report = result.report
    assert report["schema_version"] == "hipcoach.screen/1" and report["test"] == "running"
    for side, drop in truth.params["drop_deg"].items():
        assert report["per_side"][side]["peak_drop_mean_deg"] == pytest.approx(drop, abs=1.0)
    assert report["per_side"]["left"]["stances"] >= 10 and report["per_side"]["right"]["stances"] >= 10


def test_the_side_with_more_drop_in_its_stance_needs_work(asymmetric):
    report = asymmetric[0].report
    assert report["left_right"]["difference_deg"] == pytest.approx(-5.0, abs=1.0)
    assert report["needs_work_side"] == "right"
    assert "right hip" in report["interpretation"]
    assert "80% higher odds" in report["interpretation"] and "Bramah 2018" in report["interpretation"]


def test_stances_match_the_truth_and_cadence(asymmetric):
    result, truth = asymmetric
    assert result.report["cadence_steps_per_min"] == pytest.approx(170, abs=1.0)
    for stance in result.report["stances"]:
        hit = [s for s in truth.stances if s["start"] - 0.05 <= stance["midstance_s"] <= s["end"] + 0.05]
        assert hit and hit[0]["side"] == stance["side"]


def test_result_carries_rows_and_a_timeline(asymmetric):
    result, _ = asymmetric
    assert len(result.rows) == len(result.report["stances"]) == len(result.timeline.spans)
    assert {s.name for s in result.timeline.signals} >= {"pelvic_obliquity"}
    assert {m.side for m in result.timeline.marks} == {"left", "right"}
    assert result.report["measurement_notes"] and all(e["label"] == "V" for e in result.report["evidence"])


def test_equal_drops_name_no_side():
    track, _ = generate_running(duration=10.0, drop_deg={"left": 5.0, "right": 5.0}, seed=3)
    report = screen_running(track).report
    assert report["needs_work_side"] is None
    assert "neither side stands out" in report["interpretation"]


def test_side_on_clip_is_refused_with_camera_advice():
    track, _ = generate_running(duration=4.0, view="left_side")
    with pytest.raises(UserError) as info:
        screen_running(track)
    assert "from the left side" in info.value.message and "behind the runner" in info.value.hint


def test_no_person_is_refused():
    track, _ = generate_running(duration=2.0)
    track.landmarks[:] = np.nan
    with pytest.raises(UserError, match="No person"):
        screen_running(track)


def test_compare_screens_reports_changes_beyond_error(asymmetric):
    before = asymmetric[0].report
    after_track, _ = generate_running(duration=12.0, drop_deg={"left": 3.0, "right": 4.0})
    after = screen_running(after_track).report
    diff = compare_screens(before, after)
    by_side = {c["side"]: c for c in diff["changes"]}
    assert (
        by_side["right"]["verdict"] == "better" and by_side["left"]["verdict"] == "within measurement error"
    )


# Motion capture: a subset of trials (slowest and fastest runner) keeps this under a few seconds;
# benchmarks/bench_screen_mocap.py prints every trial.
TRIALS = ("RBDS001runT25markers.txt", "RBDS0041runT452.txt")


@pytest.fixture(scope="module")
def fukuchi(data_dir):
    folder = data_dir / "mocap" / "fukuchi_running"
    offsets = mocap.joint_offsets(mocap.read_fukuchi(folder / "RBDS0041static.txt"))
    return {name: (mocap.read_fukuchi(folder / name), offsets) for name in TRIALS}


def _against_markers(trial, offsets, **film) -> tuple[float, float, float, int]:
    truth = mocap.marker_drops(trial, offsets)
    report = screen_running(mocap.film_from_behind(trial, offsets, **film)).report
    pairs = mocap.match_stances(report["stances"], truth, float(trial.t[0]))
    errors = np.array([s["peak_drop_deg"] - m["peak_drop_deg"] for s, m in pairs])
    rmse = float(np.sqrt(np.mean(errors**2)))
    return rmse, report["cadence_steps_per_min"], mocap.marker_cadence(truth), len(pairs)


@pytest.mark.parametrize("name", TRIALS)
@pytest.mark.parametrize("yaw", [0.0, 10.0, 20.0])
def test_pelvic_drop_without_noise_within_1_degree_of_markers(fukuchi, name, yaw):
    trial, offsets = fukuchi[name]
    rmse, cadence, marker_cadence, n = _against_markers(trial, offsets, yaw_deg=yaw)
    assert n >= 0.9 * len(mocap.marker_stances(trial))
    assert rmse <= 1.0
    assert cadence == pytest.approx(marker_cadence, abs=1.0)


@pytest.mark.parametrize("name", TRIALS)
@pytest.mark.parametrize("yaw", [0.0, 20.0])
def test_pelvic_drop_with_pose_noise_within_2_degrees_of_markers(fukuchi, name, yaw):
    trial, offsets = fukuchi[name]
    rmse, cadence, marker_cadence, n = _against_markers(
        trial, offsets, yaw_deg=yaw, noise=0.002, dropout=0.03
    )
    assert n >= 0.85 * len(mocap.marker_stances(trial))
    assert rmse <= 2.0
    assert cadence == pytest.approx(marker_cadence, abs=1.0)


def test_openpose_rear_running_runs_through(data_dir):
    track = from_openpose(data_dir / "keypoints" / "rear_running_openpose")
    result = screen_running(track)
    report = result.report
    assert report["view"]["view"] == "back"
    assert report["per_side"]["left"]["stances"] >= 2 and report["per_side"]["right"]["stances"] >= 2
    assert 120 < report["cadence_steps_per_min"] < 200
    # Two steps a side scatter too much to name a side, and the report says the averages are rough.
    assert report["needs_work_side"] is None
    assert "rough" in report["interpretation"]
