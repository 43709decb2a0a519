"""The coach's dashboard: linked athletes, their recent sets and pain flags, and an invitation code."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request

from hipcoach.store import coaching, videos
from hipcoach.web.pages.render import CheckedForm, PageUser, render

router = APIRouter(include_in_schema=False)
LATEST_VIDEOS = 10


def _athlete_rows(db, user) -> list[dict]:
    rows = []
    for athlete in coaching.athletes(db, user):
        sets, flags = coaching.recent_signals(db, user, athlete.id, dt.date.today())
        recent = videos.list_analyses(db, user, athlete.id, LATEST_VIDEOS)
        rows.append(
            {"user": athlete, "sets": sets, "flags": flags, "latest": recent[0] if recent else None,
             "recent": recent}
        )  # fmt: skip
    return rows


def _latest_videos(rows: list[dict]) -> list[tuple]:
    """(athlete, analysis) for the newest videos across all athletes, newest first."""
    pairs = [(r["user"], a) for r in rows for a in r["recent"]]
    return sorted(pairs, key=lambda p: p[1].created_at, reverse=True)[:LATEST_VIDEOS]


@router.get("/coach")
def dashboard(request: Request, user: PageUser):
    with request.app.state.database.transaction(write=False) as db:
        rows = _athlete_rows(db, user)
    return render(request, "coach.html", user=user, rows=rows, videos=_latest_videos(rows), code=None)


@router.post("/coach/invitations")
def invite(request: Request, user: PageUser, form: CheckedForm):
    with request.app.state.database.transaction() as db:
        _, code = coaching.create_invitation(db, user, str(form.get("note", ""))[:120])
    with request.app.state.database.transaction(write=False) as db:
        rows = _athlete_rows(db, user)
    return render(request, "coach.html", user=user, rows=rows, videos=_latest_videos(rows), code=code)
