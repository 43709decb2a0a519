"""The coach's pages: the dashboard (what needs the coach today, most urgent first, then every linked
athlete's line, the latest videos and invitation codes), one athlete's page a physio can work from, and
removing an athlete.

The dashboard reads all athletes at once (store/coaching.board): its number of queries does not grow
with the number of athletes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from hipcoach.catalog import load_catalog
from hipcoach.plans.progress import describe_dose
from hipcoach.plans.red_flags import MAX_RUNNING_PAIN
from hipcoach.plans.rules import load_rules
from hipcoach.reports.clinic_pdf import clinic_pdf
from hipcoach.store import adjustments, clinic, coaching, notes, prescriptions, screening, training, videos
from hipcoach.store.adjustments import as_adjustment
from hipcoach.store.models.notes import NOTE_MAX_CHARS
from hipcoach.store.progress import progress
from hipcoach.web.deps import Id
from hipcoach.web.pages import invitations
from hipcoach.web.pages.confirm import confirm_page, confirmed
from hipcoach.web.pages.progress_view import progress_view
from hipcoach.web.pages.render import CheckedForm, PageUser, render

router = APIRouter(include_in_schema=False)
LATEST_VIDEOS = 10
WINDOW = {"days": coaching.SIGNAL_DAYS, "pain_limit": MAX_RUNNING_PAIN}  # how the signals are explained


def _dashboard(request: Request, user, made: int | None = None, removed: str | None = None, revoked=False):
    with request.app.state.database.transaction(write=False) as db:
        board = coaching.board(db, user, dt.date.today(), LATEST_VIDEOS)
        pending = invitations.pending_view(request, db, user)
        unread = notes.unread_counts(db, user)
    return render(
        request, "coach.html", user=user, rows=board.rows, videos=board.latest_videos, made=made,
        removed=removed, triage=board.today, limit=load_rules().max_pain_during, pending=pending,
        revoked=revoked, unread=unread, **WINDOW,
    )  # fmt: skip


@router.get("/coach")
def dashboard(request: Request, user: PageUser, made: int | None = None, revoked: str = ""):
    return _dashboard(request, user, made=made, revoked=revoked == "1")


@router.post("/coach/invitations")
def invite(request: Request, user: PageUser, form: CheckedForm):
    """Makes an invitation and shows it at the top of the pending ones (a redirect: reloading the page
    does not make another)."""
    with request.app.state.database.transaction() as db:
        note = str(form.get("note", ""))[:120]
        invitation, _ = coaching.create_invitation(db, user, note, invitations.secret(request))
    return RedirectResponse(f"/coach?made={invitation.id}#invitations", status_code=303)


@router.post("/coach/athletes/{athlete_id}/seen")
def mark_seen(request: Request, athlete_id: Id, user: PageUser, form: CheckedForm):
    """Mark one triage item seen; back to the page the form was on."""
    with request.app.state.database.transaction() as db:
        coaching.mark_seen(db, user, athlete_id, str(form.get("key", ""))[:120], dt.date.today())
    back = f"/coach/athletes/{athlete_id}#triage" if form.get("back") == "athlete" else "/coach#triage"
    return RedirectResponse(back, status_code=303)


def _weeks(current, sets_by_day: dict, mornings: dict, today: dt.date) -> list[dict]:
    """The programme week by week: each session with its adapted doses and their reasons, and the sets
    logged on its day (taken out of `sets_by_day`, which keeps the days without a session), and each
    week's one-line summary: its days, sessions done of planned, and the highest pain of its sets and
    of the mornings after its sessions (`mornings`: day -> pain). Only the week with today in it and the
    next start unfolded (before the programme, its first two; after it, its last), and in them each
    session is a line of its day, sets logged and highest pain, unfolded only for the next session
    and a session with pain above the limit: a long programme is lines a physio reads at a glance."""
    catalog = load_catalog()
    weeks = []
    for week in current.plan.weeks:
        sessions = []
        for s in week.sessions:
            adapted = current.adaptation.session(s.uid)
            items = [
                {"name": catalog.exercise(a.dose.exercise_id).name, "side": a.dose.side,
                 "dose": describe_dose(a.dose), "planned": describe_dose(a.planned), "changed": a.changed,
                 "action": a.action, "reason": a.reason}
                for a in (adapted.items if adapted else ())
            ]  # fmt: skip
            done = sets_by_day.pop(s.date, [])
            sessions.append({"uid": s.uid, "date": s.date, "doses": items, "sets": done,
                             "pain": max((x.pain_during for x in done), default=None),
                             "due": s.date <= today, "missed": s.date < today and not done})  # fmt: skip
        first = current.plan.start_date + dt.timedelta(weeks=week.number - 1)
        pains = [s["pain"] for s in sessions if s["pain"] is not None]
        pains += [mornings[s["date"]] for s in sessions if s["date"] in mornings]
        weeks.append({"number": week.number, "phase": week.phase, "focus": week.focus, "sessions": sessions,
                      "first": first, "last": first + dt.timedelta(days=6),
                      "done": sum(bool(s["sets"]) for s in sessions), "due": sum(s["due"] for s in sessions),
                      "pain": max(pains, default=None)})  # fmt: skip
    if weeks:
        now = next((n for n, w in enumerate(weeks) if w["first"] <= today <= w["last"]), None)
        if now is None:
            now = 0 if today < weeks[0]["first"] else len(weeks) - 1
        for n, w in enumerate(weeks):
            w["open"] = now <= n <= now + 1
            w["when"] = "this week" if n == now and w["first"] <= today <= w["last"] else ""
        upcoming = [s for w in weeks for s in w["sessions"] if s["date"] >= today]
        for w in weeks:
            for s in w["sessions"]:
                s["next"] = bool(upcoming) and s is upcoming[0]
                s["open"] = s["next"] or (s["pain"] is not None and s["pain"] > MAX_RUNNING_PAIN)
    return weeks


@router.get("/coach/athletes/{athlete_id}")
def athlete_page(request: Request, athlete_id: Id, user: PageUser, note_error: str = ""):
    """A linked athlete's programme, logs, check-ins, videos, screens, adherence, triage history and the
    notes between the two. Opening the page reads the athlete's new notes: they show marked once."""
    today = dt.date.today()
    with request.app.state.database.transaction(write=False) as db:
        athlete = coaching.athlete(db, user, athlete_id)
        signals = coaching.recent_signals(db, user, athlete_id, today)
        programme = training.latest_programme(db, user, athlete_id)
        current = prescriptions.current_plan(db, user, programme) if programme else None
        sets_by_day = defaultdict(list)
        for s in training.list_set_logs(db, user, athlete_id):
            sets_by_day[s.date].append(s)
        checkins = training.list_checkins(db, user, athlete_id)
        recent = videos.list_analyses(db, user, athlete_id, LATEST_VIDEOS)
        summary = progress(db, user, athlete_id, today)
        latest_screening = screening.latest_screening(db, user, athlete_id)
        history = coaching.athlete_triage(db, user, athlete_id, today)
        programme_changes = [(r, as_adjustment(r)) for r in adjustments.history(db, user, athlete_id)]
        thread = notes.thread(db, user, athlete_id)
    unread = {n.id for n in thread if notes.is_unread(n, user)}
    if unread:
        with request.app.state.database.transaction() as db:
            notes.mark_read(db, user, athlete_id)
    mornings = {c.date: c.pain for c in checkins}
    weeks = _weeks(current, sets_by_day, mornings, today) if current else []
    off_plan = sorted(sets_by_day.items())  # days with sets but no session of the programme
    return render(
        request, "coach_athlete.html", user=user, athlete=athlete, signals=signals, **WINDOW,
        programme=programme, weeks=weeks, off_plan=off_plan, checkins=sorted(checkins, key=lambda c: c.date),
        analyses=recent, screening=latest_screening, triage=history, **progress_view(summary),
        programme_changes=programme_changes,
        thread=thread, unread_ids=unread, note_error=note_error == "1", note_max=NOTE_MAX_CHARS,
        report_from=today - dt.timedelta(weeks=12), report_to=today,
    )  # fmt: skip


