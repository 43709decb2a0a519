"""Notes both ways through the API and the pages: the thread on the coach's athlete page and the
runner's Today page, escaped, length-limited, with an unread marker per reader; an unlinked coach is
refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from hipcoach.store.models.notes import NOTE_MAX_CHARS
from hipcoach.web.app import create_app
from tests.web.conftest import make_settings
from tests.web.test_pages_coach import Team


def test_api_thread_both_ways_with_unread_per_reader(people):
    runner, coach, stranger = people["runner_a"], people["coach_a"], people["coach_b"]
    r = coach.post(f"/api/v1/notes/{runner.id}", json={"body": "Hops: 2 sets only this week."})
    assert r.status_code == 201, r.text
    assert r.json()["author"] == "coach" and r.json()["unread"] is False
    assert runner.get("/api/v1/notes/unread").json() == [{"user_id": coach.id, "unread": 1}]
    got = runner.get(f"/api/v1/notes/{coach.id}").json()
    assert got["other"]["id"] == coach.id
    assert [(n["author"], n["body"], n["unread"]) for n in got["notes"]] == [
        ("coach", "Hops: 2 sets only this week.", True)
    ]
    assert runner.get("/api/v1/notes/unread").json() == [{"user_id": coach.id, "unread": 1}]  # GET reads only
    assert runner.post(f"/api/v1/notes/{coach.id}/read").json() == {"marked": 1}
    assert runner.get("/api/v1/notes/unread").json() == []
    assert runner.post(f"/api/v1/notes/{coach.id}", json={"body": "OK"}).status_code == 201
    assert coach.get("/api/v1/notes/unread").json() == [{"user_id": runner.id, "unread": 1}]

    for url in (f"/api/v1/notes/{runner.id}", f"/api/v1/notes/{runner.id}/read"):
        assert stranger.post(url, json={"body": "hello"}).status_code == 404
    assert stranger.get(f"/api/v1/notes/{runner.id}").status_code == 404
    assert people["runner_b"].get(f"/api/v1/notes/{coach.id}").status_code == 404
    assert len(coach.get(f"/api/v1/notes/{runner.id}").json()["notes"]) == 2


@pytest.mark.parametrize("body", ["", "   ", "x" * (NOTE_MAX_CHARS + 1), "esc \x1b[31m"])
def test_api_refuses_empty_overlong_and_hidden_characters(people, body):
    r = people["coach_a"].post(f"/api/v1/notes/{people['runner_a'].id}", json={"body": body})
    assert r.status_code == 422, r.text


@pytest.fixture
def pair(tmp_path):
    """Coach Ann linked to runner Rita (a programme under way); Coach Bob linked to nobody."""
    with TestClient(create_app(make_settings(tmp_path))) as client:
        team = Team(client)
        ann, rita, bob = (
            team.sign_up("Ann Coach", "coach"),
            team.sign_up("Rita Runner"),
            team.sign_up("Bob", "coach"),
        )
        team.programme(rita, dt.date.today() - dt.timedelta(days=10))
        team.link(ann, rita)
        yield team, ann, rita, bob


def _notes_section(html: str, section_id: str = "notes") -> str:
    return re.search(rf'<section id="{section_id}".*?</section>', html, re.S).group(0)


def test_notes_on_the_athlete_page_and_today_with_unread_markers_and_escaping(pair):
    team, ann, rita, _bob = pair
    c = team.as_(ann)
    r = c.post(f"/coach/athletes/{rita.id}/notes",
               data={"csrf_token": ann.csrf, "body": "<b>Easy</b> week:\nno hops"})  # fmt: skip
    assert r.status_code == 200 and f"/coach/athletes/{rita.id}" in str(r.url)
    assert "&lt;b&gt;Easy&lt;/b&gt; week:\nno hops" in _notes_section(r.text)
    assert "<b>Easy</b>" not in r.text
    assert "unread-marker" not in _notes_section(r.text)  # the author's own note is not new to them

    today = team.as_(rita).get("/today")
    section = _notes_section(today.text, f"notes-{ann.id}")
    assert "Notes with Ann Coach" in section and "1 new" in section and "unread-marker" in section
    assert "&lt;b&gt;Easy&lt;/b&gt;" in section
    again = team.as_(rita).get("/today")  # seen once: no longer new
    assert "unread-marker" not in _notes_section(again.text, f"notes-{ann.id}")

    r = team.as_(rita).post(f"/today/notes/{ann.id}", data={"csrf_token": rita.csrf, "body": "Thanks!"})
    assert r.status_code == 200 and "Thanks!" in _notes_section(r.text, f"notes-{ann.id}")

    board = team.as_(ann).get("/coach").text
    assert re.search(r'data-unread="1"[^>]*>1 new note<', board), board
    page = team.as_(ann).get(f"/coach/athletes/{rita.id}").text
    assert "unread-marker" in _notes_section(page) and "Thanks!" in page
    assert "data-unread" not in team.as_(ann).get("/coach").text


def test_a_refused_note_says_why_and_sends_nothing(pair):
    team, ann, rita, _ = pair
    r = team.as_(ann).post(f"/coach/athletes/{rita.id}/notes", data={"csrf_token": ann.csrf, "body": "  "})
    assert r.status_code == 200 and 'id="notes-error"' in r.text and "No notes yet." in r.text
    r = team.as_(rita).post(f"/today/notes/{ann.id}",
                            data={"csrf_token": rita.csrf, "body": "y" * (NOTE_MAX_CHARS + 1)})  # fmt: skip
    assert f'id="notes-{ann.id}-error"' in r.text and "No notes yet." in r.text


def test_an_unlinked_coach_cannot_write_or_read_the_thread(pair):
    team, ann, rita, bob = pair
    team.as_(ann).post(f"/coach/athletes/{rita.id}/notes", data={"csrf_token": ann.csrf, "body": "private"})
    c = team.as_(bob)
    sent = c.post(f"/coach/athletes/{rita.id}/notes", data={"csrf_token": bob.csrf, "body": "intruding note"})
    assert sent.status_code == 404
    assert c.get(f"/coach/athletes/{rita.id}").status_code == 404
    to_bob = team.as_(rita).post(f"/today/notes/{bob.id}", data={"csrf_token": rita.csrf, "body": "to bob"})
    assert to_bob.status_code == 404
    today = team.as_(rita).get("/today").text
    assert "private" in today and "intruding note" not in today and "to bob" not in today
