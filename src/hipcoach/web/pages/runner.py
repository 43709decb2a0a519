"""The runner's pages: onboarding with screening, the programme calendar (adapted doses), progress.
A session's own pages are in pages/session.py, Today in pages/today.py."""

from __future__ import annotations

import datetime as dt
from typing import get_args

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from hipcoach.plans.profile import WEEKDAYS, Band
from hipcoach.plans.red_flags import RED_FLAGS
from hipcoach.store import training
from hipcoach.store.prescriptions import current_plan
from hipcoach.store.progress import progress
from hipcoach.web.pages.profile_form import form_to_profile, validate_profile
from hipcoach.web.pages.progress_view import progress_view
from hipcoach.web.pages.render import CheckedForm, PageUser, RunnerUser, render

router = APIRouter(include_in_schema=False)
BANDS = get_args(Band)


@router.get("/")
def home(request: Request, user: PageUser):
    if user.role == "coach":
        return RedirectResponse("/coach", status_code=303)
    with request.app.state.database.transaction(write=False) as db:
        has_plan = training.latest_programme(db, user, user.id) is not None
    return RedirectResponse("/today" if has_plan else "/onboarding", status_code=303)


def _onboarding(request, user, values, errors, status=200):
    return render(
        request, "onboarding.html", status, user=user, flags=RED_FLAGS, days=WEEKDAYS, bands=BANDS,
        values=values, errors=errors,
    )  # fmt: skip


@router.get("/onboarding")
def onboarding_page(request: Request, user: RunnerUser):
    today = dt.date.today()
    next_monday = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
    return _onboarding(request, user, {"start_date": next_monday.isoformat(), "name": user.display_name}, {})


@router.post("/onboarding")
def onboarding(request: Request, user: RunnerUser, form: CheckedForm):
    profile, errors = validate_profile(form_to_profile(form))
    if profile is None:
        return _onboarding(request, user, form, errors, 422)
    try:
        with request.app.state.database.transaction() as db:
            training.save_profile(db, user, profile.model_dump(mode="json"))
            training.create_programme(db, user)
    except training.ReferralInstead as exc:
        with request.app.state.database.transaction() as db:  # keep the answers; no programme
            training.save_profile(db, user, profile.model_dump(mode="json"))
        return render(request, "referral.html", user=user, message=exc.message)
    return RedirectResponse("/programme", status_code=303)


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
