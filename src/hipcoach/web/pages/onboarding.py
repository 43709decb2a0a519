"""Onboarding: the profile form with the red-flag screening, and the referral pages it can lead to.

Every question needs a yes or a no before a programme is made; every screening that gets through the
form is recorded with its date (store/screening.py). An urgent red flag gets a page that says what to
do today, apart from the routine "see a clinician first" page. After a referral, answers with no red
flags make a programme only once the runner confirms that a clinician has seen them about it.
"""

from __future__ import annotations

import datetime as dt
from typing import get_args

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from hipcoach.plans.profile import WEEKDAYS, Band
from hipcoach.plans.red_flags import RED_FLAGS, RED_FLAGS_BY_ID, Referral
from hipcoach.store import screening, training
from hipcoach.store.errors import NotFound
from hipcoach.web.pages.profile_form import profile_to_form, read_form
from hipcoach.web.pages.render import CheckedForm, RunnerUser, render

router = APIRouter(include_in_schema=False)
BANDS = get_args(Band)
CONFIRM = "clinician_cleared"
CONFIRM_NEEDED = (
    "Your earlier answers led to a referral. Tick this box to confirm that a clinician has seen you "
    "about it, or keep your referral and see one first."
)


def _onboarding(request, user, values, errors, *, unanswered=(), previous=None, editing=False, status=200):
    return render(
        request, "onboarding.html", status, user=user, flags=RED_FLAGS, days=WEEKDAYS, bands=BANDS,
        values=values, errors=errors, unanswered=unanswered, previous=previous, editing=editing,
        confirm=CONFIRM,
    )  # fmt: skip


def _saved(db, user) -> tuple[dict | None, screening.Screening | None]:
    """The saved profile's JSON (None before the first answers) and the latest screening."""
    try:
        saved = training.get_profile(db, user, user.id).model_dump(mode="json")
    except NotFound:
        saved = None
    return saved, screening.latest_screening(db, user, user.id)


def _referral_shown(previous):
    """The latest screening when it gave a referral: the form shows it beside the confirmation box."""
    return previous if previous is not None and previous.referral else None


@router.get("/onboarding")
def onboarding_page(request: Request, user: RunnerUser):
    """A first visit gets an empty form; later ones the saved answers, to read and change."""
    with request.app.state.database.transaction(write=False) as db:
        saved, latest = _saved(db, user)
    if saved is None:
        today = dt.date.today()
        # today: the first session is today when the schedule has one, else the next strength day
        values = {"start_date": today.isoformat(), "name": user.display_name}
        return _onboarding(request, user, values, {})
    values = profile_to_form(saved, latest.answers if latest is not None else None)
    return _onboarding(request, user, values, {}, previous=_referral_shown(latest), editing=True)


def _keep_unshown_fields(profile, saved: dict | None):
    """The form does not show running.recent_changes (the CLI's intake asks it): keep the saved ones."""
    changes = ((saved or {}).get("running") or {}).get("recent_changes") or []
    if not changes or profile.running.recent_changes:
        return profile
    running = profile.running.model_copy(update={"recent_changes": changes})
    return profile.model_copy(update={"running": running})


@router.post("/onboarding")
def onboarding(request: Request, user: RunnerUser, form: CheckedForm):
    database = request.app.state.database
    result = read_form(form)
    with database.transaction(write=False) as db:
        saved, latest = _saved(db, user)
    editing = saved is not None
    if result.profile is None:
        return _onboarding(
            request, user, form, result.errors, unanswered=result.unanswered,
            previous=_referral_shown(latest), editing=editing, status=422,
        )  # fmt: skip
    profile = _keep_unshown_fields(result.profile, saved)
    try:
        with database.transaction() as db:
            training.save_profile(db, user, profile.model_dump(mode="json"))
            _, referral = screening.screen_and_record(db, user, profile, cleared=form.get(CONFIRM) == "yes")
            if referral is None:
                training.create_programme(db, user)
    except screening.ClearanceNeeded:  # nothing was saved: the form comes back with the box to tick
        with database.transaction(write=False) as db:
            _, latest = _saved(db, user)
        errors = {CONFIRM: CONFIRM_NEEDED}
        return _onboarding(
            request, user, form, errors, previous=_referral_shown(latest), editing=editing, status=422
        )
    if referral is not None:
        return referral_page(request, user, referral)
    return RedirectResponse("/today", status_code=303)


def referral_page(request: Request, user, referral: Referral):
    """The urgent page says what to do today for each urgent flag; the routine one, what to do next."""
    flagged = [RED_FLAGS_BY_ID[f] for f in referral.flags]
    urgent = [f for f in flagged if f.urgent]
    other_reasons = [r for r in referral.reasons if r not in {f.reason for f in urgent}]
    name = "referral_urgent.html" if referral.urgent else "referral.html"
    return render(
        request, name, user=user, referral=referral, urgent_flags=urgent, other_reasons=other_reasons
    )
