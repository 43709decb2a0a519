"""A worker process of its own: `hipcoach worker`, or the one `hipcoach serve` starts beside the web app.

The embedded worker used to be threads inside the web process. A video analysis is seconds of Python
and numpy per clip; in the web process it took the GIL and a core from every request (flat out with one
video analysing, requests timed out). As a child process at a lower priority (`nice`) it only gets
the cores the web process leaves idle, and it cannot hold the web process's GIL at all.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading

from hipcoach.jobs.analysis import default_analyser
from hipcoach.jobs.queue import make_huey, make_queue
from hipcoach.jobs.worker import Worker
from hipcoach.settings import Settings
from hipcoach.store.database import Database

log = logging.getLogger(__name__)
PARENT_CHECK_S = 1.0  # how often an embedded worker looks whether the web process is still there


def run_worker(
    settings: Settings,
    analyser_for=default_analyser,
    workers: int = 1,
    nice: int = 0,
    parent_pid: int | None = None,
    ready=None,
) -> None:
    """Work on analyses until SIGINT or SIGTERM (or, given `parent_pid`, until that process is gone),
    then finish the job in hand and stop. `nice` is applied before any thread starts, so every thread
    of the worker inherits it (Linux keeps a nice value per thread). `ready` (an Event) is set once
    the consumer runs."""
    if nice:
        os.nice(nice)
    database = Database.open(settings.db_url)
    huey = make_huey(settings.data_dir, settings.redis_url)
    queue = make_queue(huey, database, settings.analyses_dir, settings.lease_s, analyser_for)
    worker = Worker(database, queue, settings.lease_s, settings.requeue_queued_after_s, workers=workers)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    worker.start()
    if ready is not None:
        ready.set()
    try:
        # a web process killed with -9 sends no signal: its child notices it has a new parent
        while not stop.wait(PARENT_CHECK_S if parent_pid else None):
            if parent_pid and os.getppid() != parent_pid:
                break
    finally:
        worker.stop()
        database.close()


class WorkerProcess:
    """The embedded worker as a child process of the web app, started and stopped with it.

    Spawned, not forked: the web process has threads (the sweeper, anyio's pool) and an event loop
    by then, which a fork would copy in whatever state they were in. The analyser must be picklable
    (a module-level function), as `default_analyser` is.
    """

    STOP_S = 30.0  # a job in hand gets this long to finish; a killed one is handed out again (lease)

    def __init__(self, settings: Settings, analyser_for=default_analyser) -> None:
        context = multiprocessing.get_context("spawn")
        self.ready = context.Event()
        self.process = context.Process(
            target=run_worker,
            kwargs={
                "settings": settings,
                "analyser_for": analyser_for,
                "nice": settings.worker_nice,
                "parent_pid": os.getpid(),
                "ready": self.ready,
            },
            name="hipcoach-worker",
            daemon=True,
        )

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def start(self) -> None:
        self.process.start()

    def wait_ready(self, timeout: float) -> bool:
        return self.ready.wait(timeout)

    def stop(self) -> None:
        if self.process.pid is None:
            return
        self.process.terminate()  # SIGTERM: finish the job in hand, then stop
        self.process.join(self.STOP_S)
        if self.process.is_alive():
            log.warning("the worker did not stop within %.0f s; killing it", self.STOP_S)
            self.process.kill()
            self.process.join(5)
