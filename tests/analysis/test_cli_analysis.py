"""`hipcoach analyse` and `hipcoach screen` as a user runs them: the report folder, --json, the video
with its counter, and what happens with clips that do not fit."""

from __future__ import annotations

import csv
import json

import av
import pytest

from hipcoach.motion.synthetic import generate, generate_running
from tests.factories import run_cli


@pytest.fixture
def clamshell_track(tmp_path):
    track, _ = generate("clamshell", reps=3, sides="both", faults={"feet_separate": [4]})
    return track.save(tmp_path / "clam.npz")


def test_analyse_writes_the_report_folder_and_prints_a_summary(clamshell_track, tmp_path):
    folder = tmp_path / "report"
    result = run_cli("analyse", clamshell_track, "--exercise", "clamshell", "-o", folder)
    assert result.exit_code == 0, result.output
    assert "Full reps: 6 (left 3, right 3)" in result.text and "Feet come apart" in result.text
    report = json.loads((folder / "report.json").read_text())
    assert report["schema_version"] == "hipcoach.analysis/1" and report["exercise"]["id"] == "clamshell"
    assert {"reps_left", "reps_right", "reps_total"} <= set(report["summary"])
    for rep in report["reps"]:
        assert {"side", "start_s", "peak_s", "end_s", "range_deg", "hold_s", "faults"} <= set(rep)
        assert rep["side"] in ("left", "right", "both")
    rows = list(csv.DictReader((folder / "reps.csv").open()))
    assert len(rows) == 6 and rows[4]["faults"] == "feet_separate"
    assert (folder / "signal.png").read_bytes()[:4] == b"\x89PNG"
    assert report["files"] == {"rows": "reps.csv", "plot": "signal.png", "report": "report.json"}


def test_json_goes_to_stdout_alone(clamshell_track, tmp_path):
    result = run_cli("analyse", clamshell_track, "-e", "clamshell", "-o", tmp_path / "r", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["summary"]["reps_total"] == 6 and report["status"] == "ok"


def test_a_clip_of_another_exercise_exits_2_with_the_reason_and_keeps_the_report(clamshell_track, tmp_path):
    folder = tmp_path / "r"
    result = run_cli("analyse", clamshell_track, "-e", "squat", "-o", folder)
    assert result.exit_code == 2
    assert "does not look like this exercise" in result.text
    report = json.loads((folder / "report.json").read_text())
    assert report["status"] == "not_matching" and report["reps"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-e", "burpee"), "No exercise called 'burpee'"),
        (("-e", "clamshell", "--video", "missing.mp4"), "missing.mp4"),
    ],
)
def test_bad_input_exits_2_with_a_message(clamshell_track, tmp_path, args, message):
    result = run_cli("analyse", clamshell_track, *args, "-o", tmp_path / "r")
    assert result.exit_code == 2 and message in result.text


def test_a_file_that_is_not_a_video_exits_2(tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video")
    result = run_cli("analyse", bad, "-e", "clamshell", "-o", tmp_path / "r")
    assert result.exit_code == 2 and not (tmp_path / "r" / "report.json").exists()


def test_running_screen_from_a_track_and_a_wrong_view_refused(tmp_path):
    track, _ = generate_running(duration=8.0, drop_deg={"left": 3.0, "right": 9.0})
    ok = run_cli(
        "screen", track.save(tmp_path / "run.npz"), "--test", "running", "-o", tmp_path / "s", "--json"
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["schema_version"] == "hipcoach.screen/1"
    side, _ = generate_running(duration=8.0, view="left_side")
    refused = run_cli("screen", side.save(tmp_path / "side.npz"), "--test", "running", "-o", tmp_path / "s2")
    assert refused.exit_code == 2 and "behind" in refused.text


@pytest.mark.slow
def test_analyse_a_real_video_end_to_end_with_the_annotated_video(data_dir, tmp_path):
    video = data_dir / "clips" / "bridge_bilateral_side_1rep.mp4"
    folder = tmp_path / "bridge"
    result = run_cli("analyse", video, "-e", "bilateral-bridge", "-o", folder)
    assert result.exit_code == 0, result.output
    report = json.loads((folder / "report.json").read_text())
    assert report["summary"]["reps_total"] == 1 and report["files"]["video"] == "annotated.mp4"
    with av.open(str(folder / "annotated.mp4")) as f:
        stream = f.streams.video[0]
        assert stream.codec_context.name == "h264" and stream.format.name == "yuv420p"
        assert sum(1 for _ in f.decode(stream)) >= 85  # the 3 s clip, every frame


def test_a_rescreen_says_which_changes_are_beyond_measurement_error(tmp_path):
    before, _ = generate_running(duration=8.0, drop_deg={"left": 3.0, "right": 4.0})
    after, _ = generate_running(duration=8.0, drop_deg={"left": 3.0, "right": 12.0}, seed=1)
    first = run_cli("screen", before.save(tmp_path / "a.npz"), "-t", "running", "-o", tmp_path / "a")
    assert first.exit_code == 0, first.output
    again = run_cli(
        "screen", after.save(tmp_path / "b.npz"), "-t", "running", "-o", tmp_path / "b",
        "--compare", tmp_path / "a" / "report.json",
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    changes = json.loads((tmp_path / "b" / "report.json").read_text())["compared_with_previous"]["changes"]
    verdicts = {c["side"]: c["verdict"] for c in changes}
    # drop_deg is per stance foot: the drop while standing on the right foot grew from 4° to 12°.
    assert verdicts == {"left": "within measurement error", "right": "worse"}
    other = run_cli(
        "screen", after.save(tmp_path / "c.npz"), "-t", "single-leg-squat", "-o", tmp_path / "c",
        "--compare", tmp_path / "a" / "report.json",
    )  # fmt: skip
    assert other.exit_code == 2 and "Cannot compare a running screen" in other.text


def test_the_help_reads_as_sentences_wrapped_to_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # wide enough for the paragraph on one line
    result = run_cli("analyse", "--help")
    assert result.exit_code == 0
    line = "the clip is first recognised (top candidates and their scores are printed) and analysed as"
    assert any(line in row for row in result.output.splitlines()), result.output
