"""Every session's doses adapted to what was logged before it: the stored plan replayed through the
progression engine (plans/progress.next_prescription), day by day.

The stored plan stays as made; this is derived from it and the logs, so the page, the API, the calendar
and the handout all show the same doses. Logged sets become `ExerciseLog`s: the target is the dose that
was prescribed that day, pain during is the worst set, the next-morning pain is the check-in filed under
the session's date (pages/checkins.py files it there), and pain before is the latest check-in before
that day (0 when there is none: the store has no separate "before" answer).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from hipcoach.catalog import Catalog
from hipcoach.plans.dose import Dose
from hipcoach.plans.programme import Item, Plan
from hipcoach.plans.progress import Action, ExerciseLog, LogIndex, Prescription, next_prescription
from hipcoach.plans.rules import Rules


class LoggedSetLike(Protocol):
    date: dt.date
    exercise_id: str
    side: str
    set_number: int
    reps: int
    band: str | None
    pain_during: int
    effort: int | None


@dataclass(frozen=True)
class AdaptedItem:
    """One exercise and side of a session: the plan's dose, the dose to do, and why."""

    slot: str  # the plan's exercise id; `dose.exercise_id` differs when swapped to a regression
    planned: Dose
    dose: Dose
    action: Action
    reason: str

    @property
    def exercise_id(self) -> str:
        return self.dose.exercise_id

    @property
    def changed(self) -> bool:
        return self.dose != self.planned


@dataclass(frozen=True)
class AdaptedSession:
    uid: str
    date: dt.date
    items: tuple[AdaptedItem, ...]


@dataclass(frozen=True)
class Adaptation:
    sessions: dict[str, AdaptedSession]
    logs: tuple[ExerciseLog, ...]  # the logged sets as the engine read them, in date order

    def session(self, uid: str) -> AdaptedSession | None:
        return self.sessions.get(uid)

    def logs_before(self, day: dt.date) -> list[ExerciseLog]:
        return [lg for lg in self.logs if lg.date < day]


def adapt(
    plan: Plan,
    sets: Iterable[LoggedSetLike],
    checkins: Mapping[dt.date, int],
    catalog: Catalog,
    rules: Rules,
) -> Adaptation:
    return _replay(plan, sets, checkins, catalog, rules, {}, [], None)


def resume(
    previous: Adaptation,
    day: dt.date,
    plan: Plan,
    sets: Iterable[LoggedSetLike],
    checkins: Mapping[dt.date, int],
    catalog: Catalog,
    rules: Rules,
) -> Adaptation:
    """`adapt` again after a change on or after `day`, given the sets from `day` on: everything before
    `day` is taken from `previous` (a session's doses depend only on earlier days' logs, and a log on
    only its own day's sets, its check-in and the latest one before it). A new set is nearly always
    today's, so this replays a day or two instead of twelve weeks."""
    kept = {uid: s for uid, s in previous.sessions.items() if s.date < day}
    return _replay(plan, sets, checkins, catalog, rules, kept, previous.logs_before(day), day)


