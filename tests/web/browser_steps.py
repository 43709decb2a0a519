"""Steps the browser tests share: signing up and in through the pages, and answering the screening to
get a programme (the calendar page)."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from hipcoach.plans.red_flags import RED_FLAG_IDS
from tests.web.conftest import PASSWORD, screenshot


def answer_no_to_every_red_flag(page) -> None:
    """Nothing is chosen for the runner: each screening question is answered on purpose."""
    for flag in RED_FLAG_IDS:
        page.locator(f'input[name="flag_{flag}"][value="no"]').check()


def sign_up(page, base: str, name: str, email: str, coach: bool = False) -> None:
    page.goto(f"{base}/signup")
    fill_sign_up(page, name, email, coach)


def fill_sign_up(page, name: str, email: str, coach: bool = False) -> None:
    """The sign-up form on screen, filled in and sent, then the sign-in form it answers with."""
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    if coach:
        page.get_by_label("I coach runners").check()
    page.get_by_role("button", name="Sign up").click()
    # sign-up answers with the sign-in form, the email filled in (it never says whether it was taken)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_up_and_get_a_programme(page, base: str, name="Browser Runner", email="browser@example.org") -> None:
    sign_up(page, base, name, email)
    expect(page.get_by_role("heading", name="Screening questions")).to_be_visible()
    page.locator('input[name="pain_sites"][value="knee"]').check()
    page.get_by_label("Side").select_option("right")
    page.get_by_label("Pain while running, 0-10").fill("3")
    for day in ("tue", "thu", "sat", "sun"):
        page.locator(f'input[name="run_days"][value="{day}"]').check()
    page.get_by_label("Long run").select_option("sun")
    for band in ("yellow", "red"):
        page.locator(f'input[name="bands"][value="{band}"]').check()
    # started two weeks ago, so the calendar's first sessions are past days that can be logged
    page.get_by_label("Start on").fill((dt.date.today() - dt.timedelta(days=14)).isoformat())
    answer_no_to_every_red_flag(page)
    screenshot(page, "1-screening")
    page.get_by_role("button", name="Make my programme").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Today"))).to_be_visible()
    page.get_by_role("link", name="The whole programme").click()
    expect(page.locator("#calendar")).to_be_visible()
    screenshot(page, "2-programme")


def log_a_set_in_the_first_session(page, reps: int | None = None, pain: int = 2) -> tuple[str, str]:
    """From the calendar: the first session's guided step 1, one set logged (as prescribed unless `reps`
    is given) with one tap on the pain. Returns the step's (exercise_id, side)."""
    page.locator("#calendar a").first.click()
    page.locator("#start-guided").click()
    step = page.locator("#step")
    form = step.locator("form.set-form")
    exercise = form.locator('input[name="exercise_id"]').get_attribute("value")
    side = form.locator('input[name="side"]').get_attribute("value")
    if reps is not None:
        form.locator("summary").click()
        form.get_by_label("Reps done").fill(str(reps))
    step.get_by_role("button", name=f"pain {pain} of 10").click()
    expect(step.locator(".logged-sets li")).to_have_count(1)
    return exercise, side
