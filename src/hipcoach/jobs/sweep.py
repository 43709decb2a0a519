"""Housekeeping of the data folder: files that no row points to any more are removed.

Two things leave them behind: a process killed while an upload streams in (the file is written before
its row, so nothing refers to it), and analyses whose attempt failed or was handed out again (their
folders stay, often empty). Neither holds anything a user can reach, and a busy server would slowly
fill its disk. The sweep runs when the server starts and then every hour (`Sweeper`). Anything younger
than `grace` is left alone: an upload still streaming in and a job's folder just made look the same as
orphans until their row is written.

Not an acting user's store function: it reads only which files the database still names, for the
whole server, and deletes nothing from the database.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from hipcoach.store.database import Database
from hipcoach.store.models import Analysis, Video

log = logging.getLogger(__name__)
GRACE_S = 3600.0
EVERY_S = 3600.0


@dataclass(frozen=True)
class Swept:
    uploads: int = 0
    analyses: int = 0
    bytes: int = 0


def sweep(database: Database, uploads_dir: Path, analyses_dir: Path, grace: float = GRACE_S) -> Swept:
    """Remove uploads no video row names, analysis folders of no analysis row, and empty attempt folders,
    all older than `grace` seconds."""
    with database.transaction(write=False) as db:
        stored = db.scalars(select(Video.stored_path).where(Video.stored_path.is_not(None)))
        named = {Path(p).name for p in stored}
        status = {str(i): s for i, s in db.execute(select(Analysis.id, Analysis.status))}
    cutoff = time.time() - grace
    uploads = removed_analyses = size = 0
    for f in _old_entries(uploads_dir, cutoff):
        if f.is_file() and f.name not in named:
            size += f.stat().st_size
            f.unlink(missing_ok=True)
            uploads += 1
    for folder in _old_entries(analyses_dir, cutoff):
        if not folder.is_dir():
            continue
        if folder.name not in status:
            size += sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
            shutil.rmtree(folder, ignore_errors=True)
            removed_analyses += 1
            continue
        if status[folder.name] not in ("done", "failed"):
            continue  # a job may be writing into its attempt folder, however old
        for attempt in _old_entries(folder, cutoff):
            if attempt.is_dir() and not any(attempt.iterdir()):
                attempt.rmdir()
        if not any(folder.iterdir()):
            folder.rmdir()
            removed_analyses += 1
    swept = Swept(uploads, removed_analyses, size)
    if uploads or removed_analyses:
        log.info("swept %d orphan uploads, %d analysis folders, %d bytes", uploads, removed_analyses, size)
    return swept


def _old_entries(folder: Path, cutoff: float) -> list[Path]:
    if not folder.is_dir():
        return []
    out = []
    for p in folder.iterdir():
        try:
            if p.lstat().st_mtime < cutoff:
                out.append(p)
        except FileNotFoundError:  # removed meanwhile (a job finishing, a user deleting a video)
            continue
    return out


class Sweeper:
    """`sweep` at start and every `every` seconds on a daemon thread, until `stop`."""

    def __init__(self, database: Database, uploads_dir: Path, analyses_dir: Path, every: float = EVERY_S):
        self._args = (database, uploads_dir, analyses_dir)
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hipcoach-sweep", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            try:
                sweep(*self._args)
            except Exception:  # a sweep that fails (a folder it may not read) must not end the server
                log.exception("sweeping the data folder failed; trying again in an hour")
            if self._stop.wait(self._every):
                return
