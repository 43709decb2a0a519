"""Screenings are kept with their date and outcome; a referral is lifted only with the runner's word."""

from __future__ import annotations

import datetime as dt

import pytest

from hipcoach.plans.profile import Profile
from hipcoach.plans.red_flags import RED_FLAG_IDS
from hipcoach.store import screening
from hipcoach.store.errors import Forbidden, NotFound
from tests.factories import profile_dict

NO = {f: False for f in RED_FLAG_IDS}


def _profile(**yes) -> Profile:
    return Profile.model_validate(profile_dict(red_flags=NO | yes))


def test_screenings_are_stored_with_date_answers_and_outcome(database, people):
    a = people["runner_a"]
    before = dt.datetime.now(dt.UTC)
    with database.transaction() as db:
        screening.record_screening(db, a, NO, None)
        urgent = _profile(bladder_bowel_saddle=True, night_or_rest_pain=True)
        screening.record_screening(db, a, urgent.red_flags, urgent.referral())
    with database.transaction(write=False) as db:
        latest, first = screening.list_screenings(db, a, a.id)
        assert screening.latest_screening(db, a, a.id).id == latest.id
    assert (first.referral, first.urgent, first.reasons) == (False, False, [])
    assert (latest.referral, latest.urgent) == (True, True)
    assert latest.answers == NO | {"bladder_bowel_saddle": True, "night_or_rest_pain": True}
    assert len(latest.reasons) == 2 and "emergency" in latest.reasons[1]
    assert before - dt.timedelta(seconds=1) <= latest.created_at <= dt.datetime.now(dt.UTC)
    assert latest.created_at.date() == dt.datetime.now(dt.UTC).date()


def test_a_screening_must_answer_every_question(database, people):
    a = people["runner_a"]
    with database.transaction() as db, pytest.raises(ValueError, match="every red-flag question"):
        screening.record_screening(db, a, {"calf_swelling": False}, None)


def test_the_linked_coach_reads_screenings_and_nobody_else_does(database, people):
    a, ca, cb, b = (people[k] for k in ("runner_a", "coach_a", "coach_b", "runner_b"))
    routine = _profile(nerve_symptoms=True)
    with database.transaction() as db:
        screening.record_screening(db, a, routine.red_flags, routine.referral())
    with database.transaction(write=False) as db:
        seen = screening.latest_screening(db, ca, a.id)
        assert (seen.referral, seen.urgent) == (True, False)
        for stranger in (cb, b):
            with pytest.raises(NotFound):
                screening.latest_screening(db, stranger, a.id)
            with pytest.raises(NotFound):
                screening.list_screenings(db, stranger, a.id)
        assert screening.latest_screening(db, b, b.id) is None
    with database.transaction() as db, pytest.raises(Forbidden):
        screening.record_screening(db, ca, NO, None)  # a coach never answers for an athlete


def test_lifting_a_referral_needs_the_runners_confirmation(database, people):
    a = people["runner_a"]
    with database.transaction() as db:
        _, outcome = screening.screen_and_record(db, a, _profile(calf_swelling=True))
        assert outcome is not None and outcome.urgent and outcome.flags == ("calf_swelling",)
    with database.transaction() as db:
        with pytest.raises(screening.ClearanceNeeded) as refused:
            screening.screen_and_record(db, a, _profile())
        assert refused.value.urgent and "urgent referral" in refused.value.message
        assert refused.value.reasons and refused.value.referred_at.date() == dt.datetime.now(dt.UTC).date()
        assert len(screening.list_screenings(db, a, a.id)) == 1  # nothing recorded
    with database.transaction() as db:
        row, outcome = screening.screen_and_record(db, a, _profile(), cleared=True)
        assert outcome is None and row.cleared_after_referral and not row.referral
    with database.transaction() as db:  # no referral to lift any more: no confirmation asked
        row, _ = screening.screen_and_record(db, a, _profile())
        assert not row.cleared_after_referral
        assert [s.referral for s in screening.list_screenings(db, a, a.id)] == [False, False, True]
