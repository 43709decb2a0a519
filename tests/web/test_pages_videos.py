"""The video pages: upload form, refusals next to the field, progress, the report, and failed jobs."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from hipcoach.web.app import create_app
from tests.web.conftest import csrf_in, make_settings, sign_up_through_pages


@pytest.fixture
def runner_page(tmp_path):
    """A signed-in runner in a browser-like client (cookies, CSRF from the page), jobs run in the request."""
    with TestClient(create_app(make_settings(tmp_path, upload_limit_bytes=2 * 2**20))) as client:
        r = sign_up_through_pages(client, "vid@example.org", "Vid")
        assert r.status_code == 200
        yield client, csrf_in(client.get("/videos").text), tmp_path / "data"


def _upload(client, csrf, name: str, content: bytes, target="exercise:bilateral-bridge"):
    form = {"csrf_token": csrf, "target": target}
    return client.post("/videos", data=form, files={"file": (name, content, "video/mp4")})


def test_upload_form_lists_exercises_and_screens_with_the_size_limit(runner_page):
    client, _, _ = runner_page
    page = client.get("/videos").text
    assert 'value="exercise:clamshell"' in page and 'value="screen:single-leg-squat"' in page
    assert "at most 2 MiB" in page and 'data-limit-bytes="2097152"' in page


def test_missing_file_and_choice_are_named_next_to_their_fields(runner_page):
    client, csrf, _ = runner_page
    r = client.post("/videos", data={"csrf_token": csrf, "target": ""})
    assert r.status_code == 422
    assert 'data-field="target">Choose what the video shows.' in r.text
    assert "Choose a video file." in r.text


def test_an_oversized_video_is_refused_with_the_limit_next_to_the_field(runner_page):
    client, csrf, data = runner_page
    r = _upload(client, csrf, "big.mp4", b"\0" * (2 * 2**20 + 10))
    assert r.status_code == 413
    assert re.search(r'data-field="file"\s*>The upload is larger than the limit of 2 MiB', r.text)
    assert 'value="exercise:bilateral-bridge" selected' in r.text  # the choice is kept
    assert not any((data / "uploads").glob("*"))


def test_a_text_file_ends_with_its_message_on_the_page_and_no_report(runner_page):
    client, csrf, data = runner_page
    r = _upload(client, csrf, "notes.mp4", b"these are my notes, not a video")
    assert r.status_code == 200 and re.fullmatch(r"/videos/\d+", r.url.path)
    assert 'data-status="failed"' in r.text
    assert re.search(r'id="analysis-error">notes\.mp4 is not a video', r.text)
    assert 'id="rep-count"' not in r.text and "hx-trigger" not in r.text  # no polling once it ended
    assert not any(data.glob("analyses/*/*/report.json"))


def test_another_runner_cannot_open_my_report(runner_page, tmp_path):
    client, csrf, _ = runner_page
    path = _upload(client, csrf, "notes.mp4", b"not a video").url.path
    client.cookies.clear()
    assert sign_up_through_pages(client, "other@example.org", "O").status_code == 200
    assert client.get(path).status_code == 404


@pytest.mark.slow
def test_a_real_clip_shows_its_rep_count_video_table_and_plot(runner_page, data_dir):
    client, csrf, _ = runner_page
    clip = data_dir / "clips" / "bridge_bilateral_side_1rep.mp4"
    r = _upload(client, csrf, clip.name, clip.read_bytes())
    assert 'data-status="done"' in r.text, r.text
    assert re.search(r'id="rep-count">Bilateral bridge: 1 rep<', r.text)
    analysis_id = r.url.path.rsplit("/", 1)[1]
    files = f"/api/v1/analyses/{analysis_id}/files"
    assert f'src="{files}/annotated.mp4"' in r.text and f'src="{files}/signal.png"' in r.text
    assert re.search(r"<td>1</td><td>both</td>", r.text)
    assert "Moving too fast" in r.text or 'id="faults">No faults' in r.text
    assert client.get(f"{files}/signal.png").headers["content-type"] == "image/png"
    assert client.get(f"/videos/{analysis_id}/status").text.count('id="rep-count"') == 1
