"""Property tests of the generated programme over many kinds of runner."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipcoach.plans.profile import WEEKDAYS, parse_profile
from hipcoach.plans.programme import ReferralNeeded, build_plan
from hipcoach.plans.red_flags import RED_FLAG_IDS
from tests.factories import profile_dict

BANDS = ["tan", "yellow", "red", "green", "blue", "black", "silver", "gold"]


@st.composite
def profiles(draw):
    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True))
    long_day = draw(st.none() | st.sampled_from(days))
    hard = draw(st.lists(st.sampled_from(days), unique=True, max_size=3))
    sites = draw(st.lists(st.sampled_from(["knee", "foot", "ankle", "shin", "hip", "back"]), unique=True))
    pain = {"sites": sites}
    if sites:
        pain |= {
            "side": draw(st.sampled_from(["left", "right", "both"])),
            "severity": draw(st.integers(0, 5)),
        }
    running = {"days": days, "hard_days": hard, "km_per_week": draw(st.floats(0, 150))}
    if long_day:
        running["long_run_day"] = long_day
    return parse_profile(
        profile_dict(
            start_date=dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 365))),
            weeks=draw(st.integers(4, 12)),
            sessions_per_week=draw(st.integers(2, 3)),
            pain=pain,
            running=running,
            strength={
                "experience": draw(st.sampled_from(["none", "some", "regular"])),
                "bands": draw(st.lists(st.sampled_from(BANDS), unique=True)),
            },
        )
    )


@settings(max_examples=150, deadline=None)
@given(profiles())
def test_programme_properties(catalog, rules, profile):
    plan = build_plan(profile, catalog, rules)
    assert len(plan.weeks) == profile.weeks
    key_days = {profile.running.long_run_day, *profile.running.hard_days} - {None}
    end = profile.start_date + dt.timedelta(weeks=profile.weeks)
    for week in plan.weeks:
        for session in week.sessions:
            assert profile.start_date <= session.date < end
            tomorrow = WEEKDAYS[(WEEKDAYS.index(session.weekday) + 1) % 7]
            assert tomorrow not in key_days, "strength the day before a long or hard run"
            by_exercise: dict[str, dict[str, int]] = {}
            for item in session.items:
                ex, dose = catalog.exercise(item.exercise_id), item.dose
                assert 1 <= dose.sets <= rules.max_sets
                assert ex.dose.reps_min <= dose.reps <= ex.dose.reps_max
                assert dose.band is None or dose.band in profile.strength.bands
                if ex.load == "band" and profile.strength.bands:
                    assert dose.band is not None
                assert item.why
                by_exercise.setdefault(ex.id, {})[dose.side] = dose.sets
            for ex_id, sides in by_exercise.items():
                if catalog.exercise(ex_id).laterality == "bilateral":
                    assert set(sides) == {"both"}
                else:
                    assert set(sides) == {"left", "right"}, "both sides prescribed"
                    other = {"left": "right", "right": "left"}
                    if profile.affected_side:
                        assert sides[profile.affected_side] >= sides[other[profile.affected_side]]
                    else:
                        assert sides["left"] == sides["right"]


@settings(max_examples=30, deadline=None)
@given(profiles())
def test_same_profile_same_plan(catalog, rules, profile):
    assert build_plan(profile, catalog, rules) == build_plan(profile, catalog, rules)


def test_weekly_plan_climbs_the_ladder(catalog, rules, profile):
    plan = build_plan(profile, catalog, rules)
    levels = [
        item.dose.level(rules.band_ladder)
        for week in plan.weeks
        for item in week.sessions[0].items
        if item.exercise_id == "clamshell" and item.dose.side == "left"
    ]
    assert levels == sorted(levels) and levels[0] < levels[-1]


def test_red_flag_gives_no_plan(catalog, rules):
    flags = {f: f == "night_or_rest_pain" for f in RED_FLAG_IDS}
    with pytest.raises(ReferralNeeded):
        build_plan(parse_profile(profile_dict(red_flags=flags)), catalog, rules)


def test_no_strength_before_key_runs(catalog, rules, profile):
    plan = build_plan(profile, catalog, rules)
    assert "wed" not in plan.strength_days and "sat" not in plan.strength_days
    assert any("day before a long or hard run" in n for n in plan.schedule_notes)
