"""Invitations: a revoked or expired code is refused and links nobody, only the inviting coach revokes,
an accepted one cannot be revoked, and accepting links the runner; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from hipcoach.store import coaching, invitations
from hipcoach.store.errors import Conflict, NotFound
from hipcoach.store.models import CoachLink, Invitation


def _linked(db, coach, runner) -> bool:
    query = select(CoachLink.id).where(CoachLink.coach_id == coach.id, CoachLink.athlete_id == runner.id)
    return db.scalar(query) is not None


def test_accepting_links_the_runner_and_spends_the_code(database, people):
    coach, runner = people["coach_b"], people["runner_b"]
    with database.transaction() as db:
        invitation, code = invitations.create_invitation(db, coach, "for B", "server secret")
        assert [p.invitation.id for p in invitations.pending(db, coach, "server secret")] == [invitation.id]
    with database.transaction() as db:
        invitations.accept_invitation(db, runner, invitations.shown(code).lower())  # typed loosely
    with database.transaction(write=False) as db:
        assert _linked(db, coach, runner)
        assert invitations.pending(db, coach, "server secret") == []
        assert [u.id for u in coaching.athletes(db, coach)] == [runner.id]


def test_a_revoked_code_is_refused_and_links_nobody(database, people):
    coach, runner = people["coach_b"], people["runner_b"]
    with database.transaction() as db:
        invitation, code = invitations.create_invitation(db, coach)
    with pytest.raises(NotFound), database.transaction() as db:
        invitations.revoke(db, people["coach_a"], invitation.id)  # not theirs
    with database.transaction() as db:
        invitations.revoke(db, coach, invitation.id)
        assert invitations.pending(db, coach) == []
    with pytest.raises(NotFound, match="withdrawn"), database.transaction() as db:
        invitations.accept_invitation(db, runner, code)
    with database.transaction(write=False) as db:
        assert not _linked(db, coach, runner)


def test_an_expired_code_is_refused_and_links_nobody(database, people):
    coach, runner = people["coach_b"], people["runner_b"]
    with database.transaction() as db:
        invitation, code = invitations.create_invitation(db, coach)
        invitation.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    with database.transaction(write=False) as db:
        assert invitations.pending(db, coach) == []
    with pytest.raises(NotFound, match="expired"), database.transaction() as db:
        invitations.accept_invitation(db, runner, code)
    with database.transaction(write=False) as db:
        assert not _linked(db, coach, runner)
        assert db.get(Invitation, invitation.id).accepted_by is None


def test_an_accepted_invitation_cannot_be_revoked_or_used_again(database, people):
    coach = people["coach_b"]
    with database.transaction() as db:
        invitation, code = invitations.create_invitation(db, coach)
        invitations.accept_invitation(db, people["runner_b"], code)
    with pytest.raises(Conflict), database.transaction() as db:
        invitations.revoke(db, coach, invitation.id)
    with pytest.raises(NotFound, match="already been used"), database.transaction() as db:
        invitations.accept_invitation(db, people["runner_a"], code)
