"""A coach changes a linked runner's programme through the API and the pages; the runner's next session
(API, session page, Today) shows the change with the note and the reason; a runner or an unlinked coach
is refused and nothing is kept."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from fastapi.testclient import TestClient

from hipcoach.catalog import load_catalog
from hipcoach.web.app import create_app
from tests.web.conftest import make_settings
from tests.web.test_pages_coach import Team

TODAY = dt.date.today()


@pytest.fixture
def team(tmp_path):
    """Coach Ann linked to Rita, whose programme began 10 days ago; Coach Bob is linked to nobody."""
    with TestClient(create_app(make_settings(tmp_path))) as client:
        t = Team(client)
        t.ann, t.bob = t.sign_up("Ann Coach", "coach"), t.sign_up("Bob Coach", "coach")
        t.rita = t.sign_up("Rita Runner")
        t.programme_id = t.programme(t.rita, TODAY - dt.timedelta(days=10))["id"]
        t.link(t.ann, t.rita)
        yield t


def _api(team, person, method, url, headers_extra=None, **kw):
    headers = {"X-CSRF-Token": person.csrf, **(headers_extra or {})}
    return getattr(team.as_(person), method)(url, headers=headers, **kw)


def _sessions(team):
    return _api(team, team.rita, "get", f"/api/v1/programmes/{team.programme_id}/sessions").json()


def _next(team) -> dict:
    """The runner's next session (today or later), as the API gives it."""
    uid = next(s["uid"] for s in _sessions(team) if s["date"] >= TODAY.isoformat())
    return _api(team, team.rita, "get", f"/api/v1/programmes/{team.programme_id}/sessions/{uid}").json()


def _first_per_side(session) -> dict:
    return next(i for i in session["items"] if i["side"] != "both")


def test_a_coach_swaps_an_exercise_and_the_runners_next_session_shows_it_with_the_note(team):
    before = _next(team)
    old = _first_per_side(before)["exercise_id"]
    options = _api(team, team.ann, "get", f"/api/v1/runners/{team.rita.id}/adjustments/options").json()
    new = options[old][0]["exercise_id"]
    assert options[old][0]["relation"] in ("regression", "progression")  # the catalogue's steps first
    body = {"kind": "swap", "exercise_id": old, "new_exercise_id": new, "note": "Keep the pelvis level.",
            "reason": "clamshell irritates the front of the hip"}  # fmt: skip
    r = _api(team, team.ann, "post", f"/api/v1/runners/{team.rita.id}/adjustments", json=body)
    assert r.status_code == 201, r.text
    (made,) = r.json()
    assert (made["coach_name"], made["start_date"], made["kind"]) == ("Ann Coach", TODAY.isoformat(), "swap")
    after = _next(team)
    ids = [i["exercise_id"] for i in after["items"]]
    assert new in ids and old not in ids
    item = next(i for i in after["items"] if i["exercise_id"] == new)
    assert [(c["note"], c["reason"], c["coach"]) for c in item["coach_changes"]] == [
        ("Keep the pelvis level.", "clamshell irritates the front of the hip", "Ann Coach")
    ]
    # the session page's card and Today say so
    page = team.as_(team.rita).get(f"/sessions/{after['uid']}").text
    name = load_catalog().exercise(new).name
    card = re.search(rf'<li class="card" id="card-{new}-{item["side"]}">(.*?)</li>', page, re.S).group(1)
    assert html.escape(name) in card and "Changed by your coach" in card
    assert "Keep the pelvis level." in card and "clamshell irritates the front of the hip" in card
    today = team.as_(team.rita).get("/today").text
    assert "Keep the pelvis level." in today
    # the past sessions are as they were
    past = [s for s in _sessions(team) if s["date"] < TODAY.isoformat()]
    assert past and all(old in [i["exercise_id"] for i in s["items"]] for s in past if s["items"])
    # both can read the history; the athlete page lists it
    for person in (team.ann, team.rita):
        listed = _api(team, person, "get", f"/api/v1/runners/{team.rita.id}/adjustments").json()
        assert [a["id"] for a in listed] == [made["id"]]
    athlete = team.as_(team.ann).get(f"/coach/athletes/{team.rita.id}").text
    assert f'id="change-{made["id"]}"' in athlete and "clamshell irritates the front of the hip" in athlete


def test_a_dose_change_shows_the_new_dose_from_its_day(team):
    session = _next(team)
    item = _first_per_side(session)
    body = {"kind": "dose", "exercise_id": item["exercise_id"], "side": item["side"], "sets": 2, "reps": 6,
            "start_date": session["date"], "reason": "sore after the last session"}  # fmt: skip
    r = _api(team, team.ann, "post", f"/api/v1/runners/{team.rita.id}/adjustments", json=body)
    assert r.status_code == 201, r.text
    after = _next(team)
    same = next(
        i for i in after["items"] if (i["exercise_id"], i["side"]) == (item["exercise_id"], item["side"])
    )
    assert (same["dose"]["sets"], same["dose"]["reps"]) == (2, 6)
    assert (same["dose"]["band"], same["dose"]["hold_s"]) == (item["dose"]["band"], item["dose"]["hold_s"])
    other = next(
        i for i in after["items"] if i["exercise_id"] == item["exercise_id"] and i["side"] != item["side"]
    )
    was = next(
        i for i in session["items"] if i["exercise_id"] == item["exercise_id"] and i["side"] != item["side"]
    )
    assert other["dose"] == was["dose"] and other["coach_changes"] == []
    page = team.as_(team.rita).get(f"/sessions/{after['uid']}").text
    card = re.search(rf'id="card-{item["exercise_id"]}-{item["side"]}">(.*?)</li>', page, re.S).group(1)
    assert "2 sets of 6" in card and "sore after the last session" in card