@router.post("/coach/athletes/{athlete_id}/notes")
def post_note(request: Request, athlete_id: Id, user: PageUser, form: CheckedForm):
    """A note to the athlete, then back to the thread (a redirect: reloading does not send it twice).
    A refused note (empty, too long, hidden characters) comes back as a message; nothing is sent."""
    try:
        body = notes.NoteIn(body=str(form.get("body", "")))
    except ValidationError:
        with request.app.state.database.transaction(write=False) as db:
            coaching.athlete(db, user, athlete_id)  # an unlinked coach learns nothing more than a 404
        return RedirectResponse(f"/coach/athletes/{athlete_id}?note_error=1#notes", status_code=303)
    with request.app.state.database.transaction() as db:
        coaching.athlete(db, user, athlete_id)
        note = notes.post(db, user, athlete_id, body)
    return RedirectResponse(f"/coach/athletes/{athlete_id}#note-{note.id}", status_code=303)


@router.get("/coach/athletes/{athlete_id}/report.pdf")
def clinic_report(request: Request, athlete_id: Id, user: PageUser, since: dt.date, until: dt.date):
    """The athlete's progress report for a clinic file, for the days chosen on the athlete page."""
    with request.app.state.database.transaction(write=False) as db:
        record = clinic.clinic_record(db, user, athlete_id, since, until)
    pdf = clinic_pdf(record, dt.date.today())
    name = f"hipcoach-report-{athlete_id}-{since.isoformat()}-{until.isoformat()}.pdf"
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.post("/coach/athletes/{athlete_id}/remove")
def remove_athlete(request: Request, athlete_id: Id, user: PageUser, form: CheckedForm):
    """Ends the link once confirmed; the runner keeps all their data and can be invited again."""
    if not confirmed(form):
        with request.app.state.database.transaction(write=False) as db:
            name = coaching.athlete(db, user, athlete_id).display_name
        return confirm_page(
            request, user, title="Remove athlete", question=f"Remove {name} from your athletes?",
            details=(f"You will no longer see {name}'s training. Their data stays with them, and you can "
                     "invite them again.",),
            action=f"/coach/athletes/{athlete_id}/remove", button=f"Remove {name}",
            cancel=f"/coach/athletes/{athlete_id}",
        )  # fmt: skip
    with request.app.state.database.transaction() as db:
        name = coaching.athlete(db, user, athlete_id).display_name
        coaching.unlink(db, user, athlete_id)
    return _dashboard(request, user, removed=name)
