"""One handle on the database for the app, the worker and the CLI: engine, sessions, migrations.

SQLite lets one writer in at a time and makes the others sleep and retry in growing steps; under many
concurrent requests those sleeps dominate. Writers in this process therefore take turns on a lock
first, so each write transaction finds the database free. A writer must finish its transaction in the
thread that opened it. PostgreSQL needs no such lock.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hipcoach.store.db import make_engine, session_factory
from hipcoach.store.migrate import upgrade


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    _write_lock: threading.Lock | None = field(default=None, repr=False)

    @classmethod
    def open(cls, url: str, migrate: bool = True) -> Database:
        engine = make_engine(url)
        if migrate:
            upgrade(engine)
        lock = threading.Lock() if engine.dialect.name == "sqlite" else None
        return cls(engine, session_factory(engine), lock)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back otherwise.

        Pass write=False for read-only work: it then skips the writers' queue.
        """
        queue = self._write_lock if (write and self._write_lock is not None) else contextlib.nullcontext()
        with queue, self.sessions() as db, db.begin():
            yield db

    def close(self) -> None:
        self.engine.dispose()
