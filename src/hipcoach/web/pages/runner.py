"""The runner's pages: the programme calendar (adapted doses) and progress. Onboarding is in
pages/onboarding.py, a session's own pages in pages/session.py, Today in pages/today.py."""

from __future__ import annotations

import datetime as dt
from typing import get_args

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from hipcoach.plans.profile import WEEKDAYS, Band
from hipcoach.store import training
from hipcoach.store.prescriptions import current_plan
from hipcoach.store.progress import progress
from hipcoach.web.pages.progress_view import progress_view
from hipcoach.web.pages.render import PageUser, RunnerUser, render

router = APIRouter(include_in_schema=False)
BANDS = get_args(Band)


@router.get("/")
def home(request: Request, user: PageUser):
    if user.role == "coach":
        return RedirectResponse("/coach", status_code=303)
    with request.app.state.database.transaction(write=False) as db:
        has_plan = training.latest_programme(db, user, user.id) is not None
    return RedirectResponse("/today" if has_plan else "/onboarding", status_code=303)


@router.get("/programme")
def programme_page(request: Request, user: RunnerUser):
    with request.app.state.database.transaction(write=False) as db:
        programme = training.latest_programme(db, user, user.id)
        if programme is None:
            return RedirectResponse("/onboarding", status_code=303)
        plan = current_plan(db, user, programme).plan
        logged_days = training.logged_days(db, user, user.id)
    return render(
        request, "programme.html", user=user, plan=plan, programme=programme, days=WEEKDAYS,
        logged_days=logged_days, today=dt.date.today(),
    )  # fmt: skip


@router.get("/progress")
def progress_page(request: Request, user: RunnerUser):
    with request.app.state.database.transaction(write=False) as db:
        summary = progress(db, user, user.id, dt.date.today())
    return render(request, "progress.html", user=user, **progress_view(summary))
