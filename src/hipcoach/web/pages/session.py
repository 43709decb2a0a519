"""A session on the phone: the overview, the guided sequence (one exercise and side per step, the set
form filled in with the prescribed dose so an as-prescribed set is one tap on the pain felt), the
correction or removal of a set logged today, and the summary at the end.

Every form works as a plain post (answered with a redirect back to its step) and, with htmx, swaps only
its step. A refused set comes back with the message next to the field and what was typed kept.
"""

from __future__ import annotations

import uuid
from typing import get_args

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from hipcoach.plans.profile import Band
from hipcoach.store import training
from hipcoach.store.errors import Conflict, NotFound
from hipcoach.store.inputs import SetCorrectionIn
from hipcoach.web.pages.field_errors import field_errors
from hipcoach.web.pages.live import counts_with_camera
from hipcoach.web.pages.render import CheckedForm, RunnerUser, is_htmx, render
from hipcoach.web.pages.session_data import Step, advice_for, checkin_on, session_context, sets_by_card

router = APIRouter(include_in_schema=False)
BANDS = get_args(Band)


def _fields(form: dict, names) -> dict:
    return {k: form[k] for k in names if form.get(k) not in (None, "")}


@router.get("/sessions/{uid}")
def session_page(request: Request, uid: str, user: RunnerUser):
    with request.app.state.database.transaction(write=False) as db:
        ctx = session_context(db, user, uid)
        day = ctx["session"].date
        logged, checkin = sets_by_card(db, user, day), checkin_on(db, user, day)
    first_open = next((s.number for s in ctx["steps"] if _sets_left(s, logged) > 0), 1)
    return render(
        request, "session.html", user=user, logged=logged, checkin=checkin, checkin_errors={},
        checkin_values={}, first_open=first_open, sets_done=_sets_done(ctx["steps"], logged),
        sets_total=_sets_total(ctx["steps"]), **ctx,
    )  # fmt: skip


@router.get("/sessions/{uid}/guided")
def guided_start(request: Request, uid: str, user: RunnerUser):
    with request.app.state.database.transaction(write=False) as db:
        ctx = session_context(db, user, uid)
        logged = sets_by_card(db, user, ctx["session"].date)
    first_open = next((s.number for s in ctx["steps"] if _sets_left(s, logged) > 0), 1)
    return RedirectResponse(f"/sessions/{uid}/guided/{first_open}", status_code=303)


@router.get("/sessions/{uid}/guided/{number}")
def guided_step(request: Request, uid: str, number: int, user: RunnerUser):
    """?reps=&hold_s= (from the live camera page) fill the set form in with what the camera counted;
    ?analysis= names the live set's analysis, which the set then links to (the store checks it)."""
    counted = _counted(request.query_params)
    return _step_answer(request, uid, number, user, full=True, values=counted, counted=bool(counted))


def _counted(query) -> dict:
    """The camera's count from the query, kept only when it is a plausible set (the form checks again)."""
    out = {}
    for name, kind, top in (("reps", int, 200), ("hold_s", float, 600)):
        try:
            value = kind(query.get(name, ""))
        except ValueError:
            continue
        if 0 <= value <= top:
            out[name] = f"{value:g}" if kind is float else str(value)
    analysis = query.get("analysis", "")
    if out and analysis.isdigit() and 0 < int(analysis) < 2**31:
        out["analysis_id"] = str(int(analysis))
    return out


@router.post("/sessions/{uid}/sets")
def log_set(request: Request, uid: str, user: RunnerUser, form: CheckedForm):
    """Logs one set of a step; the form's key makes a second tap log nothing more. Runs in a worker
    thread: run in the event loop it was no faster once sessions held realistic numbers of sets, and
    under overload it left some clients waiting 15 s while others were served (benchmarks/bench_web.py)."""
    with request.app.state.database.transaction(write=False) as db:
        ctx = session_context(db, user, uid)
    step = _step_of(ctx, form.get("exercise_id"), form.get("side"))
    errors: dict[str, str] = {}
    names = (
        "client_key",
        "exercise_id",
        "side",
        "set_number",
        "reps",
        "hold_s",
        "band",
        "pain_during",
        "effort",
        "analysis_id",
    )
    try:
        entry = training.CountedSetLogIn(
            **_fields(form, names),
            date=ctx["session"].date,
            programme_id=ctx["programme"].id,
            session_uid=uid,
        )
    except ValidationError as exc:
        errors = field_errors(exc)
    if not errors:
        try:
            with request.app.state.database.transaction() as db:
                training.log_set(db, user, entry)
        except Conflict as exc:
            errors = {"client_key": exc.message}
        except training.AnalysisNotUsable as exc:
            said = exc.message.removeprefix("analysis_id: ")  # the field is named by where it shows
            errors = {"analysis_id": f"{said[:1].upper()}{said[1:]} {exc.hint}"}
    return _after_post(request, uid, step, user, form, errors, logged_now=not errors)


