"""Linking to a coach by code, the coach's dashboard with its latest videos, and the backup round trip."""

from __future__ import annotations

import json
import re

import pytest

from tests.factories import profile_dict
from tests.web.conftest import sign_up_on_pages


def test_a_runner_links_to_a_coach_who_then_sees_their_latest_video(client):
    csrf = sign_up_on_pages(client, "coach@example.org", "coach")
    code = re.search(
        r'id="invitation-code">([^<]+)<', client.post("/coach/invitations", data={"csrf_token": csrf}).text
    )
    coach_cookie = dict(client.cookies)

    csrf = sign_up_on_pages(client, "runner@example.org")
    r = client.post("/coaches", data={"csrf_token": csrf, "code": "not-a-code"})
    assert r.status_code == 422 and re.search(r'data-field="code">That invitation code is not known', r.text)
    r = client.post("/coaches", data={"csrf_token": csrf, "code": code.group(1)})
    assert 'id="linked"' in r.text and "coach@example.org" in r.text
    r = client.post("/coaches", data={"csrf_token": csrf, "code": code.group(1)})
    assert r.status_code == 422  # a code works once
    upload = client.post(
        "/videos",
        data={"csrf_token": csrf, "target": "exercise:clamshell"},
        files={"file": ("notes.mp4", b"not a video", "video/mp4")},
    )
    analysis_path = upload.url.path

    client.cookies.clear()
    client.cookies.update(coach_cookie)
    dashboard = client.get("/coach").text
    assert re.search(r"<td>runner@example.org</td>\s*<td>\s*<a href=\"" + analysis_path, dashboard)
    assert "not a video" in client.get(analysis_path).text  # the coach can open the athlete's report page


def test_a_backup_exported_from_one_account_imports_into_another_once(client):
    csrf = sign_up_on_pages(client, "first@example.org")
    client.put("/api/v1/profile", json=profile_dict(start_date="2026-11-30"), headers={"X-CSRF-Token": csrf})
    client.post("/api/v1/programmes", json={}, headers={"X-CSRF-Token": csrf})
    backup = client.get("/api/v1/backup").content
    assert "calendar.ics" in client.get("/data").text

    csrf = sign_up_on_pages(client, "second@example.org")
    assert "calendar.ics" not in client.get("/data").text  # no programme yet: no calendar to export
    files = {"backup": ("hipcoach-backup.json", backup, "application/json")}
    r = client.post("/data/import", data={"csrf_token": csrf}, files=files)
    assert re.search(r'id="import-result"[^>]*>Imported: 1 profile, 1 programme,', r.text)
    r = client.post("/data/import", data={"csrf_token": csrf}, files=files)
    assert "Imported: 0 profile, 0 programmes, 0 sets, 0 check-ins, 0 notes, 0 programme changes" in r.text
    assert 'id="calendar"' in client.get("/programme").text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG not json", "photo.json is not a JSON file"),
        (b"[1, 2]", "photo.json is not a hipcoach backup"),
        (
            json.dumps({"schema_version": "something/9"}).encode(),
            "Not a hipcoach backup this version can read",
        ),
    ],
)
def test_a_bad_backup_file_is_refused_next_to_the_field_and_changes_nothing(client, content, message):
    csrf = sign_up_on_pages(client, "third@example.org")
    files = {"backup": ("photo.json", content, "application/json")}
    r = client.post("/data/import", data={"csrf_token": csrf}, files=files)
    assert r.status_code == 422 and f'data-field="backup">{message}' in r.text
    assert client.get("/programme").url.path == "/onboarding"  # still nothing saved
