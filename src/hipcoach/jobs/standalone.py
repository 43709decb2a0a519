"""A worker process of its own (`hipcoach worker`): same queue and code as the embedded one."""

from __future__ import annotations

import signal
import threading

from hipcoach.jobs.analysis import default_analyser
from hipcoach.jobs.queue import make_huey, make_queue
from hipcoach.jobs.worker import Worker
from hipcoach.settings import Settings
from hipcoach.store.database import Database


def run_worker(settings: Settings, analyser_for=default_analyser, workers: int = 1) -> None:
    """Work on analyses until SIGINT or SIGTERM, then finish the job in hand and stop."""
    database = Database.open(settings.db_url)
    huey = make_huey(settings.data_dir, settings.redis_url)
    queue = make_queue(huey, database, settings.analyses_dir, settings.lease_s, analyser_for)
    worker = Worker(database, queue, settings.lease_s, settings.requeue_queued_after_s, workers=workers)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    worker.start()
    try:
        stop.wait()
    finally:
        worker.stop()
        database.close()
