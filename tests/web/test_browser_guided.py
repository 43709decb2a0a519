"""A guided session on a phone (390x844) in Chromium against a real server: one tap on the pain logs an
as-prescribed set on each side, the rest timer starts by itself, pain 8 gets its message, and the next
session shows the stepped-back dose with its reason. Then the same pages at laptop width."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.factories import profile_dict
from tests.web.browser_steps import sign_up
from tests.web.conftest import screenshot

PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}


def _programme_started_two_weeks_ago(page, base: str) -> list[dict]:
    """Profile and programme through the API with the page's own session, so there are past sessions to
    log (screening through the form has its own tests)."""
    csrf = re.search(r'"X-CSRF-Token": "([^"]+)"', page.locator("body").get_attribute("hx-headers")).group(1)
    headers = {"X-CSRF-Token": csrf}
    start = (dt.date.today() - dt.timedelta(days=14)).isoformat()
    assert page.request.put(f"{base}/api/v1/profile", data=profile_dict(start_date=start), headers=headers).ok
    made = page.request.post(f"{base}/api/v1/programmes", data={}, headers=headers)
    assert made.ok
    sessions = page.request.get(f"{base}/api/v1/programmes/{made.json()['id']}/sessions").json()
    return [s for s in sessions if dt.date.fromisoformat(s["date"]) < dt.date.today()]


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


@pytest.fixture
def phone_runner(live_server, page):
    page.set_viewport_size(PHONE)
    sign_up(page, live_server, "Guided Runner", "guided@example.org")
    return live_server, page, _programme_started_two_weeks_ago(page, live_server)


def test_a_guided_session_on_a_phone(phone_runner):
    base, page, past = phone_runner
    page.goto(f"{base}/today")
    expect(page.get_by_role("heading", level=1, name=re.compile("^Today"))).to_be_visible()
    _no_sideways_scroll(page)

    first = past[0]
    page.goto(f"{base}/sessions/{first['uid']}")
    page.locator("#start-guided").click()
    step = page.locator("#step")
    expect(step.get_by_role("heading", level=2)).to_contain_text("side")
    dose = first["items"][0]["dose"]
    pain_two = step.get_by_role("button", name="pain 2 of 10")
    box = pain_two.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 24, box  # a thumb can hit it
    _no_sideways_scroll(page)
    screenshot(page, "guided-1-step")

    pain_two.click()  # the one tap: the set as prescribed, pain 2
    expect(step.locator(".logged-sets li")).to_have_count(1)
    expect(step.locator(".logged-sets li").first).to_contain_text(f"set 1: {dose['reps']} {dose['unit']}")
    expect(step.locator("[data-rest-autostart]")).to_have_count(1)
    expect(step.locator("output.countdown")).to_contain_text("Rest")  # the rest timer started by itself
    expect(step.get_by_role("heading", level=3)).to_contain_text(f"Set 2 of {dose['sets']}")
    screenshot(page, "guided-2-logged")

    step.locator("#next-step").click()  # the other side of the same exercise
    other = first["items"][1]
    expect(page.locator("#step h2")).to_contain_text(f"{other['dose']['side']} side")
    page.locator("#step").get_by_role("button", name="pain 1 of 10").click()
    expect(page.locator("#step .logged-sets li")).to_have_count(1)

    page.goto(f"{base}/sessions/{first['uid']}/guided/1")
    page.locator("#step").get_by_role("button", name="pain 8 of 10").click()
    advice = page.locator("#step .pain-advice")
    expect(advice).to_contain_text("Pain 8/10 is above the 5/10 limit: stop the")
    expect(advice).to_contain_text("Next session")
    expect(page.locator("#step").get_by_role("button", name="pain 0 of 10")).to_be_hidden()  # folded away
    expect(page.locator("#next-step")).to_have_class(re.compile(r"\bbtn-primary\b"))
    _no_sideways_scroll(page)
    screenshot(page, "guided-3-pain-advice")

    page.goto(f"{base}/sessions/{past[1]['uid']}")
    card = page.locator(f"#card-{first['items'][0]['exercise_id']}-{dose['side']}")
    expect(card.locator('[data-action="regress"]')).to_contain_text("pain 8/10 during")
    _no_sideways_scroll(page)
    screenshot(page, "guided-4-next-session")

    page.goto(f"{base}/sessions/{first['uid']}/summary")
    expect(page.locator(".pain-advice")).to_have_count(1)
    page.set_viewport_size(LAPTOP)
    for path in ("/today", f"/sessions/{first['uid']}", f"/sessions/{first['uid']}/guided/1", "/programme"):
        page.goto(base + path)
        _no_sideways_scroll(page)
    screenshot(page, "guided-5-laptop-programme")