def test_an_unlinked_coach_and_the_runner_are_refused_and_nothing_is_kept(team):
    url = f"/api/v1/runners/{team.rita.id}/adjustments"
    body = {"kind": "pause", "exercise_id": "clamshell", "reason": "flare up"}
    assert _api(team, team.bob, "post", url, json=body).status_code == 404
    assert _api(team, team.rita, "post", url, json=body).status_code == 403
    assert _api(team, team.bob, "get", url).status_code == 404
    assert _api(team, team.bob, "get", f"{url}/options").status_code == 404
    assert team.as_(team.bob).get(f"/coach/athletes/{team.rita.id}/adjust").status_code == 404
    form = {"csrf_token": team.bob.csrf, "kind": "pause", "exercise_id": "clamshell", "reason": "flare up"}
    assert team.as_(team.bob).post(f"/coach/athletes/{team.rita.id}/adjust", data=form).status_code == 404
    # a change without a reason, or starting yesterday, is refused too
    assert _api(team, team.ann, "post", url, json={**body, "reason": ""}).status_code == 422
    lone = json.dumps({**body, "reason": "why \ud800"})  # escaped as JSON allows; no str can hold it
    sent = _api(team, team.ann, "post", url, content=lone, headers_extra={"content-type": "application/json"})
    assert sent.status_code == 422
    assert _api(team, team.ann, "post", url, json={**body, "kind": "swap"}).status_code == 422  # swap to?
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    assert _api(team, team.ann, "post", url, json={**body, "start_date": yesterday}).status_code == 409
    assert _api(team, team.ann, "get", url).json() == []


def test_the_coach_changes_the_programme_on_the_page(team):
    page = team.as_(team.ann).get(f"/coach/athletes/{team.rita.id}/adjust")
    assert page.status_code == 200
    session = _next(team)
    old = _first_per_side(session)["exercise_id"]
    assert f'id="swap-{old}"' in page.text and "<optgroup" in page.text
    url = f"/coach/athletes/{team.rita.id}/adjust"
    base = {"csrf_token": team.ann.csrf, "kind": "pause", "exercise_id": old}
    refused = team.as_(team.ann).post(url, data=base)  # no reason
    assert refused.status_code == 422 and 'id="adjust-error"' in refused.text
    done = team.as_(team.ann).post(url, data={**base, "reason": "rest it this week"}, follow_redirects=False)
    assert done.status_code == 303
    page = team.as_(team.ann).get(done.headers["location"]).text
    assert 'id="adjust-done"' in page and "rest it this week" in page and 'id="resume-' in page
    assert old not in [i["exercise_id"] for i in _next(team)["items"]]
    again = team.as_(team.ann).post(url, data={**base, "reason": "rest it this week"})
    assert again.status_code == 409 and "already paused" in again.text


def test_the_document_says_which_fields_each_kind_needs_as_the_server_checks_them(team):
    """A client checking a change against GET /openapi.json (the oneOf of AdjustmentIn) before sending
    it gets the server's answer: what the document allows is not refused as malformed, and what the
    server refuses as malformed the document forbids too."""
    import jsonschema_rs  # what Schemathesis checks documents with

    doc = team.client.get("/openapi.json").json()
    schema = {**doc["components"]["schemas"]["AdjustmentIn"], "components": doc["components"]}
    valid = jsonschema_rs.Draft202012Validator(schema)
    old = _first_per_side(_next(team))["exercise_id"]
    options = _api(team, team.ann, "get", f"/api/v1/runners/{team.rita.id}/adjustments/options").json()
    reason = {"reason": "settling a sore hip"}
    allowed = [
        {"kind": "sessions", "sessions_per_week": 2},
        {"kind": "pause", "exercise_id": old},
        {"kind": "resume", "exercise_id": old},
        {"kind": "note", "exercise_id": old, "note": "Slow on the way down."},
        {"kind": "dose", "exercise_id": old, "band": "none"},
        {"kind": "swap", "exercise_id": old, "new_exercise_id": options[old][0]["exercise_id"]},
    ]
    refused = [
        {"kind": "sessions"},
        {"kind": "pause"},
        {"kind": "pause", "exercise_id": "no-such-exercise"},
        {"kind": "note", "exercise_id": old, "note": "  \n "},
        {"kind": "dose", "exercise_id": old, "note": "nothing to change"},
        {"kind": "dose", "exercise_id": old, "sets": None, "reps": None},
        {"kind": "swap", "exercise_id": old},
        {"kind": "swap", "exercise_id": old, "new_exercise_id": "no-such-exercise"},
    ]
    url = f"/api/v1/runners/{team.rita.id}/adjustments"
    for body in allowed:
        assert valid.is_valid({**body, **reason}), body
        r = _api(team, team.ann, "post", url, json={**body, **reason})
        assert r.status_code in (201, 409), (body, r.text)  # 409: it does not fit the programme as it is
    for body in refused:
        assert not valid.is_valid({**body, **reason}), body
        assert _api(team, team.ann, "post", url, json={**body, **reason}).status_code == 422, body
