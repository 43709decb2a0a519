"""The doses a runner sees after each change to their log are the doses a fresh replay of the whole
log gives: new sets on any day, sets logged late for an earlier session, corrections, removals and
check-ins answered or changed."""

from __future__ import annotations

import datetime as dt
import itertools

from hipcoach.catalog import load_catalog
from hipcoach.plans.adapt import adapt
from hipcoach.plans.rules import load_rules
from hipcoach.store import training
from hipcoach.store.inputs import CheckInIn, SetCorrectionIn, SetLogIn
from hipcoach.store.models import SetLog
from hipcoach.store.prescriptions import current_plan
from tests.factories import profile_dict

_keys = itertools.count(1)


def _log_session(db, runner, session, pain, reps_short=0):
    ids = []
    for item in session.items:
        d = item.dose
        for n in range(1, d.sets + 1):
            entry = SetLogIn(
                client_key=f"key-{next(_keys):06d}",
                date=session.date,
                exercise_id=d.exercise_id,
                side=d.side,
                set_number=n,
                reps=max(0, d.reps - reps_short),
                band=d.band,
                pain_during=pain,
            )
            ids.append(training.log_set(db, runner, entry)[0].id)
    return ids


def test_doses_after_each_change_equal_a_fresh_replay(database, people):
    runner = people["runner_a"]
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday() + 21)
    with database.transaction() as db:
        training.save_profile(db, runner, profile_dict(start_date=monday.isoformat()))
        programme = training.create_programme(db, runner, start_date=monday)
    seen = []

    def check():
        with database.transaction(write=False) as db:
            prog = training.get_programme(db, runner, programme.id)
            got = current_plan(db, runner, prog)
            stored = training.programme_plan(db, runner, prog)
            sets = training.list_set_logs(db, runner, runner.id, since=prog.start_date)
            checkins = {c.date: c.pain for c in training.list_checkins(db, runner, runner.id)}
            fresh = adapt(stored, sets, checkins, load_catalog(), load_rules())
            assert got.adaptation == fresh
            assert got.plan.weeks[0].sessions[0].items[0].why  # the adapted plan carries reasons
            seen.append(fresh)

    with database.transaction(write=False) as db:
        plan = training.programme_plan(db, runner, training.get_programme(db, runner, programme.id))
    sessions = [s for w in plan.weeks for s in w.sessions]
    check()
    with database.transaction() as db:
        _log_session(db, runner, sessions[0], pain=2)
    check()
    with database.transaction() as db:
        third = _log_session(db, runner, sessions[2], pain=8)
    check()
    with database.transaction() as db:  # the second session logged late, after the third
        _log_session(db, runner, sessions[1], pain=3, reps_short=2)
    check()
    with database.transaction() as db:  # two days at once: a new session and an earlier morning
        _log_session(db, runner, sessions[3], pain=2)
        training.put_checkin(db, runner, sessions[1].date, CheckInIn(pain=6))
    check()
    for pain in (7, 1):  # a painful morning after the first session, then corrected
        with database.transaction() as db:
            training.put_checkin(db, runner, sessions[0].date, CheckInIn(pain=pain))
        check()
    with database.transaction() as db:
        row = db.get(SetLog, third[0])
        change = SetCorrectionIn(reps=row.reps, band=row.band, pain_during=1, hold_s=0, effort=None)
        training.correct_set(db, runner, third[0], change, today=sessions[2].date)
    check()
    with database.transaction() as db:
        training.remove_set(db, runner, third[1], today=sessions[2].date)
    check()
    # The changes moved doses: pain 8 in the third session steps the fifth back, and its correction
    # to pain 1 (with one set fewer) gives a different answer again.
    fourth = [s.session(sessions[4].uid).items for s in seen]
    assert len(set(fourth)) >= 3
