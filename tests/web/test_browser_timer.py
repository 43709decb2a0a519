"""The session timers in a real browser (Debian's Chromium via Playwright) against a real server: the
hold beeps for its last seconds and buzzes at the end, the mute switch silences it and is remembered, a
rest starts by itself when the page is handed a `data-rest-autostart` element (once), and the screen is
kept awake while a `data-keep-awake` page is in use.

An init script records what the page asks of the browser in `window.__calls`: each AudioContext made,
each oscillator started (with its pitch), each vibration and each wake-lock request or release, all
stamped with the page's (fake, test-driven) clock. The browser's own wake lock is replaced by one that
always grants, so the test sees what the page asks for rather than what headless Chromium allows."""

from __future__ import annotations

import math
import re
from itertools import pairwise

import pytest
from playwright.sync_api import expect

from tests.web.browser_steps import sign_up_and_get_a_programme
from tests.web.conftest import screenshot

RECORDER = """
(() => {
  const calls = (window.__calls = []);
  const note = (kind, extra) => calls.push(Object.assign({ kind, t: Date.now() }, extra));
  const Native = window.AudioContext;
  window.AudioContext = class extends Native {
    constructor(...args) { super(...args); note("audio-context"); }
  };
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    note("tone", { hz: this.frequency.value });
    return start.apply(this, args);
  };
  Object.defineProperty(navigator, "vibrate", {
    configurable: true,
    value: (pattern) => { note("vibrate", { pattern }); return true; },
  });
  const wakeLock = {
    request(type) {
      note("wake-lock", { type });
      const sentinel = new EventTarget();
      sentinel.type = type;
      sentinel.released = false;
      sentinel.release = () => {
        if (!sentinel.released) {
          sentinel.released = true;
          note("wake-lock-release");
          sentinel.dispatchEvent(new Event("release"));
        }
        return Promise.resolve();
      };
      return Promise.resolve(sentinel);
    },
  };
  Object.defineProperty(navigator, "wakeLock", { configurable: true, get: () => wakeLock });
})();
"""

NO_WAKE_LOCK = "delete navigator.wakeLock; delete Navigator.prototype.wakeLock;"


@pytest.fixture
def session(live_server, page):
    """A new runner's first session page with the recorder in place; page errors fail the test."""
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.clock.install()
    page.add_init_script(RECORDER)
    sign_up_and_get_a_programme(page, live_server)
    page.locator("#calendar a").first.click()
    page.locator("#start-guided").click()
    expect(page.get_by_text("Steps and cues").first).to_be_visible()
    yield page
    assert errors == []


def freeze(page) -> None:
    """Stops the page's clock flowing by itself: from now on only run_for moves it."""
    page.clock.pause_at(math.ceil(page.evaluate("Date.now()") / 1000) + 1)  # whole seconds: never the past


def calls(page, kind: str) -> list[dict]:
    return page.evaluate("kind => window.__calls.filter(c => c.kind === kind)", kind)


def forget_calls(page) -> None:
    page.evaluate("window.__calls.length = 0")


def hold_card(page):
    """The guided step: its timer block has a hold for the first exercises of a programme."""
    return page.locator("#step")


def two_timer_cards(page):
    """Two copies of the step's timer block, each in a card of its own, at the top of the page: the
    guided step has one timer, and "nearest" needs two to tell apart."""
    page.evaluate("""() => {
        const timer = document.querySelector("#step [data-timer]");
        for (const n of [2, 1]) {
            const card = document.createElement("section");
            card.className = "card"; card.id = `card-copy-${n}`;
            card.append(timer.cloneNode(true));
            const log = document.createElement("div"); log.className = "set-log"; card.append(log);
            document.querySelector("main").prepend(card);
        }
    }""")
    return page.locator("section.card").nth(0), page.locator("section.card").nth(1)


