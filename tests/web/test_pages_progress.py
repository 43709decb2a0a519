"""The progress page's dose-per-side chart, and a real screen's result on the report page and in progress."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from hipcoach.web.app import create_app
from tests.factories import profile_dict
from tests.web.conftest import make_settings, sign_up_on_pages

# The Monday two weeks back: both logged weeks are in the past, as logs must be.
MONDAY = dt.date.today() - dt.timedelta(days=dt.date.today().weekday() + 14)


@pytest.fixture
def runner(tmp_path):
    """A runner signed in through the sign-up page, with a programme; yields (client, csrf)."""
    with TestClient(create_app(make_settings(tmp_path))) as client:
        csrf = sign_up_on_pages(client, "p@example.org")
        headers = {"X-CSRF-Token": csrf}
        assert client.put(
            "/api/v1/profile", json=profile_dict(start_date=MONDAY.isoformat()), headers=headers
        ).is_success
        assert client.post("/api/v1/programmes", json={}, headers=headers).status_code == 201
        yield client, csrf


def _log(client, csrf, day: str, side: str, reps: int, key: str) -> None:
    body = {"client_key": key, "date": day, "exercise_id": "clamshell", "side": side, "set_number": 1,
            "reps": reps, "pain_during": 1}  # fmt: skip
    assert client.post("/api/v1/set-logs", json=body, headers={"X-CSRF-Token": csrf}).is_success


def test_dose_per_side_adds_up_each_week_for_each_side(runner):
    client, csrf = runner
    day = lambda n: (MONDAY + dt.timedelta(days=n)).isoformat()  # noqa: E731
    _log(client, csrf, day(0), "left", 10, "key-aaaa-1")
    _log(client, csrf, day(2), "left", 12, "key-aaaa-2")
    _log(client, csrf, day(2), "right", 6, "key-aaaa-3")
    _log(client, csrf, day(7), "right", 9, "key-aaaa-4")
    page = client.get("/progress").text
    chart = re.search(r'id="chart-dose">(.*?)</div>', page, re.S).group(1)
    weeks = [f"{MONDAY + dt.timedelta(days=n):%d %b}" for n in (0, 7)]
    assert re.findall(r">week of ([^<]+)<", chart) == weeks
    assert re.findall(r">(left|right) (\d+) reps, (\d+) sets?<", chart) == [
        ("left", "22", "2"),
        ("right", "6", "1"),
        ("right", "9", "1"),
    ]
    assert "No screens yet" in page


@pytest.mark.slow
def test_a_real_screen_shows_its_interpretation_and_lands_in_progress(runner, data_dir):
    client, csrf = runner
    clip = data_dir / "clips" / "single_leg_squat_front_hyva2.mp4"
    r = client.post(
        "/videos",
        data={"csrf_token": csrf, "target": "screen:single-leg-squat"},
        files={"file": (clip.name, clip.read_bytes(), "video/mp4")},
    )
    assert 'data-status="done"' in r.text, r.text
    assert re.search(r'id="interpretation"><p>At the bottom of the squat', r.text)
    assert re.search(r"<td>knee angle from the front \(FPPA\), average \(°\)</td><td>-?\d", r.text)
    assert 'id="needs-work-side"' in r.text
    page = client.get("/progress").text
    assert page.count('class="screen-left"') == 1
    assert re.search(r'<td><a href="/videos/\d+">single-leg-squat</a></td><td>knee angle', page)
