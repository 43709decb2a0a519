"""Safe screening in a real browser (Debian's Chromium via Playwright) on a phone-sized screen: a form
sent with no screening answer chosen comes back naming each question with a link to it, keeps what
was typed, and makes a programme only once every question is answered; an urgent answer gets the
urgent page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from hipcoach.plans.red_flags import RED_FLAGS, RED_FLAGS_BY_ID
from tests.web.browser_steps import answer_no_to_every_red_flag, sign_up
from tests.web.conftest import screenshot

PHONE = {"width": 390, "height": 844}


def _fill_the_rest(page) -> None:
    page.get_by_label("Name").fill("Phone Runner")
    page.locator('input[name="pain_sites"][value="knee"]').check()
    page.get_by_label("Side").select_option("left")
    page.get_by_label("Pain while running, 0-10").fill("2")
    for day in ("tue", "sat"):
        page.locator(f'input[name="run_days"][value="{day}"]').check()


def test_unanswered_questions_are_named_and_linked_then_answering_makes_the_programme(live_server, page):
    page.set_viewport_size(PHONE)
    sign_up(page, live_server, "Phone Runner", "phone@example.org")
    expect(page.get_by_role("heading", name="Screening questions")).to_be_visible()
    expect(page.locator('input[type="radio"][name^="flag_"]:checked')).to_have_count(0)
    _fill_the_rest(page)
    with page.expect_response(re.compile(r"/onboarding$")) as sent:
        page.get_by_role("button", name="Make my programme").click()
    assert sent.value.status == 422
    summary = page.locator("#unanswered")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(len(RED_FLAGS))
    expect(summary).to_contain_text(f"{len(RED_FLAGS)} questions are not answered")
    screenshot(page, "screening-1-unanswered")
    expect(page.get_by_label("Name")).to_have_value("Phone Runner")  # what was typed is kept
    expect(page.locator('input[name="pain_sites"][value="knee"]')).to_be_checked()
    expect(page.get_by_label("Side")).to_have_value("left")

    question = RED_FLAGS[-1]
    summary.get_by_role("link", name=question.question).click()
    expect(page).to_have_url(re.compile(f"#q-{question.id}$"))
    box = page.locator(f"#q-{question.id}")
    expect(box).to_be_in_viewport()
    expect(box.locator(".error")).to_have_text("Choose yes or no.")
    widest = page.evaluate(  # the form reflows to the phone's width (the nav is base.html's affair)
        "Math.max(...[...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= PHONE["width"]

    answer_no_to_every_red_flag(page)
    page.get_by_role("button", name="Make my programme").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Today"))).to_be_visible()
    screenshot(page, "screening-2-programme")


def test_an_urgent_answer_gets_the_urgent_page(live_server, page):
    page.set_viewport_size(PHONE)
    sign_up(page, live_server, "Urgent Runner", "urgent@example.org")
    _fill_the_rest(page)
    answer_no_to_every_red_flag(page)
    page.locator('input[name="flag_bladder_bowel_saddle"][value="yes"]').check()
    page.get_by_role("button", name="Make my programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get medical help today")
    expect(page.locator(".notice-urgent")).to_be_visible()
    expect(page.locator("#today-bladder_bowel_saddle")).to_contain_text(
        RED_FLAGS_BY_ID["bladder_bowel_saddle"].today
    )
    screenshot(page, "screening-3-urgent")
    page.get_by_role("link", name="See or change your answers").click()
    expect(page.get_by_role("heading", name="Your answers")).to_be_visible()
    expect(page.locator('input[name="flag_bladder_bowel_saddle"][value="yes"]')).to_be_checked()
    expect(page.locator("#clearance")).to_contain_text("urgent referral")