def test_hold_beeps_its_last_three_seconds_then_a_distinct_end_tone_and_a_buzz(session):
    page = session
    freeze(page)
    card = hold_card(page)
    hold = card.locator('button[data-label="Hold"]')
    countdown = card.locator("output.countdown")
    hold_s = float(hold.get_attribute("data-seconds"))
    assert calls(page, "audio-context") == []  # no sound is set up before the runner touches the page

    hold.click()
    assert len(calls(page, "audio-context")) == 1
    expect(hold).to_have_attribute("aria-pressed", "true")
    expect(countdown).to_have_text(f"Hold: {math.ceil(hold_s)} s left")
    expect(countdown.locator(".big-number")).to_have_text(str(math.ceil(hold_s)))
    page.clock.run_for(int(hold_s * 1000) + 300)
    expect(countdown).to_have_text("Hold done: lower slowly.")
    expect(hold).to_have_attribute("aria-pressed", "false")
    tones = [c["hz"] for c in calls(page, "tone")]
    ticks = min(3, math.ceil(hold_s))  # the catalogue's holds are short: each of its seconds beeps
    assert len(tones) == ticks + 1 and len(set(tones[:-1])) == 1 and tones[-1] != tones[0]
    assert len(calls(page, "vibrate")) == 1

    # A longer hold (the same button with more seconds) beeps only for its last three.
    hold.evaluate("b => { b.dataset.seconds = '6' }")
    forget_calls(page)
    hold.click()
    expect(countdown).to_have_text("Hold: 6 s left")
    page.clock.run_for(2_900)
    expect(countdown).to_have_text("Hold: 4 s left")
    assert calls(page, "tone") == [] and calls(page, "vibrate") == []
    page.clock.run_for(3_400)
    expect(countdown).to_have_text("Hold done: lower slowly.")
    tones, buzz = calls(page, "tone"), calls(page, "vibrate")
    assert [t["hz"] for t in tones[:3]] == [tones[0]["hz"]] * 3 and len(tones) == 4
    assert tones[3]["hz"] != tones[0]["hz"]
    gaps = [b["t"] - a["t"] for a, b in pairwise(tones)]
    assert all(750 <= g <= 1250 for g in gaps), gaps  # one a second, from the clock
    assert len(buzz) == 1 and buzz[0]["t"] >= tones[3]["t"]
    screenshot(page, "timer-1-hold")

    # Pressed again while running, it stops, and nothing sounds later.
    hold.click()
    hold.click()
    expect(countdown).to_have_text("Stopped.")
    forget_calls(page)
    page.clock.run_for(8_000)
    assert calls(page, "tone") == [] and calls(page, "vibrate") == []


def test_mute_silences_every_tone_keeps_the_buzz_and_is_remembered_after_a_reload(session):
    page = session
    freeze(page)
    two_timer_cards(page)
    mutes = page.locator("[data-mute-toggle]")
    assert mutes.count() > 1  # one per timer block: they all move together
    card = hold_card(page)
    hold = card.locator('button[data-label="Hold"]')
    hold_s = float(hold.get_attribute("data-seconds"))
    card.locator("[data-mute-toggle]").click()
    for i in range(mutes.count()):
        expect(mutes.nth(i)).to_have_attribute("aria-pressed", "true")
    forget_calls(page)
    hold.click()
    page.clock.run_for(int(hold_s * 1000) + 300)
    expect(card.locator("output.countdown")).to_have_text("Hold done: lower slowly.")
    assert calls(page, "tone") == [] and len(calls(page, "vibrate")) == 1

    page.reload()
    freeze(page)
    two_timer_cards(page)
    for i in range(mutes.count()):
        expect(mutes.nth(i)).to_have_attribute("aria-pressed", "true")
    hold.click()
    page.clock.run_for(int(hold_s * 1000) + 300)
    expect(card.locator("output.countdown")).to_have_text("Hold done: lower slowly.")
    assert calls(page, "tone") == [] and calls(page, "audio-context") == []  # muted: no sound set up

    mutes.last.click()  # any of them unmutes all
    for i in range(mutes.count()):
        expect(mutes.nth(i)).to_have_attribute("aria-pressed", "false")
    hold.click()
    page.clock.run_for(int(hold_s * 1000) + 300)
    assert len(calls(page, "tone")) == min(3, math.ceil(hold_s)) + 1


