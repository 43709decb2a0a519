"""A linked coach's changes reach the runner's next session through the one engine; a runner or an
unlinked coach cannot make them; the kept replay, resumed after a change, equals a fresh one."""

from __future__ import annotations

import datetime as dt

import pytest

from hipcoach.catalog import load_catalog
from hipcoach.plans import adjust
from hipcoach.plans.adapt import adapt
from hipcoach.plans.rules import load_rules
from hipcoach.store import adjustments, training
from hipcoach.store.adjustments import AdjustmentIn
from hipcoach.store.errors import Conflict, Forbidden, NotFound
from hipcoach.store.prescriptions import current_plan
from tests.factories import profile_dict
from tests.store.test_store_prescriptions import _log_session

TODAY = dt.date.today()


@pytest.fixture
def programme(database, people):
    """Runner A's programme, started on the Monday three weeks ago, with the first session logged."""
    runner = people["runner_a"]
    monday = TODAY - dt.timedelta(days=TODAY.weekday() + 21)
    with database.transaction() as db:
        training.save_profile(db, runner, profile_dict(start_date=monday.isoformat()))
        row = training.create_programme(db, runner, start_date=monday)
        plan = training.programme_plan(db, runner, row)
        _log_session(db, runner, plan.weeks[0].sessions[0], pain=1)
    return row.id


def _current(database, actor, programme_id):
    with database.transaction(write=False) as db:
        return current_plan(db, actor, training.get_programme(db, actor, programme_id))


def _next_session(current):
    session = min(
        (s for w in current.stored.weeks for s in w.sessions if s.date >= TODAY), key=lambda s: s.date
    )
    return session, current.adaptation.session(session.uid)


def _per_side(adapted):
    return next(a for a in adapted.items if a.dose.side != "both")


def test_a_swap_shows_in_the_runners_next_session_with_the_note(database, people, programme):
    runner, coach = people["runner_a"], people["coach_a"]
    before = _current(database, runner, programme)
    _, adapted = _next_session(before)
    old = _per_side(adapted).exercise_id
    with database.transaction(write=False) as db:
        offered = adjustments.options(db, coach, runner.id, TODAY)[old]
    assert offered and offered[0].relation in ("regression", "progression", "same aim")
    new = offered[0].exercise_id
    change = AdjustmentIn(
        kind="swap", exercise_id=old, new_exercise_id=new, note="Slow on the way down.", reason="sore knee"
    )
    with database.transaction() as db:
        (row,) = adjustments.adjust_programme(db, coach, runner.id, change, TODAY)
    assert (row.coach_id, row.coach_name, row.start_date) == (coach.id, "Coach A", TODAY)
    after = _current(database, runner, programme)
    _, adapted = _next_session(after)
    ids = [a.exercise_id for a in adapted.items]
    assert new in ids and old not in ids
    swapped = next(a for a in adapted.items if a.exercise_id == new)
    assert [(c.kind, c.note, c.reason, c.coach) for c in swapped.coach] == [
        ("swap", "Slow on the way down.", "sore knee", "Coach A")
    ]
    # the sessions before today are as they were
    for week in before.stored.weeks:
        for s in week.sessions:
            if s.date < TODAY:
                assert after.adaptation.session(s.uid) == before.adaptation.session(s.uid)
    with database.transaction(write=False) as db:
        assert [h.id for h in adjustments.history(db, runner, runner.id)] == [row.id]
        assert [h.id for h in adjustments.history(db, coach, runner.id)] == [row.id]


