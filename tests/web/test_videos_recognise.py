"""The upload form's exercise choice: recognise it by default, the session step's exercise pre-selected
when the upload comes from a step, and the report's warning when the clip looks like another exercise."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from hipcoach.analysis import recognise as recognise_module
from hipcoach.jobs.analysis import default_analyser
from hipcoach.jobs.child import in_process
from hipcoach.motion.synthetic import generate
from hipcoach.web.app import create_app
from tests.web.conftest import csrf_in, make_settings, sign_up_through_pages
from tests.web.test_pages_live import runner  # noqa: F401 - a runner with a programme and its sessions


@pytest.fixture(params=["job process"])
def runner_page(request, tmp_path):
    """A signed-in runner in a browser-like client (cookies, CSRF from the page), jobs run in the request
    (in a job process; or in this one, with `in process`)."""
    analyser_for = in_process if request.param == "in process" else default_analyser
    with TestClient(create_app(make_settings(tmp_path), analyser_for=analyser_for)) as client:
        assert sign_up_through_pages(client, "rec@example.org", "Rec").status_code == 200
        yield client, csrf_in(client.get("/videos").text)


def _track_bytes(tmp_path, exercise: str) -> bytes:
    """A synthetic pose track of 3 reps, uploaded as the .npz the analysis also accepts."""
    track, _ = generate(exercise, reps=3)
    return track.save(tmp_path / f"{exercise}.npz").read_bytes()


def _upload(client, csrf, content: bytes, target: str):
    form = {"csrf_token": csrf, "target": target}
    return client.post("/videos", data=form, files={"file": ("set.npz", content, "application/octet-stream")})


def test_the_form_recognises_by_default_and_a_session_step_pre_selects_its_exercise(runner_page):
    client, _ = runner_page
    page = client.get("/videos").text
    assert 'value="exercise:auto" selected' in page and 'id="from-step"' not in page
    page = client.get("/videos?exercise=clamshell").text
    assert 'value="exercise:clamshell" selected' in page and 'id="from-step"' in page
    assert 'value="exercise:auto" selected' not in page
    page = client.get("/videos?exercise=no-such-exercise").text  # an unknown id: back to the default
    assert 'value="exercise:auto" selected' in page and 'id="from-step"' not in page


def test_recognise_it_analyses_the_clip_as_the_exercise_it_shows(runner_page, tmp_path):
    client, csrf = runner_page
    r = _upload(client, csrf, _track_bytes(tmp_path, "clamshell"), "exercise:auto")
    assert 'data-status="done"' in r.text, r.text
    assert re.search(r'id="rep-count">Side-lying clamshell with band: 3 reps<', r.text)
    assert 'id="recognised">Recognised from the video as a side-lying clamshell with band' in r.text
    assert 'id="looks-like-other"' not in r.text


@pytest.mark.parametrize("runner_page", ["in process"], indirect=True)
def test_the_report_warns_when_the_clip_looks_more_like_another_exercise(runner_page, monkeypatch, tmp_path):
    client, csrf = runner_page
    real = recognise_module.recognise

    def prefers_abduction(prep):  # the recognition, with a second analyser made to look a better fit
        rec = real(prep)
        first, *rest = rec.candidates
        other = dict(rest[0], id="side-lying-hip-abduction", name="Side-lying hip abduction")
        other.update(matches=True, score=0.9)
        return recognise_module.Recognition(other["id"], [other, first, *rest[1:]])

    monkeypatch.setattr(recognise_module, "recognise", prefers_abduction)
    r = _upload(client, csrf, _track_bytes(tmp_path, "clamshell"), "exercise:clamshell")
    assert 'data-status="done"' in r.text, r.text
    warning = re.search(r'id="looks-like-other"[^>]*>(.*?)</div>', r.text, re.S)
    assert warning, r.text
    assert "looks more like a side-lying hip abduction (score 0.90)" in warning.group(1)
    assert "Side-lying clamshell with band" in warning.group(1)  # the candidates are listed
    assert re.search(r'id="rep-count">Side-lying clamshell with band: 3 reps<', r.text)


def test_the_api_accepts_auto_as_an_exercise(runner_page):
    from hipcoach.web.api_videos import check_target

    check_target("exercise", "auto")
    with pytest.raises(Exception, match="not an exercise id"):
        check_target("exercise", "nope")


def test_a_session_step_links_to_the_upload_with_its_exercise_chosen(runner):  # noqa: F811
    client, uid, n, item, _ = runner
    step = client.get(f"/sessions/{uid}/guided/{n}").text
    link = f"/videos?exercise={item['exercise_id']}"
    assert f'href="{link}" data-video-link' in step
    page = client.get(link).text
    assert f'value="exercise:{item["exercise_id"]}" selected' in page and 'id="from-step"' in page
