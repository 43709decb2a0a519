"""Deleting a runner's own data: one video with its analysis, or the whole account.

Rows go first, in the caller's transaction; the files they point at (the upload under uploads/, the
analysis folder analyses/<id>/) are removed by remove_files once that transaction has committed, so a
rolled-back deletion never leaves rows whose files are gone. Account deletion walks every table with a
column that refers to users, so a table added later is covered without a change here.

A job the worker is running when its analysis is deleted notices at its next progress report or when
it stores its result (its row is gone), and stops without storing anything (see jobs/analysis.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from hipcoach.store.access import require_runner, writable
from hipcoach.store.models import Analysis, Base, Screen, SetLog, User, Video


class Leftovers(NamedTuple):
    """What is left on disk once the rows are gone: upload paths and analysis ids (their folders)."""

    uploads: list[str]
    analysis_ids: list[int]


def delete_analysis(db: Session, actor: User, analysis_id: int) -> Leftovers:
    """The runner's own video (or live camera set), its analyses and screen result; a coach or a
    stranger gets NotFound. Sets counted by it stay logged, no longer linked (the key is SET NULL)."""
    require_runner(actor, "delete videos")
    analysis = writable(db, actor, Analysis, analysis_id, "video")
    video = db.get(Video, analysis.video_id) if analysis.video_id is not None else None
    ids = [analysis.id]
    if video is not None:
        ids = list(db.scalars(select(Analysis.id).where(Analysis.video_id == video.id)))
    db.execute(update(SetLog).where(SetLog.analysis_id.in_(ids)).values(analysis_id=None))
    db.execute(delete(Screen).where(Screen.analysis_id.in_(ids)))
    db.execute(delete(Analysis).where(Analysis.id.in_(ids)))
    if video is not None:
        db.execute(delete(Video).where(Video.id == video.id))
    db.expunge(analysis)
    return Leftovers([video.stored_path] if video is not None and video.stored_path else [], ids)


def delete_account(db: Session, actor: User) -> Leftovers:
    """Everything of the actor's: their rows in every table, their coach links both ways, their login
    sessions and tokens, then the account. Rows of others that only mention them (an invitation they
    accepted) keep the row with the mention cleared. The caller has confirmed it is the person."""
    uploads = [p for p in db.scalars(select(Video.stored_path).where(Video.user_id == actor.id)) if p]
    ids = list(db.scalars(select(Analysis.id).where(Analysis.user_id == actor.id)))
    users = Base.metadata.tables[User.__tablename__]
    for table in reversed(Base.metadata.sorted_tables):  # rows that refer to others go first
        for column in table.columns:
            if not any(fk.column.table is users for fk in column.foreign_keys):
                continue
            fk = next(fk for fk in column.foreign_keys if fk.column.table is users)
            if fk.ondelete and fk.ondelete.upper() == "SET NULL":
                db.execute(update(table).where(column == actor.id).values({column.name: None}))
            else:
                db.execute(delete(table).where(column == actor.id))
    db.execute(delete(users).where(users.c.id == actor.id))
    return Leftovers(uploads, ids)


def remove_files(leftovers: Leftovers, uploads_dir: Path, analyses_dir: Path) -> None:
    """Remove the uploads and analysis folders; only inside the data folder's own directories."""
    uploads_dir, analyses_dir = Path(uploads_dir).resolve(), Path(analyses_dir).resolve()
    for stored in leftovers.uploads:
        path = Path(stored).resolve()
        if path.is_relative_to(uploads_dir):
            path.unlink(missing_ok=True)
    for analysis_id in leftovers.analysis_ids:
        shutil.rmtree(analyses_dir / str(int(analysis_id)), ignore_errors=True)
