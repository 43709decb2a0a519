"""One handle on the database for the app, the worker and the CLI: engine, sessions, migrations.

SQLite lets one writer in at a time and makes the others sleep and retry in growing steps; under many
concurrent requests those sleeps dominate. Writers in this process therefore take turns on a lock
first, so each write transaction finds the database free. A writer must finish its transaction in the
thread that opened it. PostgreSQL needs no such lock.

The turns go in the order writers came (`Turns`). A plain lock lets the thread that releases it take
it straight back before a woken waiter runs, so an import writing batch after batch kept a set logged
meanwhile waiting for most of the import (5.6 s measured during an 80,000-set import on a busy
machine), not for the one batch in hand.
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


class Turns:
    """A lock that lets writers in first come, first served (a ticket lock on a condition)."""

    def __init__(self) -> None:
        self._changed = threading.Condition(threading.Lock())
        self._next = self._serving = 0
        self._given_up: set[int] = set()

    def __enter__(self) -> None:
        with self._changed:
            ticket, self._next = self._next, self._next + 1
            try:
                while ticket != self._serving:
                    self._changed.wait()
            except BaseException:  # interrupted while waiting: the ticket is skipped when it comes up
                self._given_up.add(ticket)
                self._advance()
                raise

    def __exit__(self, *exc) -> None:
        with self._changed:
            self._serving += 1
            self._advance()

    def _advance(self) -> None:
        while self._serving in self._given_up:
            self._given_up.discard(self._serving)
            self._serving += 1
        self._changed.notify_all()


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    _write_lock: Turns | None = field(default=None, repr=False)

    @classmethod
    def open(cls, url: str, migrate: bool = True) -> Database:
        engine = make_engine(url)
        if migrate:
            upgrade(engine)
        lock = Turns() if engine.dialect.name == "sqlite" else None
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
