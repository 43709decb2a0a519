"""The coach's dashboard (coaching.board) reads all athletes in a fixed number of queries, and its
triage and seen marks keep to the access rules, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import event, func, select

from hipcoach.store import coaching, training
from hipcoach.store.accounts import create_user
from hipcoach.store.errors import NotFound
from hipcoach.store.inputs import CheckInIn, SetLogIn
from hipcoach.store.models import Screening, TriageSeen
from tests.factories import profile_dict

TODAY = dt.date.today()


def _team(database, n: int):
    """A coach with `n` linked runners, each with a programme begun 20 days ago, sets logged on its
    sessions (one at pain 8), a painful check-in, and every other runner an urgent referral."""
    with database.transaction() as db:
        coach = create_user(db, f"coach{n}@example.org", "long enough pw", "Coach", "coach")
        for k in range(n):
            runner = create_user(db, f"r{n}-{k}@example.org", "long enough pw", f"Runner {k:02d}", "runner")
            _, code = coaching.create_invitation(db, coach)
            coaching.accept_invitation(db, runner, code)
            training.save_profile(db, runner, profile_dict(start_date=TODAY - dt.timedelta(days=20)))
            programme = training.create_programme(db, runner)
            plan = training.programme_plan(db, runner, programme)
            for s in [s for w in plan.weeks for s in w.sessions if s.date < TODAY][:4]:
                for item in s.items:
                    pain = 8 if k % 3 else 2
                    entry = SetLogIn(
                        client_key=uuid.uuid4().hex,
                        date=s.date,
                        exercise_id=item.exercise_id,
                        side=item.dose.side,
                        set_number=1,
                        reps=10,
                        pain_during=pain,
                    )
                    training.log_set(db, runner, entry)
            training.put_checkin(
                db, runner, TODAY - dt.timedelta(days=2), CheckInIn(pain=7, note="sore knee")
            )
            if k % 2 == 0:
                db.add(Screening(user_id=runner.id, answers={}, referral=True, urgent=True,
                                 reasons=["Calf swelling: see a doctor today."], source="web"))  # fmt: skip
    return coach


def _count_queries(database, call) -> int:
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_dashboard_reads_2_and_10_athletes_in_the_same_number_of_queries(database):
    small, large = _team(database, 2), _team(database, 10)

    def board(coach):
        with database.transaction(write=False) as db:
            result = coaching.board(db, coach, TODAY)
        return result

    counts = {}
    for name, coach in (("small", small), ("large", large)):
        cold = _count_queries(database, lambda c=coach: board(c))  # the plans are parsed on first use
        warm = _count_queries(database, lambda c=coach: board(c))
        counts[name] = (cold, warm)
    assert counts["small"] == counts["large"], counts
    print("queries (first call, later calls):", counts["large"])
    assert counts["large"][1] <= 12  # one query per kind of record, not per athlete
    result = board(large)
    assert len(result.rows) == 10
    kinds = [i.kind for i in result.today]
    assert kinds[:5] == ["referral_urgent"] * 5  # every urgent referral before any pain
    assert {"pain_set", "pain_checkin"} <= set(kinds)


def test_mark_seen_keeps_to_linked_coaches_and_hides_the_item(database):
    coach = _team(database, 2)
    with database.transaction() as db:
        stranger = create_user(db, "stranger@example.org", "long enough pw", "Stranger", "coach")
    with database.transaction(write=False) as db:
        item = next(i for i in coaching.board(db, coach, TODAY).today if i.kind == "pain_set")
        assert coaching.board(db, stranger, TODAY).today == []
    with database.transaction() as db, pytest.raises(NotFound):
        coaching.mark_seen(db, stranger, item.athlete_id, item.key, TODAY)
    with database.transaction() as db, pytest.raises(NotFound):
        coaching.mark_seen(db, coach, item.athlete_id, "set:999999", TODAY)  # not an open item
    with database.transaction() as db:
        assert db.scalar(select(func.count(TriageSeen.id))) == 0
        first = coaching.mark_seen(db, coach, item.athlete_id, item.key, TODAY)
        again = coaching.mark_seen(db, coach, item.athlete_id, item.key, TODAY)
        assert first.id == again.id and first.title == item.title and first.link == item.link
    with database.transaction(write=False) as db:
        assert item.key not in {i.key for i in coaching.board(db, coach, TODAY).today}
        history = coaching.athlete_triage(db, coach, item.athlete_id, TODAY)
        assert [s.item_key for s in history.seen] == [item.key]
        assert item.key not in {i.key for i in history.open}
        with pytest.raises(NotFound):
            coaching.athlete_triage(db, stranger, item.athlete_id, TODAY)


def test_a_rise_in_pain_against_a_week_before_the_window_is_still_found(database):
    """The days before the window are read only for the week before an athlete's latest logged day:
    here that day is the window's first, so its week before lies wholly before the window."""
    since = TODAY - dt.timedelta(days=coaching.SIGNAL_DAYS - 1)
    week_before = since - dt.timedelta(days=since.weekday() + 7)
    with database.transaction() as db:
        coach = create_user(db, "rise-coach@example.org", "long enough pw", "Coach", "coach")
        runner = create_user(db, "rise@example.org", "long enough pw", "Riser", "runner")
        _, code = coaching.create_invitation(db, coach)
        coaching.accept_invitation(db, runner, code)
        for day, pain in ((week_before, 1), (week_before + dt.timedelta(days=2), 1), (since, 5)):
            entry = SetLogIn(client_key=uuid.uuid4().hex, date=day, exercise_id="clamshell", side="left",
                             set_number=1, reps=10, pain_during=pain)  # fmt: skip
            training.log_set(db, runner, entry)
    with database.transaction(write=False) as db:
        items = coaching.board(db, coach, TODAY).today
    rising = [i for i in items if i.kind == "pain_rising"]
    assert len(rising) == 1 and rising[0].date == since, [i.kind for i in items]
