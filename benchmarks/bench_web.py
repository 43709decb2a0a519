"""Web app latency under 100 concurrent clients, default SQLite store. Prints its figures; not a test.

    .venv/bin/python benchmarks/bench_web.py [--clients 100] [--seconds 20] [--interval 1.0]
        [--database-url URL] [--no-pin] [--python-load]

Starts `hipcoach serve` (one uvicorn process, embedded worker, SQLite in WAL mode) in a temporary data
folder and signs up one runner per client (profile, programme, API token, browser session). Then, for
each workload, --clients connections at once, each acting for the runners in turn:
- the session, as the guided session and the app open it (GET /sessions/<uid> as HTML and the API's
  GET /api/v1/programmes/<id>/sessions/<uid>, both with the doses adapted to the whole history);
- pages (GET /programme, /sessions/<uid>, /progress as HTML, session cookie);
- page data through the API (programme sessions, set logs, progress summary as JSON);
- log a set through the API (POST /api/v1/set-logs, bearer token, a fresh client_key each time);
- log a set through the session page's form (the htmx POST, session cookie and CSRF token).
Each runner's 12-week programme started 12 weeks ago and every session before today is logged as
prescribed (pain 2, a check-in of 1 the next morning), about 1,300 sets each: the history the progression
engine replays for every session. Each logged set goes to one of the runner's last six sessions (two
weeks) in turn: a runner logs today's session, now and then one a few days late (future days are
refused). A set on day D replays the runner's log from D on, so a set for a session weeks back would cost
more, but no runner logs that way; spreading the sets over six sessions fills each up about as a
runner's does (a few dozen sets) while the runs still add thousands of rows.
Each runs paced (each connection waits a random 0.5-1.5 x --interval before each request, so 100 clients
at 1 s offer ~100 requests/s, far busier than a real club) and flat out (no pause: latency is then the
queue in front of a saturated server, about clients / throughput). A 3 s run of each workload first
warms the server and is not counted.

How the load is generated: by wrk (Debian: `apt-get install -y wrk`), a C load generator driven by
benchmarks/bench_web.lua, which uses a few percent of one core. On this 2-core machine the server is
pinned to core 0 and wrk to core 1 (--no-pin shares both), so the figures are the server's on one core.
Without wrk, or with --python-load, a slower Python (httpx) generator on core 1 stands in, with a warning:
it needs most of that core for 100 clients, so its figures overstate the latency a little.
Prints p50/p95/p99/max, throughput, the server's CPU use and the machine's load average per run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import httpx
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks._common import free_port, on_cores, server_log, start_server
from benchmarks.bench_load import Figures, python_load
from tests.factories import profile_dict

HERE = Path(__file__).resolve().parent
# Reads first: the set runs add sets, and a faster server would otherwise give the reads more to list.
WEEKS = 12  # each runner's programme, all of it but this week in the past
WORKLOADS = {
    "session": "session, HTML and API GET",
    "html-pages": "pages, HTML GET",
    "api-pages": "page data, API GET",
    "api-set": "log a set, API POST",
    "form-set": "log a set, page form POST",
}


def make_runner(http: httpx.Client, i: int, base_db, history: int) -> dict:
    email = f"bench{i}-{uuid.uuid4().hex[:6]}@example.org"
    body = {"email": email, "password": "long enough pw", "display_name": email}
    http.post("/api/v1/accounts", json=body).raise_for_status()  # signs nobody in (202 either way)
    signed = http.post(
        "/api/v1/session", json={"email": email, "password": body["password"]}
    ).raise_for_status()
    cookie, csrf = http.cookies["hipcoach_session"], signed.json()["csrf_token"]
    made = http.post("/api/v1/tokens", json={"name": "bench"}, headers={"X-CSRF-Token": csrf})
    token = made.raise_for_status().json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    http.cookies.clear()
    start = (dt.date.today() - dt.timedelta(weeks=WEEKS)).isoformat()
    profile = profile_dict(start_date=start, weeks=WEEKS)
    http.put("/api/v1/profile", json=profile, headers=auth).raise_for_status()
    programme = http.post("/api/v1/programmes", json={}, headers=auth).raise_for_status().json()["id"]
    sessions = http.get(f"/api/v1/programmes/{programme}/sessions", headers=auth).raise_for_status().json()
    past = [x for x in sessions if dt.date.fromisoformat(x["date"]) < dt.date.today()]
    runner = signed.json()["user"]["id"]
    seed_history(base_db, runner, programme, past[:history] if history is not None else past)
    return {
        "token": token, "cookie": cookie, "csrf": csrf, "runner": runner, "programme": programme,
        "session": past[-1]["uid"], "exercise": past[-1]["items"][0]["exercise_id"],
        "uids": [x["uid"] for x in past[-6:]], "dates": [x["date"] for x in past[-6:]],
    }  # fmt: skip


def seed_history(database, runner_id: int, programme: int, sessions: list[dict]) -> None:
    """Every prescribed set of the runner's past sessions and a next-morning check-in for each, written in
    bulk (one insert per runner: logging 1,300 sets one by one through the store took minutes for 100
    runners), so pages that adapt, list and summarise sets have the whole history to work through."""
    from sqlalchemy import insert

    from hipcoach.store.models import CheckIn, SetLog
    from hipcoach.store.types import utcnow

    now = utcnow()
    sets, checkins = [], []
    for s in sessions:
        day = dt.date.fromisoformat(s["date"])
        checkins.append({"user_id": runner_id, "date": day, "pain": 1, "note": ""})
        for dose in (item["dose"] for item in s["items"]):
            for n in range(1, dose["sets"] + 1):
                sets.append({
                    "user_id": runner_id, "programme_id": programme, "session_uid": s["uid"], "date": day,
                    "exercise_id": dose["exercise_id"], "side": dose["side"], "set_number": n,
                    "reps": dose["reps"], "hold_s": dose["hold_s"], "band": dose["band"], "pain_during": 2,
                    "effort": None, "client_key": uuid.uuid4().hex, "created_at": now,
                })  # fmt: skip
    with database.transaction() as db:
        if sets:
            db.execute(insert(SetLog), sets)
        if checkins:
            db.execute(insert(CheckIn), checkins)


def lua_table(runners: list[dict]) -> str:
    def value(v):
        if isinstance(v, list):
            return "{" + ", ".join(value(x) for x in v) + "}"
        return str(v) if isinstance(v, int) else f'"{v}"'

    rows = ("{" + ", ".join(f"{k} = {value(v)}" for k, v in r.items()) + "}" for r in runners)
    return "return {\n" + ",\n".join(rows) + "\n}\n"


def wrk_load(base, mode, clients, seconds, interval, data_file, cores) -> Figures:
    env = os.environ | {
        "HIPCOACH_WRK_DATA": str(data_file), "HIPCOACH_WRK_MODE": mode,
        "HIPCOACH_WRK_INTERVAL_MS": str(int(interval * 1000)), "HIPCOACH_WRK_NONCE": uuid.uuid4().hex[:8],
    }  # fmt: skip
    script = str(HERE / "bench_web.lua")
    cmd = ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s", "-s", script]
    done = subprocess.run(
        [*cmd, base], env=env, capture_output=True, text=True, preexec_fn=on_cores(cores), check=True
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("FIGURES ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no figures:\n{done.stdout}\n{done.stderr}")
    if done.stderr.strip():
        print(done.stderr.strip(), file=sys.stderr)
    f = dict(kv.split("=") for kv in line.split()[1:])
    return Figures(int(f["n"]), float(f["p50"]), float(f["p95"]), float(f["p99"]), float(f["max"]),
                   float(f["seconds"]), int(f["errors"]))  # fmt: skip


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=int, default=20, help="length of each measured run")
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between a paced client's requests")
    ap.add_argument("--database-url", default=None)
    ap.add_argument(
        "--history", type=int, default=None, help="sessions logged per runner beforehand (default: all past)"
    )
    ap.add_argument("--only", choices=list(WORKLOADS), action="append", help="run just these workloads")
    ap.add_argument("--no-pin", action="store_true", help="let server and load generator share all cores")
    ap.add_argument("--python-load", action="store_true", help="use the Python generator even if wrk is here")
    args = ap.parse_args()
    use_wrk = shutil.which("wrk") is not None and not args.python_load
    if not use_wrk:
        print("wrk not found (apt-get install -y wrk) or --python-load given: using the slower Python load")
        print("generator; it shares the machine's CPU with the server, so latencies read a little high.")
    pin = not args.no_pin and len(os.sched_getaffinity(0)) >= 2
    server_cores, load_cores = ({0}, {1}) if pin else (None, None)
    print(f"load average before (1, 5, 15 min): {fmt_load()} on {os.cpu_count()} cores")
    tmp, port = Path(tempfile.mkdtemp(prefix="hipcoach-bench-")), free_port()
    db_option = ["--database-url", args.database_url] if args.database_url else []
    server = start_server(tmp / "data", port, db_option, server_cores)
    base = f"http://127.0.0.1:{port}"
    try:
        from hipcoach.store.database import Database
        from hipcoach.store.db import sqlite_url

        database = Database.open(args.database_url or sqlite_url(tmp / "data"), migrate=False)
        with httpx.Client(base_url=base, timeout=60) as http:
            runners = [make_runner(http, i, database, args.history) for i in range(args.clients)]
        with database.transaction(write=False) as db:
            history = db.scalar(text("SELECT count(*) FROM set_logs")) // args.clients
        database.close()
        (data_file := tmp / "runners.lua").write_text(lua_table(runners))
        where = "server on core 0, load on core 1" if pin else "server and load share all cores"
        store = args.database_url or "SQLite (WAL)"
        load = "wrk" if use_wrk else "Python httpx"
        print(f"{args.clients} clients with {history} sets logged each, {load} load, {where}, {store}")
        for mode in args.only or list(WORKLOADS):
            for interval, seconds in ((args.interval, 3), (args.interval, args.seconds), (0, args.seconds)):
                cpu0 = cpu_seconds(server.pid)
                if use_wrk:
                    fig = wrk_load(base, mode, args.clients, seconds, interval, data_file, load_cores)
                else:
                    fig = python_load(base, mode, runners, seconds, interval, load_cores)
                if seconds == 3:
                    continue  # warm-up
                cpu = (cpu_seconds(server.pid) - cpu0) / fig.seconds * 100
                pace = f"every {interval:g} s" if interval else "flat out"
                name = f"{WORKLOADS[mode]}, {pace}"
                print(f"{name:<40} {fig.line()}  server CPU {cpu:3.0f}%  load {fmt_load()}")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        if errors := logged_errors(server_log(tmp / "data")):
            print(f"The server logged exceptions: {errors}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)


def logged_errors(log: str) -> dict[str, int]:
    """Each traceback's last line, counted. A run's end cuts wrk's connections mid-request, so a few
    ClientDisconnect are expected."""
    lines = log.splitlines()
    ends = [lines[i].split(":")[0] for i in range(1, len(lines)) if lines[i - 1].startswith("    ")]
    return {e: ends.count(e) for e in sorted(set(ends)) if e and not e.startswith(("Traceback", " "))}


def fmt_load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