def test_an_injected_autostart_element_starts_the_nearest_rest_once(session):
    page = session
    freeze(page)
    first, second = two_timer_cards(page)
    countdown = second.locator("output.countdown")
    page.locator("h1").click()  # the runner has touched the page (sound needs that), not a timer
    page.evaluate("""() => ["timer:started", "timer:done"].forEach((name) =>
        document.addEventListener(name, (e) => window.__calls.push(
            { kind: name, card: e.target.closest("section.card")?.id, ...e.detail })))""")
    second.evaluate("""card => {
        const el = document.createElement("div");
        el.id = "auto"; el.hidden = true; el.dataset.restAutostart = "30";
        card.querySelector(".set-log").append(el);
    }""")
    expect(countdown).to_have_text("Rest: 30 s left")  # no click: it started by itself
    expect(second.locator('button[data-label="Rest"]')).to_have_attribute("aria-pressed", "true")
    expect(first.locator("output.countdown")).to_have_text("")
    assert calls(page, "tone") == []
    page.clock.run_for(10_000)
    expect(countdown).to_have_text("Rest: 20 s left")

    # Found again (moved in the page, or htmx settling again): it does not start over.
    page.evaluate("""() => {
        const el = document.getElementById("auto");
        el.parentElement.append(el);
        document.body.dispatchEvent(new CustomEvent("htmx:afterSettle", { bubbles: true }));
        document.body.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true }));
    }""")
    page.clock.run_for(1_000)
    expect(countdown).to_have_text("Rest: 19 s left")
    page.clock.run_for(19_000)
    expect(countdown).to_have_text("Rest over: next set.")
    tones, buzz = calls(page, "tone"), calls(page, "vibrate")
    assert len(tones) >= 1 and len(buzz) == 1 and isinstance(buzz[0]["pattern"], list)
    assert all(t["t"] == tones[0]["t"] for t in tones)  # no beeps during the rest, only at its end
    screenshot(page, "timer-2-rest-over")
    card_id = second.get_attribute("id")
    started = {"kind": "timer:started", "card": card_id, "label": "Rest", "seconds": 30}
    assert calls(page, "timer:started") == [started]  # once, from the card it showed in
    assert [(c["card"], c["label"]) for c in calls(page, "timer:done")] == [(card_id, "Rest")]

    # A copy re-rendered by the server with the same key does not restart it.
    page.evaluate("""() => {
        for (const n of [1, 2]) {
            const el = document.createElement("div");
            el.hidden = true; el.dataset.restAutostart = String(40 + n); el.dataset.restKey = "set-7";
            document.querySelector("section.card .set-log").append(el);
            if (n === 1) window.__firstKeyed = el;
        }
    }""")
    expect(first.locator("output.countdown")).to_have_text("Rest: 41 s left")

    # With no timer near it, the page-level place shows it.
    page.evaluate("""() => {
        const box = document.createElement("div");
        box.innerHTML = '<p data-timer-global><output></output></p><div data-rest-autostart="12"></div>';
        document.body.append(box);
    }""")
    expect(page.locator("[data-timer-global] output")).to_have_text("Rest: 12 s left")
    expect(first.locator('button[data-label="Rest"]')).to_have_attribute("aria-pressed", "false")


def _just_started(rest: int) -> re.Pattern:
    """The rest countdown a few seconds at most after it started: the page's clock runs in real time
    while htmx posts and swaps, which takes seconds on a loaded machine; far from the 20 s later."""
    return re.compile("Rest: (" + "|".join(str(rest - k) for k in range(6)) + ") s left")


def test_a_set_logged_through_htmx_with_an_autostart_element_starts_the_rest(session):
    """The guided step's set-log answer carries the autostart element: the rest starts by itself."""
    page = session

    step = page.locator("#step")
    rest = int(step.locator('button[data-label="Rest"]').get_attribute("data-seconds"))
    countdown = step.locator("output.countdown")
    step.get_by_role("button", name="pain 1 of 10").click()  # the set-log answer carries the autostart
    expect(step.locator(".logged-sets li")).to_have_count(1)
    expect(countdown).to_have_text(_just_started(rest))
    freeze(page)
    left = int(re.search(r"\d+", countdown.inner_text()).group())  # real seconds may have passed: busy CI
    page.clock.run_for(20_000)
    later = re.compile(rf"Rest: ({left - 20}|{left - 21}) s left")
    expect(countdown).to_have_text(later)
    page.evaluate("document.body.dispatchEvent(new CustomEvent('htmx:afterSettle', {bubbles: true}))")
    expect(countdown).to_have_text(later)  # not started over

    page.clock.resume()  # htmx needs its own timers for the next swap
    step.get_by_role("button", name="pain 1 of 10").click()
    expect(step.locator(".logged-sets li")).to_have_count(2)
    expect(countdown).to_have_text(_just_started(rest))  # the next set's rest, started over


