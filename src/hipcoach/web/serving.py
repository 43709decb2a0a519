"""Running the app under uvicorn with a small pool of worker threads for the sync routes.

Sync routes (the pages, most GETs) run in anyio's worker threads, 40 by default. Under load that many
threads take turns at the GIL, so every request in flight slows down together and the event loop that
reads new requests gets a small share of the core. Four threads keep the core as busy (SQLite and file
writes release the GIL) while the other requests wait in line, first come first served. Measured with
benchmarks/bench_web.py (100 clients, 1 req/s each): page p95 about 35 ms against 50 ms, pages flat out
about 180 req/s against 145.
"""

from __future__ import annotations

import contextlib
import gc

import anyio.to_thread
import uvicorn
from uvicorn._compat import asyncio_run

WORKER_THREADS = 4


# Collect the youngest generation every 50,000 new objects rather than Python's default 700 (and the
# middle one every 20 of those): objects of requests in flight then seldom survive a collection and
# pile up in the oldest generation, whose collections are the ones that stall every request.
GC_THRESHOLDS = (50_000, 20, 10)


def settle_memory() -> None:
    """Freeze what the app has made by now (modules, catalogue, routes, templates: about 155,000
    objects that live as long as the process) so no collection scans them again, and collect rarely.

    With Python's defaults a full collection scanned them all and stopped every request for 70 ms at
    start-up and 100-230 ms under load (measured with gc.callbacks during benchmarks/bench_web.py),
    which alone put the 95th percentiles of the busier pages over 100 ms.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def serve(app, host: str, port: int) -> None:
    """As uvicorn.run(app, ...), with the thread pool set once the event loop is running."""
    settle_memory()
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)

    async def main() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        await server.serve()

    with contextlib.suppress(KeyboardInterrupt):  # as uvicorn.run: Ctrl-C is a normal way to stop
        asyncio_run(main(), loop_factory=config.get_loop_factory())
