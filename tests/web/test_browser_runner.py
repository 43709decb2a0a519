"""A runner in a real browser (Debian's Chromium via Playwright) against a real server: sign up, answer
the screening, get a programme, log a set on each side in the guided session, see it on the progress
page; a refused value next to its field; the countdowns and the morning check-in."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from hipcoach.catalog import load_catalog
from tests.web.browser_steps import sign_up_and_get_a_programme
from tests.web.conftest import screenshot


def _start_guided(page):
    page.locator("#calendar a").first.click()
    page.locator("#start-guided").click()
    return page.locator("#step")


def _set_form(step):
    return step.locator("form.set-form")


def test_sign_up_screening_programme_log_each_side_then_progress(live_server, page):
    sign_up_and_get_a_programme(page, live_server)
    step = _start_guided(page)
    expect(step.get_by_text("Steps and cues")).to_be_visible()
    first = _set_form(step).locator('input[name="exercise_id"]').get_attribute("value")
    first_side = _set_form(step).locator('input[name="side"]').get_attribute("value")
    _set_form(step).locator("summary").click()
    _set_form(step).get_by_label("Reps done").fill("10")
    step.get_by_role("button", name="pain 2 of 10").click()
    expect(step.locator(".logged-sets li")).to_have_text(re.compile(r"set 1: 10 reps.*pain 2/10"))

    step.locator("#next-step").click()  # the same exercise on the other side
    step = page.locator("#step")
    assert _set_form(step).locator('input[name="exercise_id"]').get_attribute("value") == first
    other_side = _set_form(step).locator('input[name="side"]').get_attribute("value")
    assert {first_side, other_side} == {"left", "right"}
    _set_form(step).locator("summary").click()
    _set_form(step).get_by_label("Reps done").fill("8")
    step.get_by_role("button", name="pain 1 of 10").dblclick()  # an impatient double tap logs once
    expect(step.locator(".logged-sets li")).to_have_count(1)
    expect(step.locator(".logged-sets li")).to_have_text(re.compile(r"set 1: 8 reps"))
    expect(_set_form(step).get_by_label("Set number")).to_have_value("2")  # ready for the next set
    screenshot(page, "3-session")

    page.goto(f"{live_server}/progress")
    name = load_catalog().exercise(first).name  # the exercise by its name, not its id
    row = page.locator("#asymmetry tr", has=page.locator("td", has_text=re.compile(f"^{re.escape(name)}$")))
    reps = {first_side: "10", other_side: "8"}
    expect(row.locator("td").nth(1)).to_have_text(reps["left"])
    expect(row.locator("td").nth(2)).to_have_text(reps["right"])
    chart = page.locator("#chart-sides svg")
    expect(chart.locator("text", has_text=name)).to_have_count(1)
    expect(chart.locator("text", has_text=f"left {reps['left']}")).to_have_count(1)
    expect(chart.locator("text", has_text=f"right {reps['right']}")).to_have_count(1)
    screenshot(page, "4-progress")


def test_pain_eleven_is_refused_next_to_the_field(live_server, page):
    sign_up_and_get_a_programme(page, live_server)
    step = _start_guided(page)
    form = _set_form(step)
    form.evaluate("f => { f.noValidate = true }")  # as a browser that does not check min/max would send it
    form.locator("summary").click()
    form.get_by_label("Reps done").fill("-1")
    step.get_by_role("button", name="pain 4 of 10").click()
    message = step.locator('.error[data-field="reps"]')
    expect(message).to_have_text("Too low: at least 0.")
    expect(_set_form(step).get_by_label("Reps done")).to_have_value("-1")  # kept, to be corrected
    expect(step.locator(".logged-sets li")).to_have_count(0)
    _set_form(step).get_by_label("Reps done").fill("10")
    step.get_by_role("button", name="pain 4 of 10").click()
    expect(step.locator(".logged-sets li")).to_have_count(1)
    expect(message).to_have_count(0)


def test_hold_and_rest_countdowns_and_the_morning_checkin(live_server, page):
    page.clock.install()  # the page's clock is moved on by the test, so nothing waits for real seconds
    sign_up_and_get_a_programme(page, live_server)
    step = _start_guided(page)
    hold_button = step.locator('button[data-label="Hold"]')
    hold_s = float(hold_button.get_attribute("data-seconds"))
    countdown = step.locator("output.countdown")
    hold_button.click()
    expect(countdown).to_have_text(f"Hold: {int(hold_s)} s left")
    page.clock.run_for(int(hold_s * 1000) + 500)
    expect(countdown).to_have_text("Hold done: lower slowly.")
    rest_button = step.locator('button[data-label="Rest"]')
    rest_button.click()
    rest_s = int(rest_button.get_attribute("data-seconds"))
    page.clock.run_for(1000)
    expect(countdown).to_have_text(f"Rest: {rest_s - 1} s left")
    rest_button.click()
    expect(countdown).to_have_text("Stopped.")

    page.locator("a", has_text=re.compile("week 1")).first.click()  # back to the session overview
    checkin = page.locator("#checkin")
    checkin.get_by_role("button", name="pain 2 of 10").click()
    expect(page.locator("#checkin-saved")).to_have_text(re.compile(r"Saved: pain 2/10"))
    screenshot(page, "8-session-timer-checkin")
    page.goto(f"{live_server}/progress")
    expect(page.locator("#chart-pain circle.pain-point-next_morning")).to_have_count(1)
