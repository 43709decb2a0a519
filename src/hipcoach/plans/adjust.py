"""A coach's changes to a runner's programme, applied to the stored plan from each change's day on.

The stored plan stays as made (like the logs, it is a record); the coach's changes are kept beside it
(store/adjustments.py) and applied here each time the plan is read, so one engine (plans/adapt.py)
works from the adjusted plan for the programme page, the session cards, the API and the exports.
A change never touches a session before its day, so the past reads as it was done.

Kinds of change, each from a day on, with a required reason and an optional note for the runner:
- swap: an exercise for another (both sides, or the one "both legs" slot), starting at its new dose;
- dose: an exercise's sets, reps, hold and band on one side or every side;
- pause / resume: take an exercise out of the sessions, and put it back;
- note: only a note on the exercise's card;
- sessions: the strength sessions per week, fitted around the runner's runs (plans/schedule.py).

A swap and a dose change restart the slot at the coach's dose (an adapt.Baseline): the engine then
progresses or steps back from there, on the logs from that day on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from hipcoach.catalog import Catalog
from hipcoach.catalog.models import Exercise
from hipcoach.plans.adapt import Baseline
from hipcoach.plans.dose import Dose, owned_ladder
from hipcoach.plans.profile import WEEKDAYS, Running
from hipcoach.plans.programme import Item, Plan, Session
from hipcoach.plans.rules import Rules
from hipcoach.plans.schedule import choose_days

Kind = Literal["swap", "dose", "pause", "resume", "note", "sessions"]
KINDS: tuple[str, ...] = ("swap", "dose", "pause", "resume", "note", "sessions")
MAX_SETS, MAX_REPS, MAX_HOLD_S = 6, 50, 120
SESSIONS_RANGE = (1, 4)


class AdjustmentError(ValueError):
    """The change does not fit the programme as it stands on its day (e.g. pausing a paused exercise)."""


@dataclass(frozen=True)
class Adjustment:
    """One change as kept: what, from which day, why, and who made it when."""

    id: int
    kind: Kind
    start: dt.date
    reason: str
    exercise_id: str | None = None
    side: str | None = None  # None: every side the exercise is done on
    new_exercise_id: str | None = None
    sets: int | None = None
    reps: int | None = None
    hold_s: float | None = None
    band: str | None = None
    sessions_per_week: int | None = None
    note: str = ""
    coach: str = ""  # the coach's name as it was when the change was made
    made_at: dt.datetime | None = None
    words: str = ""  # summary() as kept for the pages (store/adjustments.as_adjustment fills it in)

    def summary(self, catalog: Catalog) -> str:
        """The change in words, for the runner's card and the coach's history."""
        name = catalog.exercise(self.exercise_id).name if self.exercise_id else ""
        side = f" ({_side_words(self.side)})" if self.side else ""
        if self.kind == "swap":
            return f"{name} swapped for {catalog.exercise(self.new_exercise_id).name.lower()}"
        if self.kind == "dose":
            return f"{name}{side}: {self.dose_words()}"
        if self.kind == "pause":
            return f"{name}{side} paused"
        if self.kind == "resume":
            return f"{name}{side} back in the sessions"
        if self.kind == "note":
            return f"Note on {name.lower()}{side}"
        return f"{self.sessions_per_week} strength session{'s' if self.sessions_per_week != 1 else ''} a week"

    def dose_words(self) -> str:
        band = f", {self.band} band" if self.band else ", no band"
        hold = f", hold {self.hold_s:g} s" if self.hold_s else ""
        return f"{self.sets} x {self.reps}{band}{hold}"


@dataclass(frozen=True)
class AdjustedPlan:
    """The plan with the changes applied; what the engine needs to start slots again at the coach's
    doses; and, per item of each session, the changes that made it what it is."""

    plan: Plan
    baselines: tuple[Baseline, ...] = ()
    changes: dict[tuple[str, str, str], tuple[Adjustment, ...]] = field(default_factory=dict)
    paused: dict[tuple[str, str], Adjustment] = field(default_factory=dict)  # paused at the plan's end

    def changes_for(self, uid: str, exercise_id: str, side: str) -> tuple[Adjustment, ...]:
        return self.changes.get((uid, exercise_id, side), ())


@dataclass
class _Row:
    """One item of one session while the changes are applied (paused rows stay, to be resumed)."""

    exercise_id: str
    dose: Dose
    why: str
    paused: bool = False
    changes: list[Adjustment] = field(default_factory=list)


@dataclass
class _Day:
    session: Session
    rows: list[_Row]


def apply(
    plan: Plan,
    adjustments: Sequence[Adjustment],
    catalog: Catalog,
    rules: Rules,
    running: Running | None = None,
) -> AdjustedPlan:
    """`plan` with `adjustments` applied, each from its day: first the changes to the sessions per week
    (they decide which days there are), then the others in the order they were made. `running` (the
    runner's week, from the programme's profile) is needed only for a change of sessions per week.
    Raises AdjustmentError when a change does not fit what the plan holds on its day."""
    if not adjustments:
        return AdjustedPlan(plan=plan)
    ordered = sorted(adjustments, key=lambda a: a.id)
    weeks = [
        [_Day(s, [_Row(i.exercise_id, i.dose, i.why) for i in s.items]) for s in w.sessions]
        for w in plan.weeks
    ]
    days, notes = plan.strength_days, plan.schedule_notes
    for adj in (a for a in ordered if a.kind == "sessions"):
        if running is None:
            raise AdjustmentError("The runner's week of runs is needed to change the sessions per week.")
        days, notes = _reschedule(plan, weeks, adj, running)
    baselines: list[Baseline] = []
    for adj in (a for a in ordered if a.kind != "sessions"):
        baselines += _apply_one(plan, weeks, adj, catalog, rules)
    return _build(plan, weeks, days, notes, baselines, catalog)


def _apply_one(plan: Plan, weeks, adj: Adjustment, catalog: Catalog, rules: Rules) -> list[Baseline]:
    ahead = [d for w in weeks for d in w if d.session.date >= adj.start]
    ex = catalog.exercise(adj.exercise_id)
    rows = [r for d in ahead for r in d.rows if r.exercise_id == ex.id and (adj.side in (None, r.dose.side))]
    if not rows:
        raise AdjustmentError(
            f"The programme has no {ex.name.lower()}{_on_side(adj.side)} from {adj.start:%d %b %Y} on."
        )
    if adj.kind == "pause":
        live = [r for r in rows if not r.paused]
        if not live:
            raise AdjustmentError(f"The {ex.name.lower()}{_on_side(adj.side)} is already paused.")
        for r in live:
            r.paused = True
            r.changes.append(adj)
        return []
    if adj.kind == "resume":
        held = [r for r in rows if r.paused]
        if not held:
            raise AdjustmentError(f"The {ex.name.lower()}{_on_side(adj.side)} is not paused.")
        for r in held:
            r.paused = False
            r.changes.append(adj)
        return []
    if adj.kind == "note":
        for r in rows:
            r.changes.append(adj)
        return []
    why = f"set by your coach on {adj.start:%d %b}"
    if adj.kind == "dose":
        _check_dose(adj, ex)
        dose_fields = {"sets": adj.sets, "reps": adj.reps, "hold_s": adj.hold_s, "band": adj.band}
        keys = set()
        for r in rows:
            r.dose = r.dose.model_copy(update=dose_fields)
            r.why, r.changes = f"{why}: {adj.reason}", [*r.changes, adj]
            keys.add(r.dose.side)
        return [Baseline(ex.id, side, adj.start, _first_dose(rows, side), why) for side in sorted(keys)]
    return _swap(plan, ahead, ex, adj, catalog, rules, why)


def _swap(
    plan: Plan, ahead: list[_Day], ex: Exercise, adj: Adjustment, catalog, rules, why
) -> list[Baseline]:
    new = catalog.exercise(adj.new_exercise_id)
    if new.id == ex.id:
        raise AdjustmentError(f"That is the {ex.name.lower()} already.")
    if adj.side is not None:
        raise AdjustmentError("A swap changes the exercise on every side; leave the side out.")
    if any(r.exercise_id == new.id for d in ahead for r in d.rows):
        raise AdjustmentError(
            f"The programme already has the {new.name.lower()} then; change its dose or pause the "
            f"{ex.name.lower()} instead."
        )
    _check_dose(adj, new)
    sides = ("both",) if new.laterality == "bilateral" else ("left", "right")
    emphasis = plan.affected_side or plan.weaker_side
    made: dict[str, Dose] = {}
    for d in ahead:
        out, done = [], False
        for r in d.rows:
            if r.exercise_id != ex.id:
                out.append(r)
                continue
            if done:  # the other side of the old exercise: the new one's rows are in already
                continue
            first = r.dose.side if r.dose.side != "both" else emphasis  # the emphasised side first
            order = sides if len(sides) == 1 or first != "right" else ("right", "left")
            for side in order:
                dose = swap_dose(new, side, adj, rules)
                made.setdefault(side, dose)
                out.append(_Row(new.id, dose, f"{why}: {adj.reason}", r.paused, [*r.changes, adj]))
            done = True
        d.rows = out
    return [Baseline(new.id, side, adj.start, dose, why) for side, dose in sorted(made.items())]


def swap_dose(new: Exercise, side: str, adj: Adjustment, rules: Rules) -> Dose:
    """The dose of a swapped-in exercise: the coach's sets, reps, hold and band (store/adjustments.py
    fills in what the coach left out from `default_swap_dose`)."""
    return Dose(
        exercise_id=new.id, side=side, sets=adj.sets or new.dose.sets, reps=adj.reps or new.dose.reps_min,
        band=adj.band if new.load == "band" else None,
        hold_s=new.dose.tempo.hold_s if adj.hold_s is None else adj.hold_s, rest_s=new.dose.rest_s,
        unit=new.dose.unit,
    )  # fmt: skip


def default_swap_dose(new: Exercise, plan: Plan, rules: Rules) -> dict:
    """What a swapped-in exercise starts at when the coach gives no dose: the catalogue's sets at the
    bottom of its rep range, on the lightest band the runner owns (a fresh start, as for a new
    exercise in the plan)."""
    owned = owned_ladder(list(plan.bands), rules)
    band = owned[0] if new.load == "band" and owned else None
    return {"sets": new.dose.sets, "reps": new.dose.reps_min, "hold_s": new.dose.tempo.hold_s, "band": band}


def _check_dose(adj: Adjustment, ex: Exercise) -> None:
    if adj.sets is None or adj.reps is None or adj.hold_s is None:
        raise AdjustmentError("A dose needs sets, reps and a hold (0 for none).")
    if not 1 <= adj.sets <= MAX_SETS:
        raise AdjustmentError(f"Sets must be 1 to {MAX_SETS}.")
    if not 1 <= adj.reps <= MAX_REPS:
        raise AdjustmentError(f"Reps must be 1 to {MAX_REPS}.")
    if not 0 <= adj.hold_s <= MAX_HOLD_S:
        raise AdjustmentError(f"The hold must be 0 to {MAX_HOLD_S} s.")
    if adj.band and ex.load != "band":
        raise AdjustmentError(f"The {ex.name.lower()} is done without a band.")


def _first_dose(rows: list[_Row], side: str) -> Dose:
    return next(r.dose for r in rows if r.dose.side == side)


def _reschedule(plan: Plan, weeks, adj: Adjustment, running: Running):
    """From the change's day on, the sessions on the days the schedule picks for the new number a
    week; each new session does what its week's sessions do in the stored plan."""
    low, high = SESSIONS_RANGE
    if adj.sessions_per_week is None or not low <= adj.sessions_per_week <= high:
        raise AdjustmentError(f"Sessions per week must be {low} to {high}.")
    schedule = choose_days(running, adj.sessions_per_week)
    monday = plan.start_date - dt.timedelta(days=plan.start_date.weekday())
    for number in range(1, len(plan.weeks) + 1):
        template = _template(plan, number - 1)
        kept = [d for d in weeks[number - 1] if d.session.date < adj.start]
        for day in schedule.days:
            date = monday + dt.timedelta(weeks=number - 1, days=WEEKDAYS.index(day))
            if date < adj.start or date < plan.start_date:
                continue
            session = Session(
                uid=f"{plan.plan_id}-w{number}-{day}@hipcoach", date=date, weekday=day,
                run_that_day=schedule.kinds[day], items=template,
            )  # fmt: skip
            kept.append(_Day(session, [_Row(i.exercise_id, i.dose, i.why) for i in template]))
        weeks[number - 1] = sorted(kept, key=lambda d: d.session.date)
    note = f"From {adj.start:%d %b %Y}: {adj.sessions_per_week} a week, set by your coach ({adj.reason})."
    return schedule.days, (*schedule.notes, note)


