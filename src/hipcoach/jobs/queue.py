"""The Huey queue: an SQLite file in the data folder by default, Redis when a URL is given.

The same task code runs embedded in `hipcoach serve` or in separate `hipcoach worker` processes
sharing a Redis broker and a PostgreSQL database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from huey import Huey, RedisHuey, SqliteHuey

from hipcoach.jobs.analysis import Analyser, default_analyser, run_job
from hipcoach.store.database import Database

QUEUE_NAME = "hipcoach"
TASK_NAME = "hipcoach.analyse"
MAX_QUEUE_RETRIES = 2  # for unexpected errors; the job row's attempt count caps retries after kills


@dataclass
class JobQueue:
    huey: Huey
    analyse: Callable[[int], object]  # the Huey task: calling it with an analysis id enqueues the job

    def enqueue(self, analysis_id: int) -> None:
        self.analyse(analysis_id)


def make_huey(data_dir: Path, redis_url: str | None, immediate: bool = False) -> Huey:
    if redis_url:
        return RedisHuey(QUEUE_NAME, url=redis_url, immediate=immediate)
    return SqliteHuey(QUEUE_NAME, filename=str(Path(data_dir) / "queue.sqlite3"), immediate=immediate)


def make_queue(
    huey: Huey, database: Database, analyses_dir: Path, lease_s: float, analyser_for=default_analyser
) -> JobQueue:
    def analyse(analysis_id: int) -> str:
        return run_job(database, analysis_id, analyses_dir, lease_s, analyser_for)

    task = huey.task(retries=MAX_QUEUE_RETRIES, retry_delay=2, name=TASK_NAME)(analyse)
    return JobQueue(huey=huey, analyse=task)


__all__ = ["Analyser", "JobQueue", "make_huey", "make_queue"]
