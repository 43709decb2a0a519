"""The exercise card page and its figure: caching by content hash, 404s, and what the card shows."""

from __future__ import annotations

import hashlib
import html
import re

import pytest

from hipcoach.catalog import load_catalog
from hipcoach.reports.evidence_text import evidence_line
from hipcoach.reports.figure_svg import camera_caption, figure_svg
from hipcoach.web.pages import exercises as exercise_pages
from hipcoach.web.pages.render import templates
from tests.web.conftest import sign_up_on_pages

CATALOG = load_catalog()


def main_of(page: str) -> str:
    return page.split("<main>", 1)[1].split("</main>", 1)[0]


def test_figure_is_svg_with_a_public_cache_and_a_content_hash_etag(client):
    r = client.get("/exercises/clamshell/figure.svg")
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/svg+xml"
    assert r.content == figure_svg("clamshell") and r.content.startswith(b"<svg ")
    assert re.fullmatch(r"public, max-age=\d+", r.headers["cache-control"])
    assert int(r.headers["cache-control"].rsplit("=", 1)[1]) >= 3600
    assert r.headers["etag"] == f'"{hashlib.sha256(r.content).hexdigest()[:32]}"'
    assert client.get("/exercises/clamshell/figure.svg").headers["etag"] == r.headers["etag"]
    assert client.get("/exercises/squat/figure.svg").headers["etag"] != r.headers["etag"]


def test_if_none_match_gets_304_without_a_body_and_a_stale_tag_gets_the_figure(client):
    etag = client.get("/exercises/side-step/figure.svg").headers["etag"]
    for sent in (etag, f"W/{etag}", f'"0000", {etag}', "*"):
        r = client.get("/exercises/side-step/figure.svg", headers={"If-None-Match": sent})
        assert r.status_code == 304, sent
        assert r.content == b"" and r.headers["etag"] == etag
        assert r.headers["cache-control"].startswith("public")
    r = client.get("/exercises/side-step/figure.svg", headers={"If-None-Match": '"stale"'})
    assert r.status_code == 200 and r.content == figure_svg("side-step")


def test_an_unknown_exercise_is_404_with_a_message_naming_it(client):
    r = client.get("/exercises/moonwalk/figure.svg")
    assert r.status_code == 404
    assert "No exercise called &#39;moonwalk&#39;." in r.text and "clamshell" in r.text
    sign_up_on_pages(client, "who@example.org")
    r = client.get("/exercises/moonwalk")
    assert r.status_code == 404 and "No exercise called &#39;moonwalk&#39;." in r.text


def test_the_card_page_needs_an_account_but_the_figure_does_not(client):
    r = client.get("/exercises/clamshell", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/exercises/clamshell"
    assert client.get("/exercises/clamshell/figure.svg").status_code == 200


@pytest.mark.parametrize("exercise_id", list(CATALOG.exercises))
def test_the_card_shows_figure_steps_cues_band_camera_and_evidence(client, exercise_id):
    sign_up_on_pages(client, f"{exercise_id}@example.org")
    r = client.get(f"/exercises/{exercise_id}")
    assert r.status_code == 200
    page = html.unescape(main_of(r.text))
    ex = CATALOG.exercises[exercise_id]
    img = re.search(r'<figure class="figure"[^>]*>\s*<img ([^>]+)>', page)
    assert img, "the figure is on the card"
    assert f'src="/exercises/{exercise_id}/figure.svg"' in img.group(1)
    assert re.search(r'alt="Animated stick figure doing [^"]+"', img.group(1))
    assert 'width="400"' in img.group(1) and 'height="300"' in img.group(1)
    assert f"<figcaption>{camera_caption(ex)}</figcaption>" in page
    assert ex.name in page and ex.camera.in_frame in page
    for text in (*ex.steps, *ex.cues, *ex.camera.tips):
        assert text in page
    assert (ex.band_placement or "No band.") in page
    for entry in ex.evidence:
        assert evidence_line(entry, CATALOG) in page
        assert CATALOG.studies[entry.study].citation in page
    assert "style=" not in page and "<script" not in page and " on" + "click=" not in page


def test_a_coach_can_read_a_card_too(client):
    sign_up_on_pages(client, "coach@example.org", role="coach")
    assert client.get("/exercises/squat").status_code == 200


def test_without_synthetic_motion_the_card_says_so_and_the_figure_is_404(client, monkeypatch):
    monkeypatch.setitem(templates.env.globals, "has_figure", lambda exercise_id: exercise_id != "squat")
    monkeypatch.setattr(exercise_pages, "has_figure", lambda exercise_id: exercise_id != "squat")
    sign_up_on_pages(client, "none@example.org")
    page = main_of(client.get("/exercises/squat").text)
    assert "No animation yet" in page and "<img" not in page
    assert camera_caption(CATALOG.exercises["squat"]) in page
    r = client.get("/exercises/squat/figure.svg")
    assert r.status_code == 404 and "no animation of" in r.text
    assert "<img" in main_of(client.get("/exercises/clamshell").text)
