"""Who may see whose data: the one place access is decided.

A runner sees only their own data; a coach sees the runners linked to them by an accepted invitation.
Only the runner writes their own training data. Anything else is refused as 'not found'.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hipcoach.store.errors import Forbidden, NotFound
from hipcoach.store.models import CoachLink, User


def can_read_runner(db: Session, actor: User, runner_id: int) -> bool:
    if actor.role == "runner":
        return actor.id == runner_id
    link = db.scalar(
        select(CoachLink.id).where(CoachLink.coach_id == actor.id, CoachLink.athlete_id == runner_id)
    )
    return link is not None


def require_read(db: Session, actor: User, runner_id: int) -> None:
    if not can_read_runner(db, actor, runner_id):
        raise NotFound(f"No runner {runner_id} among the runners you can see.")


def require_runner(actor: User, what: str) -> None:
    if actor.role != "runner":
        raise Forbidden(f"Only a runner can {what}; coaches see their athletes' data but do not change it.")


def require_coach(actor: User, what: str) -> None:
    if actor.role != "coach":
        raise Forbidden(f"Only a coach can {what}.")


def readable(db: Session, actor: User, model, row_id: int, label: str):
    """The row with this id if it belongs to a runner the actor can see, else NotFound."""
    row = db.get(model, row_id)
    if row is None or not can_read_runner(db, actor, row.user_id):
        raise NotFound(f"No {label} {row_id} among the data you can see.")
    return row


def writable(db: Session, actor: User, model, row_id: int, label: str):
    """The row with this id if it is the actor's own, else NotFound."""
    row = db.get(model, row_id)
    if row is None or row.user_id != actor.id:
        raise NotFound(f"No {label} {row_id} among your own data.")
    return row
