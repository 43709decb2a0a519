"""How a job ends: a user error leaves its message and nothing else; a crash is retried; the upload goes
unless kept.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hipcoach.errors import UserError
from hipcoach.jobs.analysis import MAX_ATTEMPTS, run_job
from hipcoach.store import videos
from hipcoach.store.accounts import create_user
from hipcoach.store.database import Database
from hipcoach.store.db import sqlite_url
from hipcoach.store.models import Analysis, Screen, User, Video


@pytest.fixture
def database(tmp_path):
    db = Database.open(sqlite_url(tmp_path))
    with db.transaction() as session:
        create_user(session, "j@example.org", "long enough pw", "J", "runner")
    yield db
    db.close()


def _job(database, tmp_path, keep=False, kind="screen") -> tuple[int, Path]:
    upload = tmp_path / f"upload-{keep}-{kind}.mp4"
    upload.write_bytes(b"not really a video")
    with database.transaction() as db:
        job = videos.add_video_for_analysis(
            db,
            db.scalar(select(User)),
            original_name=upload.name,
            stored_path=str(upload),
            size_bytes=upload.stat().st_size,
            sha256="0" * 64,
            keep_video=keep,
            kind=kind,
            target="single-leg-squat" if kind == "screen" else "clamshell",
        ).id
    return job, upload


def _writes_then(outcome):
    def analyser_for(kind):
        def analyse(video, target, out_dir, progress):
            progress("pose", 0.5)
            (out_dir / "annotated.mp4").write_bytes(b"partial")
            if isinstance(outcome, Exception):
                raise outcome
            (out_dir / "report.json").write_text(json.dumps(outcome))
            return outcome

        return analyse

    return analyser_for


def test_user_error_ends_the_job_with_its_message_and_no_partial_records(database, tmp_path):
    job, upload = _job(database, tmp_path)
    error = UserError("Nobody is in view.", "Film the whole body, side on.")
    outcome = run_job(database, job, tmp_path / "analyses", 30, _writes_then(error))
    assert outcome == "failed"
    with database.transaction() as db:
        row = db.get(Analysis, job)
        assert row.status == "failed" and row.error_message.startswith("Nobody is in view.")
        assert "Film the whole body" in row.error_message
        assert row.report is None and row.output_dir is None
        assert db.scalar(select(func.count()).select_from(Screen)) == 0
    assert not (tmp_path / "analyses" / str(job) / "attempt-1").exists()
    assert not upload.exists()


def test_kept_video_stays_after_a_successful_analysis(database, tmp_path):
    job, upload = _job(database, tmp_path, keep=True)
    per_side = {"left": {"fppa_mean_deg": 4.0}, "right": {"fppa_mean_deg": 9.0}}
    report = {"schema_version": "hipcoach.screen/1", "test": "single-leg-squat", "per_side": per_side}
    assert run_job(database, job, tmp_path / "analyses", 30, _writes_then(report)) == "done"
    assert upload.exists()
    with database.transaction() as db:
        assert db.get(Analysis, job).report == report
        assert db.get(Video, db.get(Analysis, job).video_id).stored_path == str(upload)
        (screen,) = db.scalars(select(Screen))
        assert (screen.summary["left"], screen.summary["right"]) == (4.0, 9.0)


def test_unexpected_crash_is_retried_then_gives_up_with_a_message(database, tmp_path):
    job, upload = _job(database, tmp_path, kind="exercise")
    crash = _writes_then(RuntimeError("decoder crashed"))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with pytest.raises(RuntimeError):
            run_job(database, job, tmp_path / "analyses", 30, crash)
        with database.transaction() as db:
            row = db.get(Analysis, job)
            assert row.attempts == attempt
            assert row.status == ("queued" if attempt < MAX_ATTEMPTS else "failed")
    assert "decoder crashed" in row.error_message
    assert not upload.exists()
    assert not (tmp_path / "analyses" / str(job)).exists() or not any(
        (tmp_path / "analyses" / str(job)).iterdir()
    )


def test_a_crash_then_a_good_run_stores_one_result(database, tmp_path):
    job, _ = _job(database, tmp_path, kind="exercise")
    with pytest.raises(RuntimeError):
        run_job(database, job, tmp_path / "analyses", 30, _writes_then(RuntimeError("out of memory")))
    report = {"schema_version": "hipcoach.analysis/1", "reps": 10}
    assert run_job(database, job, tmp_path / "analyses", 30, _writes_then(report)) == "done"
    assert run_job(database, job, tmp_path / "analyses", 30, _writes_then(report)) == "skipped"
    with database.transaction() as db:
        row = db.get(Analysis, job)
        assert (row.status, row.attempts, row.report) == ("done", 2, report)
