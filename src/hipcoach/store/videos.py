"""Uploaded videos and their analyses, as the runner (or their coach) sees them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hipcoach.store.access import readable, require_read, require_runner
from hipcoach.store.models import Analysis, Screen, User, Video

SCREEN_TESTS = ("single-leg-squat", "running")


def add_video_for_analysis(
    db: Session,
    actor: User,
    *,
    original_name: str,
    stored_path: str,
    size_bytes: int,
    sha256: str,
    keep_video: bool,
    kind: str,
    target: str,
) -> Analysis:
    """Record an upload and its queued analysis in one transaction (the caller enqueues after commit)."""
    require_runner(actor, "upload videos")
    video = Video(
        user_id=actor.id,
        original_name=original_name[:255],
        stored_path=stored_path,
        size_bytes=size_bytes,
        sha256=sha256,
        keep_video=keep_video,
    )
    db.add(video)
    db.flush()
    analysis = Analysis(user_id=actor.id, video_id=video.id, kind=kind, target=target, status="queued")
    db.add(analysis)
    db.flush()
    return analysis


def get_analysis(db: Session, actor: User, analysis_id: int) -> Analysis:
    return readable(db, actor, Analysis, analysis_id, "analysis")


def get_video(db: Session, actor: User, video_id: int) -> Video:
    return readable(db, actor, Video, video_id, "video")


def list_analyses(db: Session, actor: User, runner_id: int, limit: int = 100) -> list[Analysis]:
    require_read(db, actor, runner_id)
    query = select(Analysis).where(Analysis.user_id == runner_id).order_by(Analysis.id.desc()).limit(limit)
    return list(db.scalars(query))


def list_screens(db: Session, actor: User, runner_id: int) -> list[Screen]:
    require_read(db, actor, runner_id)
    return list(db.scalars(select(Screen).where(Screen.user_id == runner_id).order_by(Screen.id)))
