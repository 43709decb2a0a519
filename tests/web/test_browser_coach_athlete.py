"""The coach's page of one athlete, months into a programme with every past session logged, shows
the state at a glance on a phone: the current and next weeks open with their sessions, every other
week folded to one line (its number, dates, sessions done of planned, highest pain), and the page
stays a few screens tall at 390 px instead of tens of thousands of pixels. Debian's Chromium via
Playwright against a real server; nothing on the page trips the Content-Security-Policy."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import httpx
from playwright.sync_api import expect

from tests.factories import profile_dict
from tests.web.browser_steps import sign_in
from tests.web.conftest import screenshot, sign_up
from tests.web.test_browser_csp import Watch

TODAY = dt.date.today()
PHONE, LAPTOP = (390, 844), (1280, 800)
MAX_PHONE_HEIGHT = 16_000  # px at 390 px wide; with the weeks around today unfolded it was 75,010


def _athlete_with_a_long_history(base: str) -> tuple[int, list[dict]]:
    """A runner linked to a coach, their twelve-week programme begun seven weeks ago, one set per exercise and
    side logged on every past session and a check-in after it. Gives the runner's id and sessions."""
    with httpx.Client(base_url=base, timeout=60) as client:
        runner = sign_up(client, "runner@example.org", "runner")
        coach = sign_up(client, "coach@example.org", "coach")
        monday = TODAY - dt.timedelta(days=TODAY.weekday() + 49)
        assert (
            runner.put(
                "/api/v1/profile", json=profile_dict(start_date=monday.isoformat(), weeks=12)
            ).status_code
            == 200
        )
        programme = runner.post("/api/v1/programmes", json={}).json()["id"]
        code = coach.post("/api/v1/invitations", json={}).json()["code"]
        assert runner.post("/api/v1/invitations/accept", json={"code": code}).status_code == 200
        sessions = runner.get(f"/api/v1/programmes/{programme}/sessions").json()
        for n, s in enumerate(x for x in sessions if x["date"] < TODAY.isoformat()):
            for item in s["items"]:
                entry = {"client_key": uuid.uuid4().hex, "date": s["date"], "side": item["dose"]["side"],
                         "exercise_id": item["exercise_id"], "set_number": 1, "reps": 8, "effort": 6,
                         "pain_during": 1 + n % 3, "programme_id": programme,
                         "session_uid": s["uid"]}  # fmt: skip
                assert runner.post("/api/v1/set-logs", json=entry).status_code == 201
            runner.put(f"/api/v1/check-ins/{s['date']}", json={"pain": n % 4, "note": ""})
        return runner.id, sessions


def _height(page, width: int, height: int) -> int:
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(50)
    return page.evaluate("() => document.documentElement.scrollHeight")


def test_the_athlete_page_folds_all_but_the_current_weeks_and_stays_short_on_a_phone(live_server, page):
    runner_id, sessions = _athlete_with_a_long_history(live_server)
    watch = Watch(page)
    sign_in(page, live_server, "coach@example.org")
    page.goto(f"{live_server}/coach/athletes/{runner_id}")
    heights = {}
    for width, height in (PHONE, LAPTOP):
        heights[width] = _height(page, width, height)
        screenshot(page, f"coach-athlete-{width}")
    print("coach athlete page heights (px):", heights)
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    this_week = [
        s for s in sessions if 0 <= (dt.date.fromisoformat(s["date"]) - TODAY).days + TODAY.weekday() < 7
    ]
    assert this_week
    for s in this_week:
        expect(page.locator(f'[id="session-{s["uid"]}"]')).to_be_visible()
    upcoming = next(s for s in sessions if s["date"] >= TODAY.isoformat())  # its doses shown, unfolded
    expect(page.locator(f'[id="session-{upcoming["uid"]}"] table.doses')).to_be_visible()
    for s in this_week:
        if s["date"] < TODAY.isoformat():  # done this week: a line of the sets logged and their pain
            expect(page.locator(f'[id="session-{s["uid"]}"] > summary')).to_contain_text("sets logged")
    first = page.locator("#week-1")  # long past: one line of what was done
    expect(page.locator("#week-1 > summary")).to_contain_text(
        re.compile(r"Week 1 .*(\d) of \1 sessions done .*highest pain \d/10")
    )
    expect(first.locator(f'[id="session-{sessions[0]["uid"]}"]')).to_be_hidden()
    expect(page.locator("details.week[open]")).to_have_count(2)
    assert heights[PHONE[0]] < MAX_PHONE_HEIGHT, heights
    watch.check("coach-athlete")
