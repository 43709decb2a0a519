"""Today: where a signed-in runner lands. Today's session (or the next one and its date), the
morning check-in that is due, and what the engine changed in today's doses and why."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from hipcoach.store import training
from hipcoach.store.prescriptions import current_plan
from hipcoach.web.pages.render import RunnerUser, render
from hipcoach.web.pages.session_data import ONE_DAY

router = APIRouter(include_in_schema=False)

# A check-in is asked for up to this many days after a session; later, the answer means little.
CHECKIN_WINDOW = dt.timedelta(days=3)


@router.get("/today")
def today_page(request: Request, user: RunnerUser):
    today = dt.date.today()
    with request.app.state.database.transaction(write=False) as db:
        programme = training.latest_programme(db, user, user.id)
        if programme is None:
            return RedirectResponse("/onboarding", status_code=303)
        current = current_plan(db, user, programme)
        recent = today - CHECKIN_WINDOW
        logged_days = {d for d in training.logged_days(db, user, user.id) if d >= recent}
        checked = {c.date for c in training.list_checkins(db, user, user.id, since=recent)}
        logged_today = {
            (s.exercise_id, s.side) for s in training.list_set_logs(db, user, user.id, today, today)
        }
    sessions = [(w, s) for w in current.plan.weeks for s in w.sessions]
    upcoming = [(w, s) for w, s in sessions if s.date >= today]
    week, session = upcoming[0] if upcoming else (None, None)
    due = [s for _, s in sessions if s.date < today and s.date in logged_days and s.date not in checked]
    adapted = current.adaptation.session(session.uid) if session else None
    changes = [a for a in adapted.items if a.action in ("regress", "swap")] if adapted else []
    return render(
        request, "today.html", user=user, today=today, week=week, session=session, adapted=adapted,
        changes=changes, due=due[-1] if due else None, one_day=ONE_DAY, checkin=None, checkin_errors={},
        checkin_values={}, logged_today=logged_today, programme=programme,
    )  # fmt: skip
