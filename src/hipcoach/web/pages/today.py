"""Today: where a signed-in runner lands. Today's session (or the next one and its date), the
morning check-in that is due, what the engine changed in today's doses and why, and the notes with
each linked coach (their new notes marked, then read)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from hipcoach.store import notes, training
from hipcoach.store.models.notes import NOTE_MAX_CHARS
from hipcoach.store.prescriptions import current_plan
from hipcoach.web.deps import Id
from hipcoach.web.pages.render import CheckedForm, RunnerUser, render
from hipcoach.web.pages.session_data import ONE_DAY

router = APIRouter(include_in_schema=False)

# A check-in is asked for up to this many days after a session; later, the answer means little.
CHECKIN_WINDOW = dt.timedelta(days=3)


@router.get("/today")
def today_page(request: Request, user: RunnerUser, note_error: int = 0):
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
        threads = notes.runner_threads(db, user)
    unread = {t.other.id: {n.id for n in t.notes if notes.is_unread(n, user)} for t in threads}
    if any(unread.values()):  # shown marked this once; read from now on
        with request.app.state.database.transaction() as db:
            for t in threads:
                if t.unread:
                    notes.mark_read(db, user, t.other.id)
    sessions = [(w, s) for w in current.plan.weeks for s in w.sessions]
    upcoming = [(w, s) for w, s in sessions if s.date >= today]
    week, session = upcoming[0] if upcoming else (None, None)
    due = [s for _, s in sessions if s.date < today and s.date in logged_days and s.date not in checked]
    adapted = current.adaptation.session(session.uid) if session else None
    changes = [a for a in adapted.items if a.action in ("regress", "swap")] if adapted else []
    return render(
        request, "today.html", user=user, today=today, week=week, session=session, adapted=adapted,
        changes=changes, due=due[-1] if due else None, one_day=ONE_DAY, checkin=None, checkin_errors={},
        checkin_values={}, logged_today=logged_today, programme=programme, threads=threads,
        unread_ids=unread, note_error=note_error, note_max=NOTE_MAX_CHARS,
    )  # fmt: skip


@router.post("/today/notes/{coach_id}")
def post_note(request: Request, coach_id: Id, user: RunnerUser, form: CheckedForm):
    """A note to one of the runner's coaches, then back to that thread. A refused note comes back as a
    message beside the form; nothing is sent."""
    try:
        body = notes.NoteIn(body=str(form.get("body", "")))
    except ValidationError:
        with request.app.state.database.transaction(write=False) as db:
            notes.pair(db, user, coach_id)  # not a linked coach: 404, as for sending
        return RedirectResponse(f"/today?note_error={coach_id}#notes-{coach_id}", status_code=303)
    with request.app.state.database.transaction() as db:
        note = notes.post(db, user, coach_id, body)
    return RedirectResponse(f"/today#note-{note.id}", status_code=303)
