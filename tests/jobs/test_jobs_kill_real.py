"""`hipcoach worker` killed with SIGKILL while finding the pose in a real clip: another worker takes the
job over and one report is stored. Real model, real video (slow)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hipcoach.jobs.queue import make_huey, make_queue
from hipcoach.store import videos
from hipcoach.store.accounts import create_user
from hipcoach.store.database import Database
from hipcoach.store.db import sqlite_url
from hipcoach.store.models import Analysis

pytestmark = pytest.mark.slow
CLIP = "cg_clamshell.mp4"  # 10 s at 720p: long enough to be caught half-way, about 4 openings


def _worker(data: Path) -> subprocess.Popen:
    hipcoach = Path(sys.executable).with_name("hipcoach")
    cmd = [str(hipcoach), "worker", "--data", str(data), "--lease-seconds", "2"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _state(database: Database, job: int) -> Analysis:
    with database.transaction(write=False) as db:
        return db.get(Analysis, job)


def _wait(database, job, ok, timeout=180) -> Analysis:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = _state(database, job)
        if ok(row):
            return row
        time.sleep(0.05)
    raise AssertionError(f"analysis {job} stuck at {row.status} {row.stage} {row.progress:.2f}")


def test_real_analysis_survives_a_killed_worker(tmp_path, data_dir):
    data = tmp_path / "data"
    upload = data / "uploads" / CLIP
    upload.parent.mkdir(parents=True)
    database = Database.open(sqlite_url(data))
    upload.write_bytes((data_dir / "clips" / CLIP).read_bytes())
    with database.transaction() as db:
        runner = create_user(db, "r@example.org", "long enough pw", "R", "runner")
        job = videos.add_video_for_analysis(
            db,
            runner,
            original_name=CLIP,
            stored_path=str(upload),
            size_bytes=upload.stat().st_size,
            sha256="0" * 64,
            keep_video=True,
            kind="exercise",
            target="clamshell",
        ).id
    make_queue(make_huey(data, None), database, data / "analyses", lease_s=2).enqueue(job)
    first = _worker(data)
    second = None
    try:
        _wait(database, job, lambda r: r.stage == "pose" and 0.05 < r.progress < 0.5)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        second = _worker(data)
        row = _wait(database, job, lambda r: r.status in ("done", "failed"))
        assert row.status == "done", row.error_message
        assert row.attempts == 2
        assert row.report["schema_version"] == "hipcoach.analysis/1"
        assert 3 <= row.report["summary"]["reps_total"] <= 5
        assert [p.name for p in (data / "analyses" / str(job)).iterdir()] == ["attempt-2"]
        assert (Path(row.output_dir) / "report.json").is_file()
        assert upload.exists()  # kept, as chosen
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGINT)
                proc.wait(timeout=60)
        database.close()
