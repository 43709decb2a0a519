"""A coach in a real browser (Debian's Chromium via Playwright, a real server) swaps an exercise of a
linked runner's programme on the change page; the runner, signed in in the same browser, finds the new
exercise on their next session's page with the coach's note and reason; neither page trips the
Content-Security-Policy."""

from __future__ import annotations

import datetime as dt
import re

import httpx
from playwright.sync_api import expect

from hipcoach.catalog import load_catalog
from tests.factories import profile_dict
from tests.web.browser_steps import sign_in
from tests.web.conftest import screenshot, sign_up
from tests.web.test_browser_csp import Watch

TODAY = dt.date.today()


def _sign_in(page, base: str, email: str) -> None:
    page.context.clear_cookies()  # another person's browser
    sign_in(page, base, email)


def test_a_coach_swaps_an_exercise_and_the_runners_session_page_shows_it(live_server, page):
    with httpx.Client(base_url=live_server) as client:  # the accounts and the link, made through the API
        runner = sign_up(client, "runner@example.org", "runner")
        coach = sign_up(client, "coach@example.org", "coach")
        start = (TODAY - dt.timedelta(days=10)).isoformat()
        assert runner.put("/api/v1/profile", json=profile_dict(start_date=start)).status_code == 200
        programme = runner.post("/api/v1/programmes", json={}).json()["id"]
        code = coach.post("/api/v1/invitations", json={}).json()["code"]
        assert runner.post("/api/v1/invitations/accept", json={"code": code}).status_code == 200
        sessions = runner.get(f"/api/v1/programmes/{programme}/sessions").json()
        upcoming = next(s for s in sessions if s["date"] >= TODAY.isoformat())
        old = next(i["exercise_id"] for i in upcoming["items"] if i["dose"]["side"] != "both")

    watch = Watch(page)  # and nothing on these pages is refused by the Content-Security-Policy
    _sign_in(page, live_server, "coach@example.org")
    page.goto(f"{live_server}/coach/athletes/{runner.id}")
    page.locator("#adjust-link").click()
    expect(page.locator("#adjust-title")).to_be_visible()
    card = page.locator(f"#adjust-{old}")
    card.get_by_text("Swap for another exercise").click()
    form = card.locator(f"#swap-{old}")
    choice = form.locator('select[name="new_exercise_id"] option').first
    new = choice.get_attribute("value")
    form.locator('select[name="new_exercise_id"]').select_option(new)
    form.get_by_label("Note for the runner (optional)").fill("Slow on the way down, pelvis level.")
    form.get_by_label(re.compile("^Why")).fill("the old one hurt the front of the hip")
    form.get_by_role("button", name="Swap").click()
    expect(page.locator("#adjust-done")).to_be_visible()
    expect(page.locator("#adjust-history tr[data-kind='swap']")).to_have_count(1)
    screenshot(page, "adjust-1-coach")
    watch.check("adjust")

    _sign_in(page, live_server, "runner@example.org")
    page.goto(f"{live_server}/sessions/{upcoming['uid']}")
    exercise = load_catalog().exercise(new)
    new_card = page.locator(f"#card-{new}-{'both' if exercise.laterality == 'bilateral' else 'left'}")
    expect(new_card).to_contain_text(exercise.name)
    expect(new_card.locator(".coach-change")).to_contain_text("Changed by your coach")
    expect(new_card.locator(".coach-note")).to_have_text("Slow on the way down, pelvis level.")
    expect(new_card.locator(".coach-reason")).to_contain_text("the old one hurt the front of the hip")
    expect(page.locator(f"#card-{old}-left")).to_have_count(0)
    screenshot(page, "adjust-2-runner")
    watch.check("adjusted-session")
    assert watch.documents and all(policy for _, policy in watch.documents)
