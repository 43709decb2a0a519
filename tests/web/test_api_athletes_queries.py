"""GET /api/v1/athletes runs the same number of SQL statements for 3 athletes as for 12, and still
says for each athlete what recent_signals and their newest analyses say."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from hipcoach.store import coaching
from hipcoach.store.accounts import find_user, hash_password
from hipcoach.store.models import Analysis
from hipcoach.web.app import create_app
from tests.web.conftest import PASSWORD, make_settings
from tests.web.test_pages_coach_queries import _coach_with, _sign_in_as, _statements

TODAY = dt.date.today()


def test_the_athlete_list_runs_the_same_statements_for_3_and_12_athletes(tmp_path):
    with TestClient(create_app(make_settings(tmp_path))) as client:
        database = client.app.state.database
        hashed = hash_password(PASSWORD)
        counts = {}
        for n in (3, 12):
            email = _coach_with(database, n, hashed)
            with database.transaction() as db:
                coach = find_user(db, email)
                people = coaching.athletes(db, coach)
                for k, runner in enumerate(people):  # 0, 1, ... 4 analyses: the list shows the newest 3
                    for m in range(min(k, 4)):
                        db.add(
                            Analysis(user_id=runner.id, kind="exercise", target=f"squat-{m}", status="done")
                        )
            _sign_in_as(client, email)
            client.get("/api/v1/athletes")  # the plans are parsed once per process
            counts[n], answer = _statements(client, database, "/api/v1/athletes")
            listed = answer.json()
            assert [a["user"]["id"] for a in listed] == [u.id for u in people]
            with database.transaction(write=False) as db:
                for runner, line in zip(people, listed, strict=True):
                    signals = coaching.recent_signals(db, coach, runner.id, TODAY)
                    assert (line["sets_last_14_days"], line["pain_flags_last_14_days"]) == (
                        signals.sets,
                        signals.pain_flags,
                    )
                    assert line["adherence_last_14_days"] == signals.adherence.model_dump(mode="json")
            targets = [[a["target"] for a in line["latest_analyses"]] for line in listed]
            newest = [[], ["squat-0"], ["squat-1", "squat-0"], ["squat-2", "squat-1", "squat-0"],
                      ["squat-3", "squat-2", "squat-1"]]  # fmt: skip
            assert targets[:5] == newest[:n]
            assert all(
                line["pain_flags_last_14_days"] > 0 and line["adherence_last_14_days"] for line in listed
            )
        print("statements per GET /api/v1/athletes (3 and 12 athletes):", counts)
        assert counts[3] == counts[12], counts
