"""The coach's pages: the dashboard of linked athletes (referrals from screening, recent sets,
adherence, pain flags, videos, invitation codes), one athlete's progress, and removing an athlete."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request

from hipcoach.plans.red_flags import MAX_RUNNING_PAIN
from hipcoach.store import coaching, screening, training, videos
from hipcoach.store.progress import progress
from hipcoach.web.deps import Id
from hipcoach.web.pages.progress_view import progress_view
from hipcoach.web.pages.render import CheckedForm, PageUser, render

router = APIRouter(include_in_schema=False)
LATEST_VIDEOS = 10
WINDOW = {"days": coaching.SIGNAL_DAYS, "pain_limit": MAX_RUNNING_PAIN}  # how the signals are explained


def _athlete_rows(db, user) -> list[dict]:
    rows = []
    for athlete in coaching.athletes(db, user):
        signals = coaching.recent_signals(db, user, athlete.id, dt.date.today())
        recent = videos.list_analyses(db, user, athlete.id, LATEST_VIDEOS)
        latest = screening.latest_screening(db, user, athlete.id)
        referral = latest if latest is not None and latest.referral else None
        rows.append({"user": athlete, "signals": signals, "recent": recent, "referral": referral})
    return rows


def _referrals(rows: list[dict]) -> list[dict]:
    """The athletes whose latest screening gave a referral: urgent ones first, then the most recent."""
    referred = [r for r in rows if r["referral"] is not None]
    return sorted(referred, key=lambda r: (not r["referral"].urgent, -r["referral"].id))


def _latest_videos(rows: list[dict]) -> list[tuple]:
    """(athlete, analysis) for the newest videos across all athletes, newest first."""
    pairs = [(r["user"], a) for r in rows for a in r["recent"]]
    return sorted(pairs, key=lambda p: p[1].created_at, reverse=True)[:LATEST_VIDEOS]


def _dashboard(request: Request, user, code: str | None = None, removed: str | None = None):
    with request.app.state.database.transaction(write=False) as db:
        rows = _athlete_rows(db, user)
    return render(
        request, "coach.html", user=user, rows=rows, videos=_latest_videos(rows), code=code, removed=removed,
        referrals=_referrals(rows), **WINDOW,
    )  # fmt: skip


@router.get("/coach")
def dashboard(request: Request, user: PageUser):
    return _dashboard(request, user)


@router.post("/coach/invitations")
def invite(request: Request, user: PageUser, form: CheckedForm):
    with request.app.state.database.transaction() as db:
        _, code = coaching.create_invitation(db, user, str(form.get("note", ""))[:120])
    return _dashboard(request, user, code=code)


@router.get("/coach/athletes/{athlete_id}")
def athlete_page(request: Request, athlete_id: Id, user: PageUser):
    """What the runner sees on /progress, with their programme and videos; only for a linked coach."""
    today = dt.date.today()
    with request.app.state.database.transaction(write=False) as db:
        athlete = coaching.athlete(db, user, athlete_id)
        signals = coaching.recent_signals(db, user, athlete_id, today)
        programme = training.latest_programme(db, user, athlete_id)
        recent = videos.list_analyses(db, user, athlete_id, LATEST_VIDEOS)
        summary = progress(db, user, athlete_id, today)
        latest_screening = screening.latest_screening(db, user, athlete_id)
    return render(
        request, "coach_athlete.html", user=user, athlete=athlete, signals=signals, **WINDOW,
        programme=programme, analyses=recent, screening=latest_screening, **progress_view(summary),
    )  # fmt: skip


@router.post("/coach/athletes/{athlete_id}/remove")
def remove_athlete(request: Request, athlete_id: Id, user: PageUser, form: CheckedForm):
    """Ends the link; the runner keeps all their data and can be invited again."""
    with request.app.state.database.transaction() as db:
        name = coaching.athlete(db, user, athlete_id).display_name
        coaching.unlink(db, user, athlete_id)
    return _dashboard(request, user, removed=name)
