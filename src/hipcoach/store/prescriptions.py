"""A programme's doses as they stand after everything logged: the stored plan replayed through the
progression engine (plans/adapt.py), for the runner and their coach.

Replaying twelve weeks of logs takes tens of milliseconds, so the result is kept per programme with
the state of the runner's log it was made from. That state is read from the database on every call,
so a set logged through another process (or a restored backup) is seen at once. Set rows are never
edited in place: a new set or a correction is a new row, a removal only marks the old row replaced. So
what changed since the kept result is the rows with a higher id, the rows newly marked replaced and the
check-ins that differ; the replay resumes from the earliest day among them (nearly always today), and
starts over only when rows went missing.

A coach's changes (store/adjustments.py) are applied to the stored plan before the replay (plans/
adjust.py), so the engine works from the adjusted plan. Changes are only ever added, each from a
day on: a new one makes the replay resume from its start day (sessions before it are untouched).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hipcoach.catalog import load_catalog
from hipcoach.plans import adjust
from hipcoach.plans.adapt import Adaptation, adapt, adapted_plan, resume
from hipcoach.plans.profile import parse_profile
from hipcoach.plans.programme import Plan
from hipcoach.plans.rules import load_rules
from hipcoach.store import adjustments, training
from hipcoach.store.access import require_read
from hipcoach.store.models import CheckIn, Programme, ProgrammeAdjustment, SetLog, User

# Check-ins from this long before the programme's start still give its first "pain before".
_LOOKBACK = dt.timedelta(days=14)
_CACHE_SIZE = 512


@dataclass
class CurrentPlan:
    stored: Plan  # as made, with the coach's changes applied (the sessions and their planned doses)
    adaptation: Adaptation
    original: Plan | None = None  # as made, before any change
    adjusted: adjust.AdjustedPlan | None = None  # the changes per item, for the cards and the history

    def __post_init__(self) -> None:
        if self.original is None:
            self.original = self.stored
        if self.adjusted is None:
            self.adjusted = adjust.AdjustedPlan(plan=self.stored)

    @cached_property
    def plan(self) -> Plan:
        """The plan with the adapted doses, each item's `why` its reason (programme page, exports)."""
        return adapted_plan(self.stored, self.adaptation, load_catalog())


@dataclass(frozen=True)
class _LogState:
    rows: int
    last_id: int
    replaced: frozenset[int]  # ids of the rows marked replaced


@dataclass(frozen=True)
class _Kept:
    state: _LogState
    checkins: tuple[tuple[dt.date, int], ...]
    current: CurrentPlan
    changes: tuple[int, int]  # the programme's adjustments: how many, and the highest id


def current_plan(db: Session, actor: User, programme: Programme) -> CurrentPlan:
    require_read(db, actor, programme.user_id)
    runner = programme.user_id
    checkins = tuple(
        (d, p)
        for d, p in db.execute(
            select(CheckIn.date, CheckIn.pain)
            .where(CheckIn.user_id == runner, CheckIn.date >= programme.start_date - _LOOKBACK)
            .order_by(CheckIn.date)
        )
    )
    rows, last_id, replaced_rows = db.execute(
        select(func.count(SetLog.id), func.max(SetLog.id), func.count(SetLog.replaced_at)).where(
            SetLog.user_id == runner
        )
    ).one()
    changed, last_change = db.execute(
        select(func.count(ProgrammeAdjustment.id), func.max(ProgrammeAdjustment.id)).where(
            ProgrammeAdjustment.programme_id == programme.id
        )
    ).one()
    changes = (changed, last_change or 0)
    key = (str(db.get_bind().url), programme.id, programme.created_at)
    with _LOCK:
        kept = _CACHE.get(key)
    unchanged = kept and (kept.state.rows, kept.state.last_id, len(kept.state.replaced)) == (
        rows,
        last_id or 0,
        replaced_rows,
    )
    if unchanged and kept.checkins == checkins and kept.changes == changes:
        return kept.current
    state = _LogState(rows, last_id or 0, _replaced(db, runner))
    original = training.programme_plan(db, actor, programme)
    catalog, rules = load_catalog(), load_rules()
    if kept and kept.changes == changes:
        adjusted = kept.current.adjusted
    else:
        adjusted = _adjusted(db, programme, original, catalog, rules)
    since = None
    if kept:
        logs_same = unchanged and kept.checkins == checkins
        since = dt.date.max if logs_same else _first_changed_day(db, runner, kept, state, checkins)
        if since is not None and kept.changes != changes:
            since = _first_changed_adjustment(db, programme, kept.changes, changes, since)
    stored = adjusted.plan
    extra = (adjusted.baselines, adjusted.changes)
    if since is None:
        sets = training.list_set_logs(db, actor, runner, since=programme.start_date)
        adaptation = adapt(stored, sets, dict(checkins), catalog, rules, *extra)
    else:
        sets = training.list_set_logs(db, actor, runner, since=max(since, programme.start_date))
        adaptation = resume(
            kept.current.adaptation, since, stored, sets, dict(checkins), catalog, rules, *extra
        )
    current = CurrentPlan(stored=stored, adaptation=adaptation, original=original, adjusted=adjusted)
    with _LOCK:  # pages run in worker threads
        _CACHE.pop(key, None)
        _CACHE[key] = _Kept(state, checkins, current, changes)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
    return current


