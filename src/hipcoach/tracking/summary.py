"""Progress figures from a plan and what was logged: pure functions on plain records.

- adherence: per programme week, sessions and sets done against those planned up to today;
- window adherence: sets done against those planned for the sessions due in a window of days
  (the coach's dashboard looks back over the same days as its pain flags);
- pain trend: per day, mean and worst pain during sets, and the next-morning check-in;
- dose per side: per week, exercise and side, sets, reps and seconds held;
- asymmetry: per exercise, reps on each side and the left/right asymmetry index
  100 * (right - left) / max(left, right), positive when the right side did more.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from pydantic import BaseModel, computed_field

from hipcoach.plans.programme import Plan, Session


class LoggedSet(NamedTuple):
    """One logged set as the figures need it; a plain tuple, as a runner's history runs to hundreds."""

    date: dt.date
    exercise_id: str
    side: str
    reps: int
    hold_s: float
    pain_during: int


class WeekAdherence(BaseModel):
    week: int
    phase: str
    planned_sessions: int
    done_sessions: int
    planned_sets: int
    done_sets: int


class DayPain(BaseModel):
    date: dt.date
    mean_during: float | None
    worst_during: int | None
    next_morning: int | None


class SideDose(BaseModel):
    week_start: dt.date
    exercise_id: str
    side: str
    sets: int
    reps: int
    hold_s: float


class Asymmetry(BaseModel):
    exercise_id: str
    left_reps: int
    right_reps: int
    index_pct: float | None


class SetsAgainstPlan(BaseModel):
    """Sets done against sets planned over some days; `percent` is None when nothing was due."""

    planned_sets: int
    done_sets: int

    @computed_field
    @property
    def percent(self) -> int | None:
        return round(100 * self.done_sets / self.planned_sets) if self.planned_sets else None


_Slots = dict[tuple[dt.date, str, str], int]


def _per_slot(sets: Iterable[LoggedSet]) -> _Slots:
    """Sets logged per (day, exercise, side): a plan's item is matched by these, not by programme id."""
    per_slot: _Slots = defaultdict(int)
    for s in sets:
        per_slot[(s.date, s.exercise_id, s.side)] += 1
    return per_slot


def _session_sets(session: Session, per_slot: _Slots) -> tuple[int, int]:
    """(planned, done) sets of one session; extra sets in a slot do not count past the plan."""
    planned = sum(item.dose.sets for item in session.items)
    done = sum(
        min(per_slot[(session.date, item.exercise_id, item.dose.side)], item.dose.sets)
        for item in session.items
    )
    return planned, done


def adherence(plan: Plan, sets: Iterable[LoggedSet], today: dt.date) -> list[WeekAdherence]:
    per_slot = _per_slot(sets)
    weeks = []
    for week in plan.weeks:
        due = [session for session in week.sessions if session.date <= today]
        done_sessions = planned_sets = done_sets = 0
        for session in due:
            planned_here, done_here = _session_sets(session, per_slot)
            planned_sets += planned_here
            done_sets += done_here
            done_sessions += done_here > 0
        weeks.append(
            WeekAdherence(
                week=week.number,
                phase=week.phase,
                planned_sessions=len(due),
                done_sessions=done_sessions,
                planned_sets=planned_sets,
                done_sets=done_sets,
            )
        )
    return weeks


def window_adherence(
    plan: Plan, sets: Iterable[LoggedSet], since: dt.date, today: dt.date
) -> SetsAgainstPlan:
    """Sets done against planned for the sessions dated from `since` to `today`, both included."""
    return slot_adherence(plan, _per_slot(sets), since, today)


def slot_adherence(plan: Plan, per_slot: _Slots, since: dt.date, today: dt.date) -> SetsAgainstPlan:
    """window_adherence from sets already counted per (day, exercise, side): the coach's dashboard
    reads the counts from the database (GROUP BY) rather than every set of 50 athletes."""
    planned = done = 0
    for session in (s for week in plan.weeks for s in week.sessions if since <= s.date <= today):
        planned_here, done_here = _session_sets(session, per_slot)
        planned, done = planned + planned_here, done + done_here
    return SetsAgainstPlan(planned_sets=planned, done_sets=done)


def pain_trend(sets: Iterable[LoggedSet], morning: dict[dt.date, int]) -> list[DayPain]:
    during: dict[dt.date, list[int]] = defaultdict(list)
    for s in sets:
        during[s.date].append(s.pain_during)
    days = sorted(set(during) | set(morning))
    return [
        DayPain(
            date=day,
            mean_during=round(sum(during[day]) / len(during[day]), 2) if during[day] else None,
            worst_during=max(during[day]) if during[day] else None,
            next_morning=morning.get(day),
        )
        for day in days
    ]


def dose_per_side(sets: Iterable[LoggedSet]) -> list[SideDose]:
    totals: dict[tuple[dt.date, str, str], list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for s in sets:
        week_start = s.date - dt.timedelta(days=s.date.weekday())
        t = totals[(week_start, s.exercise_id, s.side)]
        t[0] += 1
        t[1] += s.reps
        t[2] += s.hold_s * s.reps
    return [
        SideDose(week_start=k[0], exercise_id=k[1], side=k[2], sets=int(v[0]), reps=int(v[1]), hold_s=v[2])
        for k, v in sorted(totals.items())
    ]


def asymmetry(sets: Iterable[LoggedSet]) -> list[Asymmetry]:
    reps: dict[str, dict[str, int]] = defaultdict(lambda: {"left": 0, "right": 0})
    for s in sets:
        if s.side in ("left", "right"):
            reps[s.exercise_id][s.side] += s.reps
    out = []
    for exercise_id, r in sorted(reps.items()):
        top = max(r["left"], r["right"])
        index = round(100 * (r["right"] - r["left"]) / top, 1) if top else None
        out.append(
            Asymmetry(exercise_id=exercise_id, left_reps=r["left"], right_reps=r["right"], index_pct=index)
        )
    return out
