"""What the session pages show: the session with its doses adapted to everything logged before it (the
progression engine, via store/prescriptions), each exercise and side as one step of the guided
session, the sets logged per step, the next-morning check-in, and the advice a painful set gets."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Row
from sqlalchemy.orm import Session

from hipcoach.catalog import load_catalog
from hipcoach.catalog.models import Exercise
from hipcoach.plans.adapt import AdaptedItem
from hipcoach.plans.pain_advice import PainAdvice, pain_advice
from hipcoach.plans.programme import Session as PlannedSession
from hipcoach.plans.programme import Week
from hipcoach.plans.rules import load_rules
from hipcoach.store import training
from hipcoach.store.errors import Conflict, NotFound
from hipcoach.store.models import CheckIn, User
from hipcoach.store.prescriptions import CurrentPlan, current_plan

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Step:
    """One exercise on one side: a card of the session and a step of the guided sequence."""

    number: int
    item: AdaptedItem
    exercise: Exercise

    @property
    def key(self) -> tuple[str, str]:
        return (self.item.exercise_id, self.item.dose.side)

    @property
    def side_label(self) -> str:
        side = self.item.dose.side
        return "both legs" if side == "both" else f"{side} side"


def session_context(db: Session, user: User, uid: str) -> dict:
    """The runner's latest programme, and the week, adapted session and steps with this uid."""
    programme = training.latest_programme(db, user, user.id)
    if programme is None:
        raise Conflict("Make a programme first.", "Answer the screening questions to get one.")
    current = current_plan(db, user, programme)
    found = _find(current, uid)
    if found is None:  # an old link, most likely: to the runner the session is simply not there
        raise NotFound(
            f"This programme has no session {uid!r}.",
            "The link may be from an earlier programme; open the session from your programme.",
        )
    week, session = found
    catalog = load_catalog()
    adapted = current.adaptation.session(uid)
    steps = [Step(n, a, catalog.exercise(a.exercise_id)) for n, a in enumerate(adapted.items, start=1)]
    today = dt.date.today()
    return {
        "programme": programme, "week": week, "session": session, "steps": steps, "one_day": ONE_DAY,
        "today": today, "is_future": session.date > today, "next_session": _after(current, session.date),
        "current": current,
    }  # fmt: skip


def _find(current: CurrentPlan, uid: str) -> tuple[Week, PlannedSession] | None:
    """The week and session as planned (dates and uids; the doses to do are the steps): the stored
    plan, so that a page does not build the whole adapted plan for one session."""
    for week in current.stored.weeks:
        for session in week.sessions:
            if session.uid == uid:
                return week, session
    return None


def _after(current: CurrentPlan, day: dt.date) -> PlannedSession | None:
    later = [s for w in current.stored.weeks for s in w.sessions if s.date > day]
    return min(later, key=lambda s: s.date) if later else None


def sets_by_card(db: Session, user: User, day: dt.date) -> dict[tuple[str, str], list[Row]]:
    """The day's logged sets keyed by (exercise_id, side), the key of each exercise card."""
    cards: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for s in training.list_set_logs(db, user, user.id, day, day):
        cards[(s.exercise_id, s.side)].append(s)
    return cards


def checkin_on(db: Session, user: User, day: dt.date) -> CheckIn | None:
    return next(iter(training.list_checkins(db, user, user.id, since=day, until=day)), None)


def advice_for(ctx: dict, step: Step, sets: list[Row]) -> PainAdvice | None:
    """The message beside a card whose worst logged set is above the pain limit, with the next
    session's dose as the engine prescribes it (so `ctx` is read after the set is saved)."""
    if not sets:
        return None
    nxt = ctx["next_session"]
    next_item = None
    if nxt is not None:
        later = ctx["current"].adaptation.session(nxt.uid)
        next_item = next(
            (a for a in later.items if a.slot == step.item.slot and a.dose.side == step.item.dose.side), None
        )
    worst = max(s.pain_during for s in sets)
    return pain_advice(
        worst, step.exercise, load_catalog(), load_rules(), next_item, nxt.date if nxt else None
    )