def _adjusted(db: Session, programme: Programme, original: Plan, catalog, rules) -> adjust.AdjustedPlan:
    return _apply(programme, original, adjustments.for_programme(db, programme), catalog, rules)


def _apply(programme: Programme, original: Plan, made, catalog, rules) -> adjust.AdjustedPlan:
    if not made:
        return adjust.AdjustedPlan(plan=original)
    running = (
        parse_profile(programme.profile_snapshot).running if any(a.kind == "sessions" for a in made) else None
    )
    return adjust.apply(original, made, catalog, rules, running)


def followed_plans(db: Session, plans: list[tuple[Programme, Plan]]) -> list[Plan]:
    """The plans the runners follow: each programme's generated plan with its coach's changes applied,
    without the replay of logs (adherence and session lookups need the sessions, not the doses). One
    query for all the programmes, so the coach dashboard's count of queries stays fixed. The caller has
    checked access."""
    made = defaultdict(list)
    if plans:
        query = select(ProgrammeAdjustment).where(
            ProgrammeAdjustment.programme_id.in_([p.id for p, _ in plans])
        )
        for row in db.scalars(query.order_by(ProgrammeAdjustment.id)):
            made[row.programme_id].append(adjustments.as_adjustment(row))
    catalog, rules = load_catalog(), load_rules()
    return [_apply(p, plan, made[p.id], catalog, rules).plan for p, plan in plans]


def followed_plan(db: Session, actor: User, programme: Programme) -> Plan:
    """The one programme's plan as its runner follows it (see followed_plans), for a reader of it."""
    return followed_plans(db, [(programme, training.programme_plan(db, actor, programme))])[0]


def _first_changed_adjustment(db: Session, programme: Programme, old, new, since: dt.date) -> dt.date | None:
    """`since`, or the start day of a change made after the kept replay when that is earlier; None
    (start over) when changes went missing, as what they did is unknown."""
    added = db.execute(
        select(func.count(ProgrammeAdjustment.id), func.min(ProgrammeAdjustment.start_date)).where(
            ProgrammeAdjustment.programme_id == programme.id, ProgrammeAdjustment.id > old[1]
        )
    ).one()
    if new[0] != old[0] + added[0] or added[1] is None:
        return None
    return min(since, added[1])


def _replaced(db: Session, runner: int) -> frozenset[int]:
    query = select(SetLog.id).where(SetLog.user_id == runner, SetLog.replaced_at.is_not(None))
    return frozenset(db.scalars(query))


def _first_changed_day(db: Session, runner: int, kept: _Kept, state: _LogState, checkins) -> dt.date | None:
    """The earliest day whose inputs differ from the kept replay's; None when it must start over (rows
    went missing, so what they changed is unknown)."""
    old = kept.state
    added, first_added = db.execute(
        select(func.count(SetLog.id), func.min(SetLog.date)).where(
            SetLog.user_id == runner, SetLog.id > old.last_id
        )
    ).one()
    if state.rows != old.rows + added or not old.replaced <= state.replaced:
        return None
    days = {first_added} if first_added else set()
    if newly := state.replaced - old.replaced:
        days |= set(db.scalars(select(SetLog.date).where(SetLog.id.in_(newly))))
    days |= {d for d, _ in set(checkins) ^ set(kept.checkins)}
    return min(days) if days else None


_CACHE: dict[tuple, _Kept] = {}
_LOCK = threading.Lock()
