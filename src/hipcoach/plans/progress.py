"""The next prescription from the plan and the logged sessions, with the reason in words.

Pain-monitoring model (Silbernagel 2007; Thomeé 1997): pain during at most 5/10, settled by the next
morning, not rising week to week. Breaking a rule steps back; a missing check-in holds; meeting every
rule for enough sessions steps up the double-progression ladder. Stepping back below the lightest dose
swaps to the catalogue's regression of the exercise (one that can be done on the same side), and the
regression hands back once it progresses: so the slot's exercise, like its dose, follows from the logs.

`next_prescription` is the one engine: the CLI's `hipcoach next` calls it on a log file, the web app
(plans/adapt.py) on what was logged before each session.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hipcoach.catalog import Catalog
from hipcoach.catalog.models import Exercise
from hipcoach.plans.dose import Dose, SideName, owned_ladder, step_down, step_up
from hipcoach.plans.programme import Plan
from hipcoach.plans.rules import Rules

Pain = Field(ge=0, le=10)
Action = Literal["start", "progress", "hold", "regress", "swap"]


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
    action: Action
    reason: str


class LogIndex:
    """Logs sorted once: each exercise and side's history in date order, and pain during by ISO week.
    Replaying a programme asks for a prescription per session and slot; filtering and sorting the
    whole history each time made that quadratic in the number of logs."""

    def __init__(self, logs: Sequence[ExerciseLog] = ()) -> None:
        self._slots: dict[tuple[str, str], list[ExerciseLog]] = defaultdict(list)
        self._weeks: dict[tuple[int, int], list[tuple[dt.date, int]]] = defaultdict(list)
        for lg in sorted(logs, key=lambda lg: lg.date):
            self.add(lg)

    def add(self, lg: ExerciseLog) -> None:
        """Append a log no older than those of its exercise and side already here."""
        slot = self._slots[(lg.exercise_id, lg.side)]
        if slot and slot[-1].date > lg.date:
            raise ValueError("logs must be added in date order")
        slot.append(lg)
        self._weeks[lg.date.isocalendar()[:2]].append((lg.date, lg.pain_during))

    def history(self, exercise_id: str, side: str) -> list[ExerciseLog]:
        return self._slots.get((exercise_id, side), [])

    def weekly_rise(self, day: dt.date) -> float | None:
        """Mean pain during this ISO week (up to `day`) minus last week's, over all exercises."""
        cur = [p for d, p in self._weeks.get(day.isocalendar()[:2], ()) if d <= day]
        prev = [p for _, p in self._weeks.get((day - dt.timedelta(weeks=1)).isocalendar()[:2], ())]
        if not cur or not prev:
            return None
        return sum(cur) / len(cur) - sum(prev) / len(prev)


def next_prescription(
    plan: Plan,
    logs: Sequence[ExerciseLog] | LogIndex,
    exercise_id: str,
    side: SideName,
    catalog: Catalog,
    rules: Rules,
) -> Prescription:
    """The dose for the plan's `exercise_id` on `side` after `logs`: possibly its regression instead."""
    index = logs if isinstance(logs, LogIndex) else LogIndex(logs)
    ex = catalog.exercise(exercise_id)
    easier = _regression(ex, side, plan, catalog)
    own = index.history(exercise_id, side)
    if easier is not None:
        swapped = index.history(easier.id, side)
        if own and swapped and swapped[-1].date > own[-1].date:
            return _on_regression(plan, index, ex, easier, side, own, catalog, rules)
    rx = _prescribe(plan, index, ex, side, rules)
    if rx.action == "regress" and easier is not None and own and rx.dose == _current(plan, ex, own[-1]):
        dose = _start_of(easier, side, plan, rules)
        floor = rx.reason.split(": already at the lightest dose")[0]
        return Prescription(
            dose=dose,
            action="swap",
            reason=f"{floor}; the {ex.name.lower()} is already at its lightest dose: switch to the "
            f"easier {easier.name.lower()}, {describe_dose(dose)}, until the pain settles",
        )
    return rx