@router.post("/sessions/{uid}/sets/{set_id}/correct")
def correct_set(request: Request, uid: str, set_id: int, user: RunnerUser, form: CheckedForm):
    with request.app.state.database.transaction(write=False) as db:
        ctx = session_context(db, user, uid)
    step = _step_of(ctx, form.get("exercise_id"), form.get("side"))
    errors: dict[str, str] = {}
    try:
        change = SetCorrectionIn(**_fields(form, ("reps", "hold_s", "band", "pain_during", "effort")))
    except ValidationError as exc:
        errors = {f"fix_{k}": v for k, v in field_errors(exc).items()}
    if not errors:
        errors = _store_change(
            request, user, lambda db: training.correct_set(db, user, set_id, change, ctx["today"])
        )
    return _after_post(request, uid, step, user, form, errors, fixing=set_id if errors else None)


@router.post("/sessions/{uid}/sets/{set_id}/remove")
def remove_set(request: Request, uid: str, set_id: int, user: RunnerUser, form: CheckedForm):
    with request.app.state.database.transaction(write=False) as db:
        ctx = session_context(db, user, uid)
    step = _step_of(ctx, form.get("exercise_id"), form.get("side"))
    errors = _store_change(request, user, lambda db: training.remove_set(db, user, set_id, ctx["today"]))
    return _after_post(request, uid, step, user, form, errors)


@router.get("/sessions/{uid}/summary")
def summary_page(request: Request, uid: str, user: RunnerUser):
    with request.app.state.database.transaction(write=False) as db:
        ctx = session_context(db, user, uid)
        logged = sets_by_card(db, user, ctx["session"].date)
        checkin = checkin_on(db, user, ctx["session"].date)
        advice = {s.number: advice_for(ctx, s, logged.get(s.key, [])) for s in ctx["steps"]}
    return render(
        request, "summary.html", user=user, logged=logged, advice=advice, checkin=checkin, checkin_errors={},
        checkin_values={}, sets_done=_sets_done(ctx["steps"], logged), sets_total=_sets_total(ctx["steps"]),
        **ctx,
    )  # fmt: skip


def _store_change(request: Request, user, change) -> dict[str, str]:
    try:
        with request.app.state.database.transaction() as db:
            change(db)
    except (Conflict, NotFound) as exc:
        return {"fix": f"{exc.message} {exc.hint}".strip()}
    return {}


def _step_of(ctx: dict, exercise_id, side) -> Step:
    for step in ctx["steps"]:
        if step.key == (exercise_id, side):
            return step
    raise NotFound(
        "That exercise and side are not in this session.", "Open the session again from your programme."
    )


def _after_post(request, uid, step: Step, user, form, errors, logged_now=False, fixing=None):
    """htmx: the step again (422 when refused); a plain post: back to the step page (or it, refused)."""
    if not errors and not is_htmx(request):
        return RedirectResponse(f"/sessions/{uid}/guided/{step.number}", status_code=303)
    values = form if errors else {}
    return _step_answer(
        request, uid, step.number, user, full=not is_htmx(request), errors=errors, values=values,
        logged_now=logged_now, fixing=fixing, status=422 if errors else 200,
    )  # fmt: skip


def _step_answer(
    request, uid, number, user, full, errors=None, values=None, logged_now=False, fixing=None, status=200,
    counted=False,
):  # fmt: skip
    with request.app.state.database.transaction(write=False) as db:
        ctx = session_context(db, user, uid)
        steps = ctx["steps"]
        if not 1 <= number <= len(steps):
            raise NotFound(
                f"This session has steps 1 to {len(steps)}.", "Open the session from your programme."
            )
        step = steps[number - 1]
        logged = sets_by_card(db, user, ctx["session"].date)
        advice = advice_for(ctx, step, logged.get(step.key, []))
    return render(
        request, "guided.html" if full else "_guided_step.html", status, user=user, step=step, logged=logged,
        advice=advice, errors=errors or {}, values=values or {}, bands=BANDS, new_key=_new_key,
        sets_left=_sets_left(step, logged), logged_now=logged_now, fixing=fixing,
        sets_done=_sets_done(steps, logged), sets_total=_sets_total(steps),
        camera_counts=counts_with_camera(step), counted=counted, **ctx,
    )  # fmt: skip


def _new_key() -> str:
    return uuid.uuid4().hex


def _sets_left(step: Step, logged) -> int:
    return max(0, step.item.dose.sets - len(logged.get(step.key, [])))


def _sets_done(steps, logged) -> int:
    return sum(min(s.item.dose.sets, len(logged.get(s.key, []))) for s in steps)


def _sets_total(steps) -> int:
    return sum(s.item.dose.sets for s in steps)
