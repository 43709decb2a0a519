"""One analysis job from claim to stored result; safe to run twice for the same job.

The database row decides who works on a job (see hipcoach.store.jobs): each attempt writes into its
own folder, and only the attempt holding the lease stores its report, so a worker killed half-way
and a retry never leave two results. A UserError (unreadable video, nobody in view, wrong view)
ends the job with its message and no partial files; other errors are retried by the queue.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from hipcoach.errors import UserError
from hipcoach.store import jobs
from hipcoach.store.database import Database
from hipcoach.store.models import Analysis, Video

MAX_ATTEMPTS = 3
# The analysis reports each stage from 0 to 1; the page shows one bar. Pose finding is most of the time.
STAGE_SPANS = {"pose": (0.0, 0.75), "analyse": (0.75, 0.8), "video": (0.8, 1.0)}
Analyser = Callable[..., dict]


class LostLease(Exception):
    """Another attempt owns this job now; stop without storing anything."""


def default_analyser(kind: str) -> Analyser:
    """The analysis of `kind` ("exercise" or "screen"), each job in a process of its own (jobs.child:
    the pose stack's memory goes with the job, not into the long-lived worker)."""
    from hipcoach.jobs.child import InChild

    return InChild(kind)


def run_job(
    database: Database,
    analysis_id: int,
    analyses_dir: Path,
    lease_s: float,
    analyser_for: Callable[[str], Analyser] = default_analyser,
) -> str:
    """Run the job if it is ours to run; returns what happened: done, failed, skipped or lost."""
    with database.transaction() as db:
        attempt = jobs.claim(db, analysis_id, lease_s)
        if attempt is None:
            return "skipped"
        analysis = db.get(Analysis, analysis_id)
        video = db.get(Video, analysis.video_id)
        kind, target, source, shown_name = (
            analysis.kind,
            analysis.target,
            video.stored_path,
            video.original_name,
        )
    out_dir = analyses_dir / str(analysis_id) / f"attempt-{attempt}"
    if attempt > MAX_ATTEMPTS:
        message = f"The analysis was interrupted {attempt - 1} times; try a shorter or smaller video."
        return _fail(database, analysis_id, attempt, out_dir, message)
    if source is None or not Path(source).is_file():
        return _fail(
            database, analysis_id, attempt, out_dir, "The uploaded video is no longer there; upload it again."
        )
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    progress = _progress_writer(database, analysis_id, attempt, lease_s)
    try:
        report = analyser_for(kind)(Path(source), target, out_dir, progress)
    except LostLease:
        return _lost(database, analysis_id, out_dir)
    except UserError as exc:  # the message names the file as the user called it, not as it was stored
        return _fail(database, analysis_id, attempt, out_dir, str(exc).replace(Path(source).name, shown_name))
    except Exception as exc:
        if _deleted(database, analysis_id):  # the runner deleted the video (and its file) meanwhile
            return _lost(database, analysis_id, out_dir)
        _release_or_give_up(database, analysis_id, attempt, out_dir, exc)
        raise
    with database.transaction() as db:
        stored = jobs.finish(db, analysis_id, attempt, report, str(out_dir))
    if not stored:
        return _lost(database, analysis_id, out_dir)
    _tidy(database, analysis_id, out_dir)
    return "done"


def _progress_writer(database: Database, analysis_id: int, attempt: int, lease_s: float):
    """Progress for the page, at most a few writes a second; each write also renews the lease."""
    last = {"t": 0.0, "p": -1.0}

    def report(stage: str, fraction: float) -> None:
        start, end = STAGE_SPANS.get(stage, (0.0, 1.0))
        fraction = start + (end - start) * min(max(fraction, 0.0), 1.0)
        now = time.monotonic()
        if now - last["t"] < 0.25 and abs(fraction - last["p"]) < 0.05:
            return
        last.update(t=now, p=fraction)
        with database.transaction() as db:
            if not jobs.heartbeat(db, analysis_id, attempt, stage, fraction, lease_s):
                raise LostLease(analysis_id)

    return report


def _deleted(database: Database, analysis_id: int) -> bool:
    with database.transaction(write=False) as db:
        return db.get(Analysis, analysis_id) is None


def _lost(database: Database, analysis_id: int, out_dir: Path) -> str:
    """This attempt's folder goes; the job's whole folder too when the runner deleted the analysis."""
    shutil.rmtree(out_dir, ignore_errors=True)
    if _deleted(database, analysis_id):
        shutil.rmtree(out_dir.parent, ignore_errors=True)
    return "lost"


def _fail(database: Database, analysis_id: int, attempt: int, out_dir: Path, message: str) -> str:
    shutil.rmtree(out_dir, ignore_errors=True)
    with database.transaction() as db:
        failed = jobs.fail(db, analysis_id, attempt, message)
    if not failed:
        return _lost(database, analysis_id, out_dir)
    _tidy(database, analysis_id, None)
    return "failed"


def _release_or_give_up(
    database: Database, analysis_id: int, attempt: int, out_dir: Path, exc: Exception
) -> None:
    shutil.rmtree(out_dir, ignore_errors=True)
    message = f"The analysis failed {attempt} times ({type(exc).__name__}: {exc})."
    with database.transaction() as db:
        gave_up = attempt >= MAX_ATTEMPTS and jobs.fail(db, analysis_id, attempt, message)
        if not gave_up:
            jobs.release(db, analysis_id, attempt)
    if gave_up:
        _tidy(database, analysis_id, None)


def _tidy(database: Database, analysis_id: int, keep: Path | None) -> None:
    """Remove other attempts' folders, and the upload unless the runner chose to keep it."""
    job_dir = keep.parent if keep else None
    with database.transaction() as db:
        analysis = db.get(Analysis, analysis_id)
        video = db.get(Video, analysis.video_id) if analysis is not None else None
        if video is None:  # deleted by the runner since: their deletion removed the files
            return
        if not video.keep_video and video.stored_path:
            Path(video.stored_path).unlink(missing_ok=True)
            jobs.forget_upload(db, video)
    if job_dir is not None and job_dir.is_dir():
        for other in list(job_dir.iterdir()):
            if other != keep:
                shutil.rmtree(other, ignore_errors=True)
