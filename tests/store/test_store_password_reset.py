"""One-time reset tokens: stored hashed, used once, refused when used or expired, sessions ended."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from hipcoach.store import accounts, password_reset
from hipcoach.store.credentials import hash_password, token_hash
from hipcoach.store.errors import NotFound
from hipcoach.store.models import LoginSession, PasswordReset
from hipcoach.store.types import utcnow

NEW = "violet ferry lantern"


def test_a_reset_sets_the_password_once_and_ends_the_sessions(database, people):
    with database.transaction() as db:
        accounts.start_login_session(db, people["runner_a"])
        raw, expires = password_reset.create_reset(db, " A@Example.org ")
        assert dt.timedelta(hours=23) < expires - utcnow() <= dt.timedelta(hours=24)
        stored = db.scalar(select(PasswordReset.token_hash))
        assert stored == token_hash(raw) and raw not in stored  # only the hash is kept
    new_hash = hash_password(NEW)
    with database.transaction() as db:
        assert password_reset.use_reset(db, raw, new_hash).id == people["runner_a"].id
    with database.transaction(write=False) as db:
        assert accounts.authenticate(db, "a@example.org", NEW) is not None
        assert accounts.authenticate(db, "a@example.org", "pw-runner-a") is None
        assert db.scalar(select(LoginSession).where(LoginSession.user_id == people["runner_a"].id)) is None
        assert accounts.authenticate(db, "b@example.org", "pw-runner-b") is not None  # others untouched
    with pytest.raises(password_reset.ResetRefused, match="used already"), database.transaction() as db:
        password_reset.use_reset(db, raw, hash_password("another long phrase here"))


def test_using_one_link_spends_the_others_and_an_expired_link_is_refused(database, people):
    with database.transaction() as db:
        first, _ = password_reset.create_reset(db, "a@example.org")
        second, _ = password_reset.create_reset(db, "a@example.org")
        stale, _ = password_reset.create_reset(db, "b@example.org")
        db.execute(
            update(PasswordReset)
            .where(PasswordReset.token_hash == token_hash(stale))
            .values(expires_at=utcnow() - dt.timedelta(minutes=1))
        )
    with database.transaction() as db:
        password_reset.use_reset(db, first, hash_password(NEW))
    for raw, why in ((second, "used already"), (stale, "expired"), ("hcr_made-up", "not valid")):
        with pytest.raises(password_reset.ResetRefused, match=why), database.transaction(write=False) as db:
            password_reset.check_reset(db, raw)


def test_an_unknown_email_makes_no_link(database, people):
    with database.transaction() as db:
        assert password_reset.create_reset(db, "nobody@example.org") is None
        with pytest.raises(NotFound, match=r"nobody@example\.org"):
            password_reset.require_user(db, "nobody@example.org")
        assert db.scalar(select(PasswordReset)) is None
