"""What the session page and its two forms show: the planned session, its logged sets per card, and
the next-morning check-in. Each form answers with its own part only, so each part is its own query."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import Row
from sqlalchemy.orm import Session

from hipcoach.store import training
from hipcoach.store.errors import Conflict, NotFound
from hipcoach.store.models import CheckIn, User

ONE_DAY = dt.timedelta(days=1)


def session_context(db: Session, user: User, uid: str) -> dict:
    """The runner's latest programme, and the week and planned session with this uid."""
    programme = training.latest_programme(db, user, user.id)
    if programme is None:
        raise Conflict("Make a programme first.", "Answer the screening questions to get one.")
    for week in training.programme_plan(db, user, programme).weeks:
        for session in week.sessions:
            if session.uid == uid:
                return {"programme": programme, "week": week, "session": session, "one_day": ONE_DAY}
    raise NotFound(  # an old link, most likely: to the runner the session is simply not there
        f"This programme has no session {uid!r}.",
        "The link may be from an earlier programme; open the session from your programme.",
    )


def sets_by_card(db: Session, user: User, day: dt.date) -> dict[tuple[str, str], list[Row]]:
    """The day's logged sets keyed by (exercise_id, side), the key of each exercise card."""
    cards: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for s in training.list_set_logs(db, user, user.id, day, day):
        cards[(s.exercise_id, s.side)].append(s)
    return cards


def checkin_on(db: Session, user: User, day: dt.date) -> CheckIn | None:
    return next(iter(training.list_checkins(db, user, user.id, since=day, until=day)), None)
