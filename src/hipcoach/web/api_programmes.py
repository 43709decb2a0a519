"""Profile, screening and programmes (with the CLI's own JSON, iCalendar and PDF exports)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict

from hipcoach.catalog import load_catalog
from hipcoach.plans.profile import Profile
from hipcoach.plans.programme import Plan
from hipcoach.plans.red_flags import RED_FLAGS
from hipcoach.reports.ical import plan_ical
from hipcoach.reports.pdf import plan_pdf
from hipcoach.store import screening as screenings
from hipcoach.store import training
from hipcoach.store.errors import NotFound
from hipcoach.store.prescriptions import CurrentPlan, current_plan
from hipcoach.web.deps import DB, Actor, Id, Tx
from hipcoach.web.problems import problems
from hipcoach.web.schemas import (
    CoachChangeOut,
    LoggedSetBrief,
    ProgrammeIn,
    ProgrammeOut,
    QuestionOut,
    ScreeningOut,
    SessionItemOut,
    TrainingSessionOut,
)

router = APIRouter(prefix="/api/v1", tags=["programmes"])


class ScreeningRecordOut(BaseModel):
    """One recorded screening: the answers, the outcome the runner was given, and when."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    answers: dict[str, bool]
    referral: bool
    urgent: bool
    reasons: list[str]
    cleared_after_referral: bool
    source: str
    created_at: dt.datetime


@router.get("/screening/questions", response_model=list[QuestionOut])
def screening_questions() -> list[QuestionOut]:
    return [QuestionOut(id=f.id, question=f.question) for f in RED_FLAGS]


@router.post("/screening", response_model=ScreeningOut, responses=problems(400, 401, 403, 422))
def screening(profile: Profile, actor: Actor) -> ScreeningOut:
    """Check answers without saving them: a red flag means see a clinician, not a programme."""
    referral = profile.referral()
    if referral is None:
        return ScreeningOut(
            referral=False, urgent=False, reasons=[], message="No red flags: a programme is fine."
        )
    return ScreeningOut(
        referral=True, urgent=referral.urgent, reasons=list(referral.reasons), message=referral.message()
    )


@router.put(
    "/profile",
    response_model=Profile,
    responses=problems(
        400, 401, 403, 422, said={409: "After a referral: a clinician must clear the runner first."}
    ),
)
def save_profile(
    profile: Profile,
    actor: Actor,
    tx: Tx,
    clinician_cleared: bool = Query(
        False, description="after a referral: a clinician has seen the runner about it and cleared them"
    ),
) -> Profile:
    """Saves the answers (every red-flag question must be answered) and records the screening they
    make, as the web form does. After a referral, answers without a red flag are refused (409) unless
    clinician_cleared=true confirms that a clinician has seen the runner about it."""
    with tx() as db:
        screenings.screen_and_record(db, actor, profile, cleared=clinician_cleared, source="api")
        row = training.save_profile(db, actor, profile.model_dump(mode="json"))
        return Profile.model_validate(row.data)


@router.get(
    "/runners/{runner_id}/screenings",
    response_model=list[ScreeningRecordOut],
    responses=problems(401, 404, 422),
)
def list_screenings(runner_id: Id, actor: Actor, db: DB) -> list[ScreeningRecordOut]:
    """The runner's recorded screenings, newest first (the runner, or a linked coach)."""
    return [ScreeningRecordOut.model_validate(s) for s in screenings.list_screenings(db, actor, runner_id)]


@router.get("/runners/{runner_id}/profile", response_model=Profile, responses=problems(401, 404, 422))
def get_profile(runner_id: Id, actor: Actor, db: DB) -> Profile:
    return training.get_profile(db, actor, runner_id)


@router.post(
    "/programmes",
    status_code=201,
    response_model=ProgrammeOut,
    responses=problems(
        400,
        401,
        403,
        422,
        said={
            404: "No profile saved yet: PUT /api/v1/profile first.",
            409: "The profile has a red flag: see a clinician instead; no programme was made.",
        },
    ),
)
def create_programme(body: ProgrammeIn, actor: Actor, tx: Tx) -> ProgrammeOut:
    with tx() as db:
        return ProgrammeOut.model_validate(training.create_programme(db, actor, body.start_date))