def _template(plan: Plan, index: int) -> tuple[Item, ...]:
    """The items of the stored plan's week `index`, or of the nearest week with sessions."""
    order = sorted(range(len(plan.weeks)), key=lambda i: (abs(i - index), i < index))
    for i in order:
        if plan.weeks[i].sessions:
            return plan.weeks[i].sessions[0].items
    return ()


def _build(plan: Plan, weeks, days, notes, baselines, catalog: Catalog) -> AdjustedPlan:
    changes: dict[tuple[str, str, str], tuple[Adjustment, ...]] = {}
    paused: dict[tuple[str, str], Adjustment] = {}
    out_weeks = []
    for week, dayrows in zip(plan.weeks, weeks, strict=True):
        sessions = []
        for d in dayrows:
            items = []
            for r in d.rows:
                if r.paused:
                    paused[(r.exercise_id, r.dose.side)] = r.changes[-1]
                    continue
                paused.pop((r.exercise_id, r.dose.side), None)
                name = catalog.exercise(r.exercise_id).name
                items.append(Item(exercise_id=r.exercise_id, name=name, dose=r.dose, why=r.why))
                if r.changes:
                    changes[(d.session.uid, r.exercise_id, r.dose.side)] = tuple(r.changes)
            sessions.append(d.session.model_copy(update={"items": tuple(items)}))
        out_weeks.append(week.model_copy(update={"sessions": tuple(sessions)}))
    adjusted = plan.model_copy(
        update={"weeks": tuple(out_weeks), "strength_days": tuple(days), "schedule_notes": tuple(notes)}
    )
    adjusted._first = None  # its own first doses, not the stored plan's
    return AdjustedPlan(plan=adjusted, baselines=tuple(baselines), changes=changes, paused=paused)


