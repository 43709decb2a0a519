"""The coach dashboard page runs the same number of SQL statements for 3 athletes as for 12: every
kind of record (sets, check-ins, plans, referrals, screens, videos, notes, invitations) is read for
all athletes at once, not a batch per athlete."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import event

from hipcoach.store import coaching, notes, training
from hipcoach.store.accounts import create_user_hashed, hash_password
from hipcoach.store.inputs import CheckInIn, SetLogIn
from hipcoach.store.models import Screening
from hipcoach.web.app import create_app
from tests.factories import profile_dict
from tests.web.conftest import PASSWORD, csrf_in, make_settings

TODAY = dt.date.today()


def _coach_with(database, n: int, hashed: str) -> str:
    """A coach with `n` athletes, each with a programme begun 20 days ago, sets on its first sessions
    (one hurting), a painful check-in, a note to the coach, and every other one a referral."""
    email = f"coach{n}@example.org"
    with database.transaction() as db:
        coach = create_user_hashed(db, email, hashed, f"Coach {n}", "coach")
        coaching.create_invitation(db, coach)  # one pending: the page lists it
        for k in range(n):
            runner = create_user_hashed(db, f"r{n}-{k}@example.org", hashed, f"Runner {k:02d}", "runner")
            _, code = coaching.create_invitation(db, coach)
            coaching.accept_invitation(db, runner, code)
            training.save_profile(db, runner, profile_dict(start_date=TODAY - dt.timedelta(days=20)))
            plan = training.programme_plan(db, runner, training.create_programme(db, runner))
            for s in [s for w in plan.weeks for s in w.sessions if s.date < TODAY][:3]:
                for item in s.items:
                    pain = 8 if k % 3 else 2
                    entry = SetLogIn(
                        client_key=uuid.uuid4().hex,
                        date=s.date,
                        exercise_id=item.exercise_id,
                        reps=10,
                        side=item.dose.side,
                        set_number=1,
                        pain_during=pain,
                    )
                    training.log_set(db, runner, entry)
            training.put_checkin(db, runner, TODAY - dt.timedelta(days=2), CheckInIn(pain=7, note="sore"))
            notes.post(db, runner, coach.id, f"note from runner {k}")
            if k % 2 == 0:
                db.add(Screening(user_id=runner.id, answers={}, referral=True, urgent=True,
                                 reasons=["Calf swelling: see a doctor today."], source="web"))  # fmt: skip
    return email


def _statements(client: TestClient, database, url: str):
    """GET `url`: how many SQL statements it ran, and the (200) response."""
    statements = []

    def count(*_):
        statements.append(1)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        page = client.get(url)
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert page.status_code == 200, page.text
    return len(statements), page


def _sign_in_as(client, email: str) -> None:
    """Sign `client` in as `email` through the sign-in page, whoever it was signed in as before."""
    client.cookies.clear()
    login = {"email": email, "password": PASSWORD, "csrf_token": csrf_in(client.get("/login").text)}
    assert client.post("/login", data=login).status_code == 200


def test_the_dashboard_page_runs_the_same_statements_for_3_and_12_athletes(tmp_path):
    with TestClient(create_app(make_settings(tmp_path))) as client:
        database = client.app.state.database
        hashed = hash_password(PASSWORD)
        counts = {}
        for n in (3, 12):
            email = _coach_with(database, n, hashed)
            _sign_in_as(client, email)
            client.get("/coach")  # the plans are parsed once per process
            counts[n], page = _statements(client, database, "/coach")
            html = page.text
            assert len(re.findall(r'<tr data-athlete="\d+">', html)) == n
            assert len(re.findall(r'data-unread="1"', html)) == n  # every athlete's note is new
            assert html.count('data-kind="referral_urgent"') == (n + 1) // 2
        print("statements per GET /coach (3 and 12 athletes):", counts)
        assert counts[3] == counts[12], counts
