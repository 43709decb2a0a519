"""The API keeps the screening rules of the web form: every red-flag question answered, each saved
profile's screening recorded with its date, and a referral lifted only with clinician_cleared=true."""

from __future__ import annotations

import datetime as dt

from hipcoach.plans.red_flags import RED_FLAG_IDS
from tests.factories import profile_dict

NO = dict.fromkeys(RED_FLAG_IDS, False)


def test_the_profile_must_answer_every_red_flag_question(people):
    b = people["runner_b"]
    flags = {f: False for f in RED_FLAG_IDS if f != "calf_swelling"}
    r = b.put("/api/v1/profile", json=profile_dict(start_date="2026-11-30", red_flags=flags))
    assert r.status_code == 422 and "calf_swelling" in r.text
    assert b.get(f"/api/v1/runners/{b.id}/screenings").json() == []


def test_saved_profiles_record_screenings_that_the_linked_coach_reads(people):
    a, ca, cb = people["runner_a"], people["coach_a"], people["coach_b"]  # a saved an all-no profile
    flags = NO | {"bone_tenderness": True}
    assert a.put("/api/v1/profile", json=profile_dict(start_date="2026-11-30", red_flags=flags)).is_success
    latest, first = a.get(f"/api/v1/runners/{a.id}/screenings").json()
    assert (first["referral"], latest["referral"], latest["urgent"]) == (False, True, False)
    assert latest["answers"]["bone_tenderness"] and latest["source"] == "api" and len(latest["reasons"]) == 1
    assert dt.datetime.fromisoformat(latest["created_at"]).date() == dt.datetime.now(dt.UTC).date()
    assert ca.get(f"/api/v1/runners/{a.id}/screenings").json()[0]["id"] == latest["id"]
    assert cb.get(f"/api/v1/runners/{a.id}/screenings").status_code == 404
    assert ca.put("/api/v1/profile", json=profile_dict(start_date="2026-11-30")).status_code == 403


def test_lifting_a_referral_through_the_api_needs_clinician_cleared(people):
    b = people["runner_b"]
    urgent = profile_dict(start_date="2026-11-30", red_flags=NO | {"calf_swelling": True})
    assert b.put("/api/v1/profile", json=urgent).is_success
    clear = profile_dict(start_date="2026-11-30")
    r = b.put("/api/v1/profile", json=clear)
    assert r.status_code == 409 and "urgent referral" in r.json()["detail"]
    assert b.post("/api/v1/programmes", json={}).status_code == 409  # the red-flag profile is still saved
    assert b.put("/api/v1/profile", params={"clinician_cleared": "true"}, json=clear).is_success
    assert b.post("/api/v1/programmes", json={}).status_code == 201
    cleared = b.get(f"/api/v1/runners/{b.id}/screenings").json()[0]
    assert cleared["cleared_after_referral"] and not cleared["referral"]
