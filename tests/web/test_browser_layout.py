"""Every page a runner and a coach reach fits a phone (360 and 390 px) and a laptop (1280 px): nothing
scrolls sideways or sticks out past the right edge, no <style> element is left for the coming CSP to
refuse, the menu's links can be reached (also without menu.js), the session page's buttons and fields
are big enough to hit with a thumb and show a focus ring, and a portrait report video stays within the
screen.

Each page is saved as /tmp/layout-shots/<page>-<width>.png (or under HIPCOACH_SCREENSHOTS) to look at,
and the measured widths go to widths.json beside them."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.web.browser_steps import sign_in, sign_up, sign_up_and_get_a_programme

SMALL_PHONE, PHONE, LAPTOP = (360, 740), (390, 844), (1280, 800)
SHOTS = Path(os.environ.get("HIPCOACH_SCREENSHOTS") or "/tmp/layout-shots")
RUNNER_LINKS = ("Today", "Programme", "Progress", "Videos", "Screening answers", "Coach", "Your data")

# How far the page reaches past the window, and which visible elements end beyond its right edge.
MEASURE = """() => {
  const inner = window.innerWidth;
  const beyond = [...document.querySelectorAll("body *")].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.right > inner + 1;
  }).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && e.className.baseVal
    === undefined && e.className ? "." + e.className.split(" ")[0] : ""));
  return {scroll: document.documentElement.scrollWidth, inner, beyond: beyond.slice(0, 6),
          styles: document.querySelectorAll("style").length};
}"""

# The buttons and fields one can see, with their height (the session page's must be 44 px or taller on
# a phone).
BUTTONS = """() => [...document.querySelectorAll(
    'button, input[type=submit], input[type=button], input[type=reset], summary, .btn, ' +
    'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select')]
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
  .map(e => ({text: (e.innerText || e.value || "").trim().slice(0, 40),
               height: e.getBoundingClientRect().height}))"""


class Layout:
    """Measures the open page at both widths, keeps the figures, and lists what does not fit."""

    def __init__(self, page):
        self.page, self.figures, self.problems = page, {}, []
        SHOTS.mkdir(parents=True, exist_ok=True)

    def check(self, name: str, nav: str = "runner") -> None:
        for width, height in (SMALL_PHONE, PHONE, LAPTOP):
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.wait_for_timeout(50)  # the menu script reacts to the width change
            m = self.page.evaluate(MEASURE)
            self.figures[f"{name}-{width}"] = m
            if m["scroll"] > m["inner"] or m["beyond"]:
                self.problems.append(
                    f"{name} at {width}px: scrollWidth {m['scroll']}, sticking out {m['beyond']}"
                )
            if m["styles"]:  # htmx's own indicator <style> would be refused by the coming CSP
                self.problems.append(f"{name}: {m['styles']} <style> element(s) in the page")
            self.page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            self._menu_reachable(name, width, nav)

    def _menu_reachable(self, name: str, width: int, nav: str) -> None:
        if nav == "none":
            return
        links = RUNNER_LINKS if nav == "runner" else ("Athletes",)
        menu = self.page.locator("header nav")
        toggle = menu.locator("summary")
        if toggle.is_visible():
            toggle.click()
            if name in ("programme", "coach"):
                self.page.screenshot(path=str(SHOTS / f"{name}-{width}-menu-open.png"))
        for label in links:
            link = menu.get_by_role("link", name=label, exact=True)
            box = link.bounding_box() if link.is_visible() else None
            if box is None or box["x"] < 0 or box["x"] + box["width"] > width:
                self.problems.append(f"{name} at {width}px: the menu's {label!r} link cannot be reached")
        signout = menu.get_by_role("button", name="Sign out")
        if not signout.is_visible():
            self.problems.append(f"{name} at {width}px: no Sign out button in reach")
        if toggle.is_visible():
            toggle.click()  # closed again, as the runner would leave it

    def buttons_tall_enough(self, name: str) -> None:
        self.page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
        buttons = self.page.evaluate(BUTTONS)
        assert len(buttons) >= 3, buttons  # the timers' and the set forms' buttons at least
        for b in buttons:
            if b["height"] < 44:
                self.problems.append(f"{name} at 390px: {b['text']!r} is {b['height']:.0f} px tall")

    def focus_is_visible(self, name: str) -> None:
        """Tabbing from the top reaches the menu and then the page, each with a ring of 2 px or more."""
        self.page.locator("body").focus()
        for _ in range(3):
            self.page.keyboard.press("Tab")
            ring = self.page.evaluate(
                """() => { const s = getComputedStyle(document.activeElement);
                   return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
            )
            if ring[1] == "none" or ring[2] < 2:
                self.problems.append(f"{name}: the focused {ring[0]} has no visible ring ({ring})")

    def save(self, file: str) -> None:
        (SHOTS / file).write_text(json.dumps(self.figures, indent=1))


def _sign_out(page) -> None:
    toggle = page.locator("header nav summary")
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))