def test_the_screen_is_kept_awake_from_the_first_touch_and_again_after_the_page_is_hidden(session):
    page = session
    freeze(page)
    # a page that does not ask for it first: the guided step's own request taken out
    page.evaluate("""() => {
        document.querySelectorAll("[data-keep-awake]").forEach((e) => e.removeAttribute("data-keep-awake"));
        document.querySelectorAll("[data-keep-awake-note]").forEach((e) => e.remove());
    }""")
    rest = page.locator('button[data-label="Rest"]').first
    rest.click()
    rest.click()
    assert calls(page, "wake-lock") == []  # the page did not ask for it
    page.evaluate("""() => {
        document.querySelector("main").insertAdjacentHTML("afterbegin",
            '<div data-keep-awake hidden></div><p class="muted" data-keep-awake-note hidden></p>');
        let state = "visible";
        Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
        Object.defineProperty(document, "hidden", { configurable: true, get: () => state !== "visible" });
        window.__show = (s) => { state = s; document.dispatchEvent(new Event("visibilitychange")); };
    }""")
    assert calls(page, "wake-lock") == []  # not before the runner touches the page
    page.locator("h1").click()
    expect(page.locator("[data-keep-awake-note]")).to_be_hidden()
    assert [c["type"] for c in calls(page, "wake-lock")] == ["screen"]
    rest.click()
    rest.click()
    assert len(calls(page, "wake-lock")) == 1  # held: not asked again on each tap

    page.evaluate("window.__show('hidden')")
    assert len(calls(page, "wake-lock")) == 1
    page.evaluate("window.__show('visible')")
    page.wait_for_function("window.__calls.filter(c => c.kind === 'wake-lock').length === 2")

    page.evaluate("document.querySelector('[data-keep-awake]').remove()")  # the session is over
    page.wait_for_function("window.__calls.some(c => c.kind === 'wake-lock-release')")
    page.locator("h1").click()
    assert len(calls(page, "wake-lock")) == 2


def test_without_a_wake_lock_a_note_says_so_and_the_timers_still_run(live_server, page):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.clock.install()
    page.add_init_script(RECORDER)
    page.add_init_script(NO_WAKE_LOCK)
    sign_up_and_get_a_programme(page, live_server)
    page.route("**/static/timer.js", lambda route: route.abort())
    page.locator("#calendar a").first.click()
    page.locator("#start-guided").click()
    expect(page.get_by_text("Steps and cues").first).to_be_visible()

    # JavaScript's part missing: the timer buttons do nothing, and nothing is sent anywhere.
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    url = page.url
    card = hold_card(page)
    for button in card.locator("[data-timer] button").all():
        assert button.get_attribute("type") == "button"
        button.click()
    sent = [r for r in requests if not r.endswith("/figure.svg")]  # the lazy figure may load on scrolling
    assert page.url == url and sent == []
    expect(card.locator("output.countdown")).to_have_text("")

    page.unroute("**/static/timer.js")
    page.reload()
    freeze(page)
    note = page.locator("[data-keep-awake-note]")  # the guided step asks to keep the screen awake
    expect(note).to_be_visible()
    expect(note).to_have_text(re.compile("may let the screen sleep"))
    hold = card.locator('button[data-label="Hold"]')
    hold_s = float(hold.get_attribute("data-seconds"))
    hold.click()
    page.clock.run_for(int(hold_s * 1000) + 300)
    expect(card.locator("output.countdown")).to_have_text("Hold done: lower slowly.")
    assert len(calls(page, "tone")) == min(3, math.ceil(hold_s)) + 1
    assert errors == []
