"""A session through the pages as a phone would post them: the guided step's form is filled in with
the prescribed dose, one tap on the pain logs a set, pain above the limit gets its message, the next
session steps back with the reason, sets are corrected or removed the same day, future days refused."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from hipcoach.web.app import create_app
from tests.factories import profile_dict
from tests.web.conftest import make_settings, sign_up_on_pages, step_form

TODAY = dt.date.today()
HX = {"HX-Request": "true"}


def _uids(client) -> list[tuple[dt.date, str]]:
    sessions = client.get("/api/v1/programmes/1/sessions").json()
    return [(dt.date.fromisoformat(s["date"]), s["uid"]) for s in sessions]


@pytest.fixture
def runner(tmp_path):
    """A runner whose programme started two weeks ago: (client, csrf, past uid, later uids, future uid)."""
    with TestClient(create_app(make_settings(tmp_path))) as client:
        csrf = sign_up_on_pages(client, "s@example.org")
        headers = {"X-CSRF-Token": csrf}
        start = (TODAY - dt.timedelta(days=14)).isoformat()
        assert client.put("/api/v1/profile", json=profile_dict(start_date=start), headers=headers).is_success
        assert client.post("/api/v1/programmes", json={}, headers=headers).status_code == 201
        client.headers["X-CSRF-Token"] = csrf
        sessions = _uids(client)
        past = [uid for day, uid in sessions if day < TODAY - dt.timedelta(days=1)]
        future = [uid for day, uid in sessions if day > TODAY]
        yield client, csrf, past, future


def test_the_step_form_is_filled_in_and_one_tap_on_the_pain_logs_the_prescribed_set(runner):
    client, _, past, _ = runner
    api = client.get(f"/api/v1/programmes/1/sessions/{past[0]}").json()
    first = api["items"][0]
    page = client.get(f"/sessions/{past[0]}/guided/1").text
    fields = step_form(page)
    assert (fields["exercise_id"], fields["side"]) == (first["exercise_id"], first["side"])
    assert int(fields["reps"]) == first["dose"]["reps"] and fields["set_number"] == "1"
    assert fields["band"] == (first["dose"]["band"] or "")
    assert float(fields["hold_s"]) == first["dose"]["hold_s"]
    assert page.count('name="pain_during" value=') == 11  # the one tap: a pain button sends the form
    assert 'data-label="Rest"' in page and "data-keep-awake" in page

    r = client.post(f"/sessions/{past[0]}/sets", data={**fields, "pain_during": "2"}, headers=HX)
    assert r.status_code == 200
    assert re.search(rf"set 1: {first['dose']['reps']} {first['dose']['unit']}.*pain 2/10", r.text)
    assert f'data-rest-autostart="{first["dose"]["rest_s"]}"' in r.text  # the rest timer starts itself
    assert step_form(r.text)["set_number"] == "2"  # and the next set is ready, filled in again
    again = client.post(f"/sessions/{past[0]}/sets", data={**fields, "pain_during": "2"}, headers=HX)
    assert again.text.count("set 1:") == 1 and "set 2:" not in again.text  # a double tap logs once


def test_a_plain_post_without_javascript_comes_back_to_the_step(runner):
    client, _, past, _ = runner
    fields = step_form(client.get(f"/sessions/{past[0]}/guided/2").text)
    r = client.post(f"/sessions/{past[0]}/sets", data={**fields, "pain_during": "1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/sessions/{past[0]}/guided/2"
    assert "pain 1/10" in client.get(r.headers["location"]).text


def test_pain_eight_gets_its_message_and_the_next_session_steps_back_with_the_reason(runner):
    client, _, past, _ = runner
    fields = step_form(client.get(f"/sessions/{past[0]}/guided/1").text)
    r = client.post(f"/sessions/{past[0]}/sets", data={**fields, "pain_during": "8"}, headers=HX)
    advice = re.search(r'class="notice notice-urgent pain-advice".*?</div>', r.text, re.S).group(0)
    assert "Pain 8/10 is above the 5/10 limit: stop the" in advice and "Next session" in advice
    # the page follows its own advice: no rest timer starts, the set form is folded away, Next leads
    assert "data-rest-autostart" not in r.text and "data-live-link" not in r.text
    assert re.search(r"<details data-after-stop><summary>Log another set anyway</summary>\s*<form", r.text)
    assert re.search(r'class="btn btn-primary" href="[^"]+/guided/2" id="next-step"', r.text)
    day = dict((uid, d) for d, uid in _uids(client))[past[0]]
    assert client.put(f"/api/v1/check-ins/{day}", json={"pain": 7}).status_code == 200
    nxt = client.get(f"/api/v1/programmes/1/sessions/{past[1]}").json()
    item = next(
        i for i in nxt["items"] if (i["exercise_id"], i["side"]) == (fields["exercise_id"], fields["side"])
    )
    assert item["action"] == "regress" and item["changed"]
    assert "pain 8/10 during" in item["reason"]
    step = client.get(f"/sessions/{past[1]}").text
    assert 'data-action="regress"' in step and "pain 8/10 during" in step


def test_a_set_is_corrected_or_removed_the_same_day_and_the_old_one_is_kept(runner, tmp_path):
    client, *_ = runner
    today_set = {"client_key": "today-set-1", "date": TODAY.isoformat(), "exercise_id": "clamshell",
                 "side": "left", "set_number": 1, "reps": 10, "pain_during": 3}  # fmt: skip
    saved = client.post("/api/v1/set-logs", json=today_set).json()
    fixed = client.put(f"/api/v1/set-logs/{saved['id']}", json={"reps": 12, "pain_during": 2})
    assert fixed.status_code == 200 and fixed.json()["reps"] == 12 and fixed.json()["id"] != saved["id"]
    again = client.put(f"/api/v1/set-logs/{saved['id']}", json={"reps": 12, "pain_during": 2})
    assert again.json()["id"] == fixed.json()["id"]  # the same correction twice is one correction
    listed = client.get("/api/v1/runners/1/set-logs").json()
    assert [(s["reps"], s["pain_during"]) for s in listed] == [(12, 2)]
    assert client.delete(f"/api/v1/set-logs/{fixed.json()['id']}").status_code == 204
    assert client.get("/api/v1/runners/1/set-logs").json() == []
    # an earlier day's set cannot be changed, and a set that is not yours is not found
    old = {**today_set, "client_key": "old-set-1", "date": (TODAY - dt.timedelta(days=3)).isoformat()}
    old_id = client.post("/api/v1/set-logs", json=old).json()["id"]
    r = client.put(f"/api/v1/set-logs/{old_id}", json={"reps": 1, "pain_during": 1})
    assert r.status_code == 409 and "Only today's sets" in r.json()["detail"]
    assert client.put("/api/v1/set-logs/99999", json={"reps": 1, "pain_during": 1}).status_code == 404
    with TestClient(create_app(make_settings(tmp_path))) as other:
        other.headers["X-CSRF-Token"] = sign_up_on_pages(other, "o@example.org")
        assert other.put(f"/api/v1/set-logs/{old_id}", json={"reps": 1, "pain_during": 1}).status_code == 404
        assert other.delete(f"/api/v1/set-logs/{old_id}").status_code == 404
    assert [s["reps"] for s in client.get("/api/v1/runners/1/set-logs").json()] == [10]


def test_future_days_are_refused_with_a_message_and_nothing_is_saved(runner):
    client, csrf, _, future = runner
    page = client.get(f"/sessions/{future[0]}/guided/1").text
    assert "Log it on the day" in page and 'name="pain_during"' not in page
    later = (TODAY + dt.timedelta(days=2)).isoformat()
    body = {"client_key": "future-set-1", "date": later, "exercise_id": "clamshell", "side": "left",
            "set_number": 1, "reps": 10, "pain_during": 3}  # fmt: skip
    r = client.post("/api/v1/set-logs", json=body)
    assert r.status_code == 422 and "in the future" in r.text
    item = client.get(f"/api/v1/programmes/1/sessions/{future[0]}").json()["items"][0]
    form = {"csrf_token": csrf, "client_key": "future-set-2", "exercise_id": item["exercise_id"],
            "side": item["side"], "set_number": "1", "reps": "10", "pain_during": "3"}  # fmt: skip
    r = client.post(f"/sessions/{future[0]}/sets", data=form, headers=HX)
    assert r.status_code == 422 and 'data-field="date"' in r.text and "in the future" in r.text
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert client.put(f"/api/v1/check-ins/{tomorrow}", json={"pain": 2}).status_code == 422
    assert client.get("/api/v1/runners/1/set-logs").json() == []


def test_checkin_is_saved_corrected_not_doubled_and_reaches_the_pain_chart(runner):
    client, csrf, past, _ = runner
    page = client.get(f"/sessions/{past[0]}").text
    assert 'id="checkin"' in page and 'id="checkin-saved"' not in page
    r = client.post(f"/sessions/{past[0]}/checkin", data={"csrf_token": csrf, "pain": "3"}, headers=HX)
    assert r.status_code == 200 and re.search(r'id="checkin-saved"[^>]*>Saved: pain 3/10', r.text)
    r = client.post(
        f"/sessions/{past[0]}/checkin", data={"csrf_token": csrf, "pain": "1", "note": "fine"}, headers=HX
    )
    assert "Saved: pain 1/10 · fine" in r.text
    form = {"csrf_token": csrf, "pain": "1", "next": "/today"}
    plain = client.post(f"/sessions/{past[0]}/checkin", data=form, follow_redirects=False)
    assert plain.status_code == 303 and plain.headers["location"] == "/today"
    progress = client.get("/progress").text
    assert progress.count('class="pain-point-next_morning"') == 1


BAD_PAIN = [("11", "Too high: at most 10."), ("-1", "Too low: at least 0."), ("", "Type a whole number.")]


@pytest.mark.parametrize(("pain", "message"), BAD_PAIN)
def test_a_bad_checkin_is_refused_next_to_the_field_and_keeps_the_saved_one(runner, pain, message):
    client, csrf, past, _ = runner
    client.post(f"/sessions/{past[0]}/checkin", data={"csrf_token": csrf, "pain": "2"}, headers=HX)
    r = client.post(
        f"/sessions/{past[0]}/checkin", data={"csrf_token": csrf, "pain": pain, "note": "kept"}, headers=HX
    )
    assert r.status_code == 422
    assert f'data-field="pain">{message}<' in r.text
    assert "Saved: pain 2/10" in r.text and 'value="kept"' in r.text