@router.get(
    "/runners/{runner_id}/programmes", response_model=list[ProgrammeOut], responses=problems(401, 404, 422)
)
def programmes(runner_id: Id, actor: Actor, db: DB) -> list[ProgrammeOut]:
    return [ProgrammeOut.model_validate(p) for p in training.list_programmes(db, actor, runner_id)]


@router.get("/programmes/{programme_id}", response_model=Plan, responses=problems(401, 404, 422))
def programme_plan(programme_id: Id, actor: Actor, db: DB) -> Plan:
    """The plan as `hipcoach plan -f json` prints it (schema hipcoach.plan/1)."""
    return _plan(db, actor, programme_id)


@router.get(
    "/programmes/{programme_id}/calendar.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, **problems(401, 404, 422)},
)
def programme_ical(programme_id: Id, actor: Actor, db: DB) -> Response:
    """The sessions with their doses as adapted to what was logged so far."""
    plan = _current(db, actor, programme_id).plan
    return Response(
        plan_ical(plan), media_type="text/calendar", headers=_attachment(f"hipcoach-{plan.plan_id}.ics")
    )


@router.get(
    "/programmes/{programme_id}/handout.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **problems(401, 404, 422)},
)
def programme_pdf(programme_id: Id, actor: Actor, db: DB) -> Response:
    """The printable programme, with the doses as adapted to what was logged so far."""
    plan = _current(db, actor, programme_id).plan
    pdf = plan_pdf(plan, load_catalog())
    return Response(pdf, media_type="application/pdf", headers=_attachment(f"hipcoach-{plan.plan_id}.pdf"))


@router.get("/programmes/{programme_id}/sessions", responses=problems(401, 404, 422))
def programme_sessions(programme_id: Id, actor: Actor, db: DB) -> list[dict]:
    """Every session of the programme with its week and phase, in date order, doses as adapted."""
    plan = _current(db, actor, programme_id).plan
    return [
        {"week": w.number, "phase": w.phase, **s.model_dump(mode="json")}
        for w in plan.weeks
        for s in w.sessions
    ]


@router.get(
    "/programmes/{programme_id}/sessions/{uid}",
    response_model=TrainingSessionOut,
    responses=problems(401, 404, 422),
)
def programme_session(programme_id: Id, uid: str, actor: Actor, db: DB) -> TrainingSessionOut:
    """One session: each exercise and side with the dose to do (adapted to everything logged before
    the session), the plan's dose, the engine's action and reason, and the sets already logged."""
    programme = training.get_programme(db, actor, programme_id)
    current = current_plan(db, actor, programme)
    for week in current.stored.weeks:
        for session in week.sessions:
            if session.uid == uid:
                adapted = current.adaptation.session(uid)
                logged = training.list_set_logs(db, actor, programme.user_id, session.date, session.date)
                return TrainingSessionOut(
                    uid=uid, date=session.date, weekday=session.weekday, run_that_day=session.run_that_day,
                    week=week.number, phase=week.phase,
                    items=[
                        SessionItemOut(
                            exercise_id=a.exercise_id, side=a.dose.side, dose=a.dose, planned_dose=a.planned,
                            action=a.action, reason=a.reason, changed=a.changed,
                            coach_changes=[_coach_change(c) for c in a.coach],
                        )
                        for a in adapted.items
                    ],
                    logged=[LoggedSetBrief.model_validate(s, from_attributes=True) for s in logged],
                )  # fmt: skip
    raise NotFound(f"Programme {programme_id} has no session {uid!r}.")


def _coach_change(c) -> CoachChangeOut:
    return CoachChangeOut(
        kind=c.kind,
        summary=c.summary(load_catalog()),
        reason=c.reason,
        note=c.note,
        coach=c.coach,
        start_date=c.start,
    )


def _current(db: DB, actor: Actor, programme_id: Id) -> CurrentPlan:
    return current_plan(db, actor, training.get_programme(db, actor, programme_id))


def _plan(db: DB, actor: Actor, programme_id: Id) -> Plan:
    return training.programme_plan(db, actor, training.get_programme(db, actor, programme_id))


def _attachment(name: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{name}"'}
