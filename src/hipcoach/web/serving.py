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

import anyio.to_thread
import uvicorn
from uvicorn._compat import asyncio_run

WORKER_THREADS = 4


def serve(app, host: str, port: int) -> None:
    """As uvicorn.run(app, ...), with the thread pool set once the event loop is running."""
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)

    async def main() -> None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        await server.serve()

    with contextlib.suppress(KeyboardInterrupt):  # as uvicorn.run: Ctrl-C is a normal way to stop
        asyncio_run(main(), loop_factory=config.get_loop_factory())
