"""The data folder does not fill up with what nothing refers to: uploads cut off by a killed server and
folders of failed attempts go; what a row names, anything recent, and a running job's folder stay."""

from __future__ import annotations

import os
import time

from hipcoach.jobs.sweep import sweep
from hipcoach.store import jobs, videos
from hipcoach.store.accounts import create_user
from hipcoach.store.database import Database
from hipcoach.store.db import sqlite_url

HOURS_AGO = time.time() - 3 * 3600


def _old(path):
    os.utime(path, (HOURS_AGO, HOURS_AGO))
    return path


def _analysis(db, runner, uploads, name):
    path = uploads / name
    path.write_bytes(b"video bytes")
    return videos.add_video_for_analysis(
        db, runner, original_name=name, stored_path=str(path), size_bytes=11, sha256="0" * 64,
        keep_video=True, kind="exercise", target="clamshell",
    )  # fmt: skip


def test_orphans_go_and_everything_referred_to_or_recent_stays(tmp_path):
    database = Database.open(sqlite_url(tmp_path))
    uploads, analyses = tmp_path / "uploads", tmp_path / "analyses"
    uploads.mkdir()
    with database.transaction() as db:
        runner = create_user(db, "sweep@example.org", "pw-sweep-runner", "Sweep", "runner")
        failed = _analysis(db, runner, uploads, "failed.mp4")
        running = _analysis(db, runner, uploads, "running.mp4")
        ids = failed.id, running.id
    with database.transaction() as db:
        attempt = jobs.claim(db, ids[0], lease_s=60)
        jobs.fail(db, ids[0], attempt, "could not read the video")
        jobs.claim(db, ids[1], lease_s=60)
    for name, i in (("failed", ids[0]), ("running", ids[1])):
        _old(uploads / f"{name}.mp4")
        (analyses / str(i) / "attempt-1").mkdir(parents=True)
        _old(analyses / str(i) / "attempt-1")
        _old(analyses / str(i))
    cut_off = uploads / "killed-mid-upload.mp4"
    cut_off.write_bytes(b"x" * 1000)
    _old(cut_off)
    streaming = uploads / "streaming-now.mp4"
    streaming.write_bytes(b"y" * 10)
    gone = analyses / "424242"
    (gone / "attempt-1").mkdir(parents=True)
    (gone / "attempt-1" / "report.json").write_text("{}")
    _old(gone)

    swept = sweep(database, uploads, analyses)

    assert not cut_off.exists() and not gone.exists()
    assert not (analyses / str(ids[0])).exists()  # the failed attempt's empty folder, then its own
    assert (analyses / str(ids[1]) / "attempt-1").is_dir()  # running: the job may still write there
    assert (uploads / "failed.mp4").exists() and (uploads / "running.mp4").exists()
    assert streaming.exists()
    assert (swept.uploads, swept.analyses) == (1, 2) and swept.bytes == 1002
    database.close()
