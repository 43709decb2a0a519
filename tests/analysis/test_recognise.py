"""`hipcoach analyse VIDEO --exercise auto`: which catalogue exercise a clip shows, analysed as that one;
a clip of none of them stops with the closest candidates. Synthetic clips (a sample of the confusion
grid) and every real clip in ../shared/data (their exercises from its README)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from benchmarks.bench_recognise import REAL, synthetic_track
from benchmarks.coach_grid import cases
from hipcoach.analysis.coach import prepare
from hipcoach.analysis.recognise import recognise
from hipcoach.motion.synthetic import generate
from tests.factories import run_cli


def test_auto_prints_the_candidates_and_analyses_the_clip_as_the_exercise_it_shows(tmp_path):
    track, _ = generate("side-lying-hip-abduction", reps=3)
    path = track.save(tmp_path / "t.npz")
    result = run_cli("analyse", path, "--exercise", "auto", "-o", tmp_path / "r")
    assert result.exit_code == 0, result.output
    assert "This clip shows a side-lying hip abduction." in result.text
    assert "Full reps: 3 (right 3)" in result.text
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["exercise"]["id"] == "side-lying-hip-abduction" and report["status"] == "ok"
    rec = report["recognition"]
    assert rec["mode"] == "auto" and rec["exercise"] == "side-lying-hip-abduction" and rec["warning"] is None
    assert len(rec["candidates"]) == 3 and rec["candidates"][0]["matches"]
    others = [c["score"] for c in rec["candidates"][1:] if not c["matches"]]
    assert rec["candidates"][0]["score"] >= 0.5 > max(others)


def test_auto_on_a_clip_of_no_exercise_stops_with_the_closest_candidates(tmp_path):
    standing, _ = generate("squat", reps=2)
    still = replace(
        standing,
        landmarks=np.repeat(standing.landmarks[:1], standing.n_frames, axis=0),
        world=np.repeat(standing.world[:1], standing.n_frames, axis=0),
    )
    path = still.save(tmp_path / "still.npz")
    result = run_cli("analyse", path, "--exercise", "auto", "-o", tmp_path / "r")
    assert result.exit_code == 2
    assert "does not look like any exercise the video coach can analyse" in result.text
    saved = json.loads((tmp_path / "r" / "recognition.json").read_text())
    assert saved["exercise"] is None and saved["candidates"]
    assert not (tmp_path / "r" / "report.json").exists()
    as_json = run_cli("analyse", path, "-e", "auto", "-o", tmp_path / "r2", "--json")
    assert as_json.exit_code == 2 and json.loads(as_json.stdout)["exercise"] is None


def test_a_chosen_exercise_carries_the_recognition_without_a_warning_when_it_is_the_best_match(tmp_path):
    track, _ = generate("clamshell", reps=2)
    path = track.save(tmp_path / "c.npz")
    result = run_cli("analyse", path, "-e", "clamshell", "-o", tmp_path / "r", "--json")
    assert result.exit_code == 0, result.output
    rec = json.loads(result.stdout)["recognition"]
    assert rec["mode"] == "chosen" and rec["exercise"] == "clamshell" and rec["warning"] is None


def test_a_chosen_exercise_that_is_not_the_best_match_gets_the_warning_with_both_scores():
    from hipcoach.analysis.recognise import Recognition

    both = {"matches": True, "reps": 4, "reason": None}
    cand = [
        {"id": "squat", "name": "Squat", "score": 0.8} | both,
        {"id": "single-leg-squat", "name": "Single-leg squat", "score": 0.6} | both,
    ]
    warning = Recognition("squat", cand).summary("single-leg-squat")["warning"]
    assert "looks more like a squat (score 0.80) than the single-leg squat chosen (score 0.60)" in warning


# One case per exercise and view (clean, normal tempo) and every fault at the slow tempo of one view:
# a sample of the grid bench_recognise.py runs whole (354/356 there).
SAMPLE = sorted(
    {c for c in cases(tempos=["normal"]) if c[3] is None}
    | {next(c for c in cases(exercises=[ex], tempos=["slow"]) if c[3]) for ex, *_ in cases(tempos=["normal"])}
)


IDS = ["/".join(map(str, c)) for c in SAMPLE]


@pytest.mark.parametrize(("ex", "view", "tempo", "fault"), SAMPLE, ids=IDS)
def test_synthetic_clips_are_recognised_as_their_exercise(ex, view, tempo, fault):
    rec = recognise(prepare(synthetic_track(ex, view, tempo, fault)))
    assert rec.best == ex, rec.candidates[:3]


@pytest.mark.slow
@pytest.mark.parametrize("clip", sorted(REAL))
def test_every_real_clip_is_recognised_as_its_exercise_or_none(clip, real_pose_track, tmp_path):
    path = real_pose_track(clip).save(tmp_path / f"{clip}.npz")
    result = run_cli("analyse", path, "--exercise", "auto", "-o", tmp_path / "r", "--json")
    report = json.loads(result.stdout)
    truth = REAL[clip]
    if truth is None:
        assert result.exit_code == 2 and report["exercise"] is None, report["candidates"][:3]
    else:
        assert result.exit_code == 0, result.output
        assert report["exercise"]["id"] == truth, report["recognition"]["candidates"]
