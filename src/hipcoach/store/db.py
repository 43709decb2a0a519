"""Opening the database: SQLite (WAL, foreign keys on, a busy timeout) by default, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from hipcoach.errors import UserError

DB_FILE = "hipcoach.sqlite3"
_URL_HELP = (
    "Use sqlite:///path/to/file.sqlite3 or postgresql://user:password@host:port/dbname "
    "(leave it out to use the data folder's own SQLite file)."
)


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{(Path(data_dir) / DB_FILE).resolve()}"


def make_engine(url: str) -> Engine:
    """An engine for a database URL; postgresql:// URLs use psycopg 3 whatever driver they name."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserError(f"Not a database URL: {url!r}", _URL_HELP) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=20)
    if backend != "sqlite":
        raise UserError(f"Unsupported database {backend!r} in {url!r}", _URL_HELP)
    in_memory = parsed.database in (None, "", ":memory:")
    pool = {} if in_memory else {"pool_size": 20, "max_overflow": 80}
    engine = create_engine(parsed, connect_args={"timeout": 30}, **pool)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers carry on during a write; SQLite leaves foreign keys off unless asked."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
