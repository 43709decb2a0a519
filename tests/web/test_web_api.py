"""The REST API as a runner uses it: accounts, programme, logging both sides, progress, exports, backup."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import profile_dict
from tests.web.conftest import sign_up


def _first_session(acct):
    programme = acct.get(f"/api/v1/runners/{acct.id}/programmes").json()[0]["id"]
    return programme, acct.get(f"/api/v1/programmes/{programme}/sessions").json()[0]


def _set(session, programme, side="left", key="key-0001", **kw):
    return {
        "client_key": key,
        "date": session["date"],
        "exercise_id": session["items"][0]["exercise_id"],
        "side": side,
        "set_number": 1,
        "reps": 10,
        "pain_during": 2,
        "effort": 6,
        "programme_id": programme,
        "session_uid": session["uid"],
        **kw,
    }


def test_cookie_session_is_httponly_lax_and_changes_need_csrf(client):
    r = client.post(
        "/api/v1/accounts",
        json={"email": "c@example.org", "password": "long enough pw", "display_name": "C", "role": "runner"},
    )
    assert r.status_code == 202 and "set-cookie" not in r.headers  # sign-up does not sign in
    r = client.post("/api/v1/session", json={"email": "c@example.org", "password": "long enough pw"})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    csrf = r.json()["csrf_token"]
    assert client.get("/api/v1/me").json()["email"] == "c@example.org"
    profile = profile_dict(start_date="2026-11-30")
    assert client.put("/api/v1/profile", json=profile).status_code == 403
    assert client.put("/api/v1/profile", json=profile, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert client.put("/api/v1/profile", json=profile, headers={"X-CSRF-Token": csrf}).status_code == 200
    assert client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/v1/me").status_code == 401
    bad = client.post("/api/v1/session", json={"email": "c@example.org", "password": "not it at all"})
    assert bad.status_code == 401
    good = client.post("/api/v1/session", json={"email": "C@Example.org", "password": "long enough pw"})
    assert good.status_code == 200 and client.get("/api/v1/me").status_code == 200


def test_signup_twice_with_one_email_leaves_the_first_account_as_it_was(client):
    first = sign_up(client, "d@example.org", "runner")
    r = client.post(
        "/api/v1/accounts",
        json={"email": "D@example.org", "password": "another long pw", "display_name": "D2", "role": "coach"},
    )
    assert r.status_code == 202 and "exists" not in r.json()["detail"]
    assert (
        client.post(
            "/api/v1/session", json={"email": "d@example.org", "password": "another long pw"}
        ).status_code
        == 401
    )
    me = client.post("/api/v1/session", json={"email": "d@example.org", "password": "long enough pw"})
    assert me.json()["user"] == {
        "id": first.id,
        "email": "d@example.org",
        "display_name": "d@example.org",
        "role": "runner",
    }


def test_log_each_side_once_even_when_sent_twice(people):
    a = people["runner_a"]
    programme, session = _first_session(a)
    left = a.post("/api/v1/set-logs", json=_set(session, programme, "left", "key-left-1"))
    again = a.post("/api/v1/set-logs", json=_set(session, programme, "left", "key-left-1"))
    right = a.post("/api/v1/set-logs", json=_set(session, programme, "right", "key-right-1", reps=8))
    assert (left.status_code, again.status_code, right.status_code) == (201, 200, 201)
    assert left.json()["id"] == again.json()["id"]
    logs = a.get(f"/api/v1/runners/{a.id}/set-logs").json()
    assert sorted((s["side"], s["reps"]) for s in logs) == [("left", 10), ("right", 8)]
    progress = a.get(f"/api/v1/runners/{a.id}/progress").json()
    (asym,) = progress["asymmetry"]
    assert (asym["left_reps"], asym["right_reps"], asym["index_pct"]) == (10, 8, -20.0)
    assert progress["pain"][0]["worst_during"] == 2
    detail = a.get(f"/api/v1/programmes/{programme}/sessions/{session['uid']}").json()
    assert len(detail["logged"]) == 2
    csv_text = a.get(f"/api/v1/runners/{a.id}/set-logs.csv").text
    assert csv_text.splitlines()[0].startswith("id,user_id,programme_id") and len(csv_text.splitlines()) == 3


@pytest.mark.parametrize(
    "field, value",
    [("pain_during", 11), ("reps", -1), ("effort", -2), ("side", "middle"), ("band", "purple")],
)
def test_out_of_range_values_are_refused_naming_the_field(people, field, value):
    a = people["runner_a"]
    programme, session = _first_session(a)
    r = a.post("/api/v1/set-logs", json=_set(session, programme, **{field: value}))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-1] == field
    assert a.get(f"/api/v1/runners/{a.id}/set-logs").json() == []
    assert a.put("/api/v1/check-ins/2026-12-02", json={"pain": 11}).status_code == 422


def test_invalid_profile_names_the_field_and_keeps_the_saved_one(people):
    a = people["runner_a"]
    bad = profile_dict(start_date="2026-11-30", weeks=40)
    r = a.put("/api/v1/profile", json=bad)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "weeks"
    assert a.get(f"/api/v1/runners/{a.id}/profile").json()["weeks"] == 6


def test_red_flag_answers_get_a_referral_not_a_programme(people):
    b = people["runner_b"]
    flags = profile_dict()["red_flags"] | {"calf_swelling": True}
    profile = profile_dict(start_date="2026-11-30", red_flags=flags)
    screening = b.post("/api/v1/screening", json=profile).json()
    assert screening["referral"] and screening["urgent"]
    assert b.put("/api/v1/profile", json=profile).status_code == 200
    r = b.post("/api/v1/programmes", json={})
    assert r.status_code == 409 and "clinician" in r.json()["detail"].lower()
    assert b.get(f"/api/v1/runners/{b.id}/programmes").json() == []


def test_programme_json_matches_the_cli_and_exports_render(people):
    a = people["runner_a"]
    programme, _ = _first_session(a)
    plan = a.get(f"/api/v1/programmes/{programme}").json()
    assert plan["schema_version"] == "hipcoach.plan/1" and plan["runner"] == "Test runner"
    ics = a.get(f"/api/v1/programmes/{programme}/calendar.ics")
    assert ics.headers["content-type"].startswith("text/calendar") and b"BEGIN:VCALENDAR" in ics.content
    pdf = a.get(f"/api/v1/programmes/{programme}/handout.pdf")
    assert pdf.content.startswith(b"%PDF")


def test_backup_imports_back_into_a_new_account_and_twice_adds_nothing(client, people):
    a = people["runner_a"]
    programme, session = _first_session(a)
    a.post("/api/v1/set-logs", json=_set(session, programme, "left", "key-left-1"))
    a.put(f"/api/v1/check-ins/{session['date']}", json={"pain": 1, "note": "ok"})
    backup = a.get("/api/v1/backup").json()
    assert backup["schema_version"] == "hipcoach.backup/1"
    fresh = sign_up(client, "restore@example.org", "runner")
    counts = fresh.post("/api/v1/backup", json=backup).json()
    assert counts == {
        "profile": 1,
        "programmes": 1,
        "set_logs": 1,
        "checkins": 1,
        "notes": 0,
        "adjustments": 0,
    }
    assert fresh.post("/api/v1/backup", json=backup).json() == {
        "profile": 0,
        "programmes": 0,
        "set_logs": 0,
        "checkins": 0,
        "notes": 0,
        "adjustments": 0,
    }
    restored = fresh.get(f"/api/v1/runners/{fresh.id}/set-logs").json()
    assert [(s["client_key"], s["reps"], s["side"]) for s in restored] == [("key-left-1", 10, "left")]
    broken = {**backup, "set_logs": [*backup["set_logs"], {"client_key": "x"}]}
    r = fresh.post("/api/v1/backup", json=broken)
    assert r.status_code == 422 and "client_key" in r.json()["detail"]
    assert len(fresh.get(f"/api/v1/runners/{fresh.id}/set-logs").json()) == 1


def test_coach_dashboard_lists_pain_flags(people):
    a = people["runner_a"]
    programme, session = _first_session(a)
    today = dt.date.today().isoformat()
    a.post(
        "/api/v1/set-logs", json=_set(session, programme, "right", "key-pain-1", pain_during=7, date=today)
    )
    a.post("/api/v1/set-logs", json=_set(session, programme, "left", "key-easy-1", pain_during=2, date=today))
    (athlete,) = people["coach_a"].get("/api/v1/athletes").json()
    assert athlete["user"]["id"] == a.id
    assert (athlete["sets_last_14_days"], athlete["pain_flags_last_14_days"]) == (2, 1)
    assert people["coach_b"].get("/api/v1/athletes").json() == []
