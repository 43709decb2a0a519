"""Every store test runs twice: on a SQLite file and on a fresh database in a real PostgreSQL server."""

from __future__ import annotations

import pytest

from hipcoach.store.database import Database
from hipcoach.store.db import sqlite_url
from tests.servers import fresh_database, postgres_server


@pytest.fixture(scope="session")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    with fresh_database(request.getfixturevalue("postgres_url")) as url:
        yield url


@pytest.fixture
def database(db_url):
    db = Database.open(db_url)
    yield db
    db.close()


@pytest.fixture
def people(database):
    """Two runners and two coaches; coach_a is linked to runner_a only."""
    from hipcoach.store.accounts import create_user
    from hipcoach.store.coaching import accept_invitation, create_invitation

    with database.transaction() as db:
        users = {
            "runner_a": create_user(db, "a@example.org", "pw-runner-a", "Runner A", "runner"),
            "runner_b": create_user(db, "b@example.org", "pw-runner-b", "Runner B", "runner"),
            "coach_a": create_user(db, "ca@example.org", "pw-coach-a", "Coach A", "coach"),
            "coach_b": create_user(db, "cb@example.org", "pw-coach-b", "Coach B", "coach"),
        }
        _, code = create_invitation(db, users["coach_a"])
        accept_invitation(db, users["runner_a"], code)
    return users
