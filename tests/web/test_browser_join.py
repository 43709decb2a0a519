"""In a real browser against a real server: a coach makes an invitation, a signed-out runner opens its
link, makes an account, is taken back to the link, accepts, and the coach sees them as an athlete."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.web.browser_steps import fill_sign_up, sign_in, sign_up
from tests.web.conftest import screenshot


def test_a_coach_invites_and_a_signed_out_runner_signs_up_from_the_link_and_is_linked(live_server, page):
    sign_up(page, live_server, "Ann Coach", "ann@example.org", coach=True)
    page.goto(f"{live_server}/coach")
    page.get_by_label("Note (who it is for)").fill("for Rita")
    page.get_by_role("button", name="Make an invitation code and link").click()
    link = page.locator("#pending-invitations .invitation-link").first.input_value()
    assert "/join/" in link

    page.context.clear_cookies()  # the runner's own browser: signed out
    page.goto(link)
    expect(page.locator("#join-signup")).to_be_visible()
    page.locator("#join-signup").click()
    fill_sign_up(page, "Rita Runner", "rita@example.org")
    expect(page.locator("#join-accept")).to_be_visible()  # back at the link, not the programme page
    assert "/join/" in page.url
    page.locator("#join-accept").click()
    expect(page.locator("#linked")).to_be_visible()
    screenshot(page, "join-linked")

    page.context.clear_cookies()
    sign_in(page, live_server, "ann@example.org")
    page.goto(f"{live_server}/coach")
    expect(page.locator("#athletes").get_by_role("link", name="Rita Runner")).to_be_visible()