def test_every_page_fits_a_phone_and_a_laptop(live_server, page, tmp_path):
    layout, base = Layout(page), live_server
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.goto(f"{base}/signup")
    layout.check("signup", nav="none")
    page.goto(f"{base}/login")
    layout.check("login", nav="none")

    # A coach first, to have an invitation code for the runner.
    sign_up(page, base, "Coach Cora", "cora@example.org", coach=True)
    page.get_by_role("button", name="Make an invitation code").click()
    code = page.locator("#invitation-code").inner_text()
    _sign_out(page)

    long_name = "Layout Runner With A Fairly Long Name"
    sign_up_and_get_a_programme(page, base, name=long_name, email="lay@example.org")
    layout.check("programme")
    assert page.locator("#calendar tbody tr, #calendar tr").count() > 1
    page.goto(f"{base}/onboarding")
    layout.check("onboarding")
    page.goto(f"{base}/programme")
    page.locator("#calendar a").first.click()
    expect(page.locator(".step-list .card").first).to_be_visible()
    layout.check("session")
    page.locator("#start-guided").click()
    step = page.locator("#step")  # one set logged, so progress has bars
    step.get_by_role("button", name="pain 2 of 10").click()
    expect(step.locator(".logged-sets li")).to_have_count(1)
    layout.check("guided-step")
    layout.buttons_tall_enough("guided-step")
    layout.focus_is_visible("guided-step")
    page.goto(page.url.rsplit("/guided/", 1)[0] + "/summary")
    layout.check("session-summary")
    page.goto(f"{base}/progress")
    layout.check("progress")

    notes = tmp_path / "training-notes.mp4"
    notes.write_text("my training notes, not a video")
    page.goto(f"{base}/videos")
    page.get_by_label("What the video shows").select_option("exercise:clamshell")
    page.get_by_label(re.compile("Video file")).set_input_files(str(notes))
    page.get_by_role("button", name="Upload and analyse").click()
    expect(page.locator("#analysis-error")).to_be_visible(timeout=60_000)
    layout.check("analysis-failed")
    page.goto(f"{base}/videos")
    layout.check("videos")

    page.goto(f"{base}/coaches")
    page.get_by_label("Invitation code from your coach").fill(code)
    page.get_by_role("button", name="Let this coach see my training").click()
    expect(page.locator("#linked")).to_be_visible()
    layout.check("coaches")
    page.goto(f"{base}/data")
    layout.check("data")
    page.goto(f"{base}/today")
    layout.check("today")
    assert page.goto(f"{base}/sessions/no-such-session").status == 404
    layout.check("error-404")
    page.route("**/static/menu.js", lambda route: route.abort())  # the menu without its script
    page.goto(f"{base}/programme")
    layout.check("programme-no-menu-js")
    # ends at the laptop width: this Chromium shows the closed menu's links in the bar, with no click
    expect(page.locator("header nav summary")).to_be_hidden()
    expect(page.locator("header nav").get_by_role("link", name="Programme")).to_be_visible()
    page.unroute("**/static/menu.js")
    _sign_out(page)

    sign_in(page, base, "cora@example.org")
    expect(page.locator("#athletes")).to_contain_text("Layout Runner")
    layout.check("coach", nav="coach")
    page.locator("#athletes a").first.click()
    expect(page.locator("#athlete-name")).to_be_visible()
    layout.check("coach-athlete", nav="coach")
    page.locator("#notes textarea").fill("Nice work this week. Keep the knee over the toes.")
    page.locator("#notes button").click()
    expect(page.locator("#notes")).to_contain_text("Keep the knee over the toes")
    layout.check("coach-athlete-note", nav="coach")
    page.locator("#adjust-link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    layout.check("coach-adjust", nav="coach")
    _sign_out(page)

    sign_in(page, base, "lay@example.org")  # the runner sees the coach's note on Today
    page.goto(f"{base}/today")
    expect(page.locator("section.notes")).to_contain_text("Keep the knee over the toes")
    layout.check("today-with-note")

    layout.save("widths.json")
    assert not layout.problems, "\n".join(layout.problems)


def _upload(page, base: str, target: str, clip) -> None:
    page.goto(f"{base}/videos")
    page.get_by_label("What the video shows").select_option(target)
    page.get_by_label(re.compile("Video file")).set_input_files(str(clip))
    page.get_by_role("button", name="Upload and analyse").click()


def _video_fits(layout: Layout, name: str) -> None:
    video = layout.page.locator("#annotated-video")
    layout.page.wait_for_function("v => v.readyState >= 1", arg=video.element_handle())
    for width, height in (SMALL_PHONE, PHONE, LAPTOP):
        layout.page.set_viewport_size({"width": width, "height": height})
        box = video.bounding_box()
        layout.figures[f"{name}-video-{width}"] = box
        if box["height"] > 0.8 * height or box["width"] > width:
            layout.problems.append(
                f"{name}: the video at {width}px is {box['width']:.0f}x{box['height']:.0f}"
            )


@pytest.mark.slow
def test_portrait_reports_fit_the_screen(live_server, page, data_dir):
    """Real portrait clips analysed in the background, an exercise (608x1080) and a single-leg squat
    screen (406x720): both reports, and the progress page with the screen's row, fit every width, and
    the annotated video is never taller than most of the window."""
    layout, base = Layout(page), live_server
    sign_up(page, base, "Portrait Runner", "portrait@example.org")
    _upload(page, base, "exercise:single-leg-bridge", data_dir / "clips" / "single_leg_bridge_side_1rep.mp4")
    expect(page.locator("#rep-count")).to_be_visible(timeout=240_000)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=page.locator("#signal-plot").element_handle()
    )
    layout.check("analysis-report")
    _video_fits(layout, "analysis-report")

    _upload(page, base, "screen:single-leg-squat", data_dir / "clips" / "single_leg_squat_front_hyva6.mp4")
    expect(page.locator("#screen-result")).to_be_visible(timeout=240_000)
    layout.check("screen-report")
    _video_fits(layout, "screen-report")
    page.goto(f"{base}/progress")
    expect(page.locator("#screens td").first).to_be_visible()
    layout.check("progress-with-screen")
    layout.save("widths-report.json")
    assert not layout.problems, "\n".join(layout.problems)
