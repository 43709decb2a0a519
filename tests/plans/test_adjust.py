"""A coach's changes apply from their day on, leave earlier sessions as they were, and the progression
engine works from them: a swapped-in exercise starts at its dose, a changed dose is the new base."""

from __future__ import annotations

import pytest

from hipcoach.plans.adapt import adapt
from hipcoach.plans.adjust import Adjustment, AdjustmentError, apply, swap_options
from hipcoach.plans.programme import build_plan
from tests.plans.test_adapt import _do


def _sessions(plan):
    return [s for w in plan.weeks for s in w.sessions]


@pytest.fixture(scope="module")
def plan(catalog, rules, profile):
    return build_plan(profile, catalog, rules)


def _items(plan, day):
    session = next(s for s in _sessions(plan) if s.date == day)
    return [(i.exercise_id, i.dose.side) for i in session.items]


def test_a_swap_changes_the_sessions_from_its_day_and_not_before(catalog, rules, plan):
    first, second = _sessions(plan)[:2]
    swap = Adjustment(
        id=1, kind="swap", start=second.date, reason="clamshell irritates the hip", exercise_id="clamshell",
        new_exercise_id="side-lying-hip-abduction", sets=2, reps=8, hold_s=1.0, note="keep the pelvis still",
    )  # fmt: skip
    adjusted = apply(plan, [swap], catalog, rules)
    assert ("clamshell", "right") in _items(adjusted.plan, first.date)
    after = _items(adjusted.plan, second.date)
    assert ("clamshell", "right") not in after
    assert after[:2] == [("side-lying-hip-abduction", "right"), ("side-lying-hip-abduction", "left")]
    assert adjusted.changes_for(second.uid, "side-lying-hip-abduction", "left") == (swap,)
    assert adjusted.changes_for(first.uid, "clamshell", "left") == ()
    result = adapt(adjusted.plan, [], {}, catalog, rules, adjusted.baselines, adjusted.changes)
    item = result.session(second.uid).items[0]
    assert (item.exercise_id, item.dose.sets, item.dose.reps, item.dose.band) == (
        "side-lying-hip-abduction",
        2,
        8,
        None,
    )
    assert item.coach == (swap,)
    assert "set by your coach" in item.reason


def test_a_dose_change_is_the_base_the_engine_progresses_from(catalog, rules, plan):
    sessions = _sessions(plan)
    start = sessions[1].date
    change = Adjustment(
        id=1, kind="dose", start=start, reason="the yellow band is too easy", exercise_id="clamshell",
        side="left", sets=2, reps=12, hold_s=3.0, band="red",
    )  # fmt: skip
    adjusted = apply(plan, [change], catalog, rules)
    # the left clamshell done as the engine said in the first session, with no pain, settled next day
    before = adapt(plan, [], {}, catalog, rules).session(sessions[0].uid)
    left = next(a for a in before.items if (a.exercise_id, a.dose.side) == ("clamshell", "left"))
    sets = _do(left.dose, sessions[0].date, pain=1)
    checkins = {sessions[0].date: 0}
    result = adapt(adjusted.plan, sets, checkins, catalog, rules, adjusted.baselines, adjusted.changes)
    first_after = next(
        a
        for a in result.session(sessions[1].uid).items
        if (a.exercise_id, a.dose.side) == ("clamshell", "left")
    )
    assert (first_after.dose.sets, first_after.dose.reps, first_after.dose.band, first_after.dose.hold_s) == (
        2,
        12,
        "red",
        3.0,
    )
    # the right side is not changed; the first session is as it was
    right = next(
        a
        for a in result.session(sessions[1].uid).items
        if (a.exercise_id, a.dose.side) == ("clamshell", "right")
    )
    assert right.dose.band == "yellow"
    assert result.session(sessions[0].uid) == adapt(plan, sets, checkins, catalog, rules).session(
        sessions[0].uid
    )
    # done as set, twice within the rules: the engine steps up from the coach's dose, keeping its hold
    sets += _do(first_after.dose, sessions[1].date, pain=1)
    checkins[sessions[1].date] = 0
    sets += _do(first_after.dose, sessions[2].date, pain=1)
    checkins[sessions[2].date] = 0
    result = adapt(adjusted.plan, sets, checkins, catalog, rules, adjusted.baselines, adjusted.changes)
    later = next(
        a
        for a in result.session(sessions[3].uid).items
        if (a.exercise_id, a.dose.side) == ("clamshell", "left")
    )
    assert later.action == "progress"
    assert (later.dose.sets, later.dose.reps, later.dose.band, later.dose.hold_s) == (2, 14, "red", 3.0)


