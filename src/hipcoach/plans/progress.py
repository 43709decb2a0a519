"""The next prescription from the plan and the logged sessions, with the reason in words.

Pain-monitoring model (Silbernagel 2007; Thomeé 1997): pain during at most 5/10, settled by the next
morning, not rising week to week. Breaking a rule steps back; a missing check-in holds; meeting every
rule for enough sessions steps up the double-progression ladder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hipcoach.catalog import Catalog
from hipcoach.plans.dose import Dose, SideName, step_down, step_up
from hipcoach.plans.programme import Plan
from hipcoach.plans.rules import Rules

Pain = Field(ge=0, le=10)


class ExerciseLog(BaseModel):
    """One exercise on one side in one session: what was prescribed and what was done."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: dt.date
    exercise_id: str
    side: SideName
    band: str | None = None
    target_sets: int = Field(ge=1, le=10)
    target_reps: int = Field(ge=1, le=100)
    reps_done: tuple[int, ...] = Field(min_length=0, max_length=10)
    pain_before: int = Pain
    pain_during: int = Pain
    pain_next_morning: int | None = Field(None, ge=0, le=10)
    effort: int | None = Field(None, ge=0, le=10)

    @model_validator(mode="after")
    def _reps_non_negative(self) -> ExerciseLog:
        if any(r < 0 or r > 100 for r in self.reps_done):
            raise ValueError("reps_done must be between 0 and 100 per set")
        return self

    @property
    def all_sets_done(self) -> bool:
        done = [r for r in self.reps_done if r >= self.target_reps]
        return len(done) >= self.target_sets


class Prescription(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    dose: Dose
    action: Literal["start", "progress", "hold", "regress"]
    reason: str


def next_prescription(
    plan: Plan, logs: Sequence[ExerciseLog], exercise_id: str, side: SideName, catalog: Catalog, rules: Rules
) -> Prescription:
    ex = catalog.exercise(exercise_id)
    history = sorted(
        (lg for lg in logs if lg.exercise_id == exercise_id and lg.side == side), key=lambda lg: lg.date
    )
    planned = plan.first_dose(exercise_id, side)
    if not history:
        if planned is None:
            raise ValueError(f"{exercise_id} ({side}) is not in this plan")
        return Prescription(dose=planned, action="start", reason=f"first session: {planned.describe()}")
    last = history[-1]
    template = planned or Dose(
        exercise_id=ex.id,
        side=side,
        sets=1,
        reps=1,
        hold_s=ex.dose.tempo.hold_s,
        rest_s=ex.dose.rest_s,
        unit=ex.dose.unit,
    )
    current = template.model_copy(
        update={"sets": last.target_sets, "reps": last.target_reps, "band": last.band}
    )
    when = last.date.isoformat()

    def back(why: str) -> Prescription:
        dose, step = step_down(current, ex, list(plan.bands), rules)
        return Prescription(dose=dose, action="regress", reason=f"{why}: {step}")

    def hold(why: str) -> Prescription:
        return Prescription(dose=current, action="hold", reason=f"{why}: stay at {current.describe()}")

    if last.pain_during > rules.max_pain_during:
        return back(
            f"pain {last.pain_during}/10 during the session on {when} is above {rules.max_pain_during}/10"
        )
    if last.pain_next_morning is None:
        return hold(f"no next-morning pain check-in for {when} yet; log it before progressing")
    if rules.morning_must_settle and last.pain_next_morning > last.pain_before:
        return back(
            f"pain had not settled the morning after {when} ({last.pain_next_morning}/10, "
            f"{last.pain_before}/10 before the session)"
        )
    rise = _weekly_rise(logs, last.date)
    if rise is not None and rise > rules.weekly_rise_allowed:
        return back(f"pain during exercise rose by {rise:.1f}/10 on average from last week")
    if not last.all_sets_done:
        done = sum(r >= last.target_reps for r in last.reps_done)
        return hold(f"{done} of {last.target_sets} sets reached {last.target_reps} {current.unit} on {when}")
    streak = _streak(history, rules)
    if streak < rules.sessions_to_progress:
        return hold(
            f"all sets done at {last.target_reps} {current.unit}, pain {last.pain_during}/10; "
            f"{rules.sessions_to_progress - streak} more session(s) like that before progressing"
        )
    dose, step = step_up(current, ex, list(plan.bands), rules)
    action = "progress" if dose != current else "hold"
    return Prescription(
        dose=dose,
        action=action,
        reason=(
            f"all sets done at {last.target_reps} {current.unit} in {streak} sessions, pain "
            f"{last.pain_during}/10 and settled next morning: {step}"
        ),
    )


def _ok(lg: ExerciseLog, rules: Rules) -> bool:
    settled = lg.pain_next_morning is not None and lg.pain_next_morning <= lg.pain_before
    return lg.all_sets_done and lg.pain_during <= rules.max_pain_during and settled


def _streak(history: list[ExerciseLog], rules: Rules) -> int:
    """Consecutive latest sessions at the same dose that met every rule."""
    last = history[-1]
    n = 0
    for lg in reversed(history):
        same = (lg.band, lg.target_sets, lg.target_reps) == (last.band, last.target_sets, last.target_reps)
        if not (same and _ok(lg, rules)):
            break
        n += 1
    return n


def _weekly_rise(logs: Sequence[ExerciseLog], day: dt.date) -> float | None:
    """Mean pain during this ISO week minus last week's, over all exercises; None without both."""
    this_week = day.isocalendar()[:2]
    prev_week = (day - dt.timedelta(weeks=1)).isocalendar()[:2]
    cur = [lg.pain_during for lg in logs if lg.date.isocalendar()[:2] == this_week and lg.date <= day]
    prev = [lg.pain_during for lg in logs if lg.date.isocalendar()[:2] == prev_week]
    if not cur or not prev:
        return None
    return sum(cur) / len(cur) - sum(prev) / len(prev)
