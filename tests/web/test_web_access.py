"""Every resource of one runner, tried by every other account: each try is refused.

The list of resources comes from the app's own OpenAPI, so a new route is covered when it is added.
"""

from __future__ import annotations

import pytest

from hipcoach.store import videos
from hipcoach.store.models import User

STRANGERS = ("runner_b", "coach_b")


def _seed(client, people) -> dict[str, str]:
    a = people["runner_a"]
    programme = a.get(f"/api/v1/runners/{a.id}/programmes").json()[0]["id"]
    session = a.get(f"/api/v1/programmes/{programme}/sessions").json()[0]
    entry = {
        "client_key": "seed-0001",
        "date": session["date"],
        "exercise_id": session["items"][0]["exercise_id"],
        "side": "left",
        "set_number": 1,
        "reps": 10,
        "pain_during": 2,
        "programme_id": programme,
    }
    assert a.post("/api/v1/set-logs", json=entry).status_code == 201
    assert a.put(f"/api/v1/check-ins/{session['date']}", json={"pain": 1}).status_code == 200
    database = client.app.state.database
    with database.transaction() as db:
        analysis = videos.add_video_for_analysis(
            db,
            db.get(User, a.id),
            original_name="x.mp4",
            stored_path="/nowhere/x.mp4",
            size_bytes=1,
            sha256="0" * 64,
            keep_video=False,
            kind="exercise",
            target="clamshell",
        )
    return {
        "runner_id": str(a.id),
        "programme_id": str(programme),
        "uid": session["uid"],
        "analysis_id": str(analysis.id),
        "name": "annotated.mp4",
        "token_id": "1",
        "user_id": str(a.id),
        "date": session["date"],
    }


def _runner_a_urls(client, ids) -> list[str]:
    urls = []
    for path, ops in client.app.openapi()["paths"].items():
        # a notes thread is between two people, not a resource of runner A's: test_store_notes and
        # test_pages_notes refuse it to an unlinked coach and to strangers
        if "get" in ops and "{" in path and "{other_id}" not in path:
            urls.append(path.format(**ids))
    return urls


def test_every_runner_resource_is_refused_to_strangers(client, people):
    ids = _seed(client, people)
    urls = _runner_a_urls(client, ids)
    assert len(urls) >= 12
    for url in urls:
        for name in STRANGERS:
            r = people[name].get(url)
            assert r.status_code in (403, 404), f"{name} got {r.status_code} for {url}"
            assert "Runner A" not in r.text and "a@example.org" not in r.text
    readable = [u for u in urls if not u.endswith(("/report", "/annotated.mp4"))]
    for url in readable:
        assert people["runner_a"].get(url).status_code == 200, url
        assert people["coach_a"].get(url).status_code == 200, url


def test_changes_to_others_data_are_refused(client, people):
    ids = _seed(client, people)
    a, b, coach = people["runner_a"], people["runner_b"], people["coach_a"]
    entry = {
        "client_key": "other-0001",
        "date": ids["date"],
        "exercise_id": "clamshell",
        "side": "right",
        "set_number": 1,
        "reps": 8,
        "pain_during": 1,
        "programme_id": int(ids["programme_id"]),
    }
    assert b.post("/api/v1/set-logs", json=entry).status_code == 404
    assert coach.post("/api/v1/set-logs", json=entry).status_code == 403
    assert coach.put(f"/api/v1/check-ins/{ids['date']}", json={"pain": 9}).status_code == 403
    assert coach.post("/api/v1/programmes", json={}).status_code == 403
    assert b.delete("/api/v1/tokens/1").status_code == 404  # runner_a's first token
    assert b.delete(f"/api/v1/links/{people['coach_a'].id}").status_code == 404
    assert people["coach_b"].delete(f"/api/v1/links/{a.id}").status_code == 404
    assert b.post("/api/v1/invitations", json={}).status_code == 403
    # nothing of runner_a changed
    assert len(a.get(f"/api/v1/runners/{a.id}/set-logs").json()) == 1
    assert a.get(f"/api/v1/runners/{a.id}/check-ins").json()[0]["pain"] == 1
    assert a.get("/api/v1/me").status_code == 200


def test_a_used_invitation_links_nobody_else(client, people):
    code = people["coach_b"].post("/api/v1/invitations", json={}).json()["code"]
    assert people["runner_b"].post("/api/v1/invitations/accept", json={"code": code}).status_code == 200
    assert people["runner_a"].post("/api/v1/invitations/accept", json={"code": code}).status_code == 404
    assert [x["user"]["id"] for x in people["coach_b"].get("/api/v1/athletes").json()] == [
        people["runner_b"].id
    ]


@pytest.mark.parametrize(
    "url", ["/api/v1/me", "/api/v1/athletes", "/api/v1/backup", "/api/v1/runners/1/progress"]
)
def test_no_credentials_no_data(client, people, url):
    client.cookies.clear()
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer hct_forged"}).status_code == 401
