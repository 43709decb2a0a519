"""The runner's pages: the programme calendar, a session, progress (onboarding is in onboarding.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import get_args

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from hipcoach.catalog import load_catalog
from hipcoach.plans.profile import WEEKDAYS, Band
from hipcoach.store import training
from hipcoach.store.errors import Conflict
from hipcoach.store.inputs import SetLogIn
from hipcoach.store.progress import progress
from hipcoach.web.pages.field_errors import field_errors
from hipcoach.web.pages.progress_view import progress_view
from hipcoach.web.pages.render import CheckedForm, PageUser, RunnerUser, render
from hipcoach.web.pages.session_data import checkin_on, session_context, sets_by_card

router = APIRouter(include_in_schema=False)
BANDS = get_args(Band)


@router.get("/")
def home(request: Request, user: PageUser):
    if user.role == "coach":
        return RedirectResponse("/coach", status_code=303)
    with request.app.state.database.transaction(write=False) as db:
        has_plan = training.latest_programme(db, user, user.id) is not None
    return RedirectResponse("/programme" if has_plan else "/onboarding", status_code=303)


@router.get("/programme")
def programme_page(request: Request, user: RunnerUser):
    with request.app.state.database.transaction(write=False) as db:
        programme = training.latest_programme(db, user, user.id)
        if programme is None:
            return RedirectResponse("/onboarding", status_code=303)
        plan = training.programme_plan(db, user, programme)
        logged_days = training.logged_days(db, user, user.id)
    return render(
        request, "programme.html", user=user, plan=plan, programme=programme, days=WEEKDAYS,
        logged_days=logged_days, today=dt.date.today(),
    )  # fmt: skip


@router.get("/sessions/{uid}")
def session_page(request: Request, uid: str, user: RunnerUser):
    with request.app.state.database.transaction(write=False) as db:
        ctx = session_context(db, user, uid)
        day = ctx["session"].date
        logged, checkin = sets_by_card(db, user, day), checkin_on(db, user, day)
    return render(
        request, "session.html", user=user, exercises=load_catalog().exercises, bands=BANDS,
        new_key=lambda: uuid.uuid4().hex, errors={}, values={}, checkin_errors={}, checkin_values={},
        logged=logged, checkin=checkin, **ctx,
    )  # fmt: skip


@router.post("/sessions/{uid}/sets")
def log_set(request: Request, uid: str, user: RunnerUser, form: CheckedForm):
    """Logs one set from a card's form and answers with that card's log and a fresh form; the form's
    key makes a second submit log nothing more. Runs in a worker thread: run in the event loop it was
    no faster once sessions held realistic numbers of sets, and under overload it left some clients
    waiting 15 s while others were served (benchmarks/bench_web.py, flat out)."""
    errors: dict[str, str] = {}
    with request.app.state.database.transaction(write=False) as db:
        ctx = session_context(db, user, uid)
    day = ctx["session"].date
    fields = {k: v for k, v in form.items() if k != "csrf_token" and v != ""}
    try:
        entry = SetLogIn(**fields, date=day, programme_id=ctx["programme"].id, session_uid=uid)
    except ValidationError as exc:
        errors = field_errors(exc)
    if not errors:
        try:
            with request.app.state.database.transaction() as db:
                training.log_set(db, user, entry)
        except Conflict as exc:
            errors = {"client_key": exc.message}
    with request.app.state.database.transaction(write=False) as db:
        logged = sets_by_card(db, user, day)
    card = {"exercise_id": form.get("exercise_id"), "side": form.get("side")}
    return render(
        request, "_set_form.html", 422 if errors else 200, user=user, bands=BANDS, errors=errors,
        values=form if errors else {}, card=card, new_key=lambda: uuid.uuid4().hex, logged=logged, **ctx,
    )  # fmt: skip


@router.get("/progress")
def progress_page(request: Request, user: RunnerUser):
    with request.app.state.database.transaction(write=False) as db:
        summary = progress(db, user, user.id, dt.date.today())
    return render(request, "progress.html", user=user, **progress_view(summary))
