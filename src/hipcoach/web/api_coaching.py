"""Coach invitations, links, and the coach's list of athletes with their recent signals."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request

from hipcoach.store import coaching, invitations
from hipcoach.web.deps import DB, Actor, Id, Tx
from hipcoach.web.pages.invitations import join_link, secret
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


def _invitation_out(request: Request, invitation, code: str | None) -> InvitationOut:
    return InvitationOut(
        id=invitation.id,
        code=invitations.shown(code) if code else None,
        link=join_link(request, code) if code else None,
        note=invitation.note,
        expires_at=invitation.expires_at,
    )


@router.post(
    "/invitations", status_code=201, response_model=InvitationOut, responses=problems(400, 401, 403, 422)
)
def invite(request: Request, body: InvitationIn, actor: Actor, tx: Tx) -> InvitationOut:
    with tx() as db:
        invitation, code = coaching.create_invitation(db, actor, body.note, secret(request))
        return _invitation_out(request, invitation, code)


@router.get("/invitations", response_model=list[InvitationOut], responses=problems(401, 403))
def pending_invitations(request: Request, actor: Actor, db: DB) -> list[InvitationOut]:
    """The coach's invitations not yet accepted, withdrawn or expired, newest first."""
    mine = invitations.pending(db, actor, secret(request))
    return [_invitation_out(request, p.invitation, p.code) for p in mine]


@router.delete("/invitations/{invitation_id:int}", status_code=204, responses=problems(401, 403, 404, 422))
def revoke_invitation(invitation_id: Id, actor: Actor, tx: Tx) -> None:
    """Withdraw a pending invitation: its link and code are refused from now on."""
    with tx() as db:
        invitations.revoke(db, actor, invitation_id)


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
    """Every linked athlete with their signals of the last 14 days and three newest analyses, read in
    the same number of queries for any number of athletes."""
    return [
        AthleteOut(
            user=UserOut.model_validate(line.user),
            sets_last_14_days=line.signals.sets,
            pain_flags_last_14_days=line.signals.pain_flags,
            adherence_last_14_days=line.signals.adherence,
            latest_analyses=[AnalysisOut.model_validate(a) for a in line.latest_analyses],
        )
        for line in coaching.athlete_lines(db, actor, dt.date.today())
    ]
