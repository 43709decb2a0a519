"""A worker process killed (SIGKILL) in the middle of an analysis: the job is retried and stored once.

Runs the real worker loop in real processes, with the queue in an SQLite file (one machine) and in
Redis with the database in PostgreSQL (several machines).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hipcoach.jobs.queue import make_huey, make_queue
from hipcoach.store import videos
from hipcoach.store.accounts import create_user
from hipcoach.store.database import Database
from hipcoach.store.db import sqlite_url
from hipcoach.store.models import Analysis, Screen
from tests.servers import fresh_database

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("slow_worker.py")


def _start_worker(data: Path, db_url: str, redis_url: str | None) -> subprocess.Popen:
    args = [sys.executable, str(SCRIPT), str(data), db_url, *([redis_url] if redis_url else [])]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _settles(look, expected, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while look() != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return look() == expected


def _wait_for(database: Database, job: int, ok, timeout: float = 60) -> Analysis:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with database.transaction() as db:
            row = db.get(Analysis, job)
            if ok(row):
                return row
        time.sleep(0.05)
    raise AssertionError(
        f"analysis {job} never reached the expected state; last: {row.status} {row.progress}"
    )


@pytest.fixture(params=["sqlite-file-queue", "postgresql-and-redis"])
def setup(request, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    if request.param == "sqlite-file-queue":
        yield data, sqlite_url(data), None
        return
    redis_url = request.getfixturevalue("redis_url")
    with fresh_database(request.getfixturevalue("postgres_url")) as db_url:
        yield data, db_url, redis_url


def test_killed_worker_job_is_retried_and_stored_once(setup):
    data, db_url, redis_url = setup
    database = Database.open(db_url)
    upload = data / "uploads" / "squat.mp4"
    upload.parent.mkdir()
    upload.write_bytes(b"video bytes")
    with database.transaction() as db:
        runner = create_user(db, "k@example.org", "long enough pw", "K", "runner")
        job = videos.add_video_for_analysis(
            db,
            runner,
            original_name="squat.mp4",
            stored_path=str(upload),
            size_bytes=11,
            sha256="0" * 64,
            keep_video=False,
            kind="screen",
            target="single-leg-squat",
        ).id
    huey = make_huey(data, redis_url)
    make_queue(huey, database, data / "analyses", lease_s=1.0).enqueue(job)

    first = _start_worker(data, db_url, redis_url)
    second = None
    try:
        _wait_for(database, job, lambda r: r.status == "running" and r.progress > 0.1)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert (data / "analyses" / str(job) / "attempt-1").is_dir()  # the killed attempt's half-done folder
        second = _start_worker(data, db_url, redis_url)
        row = _wait_for(database, job, lambda r: r.status in ("done", "failed"))
        assert row.status == "done", row.error_message
        assert row.attempts == 2
        assert row.report["worker_pid"] == second.pid
        assert Path(row.output_dir).name == "attempt-2"
        # the worker clears the killed attempt's folder just after storing the result
        assert _settles(lambda: [p.name for p in (data / "analyses" / str(job)).iterdir()], ["attempt-2"])
        assert not upload.exists()  # not kept: deleted after the analysis
        with database.transaction() as db:
            assert db.scalar(select(func.count()).select_from(Screen)) == 1
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=20)
        database.close()
    assert second.returncode == 0, second.stderr.read().decode()[-2000:]