@dataclass(frozen=True)
class SwapOption:
    exercise_id: str
    name: str
    relation: Literal["regression", "progression", "same aim"]
    why: str


def swap_options(catalog: Catalog, exercise_id: str, taken: Sequence[str] = ()) -> list[SwapOption]:
    """What the exercise may be swapped for: its catalogue regressions (easier) and progressions
    (harder) first, then the other exercises for the same aim (they work its main muscle, the first
    it targets), those sharing the most of its muscles first. `taken` (exercises already in the
    sessions then) are left out: a session has each exercise once."""
    ex = catalog.exercise(exercise_id)
    out: list[SwapOption] = []
    seen = {ex.id, *taken}
    for relation, ids in (("regression", ex.regressions), ("progression", ex.progressions)):
        for i in ids:
            if i not in seen:
                seen.add(i)
                step = "easier" if relation == "regression" else "harder"
                out.append(SwapOption(i, catalog.exercise(i).name, relation, f"the catalogue's {step} step"))
    aims = _aims(ex)
    others = []
    for other in catalog.exercises.values():
        theirs = _aims(other)
        if other.id in seen or aims[0] not in theirs:
            continue
        shared = [m for m in theirs if m in aims]
        others.append((-len(shared), other, shared))
    for _, other, shared in sorted(others, key=lambda o: o[0]):
        out.append(SwapOption(other.id, other.name, "same aim", "also works the " + ", ".join(shared)))
    return out


def _aims(ex: Exercise) -> list[str]:
    """The muscles an exercise trains, main one first, without qualifiers ('gluteus medius (posterior
    fibres)' is the gluteus medius). A muscle only holding the body still ('gluteus medius of the
    standing leg') is not what the exercise is for, so it is left out."""
    out: list[str] = []
    for m in ex.target_muscles:
        if " of the " in m:
            continue
        core = m.split(" (")[0].strip()
        if core not in out:
            out.append(core)
    return out or [ex.target_muscles[0]]


def _side_words(side: str | None) -> str:
    return {"both": "both legs", "left": "left side", "right": "right side"}.get(side or "", "every side")


def _on_side(side: str | None) -> str:
    return f" on the {_side_words(side)}" if side in ("left", "right") else ""
