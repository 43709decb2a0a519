"""Shedding load: past a bounded number of requests in hand, answer 503 with Retry-After at once.

A server on one machine has a fixed throughput; a request beyond it does not go faster by waiting, it
only makes every request behind it wait longer. Measured flat out (100 connections) before this, a set
took seconds to log and some requests waited over 10 s, long past the point where a person gives up
or a client times out. So at most `max_active` requests run at once, at most `max_waiting` more wait
for a turn (first come, first served), and none waits longer than `max_wait_s`; anything past that is
told at once to come back in `retry_after_s` seconds. The API gets a Problem body (as every refusal);
a page gets a short HTML page saying to retry, built without the database or templates, which are
what is busy.

Exempt: /health (a load balancer must see the process alive while it is busy) and /static (small
files, no database, needed to draw even the busy page). WebSockets are not counted: the live camera
socket stays open for a whole set, and counting it would hold a turn for minutes.

Pure ASGI and a counter on the event loop: no thread, no lock, nothing read from the request.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import deque
from dataclasses import dataclass

from starlette.datastructures import Headers

from hipcoach.web.answer_kind import answer_kind

EXEMPT_PREFIXES = ("/static/",)
EXEMPT_PATHS = ("/health",)

BUSY = "The server is busy right now; nothing was changed."
BUSY_PAGE = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Busy · hipcoach</title>'
    '<link rel="stylesheet" href="/static/app.css">'
    "<main><h1>The server is busy</h1><p>Nothing was changed. Wait {s} seconds and try again "
    "(reload the page, or send the form again).</p></main>"
)


def cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class ShedLimits:
    """How many requests may run, how many may wait, and for how long.

    The defaults follow the cores: the routes are mostly Python holding the GIL plus short SQLite
    writes, so a few requests per core keep the cores busy and more only share them thinner.
    """

    max_active: int
    max_waiting: int
    max_wait_s: float = 2.0
    retry_after_s: int = 2

    @classmethod
    def for_cores(cls, n: int | None = None) -> ShedLimits:
        n = n or cores()
        return cls(max_active=4 * n, max_waiting=8 * n)

    def __post_init__(self) -> None:
        if self.max_active < 1 or self.max_waiting < 0 or self.max_wait_s < 0 or self.retry_after_s < 1:
            raise ValueError(f"load-shedding limits out of range: {self}")


class LoadShed:
    """ASGI middleware: counts HTTP requests in hand; past the limits, a 503 with Retry-After."""

    def __init__(self, app, limits: ShedLimits) -> None:
        self.app, self.limits = app, limits
        self.active = 0
        self.shed = 0  # answered 503 since start (for benchmarks and logs)
        self._waiters: deque[asyncio.Future] = deque()

    @property
    def waiting(self) -> int:
        return sum(1 for f in self._waiters if not f.done())

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or _exempt(scope["path"]):
            return await self.app(scope, receive, send)
        if not await self._acquire():
            self.shed += 1
            return await self._refuse(scope, send)
        try:
            await self.app(scope, receive, send)
        finally:
            self._release()

    async def _acquire(self) -> bool:
        if self.active < self.limits.max_active and not self.waiting:
            self.active += 1
            return True
        if self.waiting >= self.limits.max_waiting:
            return False
        turn = asyncio.get_running_loop().create_future()
        self._waiters.append(turn)
        try:
            await asyncio.wait_for(asyncio.shield(turn), self.limits.max_wait_s)
            return True
        except TimeoutError:
            return self._give_up(turn)
        except asyncio.CancelledError:  # the client went away while waiting
            if not self._give_up(turn):
                raise
            self._release()
            raise

    def _give_up(self, turn: asyncio.Future) -> bool:
        """Leave the line; True if a turn had been handed over meanwhile (then it is ours)."""
        if turn.done():
            return True
        turn.cancel()
        self._waiters.remove(turn)
        return False

    def _release(self) -> None:
        """Hand the turn to the first one still waiting, else free it."""
        while self._waiters:
            turn = self._waiters.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        self.active -= 1

    async def _refuse(self, scope, send) -> None:
        seconds = self.limits.retry_after_s
        kind = answer_kind(scope["path"], Headers(scope=scope))
        if kind == "json":
            problem = {"detail": BUSY, "hint": f"Try again in {seconds} seconds."}
            body, media = json.dumps(problem).encode(), b"application/json"
        elif kind == "fragment":
            body, media = (
                f"<p>{BUSY} Try again in {seconds} seconds.</p>".encode(),
                b"text/html; charset=utf-8",
            )
        else:
            body, media = BUSY_PAGE.format(s=seconds).encode(), b"text/html; charset=utf-8"
        headers = [
            (b"content-type", media),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(seconds).encode()),
        ]
        if kind == "fragment":  # htmx shows it in the page's message box, as other refusals
            headers += [(b"hx-retarget", b"#page-error"), (b"hx-reswap", b"innerHTML")]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _exempt(path: str) -> bool:
    return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)
