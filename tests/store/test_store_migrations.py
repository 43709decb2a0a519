"""Upgrading a database made by the first schema keeps every row, and the head schema matches the models."""

from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from hipcoach.store.database import Database
from hipcoach.store.db import make_engine
from hipcoach.store.inputs import CheckInIn, SetLogIn
from hipcoach.store.migrate import alembic_config, current_revision, head_revision, upgrade
from hipcoach.store.models import Base, SetLog, User
from hipcoach.store.training import list_checkins, list_set_logs, log_set


def test_upgrade_from_first_revision_keeps_data(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    assert "analyses" not in inspect(engine).get_table_names()
    now = dt.datetime(2026, 11, 1, 8, 0)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, email, display_name, role, password_hash, created_at) "
                "VALUES (1, 'old@example.org', 'Old Runner', 'runner', 'x', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO set_logs (user_id, date, exercise_id, side, set_number, reps, hold_s, band, "
                "pain_during, effort, client_key, created_at) VALUES "
                "(1, :d, 'clamshell', 'left', 1, 12, 0, 'red', 2, 6, 'key-left-1', :now), "
                "(1, :d, 'clamshell', 'right', 1, 10, 0, 'red', 3, 7, 'key-right-1', :now)"
            ),
            {"d": dt.date(2026, 11, 2), "now": now},
        )
        conn.execute(
            text(
                "INSERT INTO checkins (user_id, date, pain, note, created_at) VALUES (1, :d, 1, 'fine', :now)"
            ),
            {"d": dt.date(2026, 11, 3), "now": now},
        )
    engine.dispose()

    database = Database.open(db_url)  # what `hipcoach serve` does on start
    try:
        assert current_revision(database.engine) == head_revision(database.engine)
        with database.transaction() as db:
            runner = db.scalar(select(User).where(User.email == "old@example.org"))
            logs = list_set_logs(db, runner, runner.id)
            assert [(s.side, s.reps, s.pain_during, s.client_key) for s in logs] == [
                ("left", 12, 2, "key-left-1"),
                ("right", 10, 3, "key-right-1"),
            ]
            assert [(c.date, c.pain, c.note) for c in list_checkins(db, runner, runner.id)] == [
                (dt.date(2026, 11, 3), 1, "fine")
            ]
            assert db.get(SetLog, logs[0].id).created_at == now.replace(tzinfo=dt.UTC)
            # the old rows still guard against double logging after the upgrade
            entry = SetLogIn(
                client_key="key-left-1",
                date=dt.date(2026, 11, 2),
                exercise_id="clamshell",
                side="left",
                set_number=1,
                reps=12,
                band="red",
                pain_during=2,
                effort=6,
            )
            _, created = log_set(db, runner, entry)
            assert not created
            assert db.scalar(select(SetLog.id).where(SetLog.client_key == "key-right-1")) is not None
            assert CheckInIn(pain=0).pain == 0
        assert {"videos", "analyses", "screens"} <= set(inspect(database.engine).get_table_names())
    finally:
        database.close()


def test_migrations_build_exactly_the_models(database):
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_upgrading_twice_changes_nothing(database):
    upgrade(database.engine)
    assert current_revision(database.engine) == head_revision(database.engine)


def test_upgrade_from_0002_keeps_corrections_and_adds_the_screenings_table(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0002")
    assert "screenings" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "screenings" in inspect(engine).get_table_names()
    columns = {c["name"] for c in inspect(engine).get_columns("set_logs")}
    assert {"replaced_at", "replaces_id"} <= columns
    assert current_revision(engine) == head_revision(engine) == "0010"
    engine.dispose()


def _a_new_table_comes_and_goes(db_url, revision: str, table: str, columns: set[str]) -> None:
    """Upgrading from `revision` adds `table` with at least `columns`; downgrading to it removes it."""
    engine = make_engine(db_url)
    upgrade(engine, revision)
    assert table not in inspect(engine).get_table_names()
    upgrade(engine)
    assert columns <= {c["name"] for c in inspect(engine).get_columns(table)}
    command.downgrade(alembic_config(engine), revision)
    assert table not in inspect(engine).get_table_names()
    engine.dispose()


def test_upgrade_from_0004_adds_the_triage_seen_table_and_downgrade_removes_it(db_url):
    _a_new_table_comes_and_goes(db_url, "0004", "triage_seen", {"item_key", "seen_at", "link"})


def test_upgrade_from_0005_adds_the_password_resets_table_and_downgrade_removes_it(db_url):
    _a_new_table_comes_and_goes(db_url, "0005", "password_resets", {"token_hash", "expires_at", "used_at"})


def test_upgrade_from_0008_adds_the_programme_adjustments_table_and_downgrade_removes_it(db_url):
    columns = {"kind", "start_date", "reason", "note", "coach_name"}
    _a_new_table_comes_and_goes(db_url, "0008", "programme_adjustments", columns)


def test_upgrade_from_0009_adds_notes_and_the_dashboard_index_and_downgrade_restores_0005s(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0009")
    assert "notes" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert {"athlete_id", "coach_id", "author_id", "body", "read_at"} <= {
        c["name"] for c in inspect(engine).get_columns("notes")
    }
    assert "ix_set_logs_dashboard" in {i["name"] for i in inspect(engine).get_indexes("set_logs")}
    command.downgrade(alembic_config(engine), "0009")
    assert "notes" not in inspect(engine).get_table_names()
    indexes = {i["name"] for i in inspect(engine).get_indexes("set_logs")}
    assert "ix_set_logs_user_id_date" in indexes and "ix_set_logs_dashboard" not in indexes
    engine.dispose()
