"""A runner in a real browser (Debian's Chromium via Playwright) against a real server:
sign up, answer the screening, get a programme, log a set on each side, see it on the progress page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.browser_steps import sign_up_and_get_a_programme
from tests.web.conftest import screenshot


def _card_form(page, side: str):
    """The first exercise card's set form for one side."""
    return page.locator(f'section.card[id$="-{side}"]').first


def test_sign_up_screening_programme_log_each_side_then_progress(live_server, page):
    sign_up_and_get_a_programme(page, live_server)
    page.locator("#calendar a").first.click()
    expect(page.get_by_text("Steps and cues").first).to_be_visible()
    left, right = _card_form(page, "left"), _card_form(page, "right")
    exercise = re.match(r"card-(.+)-left", left.get_attribute("id")).group(1)
    assert right.get_attribute("id") == f"card-{exercise}-right"  # both sides of the same exercise

    left.get_by_label("Reps").fill("10")
    left.get_by_label("Pain during, 0-10").fill("2")
    left.get_by_role("button", name="Log this set").click()
    expect(left.locator(".logged-sets li")).to_have_text(re.compile(r"set 1: 10 reps.*pain 2/10"))

    right.get_by_label("Reps").fill("8")
    right.get_by_label("Pain during, 0-10").fill("1")
    right.get_by_role("button", name="Log this set").dblclick()  # an impatient double click logs once
    expect(right.locator(".logged-sets li")).to_have_count(1)
    expect(right.locator(".logged-sets li")).to_have_text(re.compile(r"set 1: 8 reps"))
    expect(right.get_by_label("Set")).to_have_value("2")  # the fresh form is ready for the next set
    screenshot(page, "3-session")

    page.get_by_role("link", name="Progress").click()
    row = page.locator("#asymmetry tr", has=page.locator("td", has_text=re.compile(f"^{exercise}$")))
    expect(row.locator("td").nth(1)).to_have_text("10")
    expect(row.locator("td").nth(2)).to_have_text("8")
    chart = page.locator("#chart-sides svg")
    expect(chart.locator("text", has_text="left 10")).to_have_count(1)
    expect(chart.locator("text", has_text="right 8")).to_have_count(1)
    left_bar, right_bar = (
        float(chart.locator(f".bar-{s}").first.get_attribute("width")) for s in ("left", "right")
    )
    assert left_bar > right_bar > 0
    screenshot(page, "4-progress")


def test_pain_eleven_is_refused_next_to_the_field(live_server, page):
    sign_up_and_get_a_programme(page, live_server)
    page.locator("#calendar a").first.click()
    card = _card_form(page, "left")
    card.get_by_label("Reps").fill("10")
    card.get_by_label("Pain during, 0-10").fill("11")
    card.get_by_role("button", name="Log this set").click()
    message = card.locator('.error[data-field="pain_during"]')
    expect(message).to_have_text("Too high: at most 10.")
    expect(card.get_by_label("Pain during, 0-10")).to_have_value("11")  # what was typed stays to be corrected
    expect(card.locator(".logged-sets li")).to_have_count(0)
    card.get_by_label("Pain during, 0-10").fill("4")
    card.get_by_role("button", name="Log this set").click()
    expect(card.locator(".logged-sets li")).to_have_count(1)
    expect(message).to_have_count(0)


def test_hold_and_rest_countdowns_and_the_morning_checkin(live_server, page):
    page.clock.install()  # the page's clock is moved on by the test, so nothing waits for real seconds
    sign_up_and_get_a_programme(page, live_server)
    page.locator("#calendar a").first.click()
    card = page.locator("section.card", has=page.locator('button[data-label="Hold"]')).first
    hold_button = card.locator('button[data-label="Hold"]')
    hold_s = float(hold_button.get_attribute("data-seconds"))
    countdown = card.locator("output.countdown")
    hold_button.click()
    expect(countdown).to_have_text(f"Hold: {int(hold_s)} s left")
    page.clock.run_for(int(hold_s * 1000) + 500)
    expect(countdown).to_have_text("Hold done: lower slowly.")
    rest_button = card.locator('button[data-label="Rest"]')
    rest_button.click()
    rest_s = int(rest_button.get_attribute("data-seconds"))
    page.clock.run_for(1000)
    expect(countdown).to_have_text(f"Rest: {rest_s - 1} s left")
    rest_button.click()
    expect(countdown).to_have_text("Stopped.")

    checkin = page.locator("#checkin")
    checkin.get_by_label("Pain the next morning, 0-10").fill("2")
    checkin.get_by_role("button", name="Save the check-in").click()
    expect(page.locator("#checkin-saved")).to_have_text(re.compile(r"Saved: pain 2/10"))
    screenshot(page, "8-session-timer-checkin")
    page.get_by_role("link", name="Progress").click()
    expect(page.locator("#chart-pain circle.pain-point-next_morning")).to_have_count(1)
