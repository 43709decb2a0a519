"""Uploads: size limit, bad targets, and the job's outcome shown through the API."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from hipcoach.errors import UserError
from hipcoach.web.app import create_app
from tests.web.conftest import make_settings, sign_up


def _analyser_for(kind):
    def analyse(video, target, out_dir, progress):
        data = video.read_bytes()
        if not data.startswith(b"\x00\x00\x00"):
            raise UserError("This file is not a video hipcoach can read.", "Upload an mp4, mov or webm file.")
        progress("pose", 0.5)
        report = {"schema_version": "hipcoach.analysis/1", "target": target, "reps": 3}
        (out_dir / "report.json").write_text(json.dumps(report))
        (out_dir / "reps.csv").write_text("rep,side\n1,left\n")
        return report

    return analyse


@pytest.fixture
def small_limit(tmp_path):
    app = create_app(make_settings(tmp_path, upload_limit_bytes=1000), analyser_for=_analyser_for)
    with TestClient(app) as c:
        yield c, sign_up(c, "u@example.org", "runner"), tmp_path / "data" / "uploads"


def _upload(acct, body: bytes, **form):
    data = {"kind": "exercise", "target": "clamshell", **form}
    return acct.post("/api/v1/analyses", files={"file": ("clip.mp4", body, "video/mp4")}, data=data)


def test_oversized_upload_is_refused_and_nothing_is_kept(small_limit):
    _, runner, uploads = small_limit
    r = _upload(runner, b"\x00" * 200_000)
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    assert not uploads.exists() or not any(uploads.iterdir())
    assert runner.get(f"/api/v1/runners/{runner.id}/analyses").json() == []


def test_upload_runs_in_the_background_and_gives_the_report(small_limit):
    _, runner, uploads = small_limit
    r = _upload(runner, b"\x00\x00\x00 ftypisom", keep_video="true")
    assert r.status_code == 202
    analysis = runner.get(f"/api/v1/analyses/{r.json()['id']}").json()
    assert analysis["status"] == "done" and analysis["progress"] == 1.0
    assert runner.get(f"/api/v1/analyses/{analysis['id']}/report").json()["reps"] == 3
    assert runner.get(f"/api/v1/analyses/{analysis['id']}/files/reps.csv").text.startswith("rep,side")
    assert len(list(uploads.iterdir())) == 1  # kept, as asked


def test_not_a_video_ends_with_a_clear_message_and_no_report(small_limit):
    _, runner, uploads = small_limit
    r = _upload(runner, b"hello, I am a text file")
    analysis = runner.get(f"/api/v1/analyses/{r.json()['id']}").json()
    assert analysis["status"] == "failed"
    assert analysis["error_message"].startswith("This file is not a video")
    report = runner.get(f"/api/v1/analyses/{analysis['id']}/report")
    assert report.status_code == 409
    assert not any(uploads.iterdir())  # not kept


@pytest.mark.parametrize(
    "form, body, field",
    [
        ({"target": "moonwalk"}, b"\x00\x00\x00", "target"),
        ({"kind": "screen", "target": "clamshell"}, b"\x00", "target"),
    ],
)
def test_bad_targets_and_empty_files_are_refused(small_limit, form, body, field):
    _, runner, _ = small_limit
    r = _upload(runner, body, **form)
    assert r.status_code == 422 and field in r.json()["detail"]
    assert _upload(runner, b"").status_code == 422


@pytest.mark.parametrize(
    ("said", "kept"), [("0", False), ("no", False), ("", False), ("1", True), ("on", True)]
)
def test_keep_video_takes_the_words_the_document_lists_and_means_them(small_limit, said, kept):
    _, runner, uploads = small_limit
    r = _upload(runner, b"\x00\x00\x00 ftypisom", keep_video=said)
    assert r.status_code == 202, r.text
    assert runner.get(f"/api/v1/analyses/{r.json()['id']}").json()["status"] == "done"
    assert len(list(uploads.iterdir())) == (1 if kept else 0)


def test_keep_video_that_is_neither_yes_nor_no_is_refused_not_guessed(small_limit):
    client, runner, _ = small_limit
    doc = client.get("/openapi.json").json()["components"]["schemas"]["Body_upload_api_v1_analyses_post"]
    assert "maybe" not in doc["properties"]["keep_video"]["enum"]
    r = _upload(runner, b"\x00\x00\x00 ftypisom", keep_video="maybe")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "keep_video"]
    assert runner.get(f"/api/v1/runners/{runner.id}/analyses").json() == []


def test_each_kind_takes_the_targets_the_document_pairs_it_with(small_limit):
    """The upload's oneOf names each kind's targets: every pair in it is accepted, and a screen named
    by an exercise id (in the form's full list of targets, but not a screen's) is refused."""
    client, runner, _ = small_limit
    body = client.get("/openapi.json").json()["paths"]["/api/v1/analyses"]["post"]["requestBody"]
    pairs = {
        b["properties"]["kind"]["const"]: b["properties"]["target"]["enum"]
        for b in body["content"]["multipart/form-data"]["schema"]["oneOf"]
    }
    assert pairs["screen"] == ["single-leg-squat", "running"]
    assert {"auto", "squat", "clamshell"} <= set(pairs["exercise"]) and "running" not in pairs["exercise"]
    for kind, targets in pairs.items():
        for target in targets:
            r = _upload(runner, b"\x00\x00\x00 ftypisom", kind=kind, target=target)
            assert r.status_code == 202, (kind, target, r.text)
    assert _upload(runner, b"\x00\x00\x00 ftypisom", kind="screen", target="squat").status_code == 422
    assert _upload(runner, b"\x00\x00\x00 ftypisom", kind="exercise", target="running").status_code == 422
