"""The benchmark's figures, and its fallback load generator (Python httpx) for machines without wrk.

The fallback sends the same requests as benchmarks/bench_web.lua, one asyncio task per client, from
this process moved onto the load generator's cores.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import statistics
import time
import uuid
from dataclasses import dataclass

import httpx


@dataclass
class Figures:
    n: int
    p50: float
    p95: float
    p99: float
    max: float
    seconds: float
    errors: int

    def line(self) -> str:
        ms = f"p50 {self.p50:6.1f}  p95 {self.p95:6.1f}  p99 {self.p99:6.1f}  max {self.max:6.1f} ms"
        errors = f"  ERRORS {self.errors}" if self.errors else ""
        return f"n={self.n:6d}  {ms}  {self.n / self.seconds:5.0f} req/s{errors}"


def request_for(mode: str, r: dict, k: int) -> tuple[str, str, dict]:
    key = f"b{uuid.uuid4().hex}"
    side, number = ("left" if k % 2 == 0 else "right"), k % 10 + 1
    turn = k % len(r["uids"])  # the runner's next session in turn, as bench_web.lua's next_session
    if mode == "api-set":
        body = {"client_key": key, "date": r["dates"][turn], "exercise_id": r["exercise"], "side": side,
                "set_number": number, "reps": 10, "pain_during": 2,
                "programme_id": r["programme"]}  # fmt: skip
        bearer = {"Authorization": f"Bearer {r['token']}"}
        return "POST", "/api/v1/set-logs", {"json": body, "headers": bearer}
    cookie = {"Cookie": f"hipcoach_session={r['cookie']}"}
    if mode == "form-set":
        form = {"csrf_token": r["csrf"], "client_key": key, "exercise_id": r["exercise"], "side": side,
                "set_number": str(number), "reps": "10", "pain_during": "2"}  # fmt: skip
        htmx = cookie | {"HX-Request": "true"}
        return "POST", f"/sessions/{r['uids'][turn]}/sets", {"data": form, "headers": htmx}
    if mode == "session":
        if k % 2:
            return "GET", f"/sessions/{r['session']}", {"headers": cookie}
        path = f"/api/v1/programmes/{r['programme']}/sessions/{r['session']}"
        return "GET", path, {"headers": {"Authorization": f"Bearer {r['token']}"}}
    if mode == "html-pages":
        return "GET", ("/programme", f"/sessions/{r['session']}", "/progress")[k % 3], {"headers": cookie}
    path = (f"/api/v1/programmes/{r['programme']}/sessions", f"/api/v1/runners/{r['runner']}/set-logs",
            f"/api/v1/runners/{r['runner']}/progress")[k % 3]  # fmt: skip
    return "GET", path, {"headers": {"Authorization": f"Bearer {r['token']}"}}


def python_load(base, mode, runners, seconds, interval, cores) -> Figures:
    if cores:
        os.sched_setaffinity(0, cores)
    return asyncio.run(_load(base, mode, runners, seconds, interval))


async def _load(base, mode, runners, seconds, interval) -> Figures:
    ms: list[float] = []
    errors = 0
    turn = itertools.cycle(runners)
    limits = httpx.Limits(max_connections=len(runners), max_keepalive_connections=len(runners))
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        t0 = time.perf_counter()
        end = t0 + seconds

        async def client() -> None:
            nonlocal errors
            while True:
                if interval:
                    await asyncio.sleep(interval * random.uniform(0.5, 1.5))
                if time.perf_counter() >= end:
                    return
                method, url, kw = request_for(mode, next(turn), len(ms))
                start = time.perf_counter()
                r = await http.request(method, url, **kw)
                ms.append((time.perf_counter() - start) * 1000)
                errors += r.status_code >= 400

        await asyncio.gather(*(client() for _ in runners))
        wall = time.perf_counter() - t0
    q = statistics.quantiles(ms, n=100)
    return Figures(len(ms), q[49], q[94], q[98], max(ms), wall, errors)
