"""The coach's triage through the pages: what needs the coach today, most urgent first, each row
linking to its evidence; marking an item seen; and the athlete page a physio can work from."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid

import pytest
from fastapi.testclient import TestClient

from hipcoach.plans.red_flags import RED_FLAGS_BY_ID
from hipcoach.web.app import create_app
from tests.web.conftest import make_settings, onboarding_form
from tests.web.test_pages_coach import Team

TODAY = dt.date.today()


def _rows(page: str) -> list[dict]:
    """Each row of "Needs you today", in order: kind, key, athlete id, link and text."""
    section = re.search(r'<section id="triage".*?</section>', page, re.S).group(0)
    out = []
    for attrs, body in re.findall(r'<li class="notice[^"]*"([^>]*)>(.*?)</form></li>', section, re.S):
        fields = dict(re.findall(r'data-(\w+)="([^"]*)"', attrs))
        link = re.search(r'<a href="([^"]+)">', body).group(1)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
        out.append({**fields, "link": html.unescape(link), "text": html.unescape(text)})
    return out


@pytest.fixture
def team(tmp_path):
    """Coach Ann linked to Rita (a programme begun 20 days ago: a set at pain 8 in her first session, the
    others easy) and Una (an urgent referral at screening); Coach Bob is linked to nobody."""
    with TestClient(create_app(make_settings(tmp_path))) as client:
        t = Team(client)
        t.ann, t.bob = t.sign_up("Ann Coach", "coach"), t.sign_up("Bob Coach", "coach")
        t.rita, t.una = t.sign_up("Rita Runner"), t.sign_up("Una Runner")
        programme = t.programme(t.rita, TODAY - dt.timedelta(days=20))
        t.link(t.ann, t.rita)
        t.link(t.ann, t.una)
        form = onboarding_form(t.una.csrf, flag_calf_swelling="yes")
        assert t.as_(t.una).post("/onboarding", data=form).is_success
        t.programme_id = programme["id"]
        t.sessions = t.as_(t.rita).get(f"/api/v1/programmes/{programme['id']}/sessions").json()
        past = [s for s in t.sessions if s["date"] < TODAY.isoformat()]
        t.first, t.second = past[-3], past[-2]  # inside the 14 days
        t.clam = next(i for i in t.first["items"] if i["exercise_id"] == "clamshell")
        t.painful = _log(t, t.rita, t.first, t.clam, pain=8)
        for item in t.first["items"]:
            if item is not t.clam:
                _log(t, t.rita, t.first, item, pain=1)
        yield t


def _log(t: Team, runner, session: dict, item: dict, pain: int) -> int:
    body = {"client_key": uuid.uuid4().hex, "date": session["date"], "exercise_id": item["exercise_id"],
            "side": item["dose"]["side"], "set_number": 1, "reps": item["dose"]["reps"],
            "pain_during": pain}  # fmt: skip
    r = t.as_(runner).post("/api/v1/set-logs", json=body, headers={"X-CSRF-Token": runner.csrf})
    assert r.is_success, r.text
    return r.json()["id"]


def test_a_red_flag_runner_is_on_top_with_the_reasons_then_the_painful_set(team):
    rows = _rows(team.as_(team.ann).get("/coach").text)
    assert rows[0]["kind"] == "referral_urgent" and rows[0]["athlete"] == str(team.una.id)
    assert "Una Runner : Urgent referral to a clinician from the screening of" in rows[0]["text"]
    assert RED_FLAGS_BY_ID["calf_swelling"].reason in rows[0]["text"]  # the reason the runner was shown
    assert rows[0]["link"] == f"/coach/athletes/{team.una.id}#referral"
    assert 'id="referral" class="notice notice-urgent"' in team.client.get(rows[0]["link"].split("#")[0]).text
    assert rows[1]["kind"] == "pain_set" and rows[1]["athlete"] == str(team.rita.id)


def test_pain_8_in_a_set_is_an_item_linking_to_that_set(team):
    c = team.as_(team.ann)
    row = next(r for r in _rows(c.get("/coach").text) if r["kind"] == "pain_set")
    assert row["link"] == f"/coach/athletes/{team.rita.id}#set-{team.painful}"
    assert "Pain 8/10 during a set" in row["text"] and "clamshell" in row["text"]
    athlete = c.get(row["link"].split("#")[0]).text
    set_row = re.search(rf'<tr id="set-{team.painful}"[^>]*>(.*?)</tr>', athlete, re.S).group(1)
    assert '<td data-label="Pain during">8/10</td>' in set_row and "clamshell" in set_row


def test_a_painful_morning_check_in_is_an_item_with_its_note(team):
    day = team.first["date"]
    body = {"pain": 7, "note": "knee ached <all> night"}
    r = team.as_(team.rita).put(
        f"/api/v1/check-ins/{day}", json=body, headers={"X-CSRF-Token": team.rita.csrf}
    )
    assert r.is_success, r.text
    c = team.as_(team.ann)
    page = c.get("/coach").text
    assert "knee ached &lt;all&gt; night" in page  # escaped
    row = next(r for r in _rows(page) if r["kind"] == "pain_checkin")
    athlete = c.get(f"/coach/athletes/{team.rita.id}").text
    checkin = re.search(
        r'<tr id="checkin-(\d+)"[^>]*><td>[^<]*</td><td>7/10</td><td>knee ached &lt;all&gt; night', athlete
    )
    assert checkin, athlete
    assert row["link"] == f"/coach/athletes/{team.rita.id}#checkin-{checkin.group(1)}"


def test_marking_seen_hides_the_item_today_and_keeps_it_in_the_athletes_history(team):
    c = team.as_(team.ann)
    row = next(r for r in _rows(c.get("/coach").text) if r["kind"] == "pain_set")
    r = c.post(f"/coach/athletes/{team.rita.id}/seen", data={"csrf_token": team.ann.csrf, "key": row["key"]},
               follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/coach#triage"
    assert row["key"] not in {x["key"] for x in _rows(c.get("/coach").text)}
    athlete = c.get(f"/coach/athletes/{team.rita.id}").text
    seen = re.search(r'<ul id="triage-seen">(.*?)</ul>', athlete, re.S).group(1)
    assert f'data-key="{row["key"]}"' in seen and "Pain 8/10 during a set" in seen
    assert re.search(rf"seen {TODAY:%d %b %Y} \d\d:\d\d UTC", seen)
    # a worse set the same day is a new item
    worse = _log(team, team.rita, team.first, team.clam, pain=9)
    again = [x for x in _rows(team.as_(team.ann).get("/coach").text) if x["kind"] == "pain_set"]
    assert [x["link"] for x in again] == [f"/coach/athletes/{team.rita.id}#set-{worse}"]


def test_an_unlinked_coach_sees_no_triage_and_cannot_mark_an_item(team):
    key = next(r for r in _rows(team.as_(team.ann).get("/coach").text) if r["kind"] == "pain_set")["key"]
    c = team.as_(team.bob)
    page = c.get("/coach").text
    assert _rows(page) == [] and "Rita Runner" not in page and "Una Runner" not in page
    r = c.post(f"/coach/athletes/{team.rita.id}/seen", data={"csrf_token": team.bob.csrf, "key": key})
    assert r.status_code == 404
    r = team.as_(team.rita).post(f"/coach/athletes/{team.rita.id}/seen",
                                 data={"csrf_token": team.rita.csrf, "key": key})  # fmt: skip
    assert r.status_code == 404  # nor can the runner
    assert key in {x["key"] for x in _rows(team.as_(team.ann).get("/coach").text)}  # still open for Ann


def test_the_athlete_page_shows_the_programme_by_week_with_adapted_doses_and_reasons(team):
    c = team.as_(team.ann)
    page = c.get(f"/coach/athletes/{team.rita.id}").text
    start = (TODAY - dt.timedelta(days=20)).strftime("%d %b %Y")
    assert f"Started {start}, 6 weeks" in page
    assert f"Programme {team.sessions[0]['uid'].split('-')[0]}" not in page
    # the session after the painful one: the clamshell steps back, and the page says why
    api = team.as_(team.rita).get(f"/api/v1/programmes/{team.programme_id}/sessions/{team.second['uid']}")
    clam = next(i for i in api.json()["items"] if i["exercise_id"] == "clamshell")
    assert clam["action"] == "regress" and "pain 8/10" in clam["reason"]
    page = team.as_(team.ann).get(f"/coach/athletes/{team.rita.id}").text
    uid = re.escape(team.second["uid"])
    session = re.search(rf'<details class="session" id="session-{uid}"[^>]*>(.*?)</details>', page, re.S)
    regress = r'<tr data-action="regress"><td[^>]*>Side-lying clamshell[^<]*</td>(.*?)</tr>'
    session = session.group(1)
    row = re.search(regress, session, re.S)
    assert row, session
    assert "(planned: " in row.group(1) and html.escape(clam["reason"], quote=False) in row.group(1)
    assert re.search(r'<details class="card week" id="week-1"', page)
