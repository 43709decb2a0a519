"""Coach invitations, links, and the coach's list of athletes with their recent signals."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter

from hipcoach.store import coaching, videos
from hipcoach.web.deps import DB, Actor, Id, Tx
from hipcoach.web.problems import problems
from hipcoach.web.schemas import (
    AcceptIn,
    AnalysisOut,
    AthleteOut,
    InvitationIn,
    InvitationOut,
    LinkOut,
    UserOut,
)

router = APIRouter(prefix="/api/v1", tags=["coaching"])


@router.post(
    "/invitations", status_code=201, response_model=InvitationOut, responses=problems(400, 401, 403, 422)
)
def invite(body: InvitationIn, actor: Actor, tx: Tx) -> InvitationOut:
    with tx() as db:
        invitation, code = coaching.create_invitation(db, actor, body.note)
        return InvitationOut(id=invitation.id, code=code, expires_at=invitation.expires_at)


@router.post("/invitations/accept", response_model=LinkOut, responses=problems(400, 401, 403, 404, 422))
def accept(body: AcceptIn, actor: Actor, tx: Tx) -> LinkOut:
    with tx() as db:
        return LinkOut.model_validate(coaching.accept_invitation(db, actor, body.code))


@router.get("/coaches", response_model=list[UserOut], responses=problems(401, 403))
def my_coaches(actor: Actor, db: DB) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in coaching.coaches(db, actor)]


@router.delete("/links/{user_id}", status_code=204, responses=problems(401, 403, 404, 422))
def unlink(user_id: Id, actor: Actor, tx: Tx) -> None:
    with tx() as db:
        coaching.unlink(db, actor, user_id)


@router.get("/athletes", response_model=list[AthleteOut], responses=problems(401, 403))
def athletes(actor: Actor, db: DB) -> list[AthleteOut]:
    out = []
    for athlete in coaching.athletes(db, actor):
        signals = coaching.recent_signals(db, actor, athlete.id, dt.date.today())
        out.append(
            AthleteOut(
                user=UserOut.model_validate(athlete),
                sets_last_14_days=signals.sets,
                pain_flags_last_14_days=signals.pain_flags,
                adherence_last_14_days=signals.adherence,
                latest_analyses=[
                    AnalysisOut.model_validate(a) for a in videos.list_analyses(db, actor, athlete.id, 3)
                ],
            )
        )
    return out
