"""The worker's side of an analysis job: claim with a lease, report progress, store the result once.

These act for the system, not for a user, and are never called from a web request. The attempt
number doubles as a fencing token: only the attempt that holds the lease can finish the job, so a
worker that was presumed dead and comes back cannot store a second result.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from hipcoach.analysis.screen_compare import headline
from hipcoach.store.models import Analysis, Screen, Video
from hipcoach.store.types import utcnow


def claim(db: Session, analysis_id: int, lease_s: float) -> int | None:
    """Take the job if it is queued or its lease ran out; returns this attempt's number, or None."""
    now = utcnow()
    result = db.execute(
        update(Analysis)
        .where(
            Analysis.id == analysis_id,
            or_(Analysis.status == "queued", (Analysis.status == "running") & (Analysis.lease_until < now)),
        )
        .values(
            status="running",
            attempts=Analysis.attempts + 1,
            lease_until=now + dt.timedelta(seconds=lease_s),
            started_at=now,
            progress=0.0,
            stage="starting",
        )
    )
    if result.rowcount != 1:
        return None
    return db.scalar(select(Analysis.attempts).where(Analysis.id == analysis_id))


def heartbeat(
    db: Session, analysis_id: int, attempt: int, stage: str, progress: float, lease_s: float
) -> bool:
    """Record progress and extend the lease; False when this attempt no longer owns the job."""
    result = db.execute(
        update(Analysis)
        .where(Analysis.id == analysis_id, Analysis.attempts == attempt, Analysis.status == "running")
        .values(stage=stage[:120], progress=max(0.0, min(1.0, progress)), lease_until=_lease(lease_s))
    )
    return result.rowcount == 1


def finish(db: Session, analysis_id: int, attempt: int, report: dict, output_dir: str) -> bool:
    """Store the report (and a screen row for screens) once; False if another attempt owns the job."""
    result = db.execute(
        update(Analysis)
        .where(Analysis.id == analysis_id, Analysis.attempts == attempt, Analysis.status == "running")
        .values(
            status="done",
            progress=1.0,
            stage="done",
            report=report,
            output_dir=output_dir,
            finished_at=utcnow(),
            lease_until=None,
        )
    )
    if result.rowcount != 1:
        return False
    analysis = db.get(Analysis, analysis_id)
    if analysis.kind == "screen":
        db.add(
            Screen(
                user_id=analysis.user_id,
                analysis_id=analysis.id,
                test=analysis.target,
                summary=headline(report, analysis.target),
            )
        )
    return True


def fail(db: Session, analysis_id: int, attempt: int, message: str) -> bool:
    result = db.execute(
        update(Analysis)
        .where(Analysis.id == analysis_id, Analysis.attempts == attempt, Analysis.status == "running")
        .values(
            status="failed", stage="failed", error_message=message, finished_at=utcnow(), lease_until=None
        )
    )
    return result.rowcount == 1


def release(db: Session, analysis_id: int, attempt: int) -> bool:
    """Put the job back in the queue after an unexpected error, for the queue's retry to pick up."""
    result = db.execute(
        update(Analysis)
        .where(Analysis.id == analysis_id, Analysis.attempts == attempt, Analysis.status == "running")
        .values(status="queued", stage="waiting to retry", lease_until=None)
    )
    return result.rowcount == 1


def stale(db: Session, queued_before: dt.datetime) -> list[int]:
    """Jobs to hand out again: running with an expired lease, or queued since before `queued_before`."""
    now = utcnow()
    query = select(Analysis.id).where(
        or_(
            (Analysis.status == "running") & (Analysis.lease_until < now),
            (Analysis.status == "queued") & (Analysis.created_at < queued_before),
        )
    )
    return list(db.scalars(query.order_by(Analysis.id)))


def forget_upload(db: Session, video: Video) -> None:
    video.stored_path, video.deleted_at = None, utcnow()


def _lease(lease_s: float) -> dt.datetime:
    return utcnow() + dt.timedelta(seconds=lease_s)