def test_a_dose_change_shows_from_its_day_and_the_kept_replay_equals_a_fresh_one(database, people, programme):
    runner, coach = people["runner_a"], people["coach_a"]
    session, adapted = _next_session(_current(database, runner, programme))
    item = _per_side(adapted)
    other_before = next(a for a in adapted.items if a.slot == item.slot and a.dose.side != item.dose.side)
    start = session.date
    change = AdjustmentIn(
        kind="dose", exercise_id=item.exercise_id, side=item.dose.side, start_date=start, sets=2, reps=7,
        reason="pain after the last session",
    )  # fmt: skip
    with database.transaction() as db:
        (row,) = adjustments.adjust_programme(db, coach, runner.id, change, TODAY)
    assert (row.sets, row.reps, row.hold_s, row.band) == (2, 7, item.dose.hold_s, item.dose.band)
    got = _current(database, runner, programme)
    _, adapted = _next_session(got)
    same = next(a for a in adapted.items if a.slot == item.slot and a.dose.side == item.dose.side)
    assert (same.dose.sets, same.dose.reps) == (2, 7)
    assert "set by your coach" in same.reason
    other = next(a for a in adapted.items if a.slot == item.slot and a.dose.side != item.dose.side)
    assert (other.dose, other.coach) == (other_before.dose, ())  # the other side is not changed
    with database.transaction(write=False) as db:
        prog = training.get_programme(db, runner, programme)
        made = adjustments.for_programme(db, prog)
        original = training.programme_plan(db, runner, prog)
        sets = training.list_set_logs(db, runner, runner.id, since=prog.start_date)
        checkins = {c.date: c.pain for c in training.list_checkins(db, runner, runner.id)}
    catalog, rules = load_catalog(), load_rules()
    adjusted = adjust.apply(original, made, catalog, rules)
    fresh = adapt(adjusted.plan, sets, checkins, catalog, rules, adjusted.baselines, adjusted.changes)
    assert got.adaptation == fresh


def test_a_runner_and_an_unlinked_coach_cannot_change_a_programme(database, people, programme):
    runner = people["runner_a"]
    change = AdjustmentIn(kind="note", exercise_id="clamshell", note="hi", reason="a note")
    with database.transaction() as db, pytest.raises(NotFound):
        adjustments.adjust_programme(db, people["coach_b"], runner.id, change, TODAY)
    with database.transaction() as db, pytest.raises(Forbidden):
        adjustments.adjust_programme(db, runner, runner.id, change, TODAY)
    with database.transaction(write=False) as db, pytest.raises(NotFound):
        adjustments.history(db, people["coach_b"], runner.id)
    with database.transaction(write=False) as db, pytest.raises(NotFound):
        adjustments.history(db, people["runner_b"], runner.id)
    with database.transaction(write=False) as db:
        assert adjustments.history(db, runner, runner.id) == []


def test_a_change_cannot_start_in_the_past_nor_contradict_the_programme(database, people, programme):
    runner, coach = people["runner_a"], people["coach_a"]
    yesterday = TODAY - dt.timedelta(days=1)
    past = AdjustmentIn(kind="pause", exercise_id="clamshell", start_date=yesterday, reason="flare up")
    with database.transaction() as db, pytest.raises(Conflict, match="today or later"):
        adjustments.adjust_programme(db, coach, runner.id, past, TODAY)
    _, adapted = _next_session(_current(database, runner, programme))
    ex = adapted.items[0].exercise_id
    pause = AdjustmentIn(kind="pause", exercise_id=ex, reason="flare up")
    with database.transaction() as db:
        adjustments.adjust_programme(db, coach, runner.id, pause, TODAY)
    with database.transaction() as db, pytest.raises(Conflict, match="already paused"):
        adjustments.adjust_programme(db, coach, runner.id, pause, TODAY)
    _, adapted = _next_session(_current(database, runner, programme))
    assert ex not in [a.exercise_id for a in adapted.items]
    resume = AdjustmentIn(kind="resume", exercise_id=ex, reason="settled")
    with database.transaction() as db:
        adjustments.adjust_programme(db, coach, runner.id, resume, TODAY)
    _, adapted = _next_session(_current(database, runner, programme))
    assert ex in [a.exercise_id for a in adapted.items]
    with database.transaction(write=False) as db:
        assert [h.kind for h in adjustments.history(db, runner, runner.id)] == ["resume", "pause"]


def test_fewer_sessions_per_week_from_today(database, people, programme):
    runner, coach = people["runner_a"], people["coach_a"]
    change = AdjustmentIn(kind="sessions", sessions_per_week=1, reason="exam weeks")
    with database.transaction() as db:
        adjustments.adjust_programme(db, coach, runner.id, change, TODAY)
    current = _current(database, runner, programme)
    next_monday = TODAY + dt.timedelta(days=7 - TODAY.weekday())
    for week in current.stored.weeks:
        later = [s for s in week.sessions if s.date >= next_monday]
        assert len(later) <= 1
        for s in later:
            assert current.adaptation.session(s.uid) is not None


