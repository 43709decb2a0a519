"""The API's session endpoint answers with the dose adapted to what was logged, and why."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from hipcoach.web.app import create_app
from tests.factories import profile_dict
from tests.web.conftest import make_settings, sign_up_on_pages

TODAY = dt.date.today()


@pytest.fixture
def api(tmp_path):
    """A runner whose programme began three weeks ago: (client, its sessions before today)."""
    with TestClient(create_app(make_settings(tmp_path))) as client:
        client.headers["X-CSRF-Token"] = sign_up_on_pages(client, "api@example.org")
        start = (TODAY - dt.timedelta(weeks=3)).isoformat()
        assert client.put("/api/v1/profile", json=profile_dict(start_date=start)).is_success
        assert client.post("/api/v1/programmes", json={}).status_code == 201
        sessions = client.get("/api/v1/programmes/1/sessions").json()
        yield client, [s for s in sessions if s["date"] < TODAY.isoformat()]


def _log_all(client, session, pain=1, clamshell_pain=None):
    """Every prescribed set of a session, done as prescribed."""
    for item in client.get(f"/api/v1/programmes/1/sessions/{session['uid']}").json()["items"]:
        dose = item["dose"]
        for n in range(1, dose["sets"] + 1):
            painful = clamshell_pain is not None and dose["exercise_id"] == "clamshell"
            body = {"client_key": f"{session['uid']}-{dose['exercise_id']}-{dose['side']}-{n}"[-64:],
                    "date": session["date"], "exercise_id": dose["exercise_id"], "side": dose["side"],
                    "set_number": n, "reps": dose["reps"], "band": dose["band"], "hold_s": dose["hold_s"],
                    "pain_during": clamshell_pain if painful else pain}  # fmt: skip
            body["client_key"] = "".join(c if c.isalnum() or c in "_.:-" else "-" for c in body["client_key"])
            assert client.post("/api/v1/set-logs", json=body).is_success


def _item(client, session, exercise="clamshell", side="right"):
    items = client.get(f"/api/v1/programmes/1/sessions/{session['uid']}").json()["items"]
    return next(i for i in items if i["exercise_id"] == exercise and i["side"] == side)


def test_pain_eight_makes_the_next_session_easier_and_says_why(api):
    client, past = api
    before = _item(client, past[1])
    _log_all(client, past[0], clamshell_pain=8)
    client.put(f"/api/v1/check-ins/{past[0]['date']}", json={"pain": 1})
    after = _item(client, past[1])
    assert after["action"] == "regress" and after["changed"]
    assert "pain 8/10 during the side-lying clamshell" in after["reason"]
    assert (after["dose"]["sets"], after["dose"]["reps"]) < (before["dose"]["sets"], before["dose"]["reps"])
    assert after["planned_dose"] != after["dose"]


def test_pain_not_settled_the_next_morning_steps_back(api):
    client, past = api
    _log_all(client, past[0], pain=2)
    client.put(f"/api/v1/check-ins/{past[0]['date']}", json={"pain": 4})  # 0 before, 4 the morning after
    after = _item(client, past[1], side="left")
    assert after["action"] == "regress" and "had not settled the morning after" in after["reason"]


def test_a_missing_check_in_holds_and_a_good_one_counts(api):
    client, past = api
    _log_all(client, past[0], pain=1)
    held = _item(client, past[1])
    assert held["action"] == "hold" and "no next-morning pain check-in" in held["reason"]
    client.put(f"/api/v1/check-ins/{past[0]['date']}", json={"pain": 0})
    counted = _item(client, past[1])
    assert counted["action"] == "hold" and "1 more session" in counted["reason"]
    _log_all(client, past[1], pain=1)
    client.put(f"/api/v1/check-ins/{past[1]['date']}", json={"pain": 0})
    assert _item(client, past[2])["action"] == "progress"


def test_the_calendar_carries_the_adapted_dose(api):
    from icalendar import Calendar

    client, past = api
    _log_all(client, past[0], clamshell_pain=8)
    after = _item(client, past[1])
    cal = Calendar.from_ical(client.get("/api/v1/programmes/1/calendar.ics").content)
    event = next(e for e in cal.walk("VEVENT") if str(e["UID"]) == past[1]["uid"])
    sets, reps, band = after["dose"]["sets"], after["dose"]["reps"], after["dose"]["band"]
    assert f"Side-lying clamshell with band (right): {sets} x {reps} reps, {band} band" in str(
        event["DESCRIPTION"]
    )


def test_a_future_date_is_refused(api):
    client, _ = api
    later = (TODAY + dt.timedelta(days=3)).isoformat()
    body = {"client_key": "future-1234", "date": later, "exercise_id": "clamshell", "side": "left",
            "set_number": 1, "reps": 10, "pain_during": 1}  # fmt: skip
    r = client.post("/api/v1/set-logs", json=body)
    assert r.status_code == 422 and "in the future" in r.text
    assert client.put(f"/api/v1/check-ins/{later}", json={"pain": 1}).status_code == 422
    assert client.get("/api/v1/runners/1/set-logs").json() == []
