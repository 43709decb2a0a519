"""Movement quality from camera-counted sets, computed from their analyses' reps (no database needed)."""

from __future__ import annotations

import datetime as dt

from hipcoach.store.camera_logs import CountedSet, counted_per_side
from hipcoach.store.progress import movement_quality

MONDAY = dt.date.today() - dt.timedelta(days=dt.date.today().weekday() + 14)


def _rep(side, range_deg, hold_s, faults=0, not_measured=0, counted=True) -> dict:
    return {"side": side, "range_deg": range_deg, "hold_s": hold_s, "counted": counted,
            "faults": [{"code": "f"}] * faults, "not_measured": [{"code": "m"}] * not_measured}  # fmt: skip


def test_each_analysis_counts_once_per_week_and_side_and_partial_reps_are_left_out():
    reports = {
        1: {
            "reps": [
                _rep("left", 40.0, 2.0, faults=1),
                _rep("left", 50.0, 3.0),
                _rep("left", 5.0, 0.0, counted=False),
            ]
        },
        2: {"reps": [_rep("left", 60.0, 1.0)]},
    }
    sets = [
        CountedSet(MONDAY, "clamshell", "left", 1),
        CountedSet(MONDAY + dt.timedelta(days=2), "clamshell", "left", 1),  # a second set naming analysis 1
        CountedSet(MONDAY + dt.timedelta(days=8), "clamshell", "left", 2),
    ]
    first, second = movement_quality(sets, reports)
    assert (first.week_start, first.reps, first.range_deg, first.hold_s, first.fault_pct) == (
        MONDAY,
        2,
        45.0,
        2.5,
        50.0,
    )
    assert (second.week_start, second.reps, second.range_deg, second.fault_pct) == (
        MONDAY + dt.timedelta(days=7),
        1,
        60.0,
        0.0,
    )


def test_what_was_not_measured_stays_unknown():
    reports = {
        7: {"reps": [_rep("right", None, 1.5, not_measured=1), _rep("right", None, 0.5, not_measured=2)]}
    }
    [q] = movement_quality([CountedSet(MONDAY, "clamshell", "right", 7)], reports)
    assert (q.reps, q.range_deg, q.hold_s, q.fault_pct, q.judged_reps) == (2, None, 1.0, None, 0)
    [empty] = movement_quality([CountedSet(MONDAY, "clamshell", "both", 7)], reports)  # no reps on that side
    assert (empty.reps, empty.range_deg, empty.hold_s, empty.fault_pct) == (0, None, None, None)


def test_a_clip_counts_full_reps_per_side_with_their_mean_hold():
    report = {
        "reps": [_rep("left", 40.0, 2.0), _rep("left", 40.0, 3.0), _rep("right", 30.0, 1.0, counted=False)]
    }
    assert counted_per_side(report) == {"left": (2, 2.5)}
