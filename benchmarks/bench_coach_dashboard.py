"""The coach's dashboard with 50 athletes and 12 weeks of logs each. Prints its figures; not a test.

    .venv/bin/python benchmarks/bench_coach_dashboard.py [--athletes 50] [--requests 200] [--database-url URL]

Why apart from bench_web.py: that one drives a real server with wrk and one runner per client; the
dashboard is one coach's page over many athletes, so what matters is how its time grows with the
athletes it reads. The app runs in-process (FastAPI's TestClient, one client, requests one after the
other), on an SQLite file in a temporary folder unless --database-url is given.

Seeding: one coach linked to --athletes runners; each runner's 12-week programme began 12 weeks ago and
every past session is logged as prescribed (bench_web.seed_history: bulk inserts, pain 2, a check-in of
1 the next morning), about 1,300 sets each. So the triage has something to show, every fifth runner
had a set at pain 8 last week, every seventh skipped their last two sessions, and every tenth has an
urgent referral. Then GET /coach --requests times (5 first to warm caches, not counted); prints p50,
p95 and max latency, the CPU time the process spent per request (SQLite runs in-process, so this is
the page's whole work; on a shared machine it varies far less than the wall-clock latency), the load
average, the number of SQL statements one request runs, and the triage's length.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, event, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_web import WEEKS, seed_history
from tests.factories import profile_dict


def seed(database, athletes: int) -> str:
    """The coach's email; the coach and runners share one password."""
    from hipcoach.store import coaching, training
    from hipcoach.store.accounts import create_user_hashed, hash_password
    from hipcoach.store.models import Screening, SetLog

    hashed = hash_password("long enough pw")  # once: hashing per account would dominate seeding
    today = dt.date.today()
    with database.transaction() as db:
        coach = create_user_hashed(db, "coach@example.org", hashed, "Coach", "coach")
        runners = []
        for k in range(athletes):
            runner = create_user_hashed(db, f"runner{k}@example.org", hashed, f"Runner {k:02d}", "runner")
            _, code = coaching.create_invitation(db, coach)
            coaching.accept_invitation(db, runner, code)
            start = today - dt.timedelta(weeks=WEEKS)
            training.save_profile(db, runner, profile_dict(start_date=start, weeks=WEEKS))
            programme = training.create_programme(db, runner)
            plan = training.programme_plan(db, runner, programme)
            past = [s.model_dump(mode="json") for w in plan.weeks for s in w.sessions if s.date < today]
            programme.created_at = dt.datetime.combine(start, dt.time(7), dt.UTC)  # made when it began
            runners.append((runner.id, programme.id, past))
            if k % 10 == 0:
                db.add(Screening(user_id=runner.id, answers={}, referral=True, urgent=True,
                                 reasons=["Calf swelling: see a doctor today."], source="web"))  # fmt: skip
    for k, (runner_id, programme_id, past) in enumerate(runners):
        seed_history(database, runner_id, programme_id, past)
        with database.transaction() as db:
            if k % 5 == 0:  # one painful set in a session of the last week
                day = dt.date.fromisoformat(past[-2]["date"])
                db.execute(update(SetLog).where(SetLog.user_id == runner_id, SetLog.date == day,
                                                SetLog.set_number == 1).values(pain_during=8))  # fmt: skip
            if k % 7 == 0:  # the last two sessions skipped
                days = [dt.date.fromisoformat(s["date"]) for s in past[-2:]]
                db.execute(delete(SetLog).where(SetLog.user_id == runner_id, SetLog.date.in_(days)))
    return "coach@example.org"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--athletes", type=int, default=50)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()

    from fastapi.testclient import TestClient

    from hipcoach.settings import Settings
    from hipcoach.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", database_url=args.database_url, immediate_jobs=True)
        with TestClient(create_app(settings)) as client:
            database = client.app.state.database
            t0 = time.perf_counter()
            email = seed(database, args.athletes)
            print(f"seeded {args.athletes} athletes x {WEEKS} weeks in {time.perf_counter() - t0:.0f} s")
            csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/login").text).group(1)
            r = client.post("/login", data={"email": email, "password": "long enough pw", "csrf_token": csrf})
            assert r.is_success, r.text
            for _ in range(5):
                page = client.get("/coach")
                assert page.status_code == 200, page.text
            statements = []

            def count(*_):
                statements.append(1)

            event.listen(database.engine, "before_cursor_execute", count)
            client.get("/coach")
            event.remove(database.engine, "before_cursor_execute", count)
            times, cpu = [], []
            for _ in range(args.requests):
                t, c = time.perf_counter(), time.process_time()
                page = client.get("/coach")
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
                assert page.status_code == 200
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    print(f"GET /coach, {args.athletes} athletes, {args.requests} requests one at a time:")
    print(f"  p50 {statistics.median(times):.1f} ms  p95 {p95:.1f} ms  max {times[-1]:.1f} ms")
    cpu.sort()
    cpu95 = cpu[min(len(cpu) - 1, int(0.95 * len(cpu)))]
    print(f"  CPU time of this process per request: p50 {statistics.median(cpu):.1f} ms  p95 {cpu95:.1f} ms")
    print(f"  (load average when done: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"  SQL statements per request (session look-up included): {len(statements)}")
    print(f"  triage rows: {page.text.count('data-kind=')}")


if __name__ == "__main__":
    main()
