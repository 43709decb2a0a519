"""Running jobs: Huey's consumer plus a reaper that re-enqueues jobs whose worker went silent.

Huey removes a message before running it, so a worker killed mid-job takes the message with it;
the database lease is what notices, and the reaper hands the job out again.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from hipcoach.jobs.queue import JobQueue
from hipcoach.store import jobs
from hipcoach.store.database import Database
from hipcoach.store.types import utcnow

log = logging.getLogger(__name__)


def requeue_stale(database: Database, queue: JobQueue, requeue_queued_after_s: float) -> list[int]:
    with database.transaction() as db:
        ids = jobs.stale(db, queued_before=utcnow() - dt.timedelta(seconds=requeue_queued_after_s))
    for analysis_id in ids:
        queue.enqueue(analysis_id)
    return ids


class Worker:
    """A Huey consumer (threads) and the reaper, started and stopped together."""

    def __init__(
        self,
        database: Database,
        queue: JobQueue,
        lease_s: float,
        requeue_queued_after_s: float,
        workers: int = 1,
    ) -> None:
        self.database, self.queue = database, queue
        self.lease_s, self.requeue_after = lease_s, requeue_queued_after_s
        # An idle consumer polls with growing pauses; capped at 1 s so a new upload starts within a second.
        self.consumer = queue.huey.create_consumer(
            workers=workers, worker_type="thread", periodic=False, max_delay=1.0
        )
        # Huey's consumer takes over SIGINT/SIGTERM for its own run loop, which we do not use; the
        # process that hosts it (uvicorn, or `hipcoach worker`) keeps its own signal handling.
        self.consumer._set_signal_handlers = lambda: None
        self._stop = threading.Event()
        self._reaper = threading.Thread(target=self._reap, name="hipcoach-reaper", daemon=True)

    def start(self) -> None:
        self.consumer.start()
        self._reaper.start()

    def stop(self) -> None:
        self._stop.set()
        self.consumer.stop(graceful=True)
        self._reaper.join(timeout=5)

    def _reap(self) -> None:
        interval = max(0.5, self.lease_s / 2)
        while not self._stop.is_set():
            try:
                again = requeue_stale(self.database, self.queue, self.requeue_after)
                if again:
                    log.info("handed out again: analyses %s", again)
            except Exception:  # the reaper must outlive a database hiccup
                log.exception("could not look for stale analysis jobs")
            self._stop.wait(interval)
