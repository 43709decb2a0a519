"""The triage rules on plain records: order, links, the engine's weekly rise, missed sessions, and the
asymmetry threshold from the verified measurement error (and none for the running screen)."""

from __future__ import annotations

import datetime as dt

from hipcoach.analysis.screen_evidence import FPPA_SIDE_DIFFERENCE_DEG
from hipcoach.plans.progress import ExerciseLog, LogIndex
from hipcoach.tracking.triage import (
    AthleteRecords,
    CheckInRow,
    PlannedSession,
    ReferralRow,
    ScreenRow,
    SetRow,
    SlotRow,
    items_for,
    order,
    weekly_rise,
)

TODAY = dt.date(2026, 12, 2)  # a Wednesday
LIMIT, RISE = 5, 0.0


def _items(**kw):
    return items_for(AthleteRecords(athlete_id=7, name="Rita", **kw), TODAY, LIMIT, RISE)


def _slot(day, pain, ex="clamshell", side="left", sets=2, last_id=1):
    return SlotRow(day, ex, side, sets, pain, last_id)


def test_an_urgent_referral_comes_before_pain_and_pain_before_a_missed_session():
    day = TODAY - dt.timedelta(days=3)
    items = _items(
        referral=ReferralRow(3, True, ("Calf swelling: see a doctor today.",), TODAY - dt.timedelta(days=1)),
        slots=[_slot(day, 8, last_id=11)],
        painful_sets=[SetRow(11, day, "clamshell", "left", 1, 8), SetRow(12, day, "clamshell", "left", 2, 6)],
        checkins=[CheckInRow(5, day, 7, "sore"), CheckInRow(6, day - dt.timedelta(days=1), 5, "")],
        sessions=[PlannedSession("s1", TODAY - dt.timedelta(days=5)), PlannedSession("s2", day)],
    )
    assert [i.kind for i in items] == ["referral_urgent", "pain_set", "pain_checkin", "missed"]
    assert (
        items[0].reasons == ("Calf swelling: see a doctor today.",)
        and items[0].link == "/coach/athletes/7#referral"
    )
    assert items[1].link == "/coach/athletes/7#set-11" and items[1].key == "set:11"
    assert len(items[1].reasons) == 2  # both sets above the limit, the worst linked
    assert items[2].link == "/coach/athletes/7#checkin-5" and items[2].reasons == ("sore",)
    assert items[3].key == "missed:s1"  # s2 had sets; the 5/10 morning is at the limit, not above it


def test_a_routine_referral_comes_after_an_urgent_one_of_another_athlete():
    routine = items_for(
        AthleteRecords(1, "Ann", referral=ReferralRow(1, False, ("x",), TODAY)), TODAY, LIMIT, RISE
    )
    urgent = items_for(
        AthleteRecords(2, "Bea", referral=ReferralRow(2, True, ("y",), TODAY)), TODAY, LIMIT, RISE
    )
    assert [i.athlete for i in order(routine + urgent)] == ["Bea", "Ann"]


def test_nothing_outside_the_14_days_and_no_session_before_the_programme_was_made():
    old = TODAY - dt.timedelta(days=14)
    items = _items(
        painful_sets=[SetRow(1, old, "clamshell", "left", 1, 9)],
        checkins=[CheckInRow(1, old, 9, "")],
        sessions=[PlannedSession("a", TODAY - dt.timedelta(days=6)), PlannedSession("b", TODAY)],
        programme_made=TODAY - dt.timedelta(days=2),
    )
    assert items == []  # a session today is not missed yet


def _log(day, pain, ex="clamshell", side="left"):
    return ExerciseLog(date=day, exercise_id=ex, side=side, target_sets=2, target_reps=10, reps_done=(10, 10),
                       pain_before=0, pain_during=pain)  # fmt: skip


def test_the_weekly_rise_is_the_engines():
    last_week = [(TODAY - dt.timedelta(days=8), 1, "left"), (TODAY - dt.timedelta(days=8), 3, "right")]
    this_week = [(TODAY - dt.timedelta(days=1), 4, "left"), (TODAY, 2, "right")]
    slots = [_slot(d, p, side=s) for d, p, s in last_week + this_week]
    index = LogIndex([_log(d, p, side=s) for d, p, s in last_week + this_week])
    for day in (TODAY, TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=8)):
        assert weekly_rise(slots, day) == index.weekly_rise(day)
    assert weekly_rise(slots, TODAY) == 1.0
    items = _items(slots=[s._replace(last_id=n) for n, s in enumerate(slots, 1)])
    assert [i.kind for i in items] == ["pain_rising"] and items[0].link == "/coach/athletes/7#set-4"
    assert "rose by 1.0/10" in items[0].title
    steady = _items(slots=[_slot(TODAY - dt.timedelta(days=8), 2), _slot(TODAY, 2)])
    assert steady == []


def test_asymmetry_only_beyond_the_verified_error_and_only_for_the_single_leg_squat():
    assert FPPA_SIDE_DIFFERENCE_DEG == 8.3  # 1.96 * sqrt(2) * SEM 3.01° (Munro 2012, verified)
    day = TODAY - dt.timedelta(days=30)
    within = ScreenRow(1, 10, "single-leg-squat", day, 10.0, 10.0 + FPPA_SIDE_DIFFERENCE_DEG)
    beyond = ScreenRow(2, 11, "single-leg-squat", day, 19.0, 10.0)
    running = ScreenRow(3, 12, "running", TODAY, 9.0, 1.0)
    assert _items(screens=[within, running]) == []
    items = _items(screens=[beyond])
    assert [i.kind for i in items] == ["asymmetry"] and items[0].link == "/videos/11"
    assert "left knee moved inwards 9° more" in items[0].title
    newer = within._replace(id=4, date=TODAY)
    assert _items(screens=[beyond, newer]) == []  # the latest screen decides