def _on_regression(plan, index, ex, easier, side, own, catalog, rules) -> Prescription:
    """The slot is on its regression: follow it, and hand back when it would progress."""
    rx = _prescribe(plan, index, easier, side, rules)
    if rx.action != "progress":
        reason = f"on the {easier.name.lower()} instead of the {ex.name.lower()}: {rx.reason}"
        return rx.model_copy(update={"reason": reason})
    back = _current(plan, ex, own[-1]) if own else plan.first_dose(ex.id, side)
    return Prescription(
        dose=back,
        action="progress",
        reason=f"the {easier.name.lower()} went well ({rx.reason.split(':')[0]}): back to the "
        f"{ex.name.lower()}, {describe_dose(back)}",
    )


def _prescribe(plan: Plan, index: LogIndex, ex: Exercise, side: SideName, rules: Rules) -> Prescription:
    history = index.history(ex.id, side)
    planned = plan.first_dose(ex.id, side)
    if not history:
        if planned is None:
            raise ValueError(f"{ex.id} ({side}) is not in this plan")
        return Prescription(dose=planned, action="start", reason=f"first session: {describe_dose(planned)}")
    last = history[-1]
    current = _current(plan, ex, last)
    when = _day(last.date)

    def back(why: str) -> Prescription:
        dose, step = step_down(current, ex, list(plan.bands), rules)
        tail = f" ({describe_dose(dose)})" if dose != current else ""
        return Prescription(dose=dose, action="regress", reason=f"{why}: {step}{tail}")

    def hold(why: str) -> Prescription:
        return Prescription(dose=current, action="hold", reason=f"{why}: stay at {describe_dose(current)}")

    morning = last.pain_next_morning
    then = f" and {morning}/10 the next morning" if morning is not None else ""
    if last.pain_during > rules.max_pain_during:
        return back(
            f"pain {last.pain_during}/10 during the {ex.name.lower()} on {when} (the limit is "
            f"{rules.max_pain_during}/10){then}"
        )
    if morning is None:
        return hold(f"no next-morning pain check-in after {when} yet; log it before progressing")
    if rules.morning_must_settle and morning > last.pain_before:
        return back(
            f"pain had not settled the morning after the {ex.name.lower()} on {when} ({morning}/10, "
            f"{last.pain_before}/10 before the session)"
        )
    rise = index.weekly_rise(last.date)
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


def _current(plan: Plan, ex: Exercise, last: ExerciseLog) -> Dose:
    """The dose the last log was done at, in the plan's terms (hold and rest from the plan)."""
    template = plan.first_dose(ex.id, last.side) or Dose(
        exercise_id=ex.id,
        side=last.side,
        sets=1,
        reps=1,
        hold_s=ex.dose.tempo.hold_s,
        rest_s=ex.dose.rest_s,
        unit=ex.dose.unit,
    )
    return template.model_copy(update={"sets": last.target_sets, "reps": last.target_reps, "band": last.band})


def _regression(ex: Exercise, side: str, plan: Plan, catalog: Catalog) -> Exercise | None:
    """The first catalogue regression done on the same side(s) as this slot and not in the plan itself:
    a regression the plan also schedules has its own slot, and sharing its logs would count them twice."""
    for reg_id in ex.regressions:
        reg = catalog.exercise(reg_id)
        if (reg.laterality == "bilateral") == (side == "both") and plan.first_dose(reg_id, side) is None:
            return reg
    return None


def _start_of(ex: Exercise, side: SideName, plan: Plan, rules: Rules) -> Dose:
    """The regression's first dose: two sets at the bottom of its range on the lightest band owned."""
    owned = owned_ladder(list(plan.bands), rules)
    return Dose(
        exercise_id=ex.id,
        side=side,
        sets=min(2, ex.dose.sets),
        reps=ex.dose.reps_min,
        band=owned[0] if ex.load == "band" and owned else None,
        hold_s=ex.dose.tempo.hold_s,
        rest_s=ex.dose.rest_s,
        unit=ex.dose.unit,
    )


def describe_dose(dose: Dose) -> str:
    """'2 sets of 8 reps with the yellow band, holding 2 s'"""
    band = f" with the {dose.band} band" if dose.band else ""
    hold = f", holding {dose.hold_s:g} s" if dose.hold_s else ""
    sets = "1 set" if dose.sets == 1 else f"{dose.sets} sets"
    return f"{sets} of {dose.reps} {dose.unit}{band}{hold}"


def _day(day: dt.date) -> str:
    """'Thursday 3 Dec'"""
    return f"{day:%A} {day.day} {day:%b}"


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
