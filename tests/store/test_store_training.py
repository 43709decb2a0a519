"""Logging sets and check-ins: a resend logs once, bad values never reach the table, red flags refer."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from hipcoach.store import training
from hipcoach.store.errors import Conflict
from hipcoach.store.inputs import CheckInIn, SetLogIn
from hipcoach.store.models import SetLog
from tests.factories import profile_dict


def _entry(**kw) -> SetLogIn:
    base = dict(
        client_key="key-0001",
        date=dt.date(2026, 12, 1),
        exercise_id="clamshell",
        side="left",
        set_number=1,
        reps=10,
        pain_during=2,
    )
    return SetLogIn(**{**base, **kw})


def test_same_client_key_logs_once(database, people):
    a = people["runner_a"]
    with database.transaction() as db:
        first, created = training.log_set(db, a, _entry())
        again, created_again = training.log_set(db, a, _entry())
        assert created and not created_again and first.id == again.id
        with pytest.raises(Conflict):
            training.log_set(db, a, _entry(reps=12))
        # another runner may happen to use the same key for their own set
        _, created_b = training.log_set(db, people["runner_b"], _entry())
        assert created_b
        assert db.scalar(select(func.count()).select_from(SetLog)) == 2


@pytest.mark.parametrize(
    "field, value",
    [("pain_during", 11), ("reps", -1), ("effort", 11), ("hold_s", -3), ("exercise_id", "nope")],
)
def test_out_of_range_values_name_the_field(field, value):
    with pytest.raises(ValidationError) as info:
        _entry(**{field: value})
    assert info.value.errors()[0]["loc"] == (field,)


def test_database_refuses_out_of_range_pain_even_past_validation(database, people):
    with pytest.raises(IntegrityError), database.transaction() as db:
        row = SetLog(user_id=people["runner_a"].id, **_entry().model_dump())
        row.pain_during = 11
        db.add(row)
    with database.transaction() as db:
        assert db.scalar(select(func.count()).select_from(SetLog)) == 0


def test_checkin_answered_again_corrects_the_day(database, people):
    a = people["runner_a"]
    with database.transaction() as db:
        training.put_checkin(db, a, dt.date(2026, 12, 2), CheckInIn(pain=4))
        training.put_checkin(db, a, dt.date(2026, 12, 2), CheckInIn(pain=2, note="better"))
        assert [(c.pain, c.note) for c in training.list_checkins(db, a, a.id)] == [(2, "better")]


def test_red_flag_gives_referral_and_no_programme(database, people):
    a = people["runner_a"]
    flags = profile_dict()["red_flags"] | {"night_or_rest_pain": True}
    with database.transaction() as db:
        training.save_profile(db, a, profile_dict(red_flags=flags))
        with pytest.raises(training.ReferralInstead, match="clinician"):
            training.create_programme(db, a)
        assert training.list_programmes(db, a, a.id) == []


def test_programme_keeps_plan_and_profile_snapshot(database, people):
    a = people["runner_a"]
    with database.transaction() as db:
        training.save_profile(db, a, profile_dict())
        programme = training.create_programme(db, a, start_date=dt.date(2027, 1, 4))
    with database.transaction() as db:
        stored = training.get_programme(db, a, programme.id)
        assert stored.plan["schema_version"] == "hipcoach.plan/1"
        assert stored.plan["start_date"] == "2027-01-04"
        assert stored.profile_snapshot["start_date"] == "2027-01-04"
        assert stored.plan["weeks"][0]["sessions"][0]["items"]
