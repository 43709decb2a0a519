"""One runner's import (or any long write) must not stall anyone else, and its body has a limit.

Each test makes the overlap happen with threads and events, not with timings: a write is held open,
or an import is paused between its batches, while other requests are made; those must be answered
before the hold ends. The timeouts only keep a failing test from hanging.
"""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from fastapi.testclient import TestClient

from hipcoach.web import api_backup
from hipcoach.web.app import create_app
from tests.factories import backup_dict, profile_dict, set_log_dict
from tests.web.conftest import make_settings, sign_up

START = dt.date.today() - dt.timedelta(days=30)


class WatchedLock:
    """The writers' lock, telling when a writer has had to wait for it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.contended = threading.Event()

    def __enter__(self):
        if not self._lock.acquire(blocking=False):
            self.contended.set()
            self._lock.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self._lock.release()


def _in_thread(call) -> tuple[threading.Thread, dict]:
    out: dict = {}
    thread = threading.Thread(target=lambda: out.update(response=call()), daemon=True)
    thread.start()
    return thread, out


@pytest.fixture
def runner(client):
    acct = sign_up(client, "importer@example.org", "runner")
    assert acct.put("/api/v1/profile", json=profile_dict(start_date=START.isoformat())).status_code == 200
    return acct


def test_a_set_waiting_for_the_writers_turn_does_not_stall_other_requests(client, runner):
    database = client.app.state.database
    lock = database._write_lock = WatchedLock()  # SQLite: writers in this process take turns on it
    held, release = threading.Event(), threading.Event()

    def long_write() -> None:
        with database.transaction():
            held.set()
            release.wait(30)

    holder = threading.Thread(target=long_write, daemon=True)
    holder.start()
    try:
        assert held.wait(10)
        poster, posted = _in_thread(lambda: runner.post("/api/v1/set-logs", json=set_log_dict(1, START)))
        assert lock.contended.wait(20), "the set log never reached the writers' turn"
        reader, read = _in_thread(lambda: runner.get("/api/v1/me"))
        reader.join(20)
        assert not reader.is_alive(), "GET /api/v1/me waited for another request's write"
        assert read["response"].status_code == 200 and poster.is_alive()
    finally:
        release.set()
        holder.join(30)
    poster.join(30)
    assert posted["response"].status_code == 201


def test_others_log_and_read_between_the_batches_of_an_import(client, runner, monkeypatch):
    paused, go_on = threading.Event(), threading.Event()

    def pause_after_first_batch(done: int) -> None:
        if done == 100:
            paused.set()
            assert go_on.wait(30)

    original = api_backup.import_backup_in_batches

    def small_batches(database, actor, raw):
        return original(database, actor, raw, batch_size=100, on_batch=pause_after_first_batch)

    monkeypatch.setattr(api_backup, "import_backup_in_batches", small_batches)
    backup = backup_dict(800, START)
    importer, imported = _in_thread(lambda: runner.post("/api/v1/backup", json=backup))
    try:
        assert paused.wait(60), "the import did not get through its first batch"
        late_set = set_log_dict(700, START)  # also in the file, in a batch not written yet
        logger, logged = _in_thread(lambda: runner.post("/api/v1/set-logs", json=late_set))
        logger.join(20)
        reader, read = _in_thread(lambda: runner.get("/api/v1/me"))
        reader.join(20)
        assert not logger.is_alive() and not reader.is_alive(), "the import held up other requests"
        assert logged["response"].status_code == 201 and read["response"].status_code == 200
        assert importer.is_alive()
    finally:
        go_on.set()
        importer.join(120)
    counts = imported["response"].json()
    assert counts == {
        "profile": 0,
        "programmes": 1,
        "set_logs": 799,
        "checkins": 1,
        "notes": 0,
        "adjustments": 0,
    }
    saved = runner.get(f"/api/v1/runners/{runner.id}/set-logs").json()
    keys = [s["client_key"] for s in saved]
    assert len(keys) == len(set(keys)) == 800


def test_a_large_import_through_the_api_completes_once(client, runner):
    backup = backup_dict(3000, START)
    first = runner.post("/api/v1/backup", json=backup)
    assert first.status_code == 200 and first.json()["set_logs"] == 3000
    assert runner.post("/api/v1/backup", json=backup).json()["set_logs"] == 0
    assert len(runner.get(f"/api/v1/runners/{runner.id}/set-logs").json()) == 3000


@pytest.fixture
def small_limit_client(tmp_path):
    with TestClient(create_app(make_settings(tmp_path, backup_limit_bytes=2**20))) as c:
        yield c


def test_a_backup_over_the_limit_is_a_413_saying_the_limit(small_limit_client):
    acct = sign_up(small_limit_client, "big@example.org", "runner")
    big = json.dumps(backup_dict(6000, START)).encode()
    assert len(big) > 2**20
    declared = acct.post("/api/v1/backup", content=big, headers={"content-type": "application/json"})
    assert declared.status_code == 413
    assert declared.json() == {"detail": "The backup is larger than the limit of 1 MiB."}

    def chunks():  # no Content-Length: the limit counts what streams in
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]

    streamed = acct.post("/api/v1/backup", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    assert acct.get(f"/api/v1/runners/{acct.id}/set-logs").json() == []
    small = acct.post("/api/v1/backup", json=backup_dict(10, START))
    assert small.status_code == 200 and small.json()["set_logs"] == 10


@pytest.mark.parametrize(
    "body,expected",
    [
        (b"[" * 50_000 + b"]" * 50_000, "JSON decode error"),
        (b"{nope", "JSON decode error"),
        (b"[1, 2]", "valid dictionary"),
        (b'{"schema_version": "hipcoach.backup/1", "profile": {"name": "\\udc00"}}', "surrogate"),
    ],
    ids=["deeply nested", "not JSON", "not an object", "lone surrogate"],
)
def test_an_unreadable_backup_is_a_422(client, runner, body, expected):
    r = runner.post("/api/v1/backup", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422 and expected in r.text


def test_a_backup_naming_an_unknown_exercise_is_refused_whole(client, runner):
    backup = backup_dict(50, START)
    backup["programmes"][0]["plan"]["weeks"][0]["sessions"][0]["items"][0]["exercise_id"] = "moonwalk"
    r = runner.post("/api/v1/backup", json=backup)
    assert r.status_code == 422 and "unknown exercise 'moonwalk'" in r.json()["detail"]
    assert runner.get(f"/api/v1/runners/{runner.id}/set-logs").json() == []
    assert runner.get(f"/api/v1/runners/{runner.id}/programmes").json() == []


def test_a_refused_set_is_named_by_its_place_in_the_file(client, runner):
    """Among 80,000 sets, "date: ... in the future" alone does not say which one to fix."""
    backup = backup_dict(50, START)
    backup["set_logs"][37]["date"] = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    r = runner.post("/api/v1/backup", json=backup)
    assert r.status_code == 422 and "set_logs.37.date" in r.json()["detail"], r.text
    assert runner.get(f"/api/v1/runners/{runner.id}/set-logs").json() == []
