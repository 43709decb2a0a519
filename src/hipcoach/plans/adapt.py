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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from hipcoach.catalog import Catalog
from hipcoach.plans.dose import Dose
from hipcoach.plans.programme import Item, Plan
from hipcoach.plans.progress import (
    Action,
    ExerciseLog,
    LogIndex,
    Prescription,
    describe_dose,
    next_prescription,
)
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
    coach: tuple[Any, ...] = ()  # the coach's changes to this item (plans/adjust.Adjustment), oldest first

    @property
    def exercise_id(self) -> str:
        return self.dose.exercise_id

    @property
    def changed(self) -> bool:
        return self.dose != self.planned


@dataclass(frozen=True)
class Baseline:
    """A coach set this exercise and side to `dose` from `start` on (plans/adjust.py): from that day the
    engine starts the slot again at that dose, as if it were its first, and reads only the logs from
    `start` on, so the progression works from the coach's dose rather than from before the change."""

    exercise_id: str
    side: str
    start: dt.date
    dose: Dose
    why: str


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
    baselines: Sequence[Baseline] = (),
    changes: Mapping[tuple[str, str, str], tuple] | None = None,
) -> Adaptation:
    """Every session of `plan` adapted to the logs. `baselines` restart slots at a coach's dose;
    `changes` ((session uid, exercise id, side) -> the coach's changes) are carried to the items."""
    return _replay(plan, sets, checkins, catalog, rules, {}, [], None, baselines, changes or {})


def resume(
    previous: Adaptation,
    day: dt.date,
    plan: Plan,
    sets: Iterable[LoggedSetLike],
    checkins: Mapping[dt.date, int],
    catalog: Catalog,
    rules: Rules,
    baselines: Sequence[Baseline] = (),
    changes: Mapping[tuple[str, str, str], tuple] | None = None,
) -> Adaptation:
    """`adapt` again after a change on or after `day`, given the sets from `day` on: everything before
    `day` is taken from `previous` (a session's doses depend only on earlier days' logs, and a log on
    only its own day's sets, its check-in and the latest one before it). A new set is nearly always
    today's, so this replays a day or two instead of twelve weeks."""
    kept = {uid: s for uid, s in previous.sessions.items() if s.date < day}
    logs = previous.logs_before(day)
    return _replay(plan, sets, checkins, catalog, rules, kept, logs, day, baselines, changes or {})


def _replay(
    plan, sets, checkins, catalog, rules, adapted, logs, start: dt.date | None, baselines=(), changes=None
) -> Adaptation:
    changes = changes or {}
    groups: dict[dt.date, dict[tuple[str, str], list[LoggedSetLike]]] = defaultdict(lambda: defaultdict(list))
    for s in sets:
        groups[s.date][(s.exercise_id, s.side)].append(s)
    sessions = {s.date: s for w in plan.weeks for s in w.sessions}
    checkin_days = sorted(checkins)
    index = LogIndex(logs)
    # A prescription depends only on the logs so far, so until the next logged day the same slot gets
    # the same answer: sessions ahead of the last log (most of a programme) are worked out once.
    memo: dict[tuple[str, str], Prescription] = {}
    views = _Views(plan, index, baselines)
    for day in sorted(d for d in {*groups, *sessions} if start is None or d >= start):
        prescribed: dict[tuple[str, str], Dose] = {}
        now_plan, now_index, active = views.on(day, memo)
        if day in sessions:
            uid = sessions[day].uid
            items = tuple(
                _memo(
                    memo, now_plan, now_index, it, catalog, rules, active, changes.get((uid, *_key(it)), ())
                )
                for it in sessions[day].items
            )
            adapted[sessions[day].uid] = AdaptedSession(uid=sessions[day].uid, date=day, items=items)
            prescribed = {(a.dose.exercise_id, a.dose.side): a.dose for a in items}
        todays = []
        for (ex_id, side), done in sorted(groups.get(day, {}).items()):
            target = prescribed.get((ex_id, side))
            target = target or _off_plan_target(now_plan, now_index, ex_id, side, catalog, rules)
            if target is not None:
                todays.append(_log(day, target, done, checkins, checkin_days))
        for lg in todays:  # after the day's targets: a day's logs count from the next session on
            index.add(lg)
        if todays:
            memo.clear()
        logs += todays
    order = sorted(adapted.values(), key=lambda s: s.date)
    return Adaptation(sessions={s.uid: s for s in order}, logs=tuple(logs))


def _key(item: Item) -> tuple[str, str]:
    return (item.exercise_id, item.dose.side)


def _memo(memo, plan, index, item: Item, catalog, rules, active, coach=()) -> AdaptedItem:
    key = _key(item)
    rx = memo.get(key)
    if rx is None:
        rx = next_prescription(plan, index, item.exercise_id, item.dose.side, catalog, rules)
        base = active.get(key)
        if base is not None and rx.action == "start":  # nothing logged since the coach's change
            rx = rx.model_copy(update={"reason": f"{base.why}: {describe_dose(rx.dose)}"})
        memo[key] = rx
    return AdaptedItem(
        slot=item.exercise_id, planned=item.dose, dose=rx.dose, action=rx.action, reason=rx.reason,
        coach=tuple(coach),
    )  # fmt: skip


class _Views:
    """The plan and logs as the engine sees them on a day: a slot a coach restarted (a `Baseline` on or
    before that day) has the coach's dose as its first dose and only the logs from its start on. Views
    change only on a baseline's day, so they are made once per set of active baselines."""

    def __init__(self, plan: Plan, index: LogIndex, baselines: Sequence[Baseline]) -> None:
        self.plan, self.index = plan, index
        self.baselines = sorted(baselines, key=lambda b: b.start)
        self.made: dict[tuple, tuple] = {}
        self.last: tuple | None = None

    def on(self, day: dt.date, memo: dict) -> tuple[Plan, LogIndex, dict[tuple[str, str], Baseline]]:
        active: dict[tuple[str, str], Baseline] = {}
        for b in self.baselines:
            if b.start > day:
                break
            active[(b.exercise_id, b.side)] = b
        signature = tuple(active.values())
        if signature != self.last:
            memo.clear()  # prescriptions worked out under other baselines do not hold under these
            self.last = signature
        if not active:
            return self.plan, self.index, active
        if signature not in self.made:
            self.plan.first_dose("", "")  # fills the plan's table of first doses
            view = self.plan.model_copy()
            view._first = {**self.plan._first, **{k: b.dose for k, b in active.items()}}
            self.made[signature] = (view, _SinceIndex(self.index, {k: b.start for k, b in active.items()}))
        view, index = self.made[signature]
        return view, index, active


class _SinceIndex(LogIndex):
    """The replay's log index, with the named slots' histories starting on a given day. Shares the
    index's lists, so a log the replay adds is seen here too."""

    def __init__(self, base: LogIndex, since: dict[tuple[str, str], dt.date]) -> None:
        self._slots, self._weeks, self._since = base._slots, base._weeks, since

    def add(self, lg: ExerciseLog) -> None:
        raise TypeError("add logs to the replay's own index")

    def history(self, exercise_id: str, side: str) -> list[ExerciseLog]:
        history = self._slots.get((exercise_id, side), [])
        since = self._since.get((exercise_id, side))
        if since is None or not history or history[0].date >= since:
            return history
        return history[bisect_left([lg.date for lg in history], since) :]


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