def _replay(plan, sets, checkins, catalog, rules, adapted, logs, start: dt.date | None) -> Adaptation:
    groups: dict[dt.date, dict[tuple[str, str], list[LoggedSetLike]]] = defaultdict(lambda: defaultdict(list))
    for s in sets:
        groups[s.date][(s.exercise_id, s.side)].append(s)
    sessions = {s.date: s for w in plan.weeks for s in w.sessions}
    checkin_days = sorted(checkins)
    index = LogIndex(logs)
    # A prescription depends only on the logs so far, so until the next logged day the same slot gets
    # the same answer: sessions ahead of the last log (most of a programme) are worked out once.
    memo: dict[tuple[str, str], Prescription] = {}
    for day in sorted(d for d in {*groups, *sessions} if start is None or d >= start):
        prescribed: dict[tuple[str, str], Dose] = {}
        if day in sessions:
            items = tuple(_memo(memo, plan, index, it, catalog, rules) for it in sessions[day].items)
            adapted[sessions[day].uid] = AdaptedSession(uid=sessions[day].uid, date=day, items=items)
            prescribed = {(a.dose.exercise_id, a.dose.side): a.dose for a in items}
        todays = []
        for (ex_id, side), done in sorted(groups.get(day, {}).items()):
            target = prescribed.get((ex_id, side))
            target = target or _off_plan_target(plan, index, ex_id, side, catalog, rules)
            if target is not None:
                todays.append(_log(day, target, done, checkins, checkin_days))
        for lg in todays:  # after the day's targets: a day's logs count from the next session on
            index.add(lg)
        if todays:
            memo.clear()
        logs += todays
    order = sorted(adapted.values(), key=lambda s: s.date)
    return Adaptation(sessions={s.uid: s for s in order}, logs=tuple(logs))


def _memo(memo, plan, index, item: Item, catalog, rules) -> AdaptedItem:
    key = (item.exercise_id, item.dose.side)
    rx = memo.get(key)
    if rx is None:
        rx = memo[key] = next_prescription(plan, index, item.exercise_id, item.dose.side, catalog, rules)
    return AdaptedItem(
        slot=item.exercise_id, planned=item.dose, dose=rx.dose, action=rx.action, reason=rx.reason
    )


def _off_plan_target(plan, index, ex_id, side, catalog, rules) -> Dose | None:
    """The target of sets logged on a day without that exercise in a session: what the engine would
    have prescribed then (the plan's slot, or the slot it is the regression of); None for exercises
    this plan never asks for, which do not steer its doses."""
    if plan.first_dose(ex_id, side) is not None or index.history(ex_id, side):
        return _rx(plan, index, ex_id, side, catalog, rules).dose
    for slot in plan.exercise_ids():
        if ex_id in catalog.exercise(slot).regressions and plan.first_dose(slot, side) is not None:
            rx = _rx(plan, index, slot, side, catalog, rules)
            if rx.dose.exercise_id == ex_id:
                return rx.dose
    return None


def _rx(plan, index, ex_id, side, catalog, rules) -> Prescription:
    return next_prescription(plan, index, ex_id, side, catalog, rules)


def _log(day, target: Dose, done, checkins, checkin_days) -> ExerciseLog:
    done = sorted(done, key=lambda s: s.set_number)
    before = bisect_left(checkin_days, day)
    efforts = [s.effort for s in done if s.effort is not None]
    return ExerciseLog(
        date=day,
        exercise_id=target.exercise_id,
        side=target.side,
        band=done[-1].band,
        target_sets=target.sets,
        target_reps=target.reps,
        reps_done=tuple(min(100, s.reps) for s in done[:10]),
        pain_before=checkins[checkin_days[before - 1]] if before else 0,
        pain_during=max(s.pain_during for s in done),
        pain_next_morning=checkins.get(day),
        effort=max(efforts) if efforts else None,
    )


def adapted_plan(plan: Plan, adaptation: Adaptation, catalog: Catalog) -> Plan:
    """The plan with every session's doses as adapted, each item's `why` the reason: what the
    programme page, the calendar export and the handout show."""

    def items(session) -> tuple[Item, ...]:
        done = adaptation.session(session.uid)
        if done is None:
            return session.items
        return tuple(
            Item(
                exercise_id=a.exercise_id,
                name=catalog.exercise(a.exercise_id).name,
                dose=a.dose,
                why=a.reason,
            )
            for a in done.items
        )

    weeks = tuple(
        w.model_copy(update={"sessions": tuple(s.model_copy(update={"items": items(s)}) for s in w.sessions)})
        for w in plan.weeks
    )
    adapted = plan.model_copy(update={"weeks": weeks})
    adapted._first = None  # the copy's first doses are its own, not the stored plan's
    return adapted