def test_pause_takes_the_exercise_out_and_resume_brings_it_back(catalog, rules, plan):
    s = _sessions(plan)
    pause = Adjustment(id=1, kind="pause", start=s[1].date, reason="flare", exercise_id="bilateral-bridge")
    adjusted = apply(plan, [pause], catalog, rules)
    assert ("bilateral-bridge", "both") in _items(adjusted.plan, s[0].date)
    assert ("bilateral-bridge", "both") not in _items(adjusted.plan, s[1].date)
    with pytest.raises(AdjustmentError, match="already paused"):
        apply(plan, [pause, Adjustment(**{**pause.__dict__, "id": 2})], catalog, rules)
    back = Adjustment(id=2, kind="resume", start=s[3].date, reason="settled", exercise_id="bilateral-bridge")
    adjusted = apply(plan, [pause, back], catalog, rules)
    assert ("bilateral-bridge", "both") not in _items(adjusted.plan, s[2].date)
    assert ("bilateral-bridge", "both") in _items(adjusted.plan, s[3].date)
    with pytest.raises(AdjustmentError, match="not paused"):
        apply(plan, [back], catalog, rules)


def test_sessions_per_week_changes_the_days_from_its_day(catalog, rules, plan, profile):
    s = _sessions(plan)
    change = Adjustment(id=1, kind="sessions", start=s[3].date, reason="busy block", sessions_per_week=2)
    adjusted = apply(plan, [change], catalog, rules, running=profile.running)
    new = _sessions(adjusted.plan)
    assert [x.uid for x in new[:3]] == [x.uid for x in s[:3]]
    later_weeks = adjusted.plan.weeks[2:]
    assert all(len(w.sessions) == 2 for w in later_weeks)
    with pytest.raises(AdjustmentError, match="runs is needed"):
        apply(plan, [change], catalog, rules)


def test_refusals(catalog, rules, plan):
    start = _sessions(plan)[1].date
    base = {"id": 1, "start": start, "reason": "r"}
    with pytest.raises(AdjustmentError, match="already has"):
        apply(plan, [Adjustment(kind="swap", exercise_id="clamshell", new_exercise_id="bilateral-bridge",
                                sets=2, reps=8, hold_s=0, **base)], catalog, rules)  # fmt: skip
    with pytest.raises(AdjustmentError, match="no squat"):
        apply(plan, [Adjustment(kind="note", exercise_id="squat", **base)], catalog, rules)
    with pytest.raises(AdjustmentError, match="without a band"):
        apply(plan, [Adjustment(kind="dose", exercise_id="bilateral-bridge", sets=2, reps=8, hold_s=0,
                                band="red", **base)], catalog, rules)  # fmt: skip
    with pytest.raises(AdjustmentError, match="Sets must be"):
        apply(plan, [Adjustment(kind="dose", exercise_id="clamshell", sets=9, reps=8, hold_s=0, **base)],
              catalog, rules)  # fmt: skip


def test_swap_options_offer_regressions_and_progressions_first(catalog):
    options = swap_options(catalog, "side-lying-hip-abduction", taken=["bilateral-bridge"])
    assert [(o.exercise_id, o.relation) for o in options[:2]] == [
        ("clamshell", "regression"),
        ("standing-band-hip-abduction", "progression"),
    ]
    rest = options[2:]
    assert rest and all(o.relation == "same aim" for o in rest)
    assert "bilateral-bridge" not in [o.exercise_id for o in options]
    assert "standing-band-hip-flexion" not in [o.exercise_id for o in options]  # hip flexors: another aim


def test_a_swap_across_laterality_makes_one_item_of_the_two_sides_and_back(catalog, rules, plan):
    """A one-sided exercise swapped for a two-legged one becomes one 'both legs' item, and back."""
    s = _sessions(plan)
    to_both = Adjustment(id=1, kind="swap", start=s[1].date, reason="simpler", exercise_id="clamshell",
                         new_exercise_id="squat", sets=2, reps=8, hold_s=0)  # fmt: skip
    adjusted = apply(plan, [to_both], catalog, rules)
    items = _items(adjusted.plan, s[1].date)
    assert ("squat", "both") in items and not any(ex == "clamshell" for ex, _ in items)
    assert len(items) == len(_items(plan, s[1].date)) - 1
    back = Adjustment(id=2, kind="swap", start=s[2].date, reason="ready", exercise_id="squat",
                      new_exercise_id="clamshell", sets=3, reps=10, hold_s=2, band="red")  # fmt: skip
    adjusted = apply(plan, [to_both, back], catalog, rules)
    # the painful side (the profile's right) first again, as the plan had it
    assert _items(adjusted.plan, s[2].date)[:2] == [("clamshell", "right"), ("clamshell", "left")]
    assert {(b.exercise_id, b.side, b.start) for b in adjusted.baselines} == {
        ("squat", "both", s[1].date),
        ("clamshell", "left", s[2].date),
        ("clamshell", "right", s[2].date),
    }
