"""Sign-up, sign-in, login sessions and API tokens.

Neither sign-up nor sign-in may tell a stranger whether an email has an account: request_account
answers the same (None) for a taken email as the caller will for a new one, and authenticate runs
one argon2 verification whether or not the email is known.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from hipcoach.store import credentials
from hipcoach.store.credentials import hash_password, new_token, token_hash
from hipcoach.store.errors import Conflict, NotFound
from hipcoach.store.models import ApiToken, LoginSession, User
from hipcoach.store.types import utcnow

SESSION_DAYS = 30


def create_user(db: Session, email: str, password: str, display_name: str, role: str) -> User:
    return create_user_hashed(db, email, hash_password(password), display_name, role)


def create_user_hashed(db: Session, email: str, password_hash: str, display_name: str, role: str) -> User:
    """As create_user, with the (deliberately slow) hash made beforehand, outside any transaction."""
    email = email.strip().lower()
    if db.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise Conflict(f"An account for {email} exists already.", "Sign in instead, or use another email.")
    user = User(email=email, display_name=display_name.strip(), role=role, password_hash=password_hash)
    db.add(user)
    db.flush()
    return user


def request_account(db: Session, email: str, password_hash: str, display_name: str, role: str) -> User | None:
    """The new account, or None when the email has one already (left as it was). Sign-up answers both
    alike, so the form cannot be used to learn who has an account."""
    try:
        return create_user_hashed(db, email, password_hash, display_name, role)
    except Conflict:
        return None


def find_user(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == email.strip().lower()))


def password_matches(user: User | None, password: str) -> bool:
    """One argon2 verification either way: against a dummy hash of the same cost when user is None."""
    return credentials.verify_or_dummy(user.password_hash if user is not None else None, password)


def authenticate(db: Session, email: str, password: str) -> User | None:
    user = find_user(db, email)
    return user if password_matches(user, password) else None


def start_login_session(db: Session, user: User) -> str:
    raw, hashed = new_token("hcs")
    db.add(
        LoginSession(
            user_id=user.id, token_hash=hashed, expires_at=utcnow() + dt.timedelta(days=SESSION_DAYS)
        )
    )
    db.flush()
    return raw


def user_for_session(db: Session, raw: str) -> User | None:
    """The account behind a live login session: one indexed join, as every page and request asks."""
    return db.scalar(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.token_hash == token_hash(raw), LoginSession.expires_at >= utcnow())
    )


def end_login_session(db: Session, raw: str) -> None:
    db.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(raw)))


def create_api_token(db: Session, actor: User, name: str) -> tuple[ApiToken, str]:
    raw, hashed = new_token("hct")
    token = ApiToken(user_id=actor.id, name=name, token_hash=hashed)
    db.add(token)
    db.flush()
    return token, raw


def user_for_api_token(db: Session, raw: str) -> User | None:
    return db.scalar(
        select(User).join(ApiToken, ApiToken.user_id == User.id).where(ApiToken.token_hash == token_hash(raw))
    )


def list_api_tokens(db: Session, actor: User) -> list[ApiToken]:
    return list(db.scalars(select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.id)))


def revoke_api_token(db: Session, actor: User, token_id: int) -> None:
    token = db.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound(f"No API token {token_id} among yours.")
    db.delete(token)
