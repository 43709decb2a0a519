"""How long others wait while one runner imports a large backup. Prints its figures; not a test.

    .venv/bin/python benchmarks/bench_backup_import.py [--sets 80000] [--interval 0.2]

Starts `hipcoach serve` (one uvicorn process, SQLite) in a temporary data folder, signs up an
importer and a bystander, then posts a backup of --sets sets (80,000 is about 16 MiB, under the
20 MiB limit) for the importer. While the import runs the bystander, every --interval seconds,
reads GET /api/v1/me and logs a set (POST /api/v1/set-logs), one request at a time. Prints the
import's duration and the bystander's p50 / p95 / max latency for each, and checks that the import
added every set once. The issue this answers: with the import in one transaction and set logging in
the event loop, one read of /api/v1/me took 72 s during an 80,000-set import.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks._common import server_log, start_server
from tests.factories import backup_dict, profile_dict, set_log_dict

PORT = 8765


def sign_up(http: httpx.Client, who: str) -> dict:
    email = f"{who}-{uuid.uuid4().hex[:6]}@example.org"
    body = {"email": email, "password": "long enough pw", "display_name": who}
    http.post("/api/v1/accounts", json=body).raise_for_status()  # signs nobody in (202 either way)
    signed = http.post("/api/v1/session", json={"email": email, "password": body["password"]})
    csrf = signed.raise_for_status().json()["csrf_token"]
    made = http.post("/api/v1/tokens", json={"name": "bench"}, headers={"X-CSRF-Token": csrf})
    http.cookies.clear()
    return {"Authorization": f"Bearer {made.raise_for_status().json()['token']}"}


def figures(name: str, seconds: list[float]) -> str:
    if not seconds:
        return f"{name}: no requests"
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"{name}: n={len(seconds)} p50={statistics.median(ordered) * 1000:.0f} ms "
        f"p95={p95 * 1000:.0f} ms max={ordered[-1] * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", type=int, default=80_000)
    parser.add_argument("--interval", type=float, default=0.2)
    args = parser.parse_args()
    start = dt.date.today() - dt.timedelta(days=60)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        server = start_server(data, PORT)
        base = f"http://127.0.0.1:{PORT}"
        try:
            with httpx.Client(base_url=base, timeout=600) as http:
                importer, bystander = sign_up(http, "importer"), sign_up(http, "bystander")
                profile = profile_dict(start_date=start.isoformat())
                http.put("/api/v1/profile", json=profile, headers=bystander).raise_for_status()
                backup = backup_dict(args.sets, start)
                result: dict = {}

                def run_import() -> None:
                    t0 = time.perf_counter()
                    with httpx.Client(base_url=base, timeout=1200) as own:
                        result["response"] = own.post("/api/v1/backup", json=backup, headers=importer)
                    result["seconds"] = time.perf_counter() - t0

                thread = threading.Thread(target=run_import)
                thread.start()
                reads, writes, n = [], [], 0
                while thread.is_alive():
                    t0 = time.perf_counter()
                    http.get("/api/v1/me", headers=bystander).raise_for_status()
                    reads.append(time.perf_counter() - t0)
                    entry = set_log_dict(n, start, client_key=f"bystander-{n:06d}")
                    t0 = time.perf_counter()
                    http.post("/api/v1/set-logs", json=entry, headers=bystander).raise_for_status()
                    writes.append(time.perf_counter() - t0)
                    n += 1
                    time.sleep(args.interval)
                thread.join()
                response = result["response"]
                response.raise_for_status()
                counts = response.json()
                saved = http.get("/api/v1/me", headers=importer).json()["id"]
                listed = http.get(f"/api/v1/runners/{saved}/set-logs", headers=importer).json()
                keys = {s["client_key"] for s in listed}
        finally:
            server.terminate()
            server.wait(30)
        print(f"import of {args.sets} sets ({len(response.request.content) / 2**20:.1f} MiB): "
              f"{result['seconds']:.1f} s, counts {counts}")  # fmt: skip
        print(f"saved {len(listed)} sets, {len(keys)} distinct keys (expected {args.sets} of each)")
        print(figures("GET /api/v1/me during the import", reads))
        print(figures("POST /api/v1/set-logs during the import", writes))
        if len(listed) != args.sets or len(keys) != args.sets:
            print("MISMATCH: " + server_log(data)[-2000:])


if __name__ == "__main__":
    main()
