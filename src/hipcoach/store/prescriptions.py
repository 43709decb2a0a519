"""A programme's doses as they stand after everything logged: the stored plan replayed through the
progression engine (plans/adapt.py), for the runner and their coach.

Replaying twelve weeks of logs takes tens of milliseconds, so the result is kept per programme and
per state of the runner's log. That state is read from the database on every call, so a set logged
through another process (or a restored backup) is seen at once: set rows are never edited in place
(a correction is a new row, a removal only marks the old one), so their count, highest id and number
of replaced rows change with every write; check-ins are few and are read whole.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hipcoach.catalog import load_catalog
from hipcoach.plans.adapt import Adaptation, adapt, adapted_plan
from hipcoach.plans.programme import Plan
from hipcoach.plans.rules import load_rules
from hipcoach.store import training
from hipcoach.store.access import require_read
from hipcoach.store.models import CheckIn, Programme, SetLog, User

# Check-ins from this long before the programme's start still give its first "pain before".
_LOOKBACK = dt.timedelta(days=14)
_CACHE_SIZE = 512


@dataclass(frozen=True)
class CurrentPlan:
    stored: Plan  # as made
    plan: Plan  # with the adapted doses, each item's `why` its reason
    adaptation: Adaptation


def current_plan(db: Session, actor: User, programme: Programme) -> CurrentPlan:
    require_read(db, actor, programme.user_id)
    runner = programme.user_id
    checkins = tuple(
        db.execute(
            select(CheckIn.date, CheckIn.pain)
            .where(CheckIn.user_id == runner, CheckIn.date >= programme.start_date - _LOOKBACK)
            .order_by(CheckIn.date)
        )
    )
    log_state = tuple(
        db.execute(
            select(func.count(SetLog.id), func.max(SetLog.id), func.count(SetLog.replaced_at)).where(
                SetLog.user_id == runner
            )
        ).one()
    )
    key = (str(db.get_bind().url), programme.id, programme.created_at, log_state, checkins)
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    stored = training.programme_plan(db, actor, programme)
    sets = training.list_set_logs(db, actor, runner, since=programme.start_date)
    catalog = load_catalog()
    adaptation = adapt(stored, sets, dict(checkins), catalog, load_rules())
    result = CurrentPlan(stored=stored, plan=adapted_plan(stored, adaptation, catalog), adaptation=adaptation)
    with _LOCK:  # pages run in worker threads
        _CACHE[key] = result
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
    return result


_CACHE: dict[tuple, CurrentPlan] = {}
_LOCK = threading.Lock()
