"""Password-reset links without an e-mail server: one-time tokens with an expiry, stored hashed.

The server's owner prints a link with `hipcoach reset-link EMAIL` and hands it over; when SMTP is
configured the forgot-password page mails it instead. Opening the link lets the person choose a new
password (judged like any new password); using it ends every login session of the account and every
other open link. A used, expired or unknown link is refused with words saying what to do.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from hipcoach.errors import UserError
from hipcoach.store.accounts import find_user
from hipcoach.store.credentials import new_token, token_hash
from hipcoach.store.errors import NotFound
from hipcoach.store.models import LoginSession, PasswordReset, User
from hipcoach.store.types import utcnow

RESET_HOURS = 24  # long enough for the owner to hand the link over; short enough to go stale soon
ASK_AGAIN = "Ask for a new link on the forgot-password page, or ask the server's owner for one."


class ResetRefused(UserError):
    """The link cannot be used (unknown, used or expired); the message says which and what to do."""


def create_reset(db: Session, email: str, hours: float = RESET_HOURS) -> tuple[str, dt.datetime] | None:
    """A new one-time token for the account with this email and when it expires; None without one."""
    user = find_user(db, email)
    if user is None:
        return None
    raw, hashed = new_token("hcr")
    expires = utcnow() + dt.timedelta(hours=hours)
    db.add(PasswordReset(user_id=user.id, token_hash=hashed, expires_at=expires))
    db.flush()
    return raw, expires


def require_user(db: Session, email: str) -> User:
    """For the owner's command: the account, or a clear refusal naming the email."""
    user = find_user(db, email)
    if user is None:
        raise NotFound(f"No account uses the email {email.strip().lower()}.", "Check the spelling.")
    return user


def check_reset(db: Session, raw: str) -> tuple[PasswordReset, User]:
    """The live reset behind this token and its account, or ResetRefused saying why not."""
    row = db.scalar(select(PasswordReset).where(PasswordReset.token_hash == token_hash(raw.strip())))
    if row is None:
        raise ResetRefused("This password-reset link is not valid (it may be mistyped).", ASK_AGAIN)
    if row.used_at is not None:
        raise ResetRefused("This password-reset link was used already; each link works once.", ASK_AGAIN)
    if row.expires_at < utcnow():
        raise ResetRefused("This password-reset link has expired.", ASK_AGAIN)
    return row, db.get_one(User, row.user_id)


def use_reset(db: Session, raw: str, password_hash: str) -> User:
    """Set the new password (hashed beforehand, outside the transaction) and spend the link; every
    login session and every other open link of the account ends with it."""
    row, user = check_reset(db, raw)
    now = utcnow()
    spent = db.execute(
        update(PasswordReset)
        .where(PasswordReset.id == row.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:  # another request used it in the meantime
        raise ResetRefused("This password-reset link was used already; each link works once.", ASK_AGAIN)
    user.password_hash = password_hash
    db.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    db.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.flush()
    return user
