"""The coach's page for changing a linked athlete's programme going forward: for each exercise of the
programme from today, swap it (the catalogue's regressions and progressions offered first, then others
for the same aim), change its dose, pause it or add a note the runner sees on its card; put a paused
exercise back; change the sessions per week; and the history of the changes.

Every form is a plain post answered with a redirect back (so reloading makes no second change); a
refused change comes back on the page with the reason and what was typed kept. The work is in
store/adjustments.py, which also refuses a runner and an unlinked coach.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from hipcoach.catalog import load_catalog
from hipcoach.plans.progress import describe_dose
from hipcoach.store import adjustments, coaching, training
from hipcoach.store.adjustments import AdjustmentIn, as_adjustment
from hipcoach.store.errors import Conflict
from hipcoach.store.prescriptions import current_plan
from hipcoach.web.deps import Id
from hipcoach.web.pages.field_errors import field_errors
from hipcoach.web.pages.render import CheckedForm, PageUser, render
from hipcoach.web.pages.session import BANDS

router = APIRouter(include_in_schema=False)
FIELDS = (
    "kind", "start_date", "exercise_id", "side", "new_exercise_id", "sets", "reps", "hold_s", "band",
    "sessions_per_week", "note", "reason",
)  # fmt: skip


def _exercises(current, today: dt.date) -> list[dict]:
    """Each exercise of the programme from today on (the plan's, which a change names), in the order of
    its first session then, with the dose the engine prescribes there on each side."""
    catalog = load_catalog()
    found: dict[str, dict] = {}
    for week in current.stored.weeks:
        for session in week.sessions:
            if session.date < today:
                continue
            adapted = current.adaptation.session(session.uid)
            for a in adapted.items if adapted else ():
                ex = found.setdefault(
                    a.slot,
                    {"id": a.slot, "name": catalog.exercise(a.slot).name, "doses": {}, "from": session.date,
                     "band": catalog.exercise(a.slot).load == "band"},
                )  # fmt: skip
                done = describe_dose(a.dose)
                if a.exercise_id != a.slot:  # the engine stepped back to the regression for pain
                    done = f"on the {catalog.exercise(a.exercise_id).name.lower()} for now, {done}"
                ex["doses"].setdefault(a.dose.side, done)
    return list(found.values())


def _page(request: Request, user, athlete_id: int, status: int = 200, errors=None, values=None, done=None):
    today = dt.date.today()
    catalog = load_catalog()
    with request.app.state.database.transaction(write=False) as db:
        athlete = coaching.athlete(db, user, athlete_id)
        programme = training.latest_programme(db, user, athlete_id)
        current = current_plan(db, user, programme) if programme else None
        options = adjustments.options(db, user, athlete_id, today) if programme else {}
        history = [(r, as_adjustment(r)) for r in adjustments.history(db, user, athlete_id)]
    exercises = _exercises(current, today) if current else []
    paused = []
    if current:
        for (ex_id, side), change in sorted(current.adjusted.paused.items()):
            paused.append(
                {"id": ex_id, "side": side, "name": catalog.exercise(ex_id).name, "since": change.start}
            )
    paused = list({p["id"]: p for p in paused}.values())
    return render(
        request, "adjust.html", status, user=user, athlete=athlete, programme=programme, exercises=exercises,
        options=options, paused=paused, history=history, today=today, bands=BANDS, errors=errors or {},
        values=values or {}, done=done,
        sessions_now=len(current.stored.strength_days) if current else None,
    )  # fmt: skip


@router.get("/coach/athletes/{athlete_id}/adjust")
def adjust_page(request: Request, athlete_id: Id, user: PageUser, done: int | None = None):
    return _page(request, user, athlete_id, done=done)


@router.post("/coach/athletes/{athlete_id}/adjust")
def make_change(request: Request, athlete_id: Id, user: PageUser, form: CheckedForm):
    """One change from one of the page's forms; back to the page at the history (303), or the page
    again with the refusal beside the form (422 for a field, 409 when it does not fit the programme)."""
    fields = {k: str(form[k]).strip() for k in FIELDS if str(form.get(k, "")).strip()}
    try:
        change = AdjustmentIn(**fields)
    except ValidationError as exc:
        return _page(request, user, athlete_id, 422, field_errors(exc), form)
    try:
        with request.app.state.database.transaction() as db:
            rows = adjustments.adjust_programme(db, user, athlete_id, change, dt.date.today())
    except Conflict as exc:
        return _page(request, user, athlete_id, 409, {"form": f"{exc.message} {exc.hint}".strip()}, form)
    return RedirectResponse(f"/coach/athletes/{athlete_id}/adjust?done={rows[0].id}#history", status_code=303)
