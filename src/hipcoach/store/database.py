"""One handle on the database for the app, the worker and the CLI: engine, sessions, migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hipcoach.store.db import make_engine, session_factory
from hipcoach.store.migrate import upgrade


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, url: str, migrate: bool = True) -> Database:
        engine = make_engine(url)
        if migrate:
            upgrade(engine)
        return cls(engine, session_factory(engine))

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back otherwise."""
        with self.sessions() as db, db.begin():
            yield db

    def close(self) -> None:
        self.engine.dispose()