def test_adherence_and_the_dashboard_read_the_plan_as_changed_not_as_generated(database, people, programme):
    """A swapped exercise is what the runner is asked to do from its day: the plan that adherence, the
    dashboard and the live page read has it, so sets of it are not counted as sets missed."""
    from hipcoach.store.prescriptions import followed_plan

    runner, coach = people["runner_a"], people["coach_a"]
    _, adapted = _next_session(_current(database, runner, programme))
    old = _per_side(adapted).exercise_id
    with database.transaction(write=False) as db:
        new = adjustments.options(db, coach, runner.id, TODAY)[old][0].exercise_id
    change = AdjustmentIn(kind="swap", exercise_id=old, new_exercise_id=new, reason="sore knee")
    with database.transaction() as db:
        adjustments.adjust_programme(db, coach, runner.id, change, TODAY)

    def exercises(plan, upcoming):
        return [
            (s.uid, sorted(i.exercise_id for i in s.items))
            for w in plan.weeks
            for s in w.sessions
            if (s.date >= TODAY) == upcoming
        ]

    with database.transaction(write=False) as db:
        row = training.get_programme(db, coach, programme)
        generated, followed = training.programme_plan(db, coach, row), followed_plan(db, coach, row)
    stored = _current(database, runner, programme).stored
    assert exercises(followed, True) == exercises(stored, True) != exercises(generated, True)
    assert all(old not in ids for _, ids in exercises(followed, True))
    assert exercises(followed, False) == exercises(generated, False)  # the past is as it was


def test_a_backup_carries_the_coachs_changes_to_a_fresh_account(database, people, programme):
    """A runner's backup, imported into a fresh account, gives the programme as their coach changed
    it, with who made each change and why; a second import adds nothing; a change that does not fit
    its programme refuses the file."""
    from hipcoach.errors import UserError
    from hipcoach.store.accounts import create_user
    from hipcoach.store.backup import export_backup, import_backup
    from hipcoach.store.prescriptions import followed_plan

    runner, coach = people["runner_a"], people["coach_a"]
    _, adapted = _next_session(_current(database, runner, programme))
    old = _per_side(adapted).exercise_id
    with database.transaction(write=False) as db:
        new = adjustments.options(db, coach, runner.id, TODAY)[old][0].exercise_id
    swap = AdjustmentIn(
        kind="swap", exercise_id=old, new_exercise_id=new, note="Slow down.", reason="sore knee"
    )
    with database.transaction() as db:
        adjustments.adjust_programme(db, coach, runner.id, swap, TODAY)
        backup = export_backup(db, runner)
        fresh = create_user(db, "fresh@example.org", "pw-fresh-runner", "Fresh", "runner")

    def upcoming(plan):
        return [
            sorted(i.exercise_id for i in s.items) for w in plan.weeks for s in w.sessions if s.date >= TODAY
        ]

    with database.transaction() as db:
        counts = import_backup(db, fresh, backup)
    assert (counts.programmes, counts.adjustments) == (1, 1)
    with database.transaction(write=False) as db:
        mine = training.latest_programme(db, fresh, fresh.id)
        original = followed_plan(db, runner, training.get_programme(db, runner, programme))
        restored = followed_plan(db, fresh, mine)
        (row,) = adjustments.history(db, fresh, fresh.id)
    assert upcoming(restored) == upcoming(original)
    assert any(new in ids for ids in upcoming(restored)) and all(old not in ids for ids in upcoming(restored))
    assert (row.coach_id, row.coach_name, row.kind, row.reason, row.note) == (
        None,
        "Coach A",
        "swap",
        "sore knee",
        "Slow down.",
    )
    _, adapted = _next_session(_current(database, fresh, mine.id))
    assert [(c.kind, c.coach) for a in adapted.items if a.exercise_id == new for c in a.coach][:1] == [
        ("swap", "Coach A")
    ]
    with database.transaction() as db:
        assert import_backup(db, fresh, backup).adjustments == 0

    other = people["runner_b"]
    bad = {**backup, "adjustments": [{**backup["adjustments"][0], "kind": "resume"}]}  # never paused
    with database.transaction() as db, pytest.raises(UserError, match="adjustments"):
        import_backup(db, other, bad)
    with database.transaction(write=False) as db:
        assert training.latest_programme(db, other, other.id) is None
