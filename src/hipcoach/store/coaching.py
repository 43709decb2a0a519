"""Coach invitations and links: a coach sees a runner only after the runner accepts an invitation."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from hipcoach.plans.red_flags import MAX_RUNNING_PAIN
from hipcoach.store.access import require_coach, require_runner
from hipcoach.store.credentials import new_token, token_hash
from hipcoach.store.errors import NotFound
from hipcoach.store.models import CoachLink, Invitation, User
from hipcoach.store.training import list_checkins, list_set_logs
from hipcoach.store.types import utcnow

INVITATION_DAYS = 14


def create_invitation(db: Session, actor: User, note: str = "") -> tuple[Invitation, str]:
    require_coach(actor, "invite athletes")
    raw, hashed = new_token("hci")
    invitation = Invitation(
        coach_id=actor.id,
        code_hash=hashed,
        note=note,
        expires_at=utcnow() + dt.timedelta(days=INVITATION_DAYS),
    )
    db.add(invitation)
    db.flush()
    return invitation, raw


def accept_invitation(db: Session, actor: User, code: str) -> CoachLink:
    require_runner(actor, "accept a coach's invitation")
    invitation = db.scalar(select(Invitation).where(Invitation.code_hash == token_hash(code.strip())))
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at < utcnow():
        raise NotFound(
            "That invitation code is unknown, used or expired.", "Ask your coach for a new invitation."
        )
    invitation.accepted_by, invitation.accepted_at = actor.id, utcnow()
    link = db.scalar(
        select(CoachLink).where(CoachLink.coach_id == invitation.coach_id, CoachLink.athlete_id == actor.id)
    )
    if link is None:
        link = CoachLink(coach_id=invitation.coach_id, athlete_id=actor.id)
        db.add(link)
        db.flush()
    return link


def athletes(db: Session, actor: User) -> list[User]:
    require_coach(actor, "list athletes")
    query = (
        select(User)
        .join(CoachLink, CoachLink.athlete_id == User.id)
        .where(CoachLink.coach_id == actor.id)
        .order_by(User.display_name, User.id)
    )
    return list(db.scalars(query))


def coaches(db: Session, actor: User) -> list[User]:
    require_runner(actor, "list coaches")
    query = (
        select(User).join(CoachLink, CoachLink.coach_id == User.id).where(CoachLink.athlete_id == actor.id)
    )
    return list(db.scalars(query.order_by(User.id)))


def unlink(db: Session, actor: User, other_id: int) -> None:
    """Either side may end a link; the runner's data stays with the runner."""
    gone = db.execute(
        delete(CoachLink).where(
            or_(
                (CoachLink.coach_id == actor.id) & (CoachLink.athlete_id == other_id),
                (CoachLink.athlete_id == actor.id) & (CoachLink.coach_id == other_id),
            )
        )
    )
    if gone.rowcount == 0:
        raise NotFound(f"You have no link with user {other_id}.")


SIGNAL_DAYS = 14  # the window the coach's athlete list looks back over


def recent_signals(db: Session, actor: User, athlete_id: int, today: dt.date) -> tuple[int, int]:
    """(sets logged, pain flags) over the last SIGNAL_DAYS: a flag is a set or a next-morning check-in
    whose pain is above the running-pain limit. One definition for the API and the dashboard page."""
    since = today - dt.timedelta(days=SIGNAL_DAYS)
    sets = list_set_logs(db, actor, athlete_id, since=since)
    mornings = list_checkins(db, actor, athlete_id, since=since)
    flags = sum(s.pain_during > MAX_RUNNING_PAIN for s in sets) + sum(
        c.pain > MAX_RUNNING_PAIN for c in mornings
    )
    return len(sets), flags
