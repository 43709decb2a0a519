"""Coach invitations and links: a coach sees a runner only after the runner accepts an invitation."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from hipcoach.plans.red_flags import MAX_RUNNING_PAIN
from hipcoach.store.access import can_read_runner, require_coach, require_runner
from hipcoach.store.credentials import new_token, token_hash
from hipcoach.store.errors import NotFound
from hipcoach.store.models import CoachLink, Invitation, User
from hipcoach.store.training import latest_programme, list_checkins, logged_sets, programme_plan
from hipcoach.store.types import utcnow
from hipcoach.tracking.summary import SetsAgainstPlan, window_adherence

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


def athlete(db: Session, actor: User, athlete_id: int) -> User:
    """One linked athlete for the coach's athlete page. A runner, an unlinked coach and an unknown id
    are all refused alike, so the page reveals nothing about who exists."""
    if actor.role != "coach" or not can_read_runner(db, actor, athlete_id):
        raise NotFound(f"No athlete {athlete_id} among your athletes.")
    return db.get_one(User, athlete_id)


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


class Signals(NamedTuple):
    """What the coach's athlete list shows per athlete; `adherence` is None without a programme."""

    sets: int
    pain_flags: int
    adherence: SetsAgainstPlan | None


def recent_signals(db: Session, actor: User, athlete_id: int, today: dt.date) -> Signals:
    """Sets logged, pain flags and adherence over the last SIGNAL_DAYS. A flag is a set or a
    next-morning check-in whose pain is above the running-pain limit; adherence counts the sets of the
    latest programme's sessions due in the window. One definition for the API and the dashboard page."""
    since = today - dt.timedelta(days=SIGNAL_DAYS - 1)  # today and the 13 days before it
    sets = logged_sets(db, actor, athlete_id, since=since)
    mornings = list_checkins(db, actor, athlete_id, since=since)
    flags = sum(s.pain_during > MAX_RUNNING_PAIN for s in sets) + sum(
        c.pain > MAX_RUNNING_PAIN for c in mornings
    )
    programme = latest_programme(db, actor, athlete_id)
    done = None
    if programme is not None:
        done = window_adherence(programme_plan(db, actor, programme), sets, since, today)
    return Signals(len(sets), flags, done)
