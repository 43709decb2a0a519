"""Logging a set with the server saturated, without and with a video analysing. Prints figures; not a test.

    .venv/bin/python benchmarks/bench_saturation.py [--clients 100] [--seconds 20] [--history 12]
        [--max-active N] [--max-waiting N] [--clip PATH] [--timeout 10]

Starts `hipcoach serve` (embedded worker, SQLite) in a temporary data folder, signs up --clients runners
as benchmarks/bench_web.py does (with --history past sessions logged each), then sends POST
/api/v1/set-logs flat out from --clients wrk connections (benchmarks/bench_web.lua's "api-set" requests),
twice: with the worker idle, and with one video analysing the whole time (a real clip from
../shared/data/clips, uploaded again as soon as the last one finishes). Each run prints p50/p99/max of
every answer (503s included: wrk's latency covers all), requests served (not 503) a second, the share
answered 503 (shed), the other non-2xx answers, and wrk's timeouts (no answer within --timeout s).
A connection answered 503 waits the Retry-After seconds before its next request, as a client is asked
to (flat out otherwise: wrk would send the refused request again at once, thousands a second, and
measure little but how fast the server can say no).

Server and load share the machine's cores (a video analysis needs one of its own to matter). Run it
against another checkout's code with PYTHONPATH=<checkout>/src to compare (the --max-* options need
this branch's `hipcoach serve`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks._common import free_port, start_server
from benchmarks.bench_web import lua_table, make_runner

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("HIPCOACH_SHARED", HERE.parents[1] / "shared"))
CLIP = SHARED / "data" / "clips" / "bridge_bilateral_side_1rep.mp4"

# bench_web.lua's requests, with the answers counted by status (wrk's own count lumps them together)
LUA = """
dofile(os.getenv("HIPCOACH_BENCH_WEB_LUA"))
local threads, backoffs = {}, 0
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
  if status == 503 then
    shed = (shed or 0) + 1
    backoffs = backoffs + 1
    retry_ms = 1000 * tonumber(headers["Retry-After"] or headers["retry-after"] or "1")
  elseif status ~= 200 and status ~= 201 then other = (other or 0) + 1 end
end
-- each 503 makes one connection wait Retry-After before its next request, as the pages and the API's
-- Problem ask; the next connection wrk asks about takes it (wrk does not say which one was refused)
function delay()
  if backoffs > 0 then backoffs = backoffs - 1; return retry_ms end
  return 0
end
function done(summary, latency, requests)
  local s, o = 0, 0
  for _, t in ipairs(threads) do s = s + (t:get("shed") or 0); o = o + (t:get("other") or 0) end
  local form = "FIGURES n=%d p50=%.1f p99=%.1f max=%.1f seconds=%.2f shed=%d other=%d timeout=%d\\n"
  io.write(string.format(form,
    summary.requests, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.duration / 1e6, s, o, summary.errors.timeout))
end
"""


def wrk(base: str, clients: int, seconds: int, timeout: int, data_file: Path, script: Path) -> dict:
    env = os.environ | {
        "HIPCOACH_WRK_DATA": str(data_file), "HIPCOACH_WRK_MODE": "api-set", "HIPCOACH_WRK_INTERVAL_MS": "0",
        "HIPCOACH_WRK_NONCE": uuid.uuid4().hex[:8], "HIPCOACH_BENCH_WEB_LUA": str(HERE / "bench_web.lua"),
    }  # fmt: skip
    cmd = ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--timeout", f"{timeout}s", "-s", str(script), base]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("FIGURES ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no figures:\n{done.stdout}\n{done.stderr}")
    return {k: float(v) for k, v in (kv.split("=") for kv in line.split()[1:])}


class VideoLoad:
    """Keeps one analysis running: uploads the clip, waits for it to end, uploads it again."""

    def __init__(self, base: str, token: str, clip: Path) -> None:
        self.base, self.clip = base, clip
        self.auth = {"Authorization": f"Bearer {token}"}
        self.stop, self.finished, self.started = threading.Event(), 0, 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, headers=self.auth, timeout=60) as http:
            while not self.stop.is_set():
                files = {"file": (self.clip.name, self.clip.read_bytes(), "video/mp4")}
                form = {"kind": "exercise", "target": "bilateral-bridge"}
                r = http.post("/api/v1/analyses", files=files, data=form)
                if r.status_code == 503:  # shed like any request; try again
                    time.sleep(0.5)
                    continue
                r.raise_for_status()
                self.started += 1
                while not self.stop.wait(0.5):
                    try:
                        status = http.get(f"/api/v1/analyses/{r.json()['id']}").json().get("status")
                    except (httpx.HTTPError, ValueError):
                        continue  # a 503 or a slow answer under load: look again
                    if status in ("done", "failed"):
                        self.finished += 1
                        break

    def wait_running(self) -> None:
        self.thread.start()
        while not self.started:
            time.sleep(0.2)


def line(name: str, f: dict) -> str:
    share = f["shed"] / f["n"] * 100 if f["n"] else 0.0
    served = (f["n"] - f["shed"]) / f["seconds"]
    return (
        f"{name:<20} n={f['n']:6.0f}  {served:4.0f} served/s  p50 {f['p50']:7.1f}  "
        f"p99 {f['p99']:7.1f}  max {f['max']:7.1f} ms  503 {share:5.1f}%  other non-2xx {f['other']:.0f}  "
        f"timeouts {f['timeout']:.0f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--history", type=int, default=12, help="past sessions logged per runner beforehand")
    ap.add_argument("--timeout", type=int, default=10, help="wrk's timeout per request, s")
    ap.add_argument("--max-active", type=int, default=None, help="serve --max-active-requests")
    ap.add_argument("--max-waiting", type=int, default=None, help="serve --max-waiting-requests")
    ap.add_argument("--clip", type=Path, default=CLIP)
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk (apt-get install -y wrk)")
    if not args.clip.exists():
        raise SystemExit(f"no clip at {args.clip} (set HIPCOACH_SHARED or --clip)")
    extra = [f"--max-active-requests={args.max_active}"] if args.max_active else []
    extra += [f"--max-waiting-requests={args.max_waiting}"] if args.max_waiting is not None else []
    tmp, port = Path(tempfile.mkdtemp(prefix="hipcoach-saturation-")), free_port()
    server = start_server(tmp / "data", port, extra, tries=600)
    base = f"http://127.0.0.1:{port}"
    video = None
    try:
        from hipcoach.store.database import Database
        from hipcoach.store.db import sqlite_url

        database = Database.open(sqlite_url(tmp / "data"), migrate=False)
        with httpx.Client(base_url=base, timeout=60) as http:
            runners = [make_runner(http, i, database, args.history) for i in range(args.clients)]
        database.close()
        (data_file := tmp / "runners.lua").write_text(lua_table(runners))
        (script := tmp / "saturation.lua").write_text(LUA)
        print(
            f"{args.clients} connections flat out, POST /api/v1/set-logs, server options {extra or 'default'}"
        )
        print(
            f"on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; wrk timeout {args.timeout} s"
        )
        wrk(base, args.clients, 3, args.timeout, data_file, script)  # warm-up, not counted
        print(line("worker idle", wrk(base, args.clients, args.seconds, args.timeout, data_file, script)))
        video = VideoLoad(base, runners[0]["token"], args.clip)
        video.wait_running()
        f = wrk(base, args.clients, args.seconds, args.timeout, data_file, script)
        print(line("one video analysing", f) + f"  (analyses finished meanwhile: {video.finished})")
    finally:
        if video is not None:
            video.stop.set()
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
