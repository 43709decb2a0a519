"""Progress figures from a known plan and known logs."""

from __future__ import annotations

import datetime as dt

from hipcoach.plans.programme import build_plan
from hipcoach.tracking.summary import (
    LoggedSet,
    adherence,
    asymmetry,
    dose_per_side,
    pain_trend,
    window_adherence,
)


def _set(day, side, reps, pain=2, ex="clamshell", hold=0.0):
    return LoggedSet(date=day, exercise_id=ex, side=side, reps=reps, hold_s=hold, pain_during=pain)


def test_adherence_counts_sets_of_sessions_due(profile, catalog, rules):
    plan = build_plan(profile, catalog, rules)
    first = plan.weeks[0].sessions[0]
    item = first.items[0]
    sets = [_set(first.date, item.dose.side, 10, ex=item.exercise_id) for _ in range(item.dose.sets + 2)]
    weeks = adherence(plan, sets, today=first.date)
    assert weeks[0].planned_sessions == 1 and weeks[0].done_sessions == 1
    assert weeks[0].done_sets == item.dose.sets  # extra sets do not count past the plan
    assert weeks[0].planned_sets == sum(i.dose.sets for i in first.items)
    assert all(w.planned_sessions == 0 for w in weeks[1:])
    later = adherence(plan, [], today=plan.weeks[0].sessions[-1].date)
    assert later[0].planned_sessions == len(plan.weeks[0].sessions) and later[0].done_sessions == 0


def test_window_adherence_counts_the_sessions_due_in_the_window_only(profile, catalog, rules):
    plan = build_plan(profile, catalog, rules)
    before, first, second, later = [s for w in plan.weeks for s in w.sessions][:4]
    item = first.items[0]
    extra = item.dose.sets + 2  # sets past the plan do not count
    sets = [_set(first.date, item.dose.side, 10, ex=item.exercise_id) for _ in range(extra)]
    for outside in (before, later):  # a whole session done before the window, and one not due yet
        sets += [_set(outside.date, i.dose.side, 10, ex=i.exercise_id) for i in outside.items]
    window = window_adherence(plan, sets, since=before.date + dt.timedelta(days=1), today=second.date)
    planned = sum(i.dose.sets for s in (first, second) for i in s.items)
    assert (window.done_sets, window.planned_sets) == (item.dose.sets, planned)
    assert window.percent == round(100 * item.dose.sets / planned) and 0 < window.percent < 100
    every_set = [
        _set(s.date, i.dose.side, 10, ex=i.exercise_id)
        for s in (first, second)
        for i in s.items
        for _ in range(i.dose.sets)
    ]
    done = window_adherence(plan, every_set, since=first.date, today=second.date)
    assert (done.done_sets, done.percent) == (planned, 100)


def test_window_adherence_before_the_programme_starts_has_nothing_due(profile, catalog, rules):
    plan = build_plan(profile, catalog, rules)
    early = plan.start_date - dt.timedelta(days=1)
    window = window_adherence(plan, [], since=early - dt.timedelta(days=14), today=early)
    assert (window.planned_sets, window.done_sets, window.percent) == (0, 0, None)


def test_pain_trend_joins_sets_and_morning_checkins():
    d1, d2 = dt.date(2026, 12, 1), dt.date(2026, 12, 2)
    trend = pain_trend([_set(d1, "left", 10, pain=2), _set(d1, "right", 10, pain=5)], {d2: 1})
    assert [(p.date, p.mean_during, p.worst_during, p.next_morning) for p in trend] == [
        (d1, 3.5, 5, None),
        (d2, None, None, 1),
    ]


def test_dose_per_side_and_asymmetry():
    mon, wed = dt.date(2026, 11, 30), dt.date(2026, 12, 2)
    sets = [_set(mon, "left", 8, hold=2), _set(wed, "left", 8, hold=2), _set(mon, "right", 10, hold=2)]
    doses = dose_per_side(sets)
    assert [(d.week_start, d.side, d.sets, d.reps, d.hold_s) for d in doses] == [
        (mon, "left", 2, 16, 32.0),
        (mon, "right", 1, 10, 20.0),
    ]
    (a,) = asymmetry(sets)
    assert (a.left_reps, a.right_reps, a.index_pct) == (16, 10, -37.5)
