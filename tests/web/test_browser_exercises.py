"""The exercise figure in a real browser (Debian's Chromium via Playwright): the <img> on the card decodes,
and Chromium's SMIL engine really moves the working leg (a malformed values list would leave it still)."""

from __future__ import annotations

from tests.web.browser_steps import sign_up
from tests.web.conftest import screenshot


def test_the_card_figure_decodes_and_its_working_leg_moves(live_server, page):
    sign_up(page, live_server, "Figure Runner", "figure@example.org")
    page.goto(f"{live_server}/exercises/standing-band-hip-abduction")
    img = page.locator("figure.figure img")
    img.wait_for()
    page.wait_for_function("document.querySelector('figure.figure img').complete")
    assert img.evaluate("i => [i.naturalWidth, i.naturalHeight]") == [400, 300]
    screenshot(page, "exercise-card")

    page.goto(f"{live_server}/exercises/standing-band-hip-abduction/figure.svg")
    boxes = page.evaluate(
        """() => {
        const svg = document.documentElement;
        const dur = parseFloat(svg.querySelector('#leg-right animate').getAttribute('dur'));
        svg.pauseAnimations();
        const box = (id, t) => {
            svg.setCurrentTime(t);
            const b = document.getElementById(id).getBBox();
            return [b.x, b.width];
        };
        return {work: [box('leg-right', 0), box('leg-right', dur / 2)],
                stance: [box('leg-left', 0), box('leg-left', dur / 2)]};
    }"""
    )
    (x0, w0), (x1, w1) = boxes["work"]
    assert abs(w1 - w0) > 20 or abs(x1 - x0) > 20, boxes  # the working leg swings out
    (x0, w0), (x1, w1) = boxes["stance"]
    assert abs(w1 - w0) < 3 and abs(x1 - x0) < 3, boxes  # the standing leg stays put
