"""Web app latency under concurrent clients, with the default SQLite store. Prints its figures; not a test.

    .venv/bin/python benchmarks/bench_web.py [--clients 100] [--requests 20] [--interval 1.0]
        [--database-url URL]

Starts `hipcoach serve` (one uvicorn process, embedded worker, SQLite in WAL mode) in a temporary data
folder, signs up one runner per client with a profile and programme, then, all clients at once:
1. logging a set: each client posts --requests sets;
2. reads a page needs (programme sessions, set logs, progress summary), the same way.
Each kind runs twice: paced (each client sends one request every --interval seconds, started at random
offsets: 100 clients at 1 s is 100 requests/s, far busier than a real club) and flat out (no pause:
latency then measures the queue in front of a saturated server, clients / throughput).
Prints p50/p95/p99/max and the machine's load average (the load generator shares its cores).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.factories import profile_dict


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, port: int, database_url: str | None) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("hipcoach")
    cmd = [str(exe), "serve", "--data", str(data), "--port", str(port), "--no-demo"]
    cmd += ["--database-url", database_url] if database_url else []
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("server did not start: " + proc.stderr.read().decode()[-2000:])


async def make_runner(http: httpx.AsyncClient, i: int) -> tuple[dict, dict]:
    email = f"bench{i}-{uuid.uuid4().hex[:6]}@example.org"
    r = await http.post(
        "/api/v1/accounts", json={"email": email, "password": "long enough pw", "display_name": email}
    )
    csrf = {"X-CSRF-Token": r.json()["csrf_token"]}  # the signup's session cookie is in the jar
    made = await http.post("/api/v1/tokens", json={"name": "bench"}, headers=csrf)
    if made.status_code != 201:
        raise SystemExit(
            f"could not make an API token for runner {i}: {made.status_code} {made.text} {r.text}"
        )
    token = made.json()["token"]
    http.cookies.clear()
    auth = {"Authorization": f"Bearer {token}"}
    await http.put("/api/v1/profile", json=profile_dict(start_date="2026-11-30"), headers=auth)
    programme = (await http.post("/api/v1/programmes", json={}, headers=auth)).json()["id"]
    sessions = (await http.get(f"/api/v1/programmes/{programme}/sessions", headers=auth)).json()
    return auth, {"runner": r.json()["user"]["id"], "programme": programme, "session": sessions[0]}


async def timed(http: httpx.AsyncClient, method: str, url: str, out: list[float], **kw) -> None:
    t0 = time.perf_counter()
    r = await http.request(method, url, **kw)
    out.append((time.perf_counter() - t0) * 1000)
    if r.status_code >= 400:
        raise SystemExit(f"{method} {url} -> {r.status_code} {r.text[:300]}")


async def pause(interval: float, k: int) -> None:
    if interval > 0:
        await asyncio.sleep(random.uniform(0, interval) if k == 0 else interval)


async def client_logs_sets(http, auth, ids, n, out, interval) -> None:
    session = ids["session"]
    for k in range(n):
        await pause(interval, k)
        body = {
            "client_key": uuid.uuid4().hex,
            "date": session["date"],
            "exercise_id": session["items"][0]["exercise_id"],
            "side": "left" if k % 2 else "right",
            "set_number": k % 10 + 1,
            "reps": 10,
            "pain_during": 2,
            "programme_id": ids["programme"],
        }
        await timed(http, "POST", "/api/v1/set-logs", out, json=body, headers=auth)


async def client_reads(http, auth, ids, n, out, interval) -> None:
    urls = [
        f"/api/v1/programmes/{ids['programme']}/sessions",
        f"/api/v1/runners/{ids['runner']}/set-logs",
        f"/api/v1/runners/{ids['runner']}/progress",
    ]
    for k in range(n):
        await pause(interval, k)
        await timed(http, "GET", urls[k % len(urls)], out, headers=auth)


def report(name: str, ms: list[float]) -> None:
    q = statistics.quantiles(ms, n=100)
    figures = f"p50 {q[49]:7.1f} ms  p95 {q[94]:7.1f} ms  p99 {q[98]:7.1f} ms  max {max(ms):7.1f} ms"
    print(f"{name:<36} n={len(ms):5d}  {figures}")


async def run(base: str, clients: int, requests: int, interval: float) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        runners = [await make_runner(http, i) for i in range(clients)]
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    for pace in (interval, 0.0):
        label = f"every {pace:g} s" if pace else "flat out"
        for name, work in (("log a set (POST)", client_logs_sets), ("page data (GET)", client_reads)):
            async with httpx.AsyncClient(
                base_url=base, limits=limits, timeout=60
            ) as http:  # fresh connections
                ms: list[float] = []
                t0 = time.perf_counter()
                await asyncio.gather(*(work(http, auth, ids, requests, ms, pace) for auth, ids in runners))
                wall = time.perf_counter() - t0
            report(f"{name}, {label}", ms)
            print(f"{'':<36} {len(ms) / wall:.0f} requests/s from {clients} concurrent clients")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--requests", type=int, default=20, help="requests per client per kind")
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between a client's requests")
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    data, port = Path(tempfile.mkdtemp(prefix="hipcoach-bench-")), free_port()
    server = start_server(data / "data", port, args.database_url)
    try:
        print(f"hipcoach serve on port {port}, store: {args.database_url or 'SQLite (WAL) in ' + str(data)}")
        asyncio.run(run(f"http://127.0.0.1:{port}", args.clients, args.requests, args.interval))
        print(
            "load average (1, 5, 15 min):",
            " ".join(f"{x:.2f}" for x in os.getloadavg()),
            f"on {os.cpu_count()} cores",
        )
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
