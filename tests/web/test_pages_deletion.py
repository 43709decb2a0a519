"""A runner deletes a video and then their account from the pages, each after a confirmation step that
works without JavaScript; the API does the same. Checked in the database and in the data folder."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, or_, select

from hipcoach.store.models import Base
from hipcoach.web.app import create_app
from tests.web.conftest import PASSWORD, csrf_in, make_settings, sign_up, sign_up_on_pages


def _analyser_for(kind):
    def analyse(video, target, out_dir, progress):
        progress("pose", 0.5)
        summary = {"reps_total": 1, "reps_left": 1, "reps_right": 0, "partial_reps": 0, "note": "Fine."}
        report = {"schema_version": "hipcoach.analysis/1", "exercise": {"name": "Clamshell"}, "reps": [],
                  "summary": summary}  # fmt: skip
        (out_dir / "report.json").write_text(json.dumps(report))
        (out_dir / "reps.csv").write_text("rep,side\n1,left\n")
        return report

    return analyse


def _runner_with_a_coach(client, email: str):
    """A coach (API account) and a runner signed in on the pages who took the coach's invitation."""
    coach = sign_up(client, "coach@example.org", "coach")
    code = coach.post("/api/v1/invitations", json={}).json()["code"]
    csrf = sign_up_on_pages(client, email)
    assert client.post("/coaches", data={"csrf_token": csrf, "code": code}).status_code == 200
    return coach, csrf


@pytest.fixture
def app_client(tmp_path):
    with TestClient(create_app(make_settings(tmp_path), analyser_for=_analyser_for)) as client:
        yield client, tmp_path / "data"


def _rows_naming(client, user_id: int) -> int:
    users = Base.metadata.tables["users"]
    total = 0
    with client.app.state.database.transaction(write=False) as db:
        total += db.scalar(select(func.count()).select_from(users).where(users.c.id == user_id))
        for table in Base.metadata.sorted_tables:
            cols = [c for c in table.columns if any(fk.column.table is users for fk in c.foreign_keys)]
            if cols:
                total += db.scalar(
                    select(func.count()).select_from(table).where(or_(*(c == user_id for c in cols)))
                )
    return total


def _upload(client, csrf) -> str:
    form = {"csrf_token": csrf, "target": "exercise:clamshell", "keep_video": "yes"}
    r = client.post("/videos", data=form, files={"file": ("my-squat.mp4", b"\0\0\0 ftyp", "video/mp4")})
    assert r.status_code == 200 and re.fullmatch(r"/videos/\d+", r.url.path), r.text
    return r.url.path


def test_a_runner_deletes_a_video_after_confirming(app_client):
    client, data = app_client
    csrf = sign_up_on_pages(client, "vid@example.org")
    page = _upload(client, csrf)
    analysis_id = page.rsplit("/", 1)[1]
    assert f'action="{page}/delete"' in client.get(page).text
    assert (data / "analyses" / analysis_id).is_dir() and len(list((data / "uploads").iterdir())) == 1

    r = client.post(f"{page}/delete", data={"csrf_token": csrf})  # the button: asks, deletes nothing
    assert r.status_code == 200 and "Delete my-squat.mp4 and its analysis?" in r.text
    assert 'name="confirm" value="yes"' in r.text and f'href="{page}"' in r.text  # confirm or cancel
    assert client.get(page).status_code == 200

    r = client.post(f"{page}/delete", data={"csrf_token": csrf, "confirm": "yes"})
    assert r.url.path == "/videos" and 'id="video-deleted"' in r.text
    assert client.get(page).status_code == 404
    assert not (data / "analyses" / analysis_id).exists() and not any((data / "uploads").iterdir())
    assert client.post(f"{page}/delete", data={"csrf_token": csrf, "confirm": "yes"}).status_code == 404


def test_a_linked_coach_sees_no_delete_button_and_cannot_delete(app_client):
    client, _ = app_client
    coach, csrf = _runner_with_a_coach(client, "runner@example.org")
    page = _upload(client, csrf)
    client.cookies.clear()
    analysis_id = int(page.rsplit("/", 1)[1])
    assert coach.delete(f"/api/v1/analyses/{analysis_id}").status_code == 403
    assert coach.get(f"/api/v1/analyses/{analysis_id}").status_code == 200  # still there


def test_a_runner_deletes_their_account_with_their_password(app_client):
    client, data = app_client
    coach, csrf = _runner_with_a_coach(client, "gone@example.org")
    _upload(client, csrf)
    me = client.get("/api/v1/me").json()["id"]
    assert coach.get(f"/api/v1/runners/{me}/analyses").status_code == 200
    assert 'href="/account/delete"' in client.get("/data").text

    page = client.get("/account/delete").text
    assert "Delete the account gone@example.org and everything in it?" in page and 'type="password"' in page
    r = client.post("/account/delete", data={"csrf_token": csrf, "confirm": "yes", "password": "wrong one"})
    assert r.status_code == 422 and "nothing was deleted" in r.text
    assert client.post("/account/delete", data={"csrf_token": csrf}).status_code == 200  # asks again
    assert _rows_naming(client, me) > 0

    form = {"csrf_token": csrf, "confirm": "yes", "password": PASSWORD}
    r = client.post("/account/delete", data=form)
    assert r.status_code == 200 and 'id="account-deleted"' in r.text
    assert "hipcoach_session" not in client.cookies  # signed out
    assert _rows_naming(client, me) == 0
    assert not any((data / "uploads").iterdir()) and not any((data / "analyses").iterdir())
    assert coach.get(f"/api/v1/runners/{me}/analyses").status_code == 404  # the link ended
    assert coach.get("/api/v1/athletes").json() == []
    r = client.post("/login", data={"email": "gone@example.org", "password": PASSWORD,
                                    "csrf_token": csrf_in(client.get("/login").text)})  # fmt: skip
    assert r.status_code == 401


def _delete_me(account, body: dict):
    headers = {"Authorization": f"Bearer {account.token}"}
    return account.client.request("DELETE", "/api/v1/me", json=body, headers=headers)


def test_the_api_deletes_an_account_only_with_its_password(app_client):
    client, _ = app_client
    runner = sign_up(client, "api@example.org", "runner")
    assert _delete_me(runner, {"password": "nope"}).status_code == 401
    assert runner.get("/api/v1/me").status_code == 200
    assert _delete_me(runner, {"password": PASSWORD}).status_code == 204
    assert runner.get("/api/v1/me").status_code == 401  # its token went with it
    assert _rows_naming(client, runner.id) == 0
