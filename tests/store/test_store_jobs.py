"""Job leases: an attempt presumed dead cannot store a result after the job was handed out again."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from hipcoach.store import jobs, videos
from hipcoach.store.models import Analysis, Screen


def _queued(database, runner, kind="screen", target="single-leg-squat") -> int:
    with database.transaction() as db:
        analysis = videos.add_video_for_analysis(
            db,
            runner,
            original_name="squat.mp4",
            stored_path="/tmp/none.mp4",
            size_bytes=1,
            sha256="0" * 64,
            keep_video=False,
            kind=kind,
            target=target,
        )
    return analysis.id


def _screen_report(left_fppa: float) -> dict:
    per_side = {"left": {"fppa_mean_deg": left_fppa}, "right": {"fppa_mean_deg": 2.0}}
    return {"schema_version": "hipcoach.screen/1", "test": "single-leg-squat", "per_side": per_side}


def test_expired_lease_hands_the_job_out_again_and_only_the_owner_finishes(database, people):
    job = _queued(database, people["runner_a"])
    with database.transaction() as db:
        first = jobs.claim(db, job, lease_s=0.2)
        assert first == 1
        assert jobs.claim(db, job, lease_s=0.2) is None  # leased: nobody else takes it
    time.sleep(0.4)
    with database.transaction() as db:
        assert jobs.stale(db, queued_before=db.scalar(select(func.min(Analysis.created_at)))) == [job]
        second = jobs.claim(db, job, lease_s=30)
        assert second == 2
        assert not jobs.heartbeat(db, job, first, "pose", 0.5, lease_s=30)
        assert jobs.heartbeat(db, job, second, "pose", 0.5, lease_s=30)
    with database.transaction() as db:
        assert jobs.finish(db, job, second, _screen_report(7.5), "/out/2")
        assert not jobs.finish(db, job, first, _screen_report(99.0), "/out/1")
        assert not jobs.fail(db, job, first, "late failure")
    with database.transaction() as db:
        row = db.get(Analysis, job)
        assert (row.status, row.attempts, row.output_dir, row.error_message) == ("done", 2, "/out/2", None)
        (stored,) = db.scalars(select(Screen))
        assert (stored.summary["left"], stored.summary["right"]) == (7.5, 2.0)  # the owner's result, once
        assert jobs.stale(db, queued_before=row.finished_at) == []


def test_failure_keeps_the_message_and_no_result(database, people):
    job = _queued(database, people["runner_a"], kind="exercise", target="clamshell")
    with database.transaction() as db:
        attempt = jobs.claim(db, job, lease_s=30)
        assert jobs.fail(db, job, attempt, "Nobody is in view.")
    with database.transaction() as db:
        row = db.get(Analysis, job)
        assert (row.status, row.error_message, row.report, row.output_dir) == (
            "failed",
            "Nobody is in view.",
            None,
            None,
        )
        assert jobs.claim(db, job, lease_s=30) is None
        assert db.scalar(select(func.count()).select_from(Screen)) == 0
