"""The next prescription follows the pain-monitoring model and double progression."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from hipcoach.plans.programme import build_plan
from hipcoach.plans.progress import ExerciseLog, next_prescription


def _log(dose, day, done=None, before=1, during=2, morning=1):
    return ExerciseLog(
        date=day,
        exercise_id=dose.exercise_id,
        side=dose.side,
        band=dose.band,
        target_sets=dose.sets,
        target_reps=dose.reps,
        reps_done=tuple(done if done is not None else [dose.reps] * dose.sets),
        pain_before=before,
        pain_during=during,
        pain_next_morning=morning,
    )


def _run(plan, catalog, rules, exercise, side, sessions):
    """Follow the prescriptions for a list of (pain_during, morning, before) tuples, every set done."""
    logs, levels, day = [], [], plan.start_date
    for during, morning, before in sessions:
        rx = next_prescription(plan, logs, exercise, side, catalog, rules)
        levels.append(rx.dose.level(rules.band_ladder))
        logs.append(_log(rx.dose, day, before=before, during=during, morning=morning))
        day += dt.timedelta(days=2)
    return next_prescription(plan, logs, exercise, side, catalog, rules), levels


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["clamshell", "single-leg-bridge", "side-step", "standing-band-hip-flexion"]),
    st.sampled_from(["left", "right"]),
    st.integers(0, 5),
    st.integers(4, 30),
)
def test_load_never_drops_while_pain_stays_low(catalog, rules, profile, exercise, side, pain, n):
    plan = build_plan(profile, catalog, rules)
    final, levels = _run(plan, catalog, rules, exercise, side, [(pain, pain, pain)] * n)
    levels.append(final.dose.level(rules.band_ladder))
    assert levels == sorted(levels)
    assert levels[-1] > levels[0]
    assert final.action in ("progress", "hold")


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 8), st.integers(6, 10))
def test_pain_above_five_regresses(catalog, rules, profile, good_sessions, pain):
    plan = build_plan(profile, catalog, rules)
    logs, day = [], plan.start_date
    for _ in range(good_sessions):
        rx = next_prescription(plan, logs, "clamshell", "left", catalog, rules)
        logs.append(_log(rx.dose, day))
        day += dt.timedelta(days=2)
    current = next_prescription(plan, logs, "clamshell", "left", catalog, rules).dose
    logs.append(_log(current, day, during=pain))
    rx = next_prescription(plan, logs, "clamshell", "left", catalog, rules)
    assert rx.action == "regress"
    assert f"pain {pain}/10" in rx.reason
    assert rx.dose.level(rules.band_ladder) < current.level(rules.band_ladder)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 4), st.integers(1, 6))
def test_next_morning_pain_blocks_progression(catalog, rules, profile, before, extra):
    plan = build_plan(profile, catalog, rules)
    dose = plan.first_dose("clamshell", "right")
    ok = _log(dose, plan.start_date, before=before, during=before, morning=before)
    flare = _log(
        dose, plan.start_date + dt.timedelta(days=2), before=before, during=before, morning=before + extra
    )
    rx = next_prescription(plan, [ok, flare], "clamshell", "right", catalog, rules)
    assert rx.action == "regress" and "not settled" in rx.reason
    unchecked = flare.model_copy(update={"pain_next_morning": None})
    rx = next_prescription(plan, [ok, unchecked], "clamshell", "right", catalog, rules)
    assert rx.action == "hold" and "check-in" in rx.reason


def test_double_progression_moves_to_next_band_at_top_of_range(catalog, rules, profile):
    plan = build_plan(profile, catalog, rules)
    top = plan.first_dose("clamshell", "left").model_copy(update={"reps": 15, "band": "yellow"})
    logs = [_log(top, plan.start_date), _log(top, plan.start_date + dt.timedelta(days=2))]
    rx = next_prescription(plan, logs, "clamshell", "left", catalog, rules)
    assert (rx.action, rx.dose.band, rx.dose.reps) == ("progress", "red", 10)
    assert (
        "all sets done at 15 reps" in rx.reason and "pain 2/10" in rx.reason and "next band: red" in rx.reason
    )


def test_missed_reps_hold_the_dose(catalog, rules, profile):
    plan = build_plan(profile, catalog, rules)
    dose = plan.first_dose("clamshell", "left")
    rx = next_prescription(
        plan, [_log(dose, plan.start_date, done=[10, 10, 7])], "clamshell", "left", catalog, rules
    )
    assert rx.action == "hold" and rx.dose == dose and "2 of 3 sets" in rx.reason


def test_pain_rising_week_to_week_regresses(catalog, rules, profile):
    plan = build_plan(profile, catalog, rules)
    dose = plan.first_dose("clamshell", "left")
    monday = plan.start_date
    logs = [
        _log(dose, monday, before=1, during=1, morning=1),
        _log(dose, monday + dt.timedelta(days=7), before=3, during=3, morning=3),
    ]
    rx = next_prescription(plan, logs, "clamshell", "left", catalog, rules)
    assert rx.action == "regress" and "rose" in rx.reason


def test_first_session_starts_from_the_plan(catalog, rules, profile):
    plan = build_plan(profile, catalog, rules)
    rx = next_prescription(plan, [], "side-step", "left", catalog, rules)
    assert rx.action == "start" and rx.dose == plan.first_dose("side-step", "left")
