"""The pages work under their Content-Security-Policy: a runner and a coach walk every main page in
Chromium (sign-up, onboarding, Today, the programme, a guided step logging a set with one pain tap and
its rest timer, the summary, progress, a video upload and its status polling, linking a coach, your
data, the coach's dashboard and an athlete's page) and nothing is refused, logged or thrown.

Chromium reports a refused inline script, style attribute or eval both as a console message and as a
securitypolicyviolation event; the test listens for both (the event through a function every page
gets before its own scripts run), and for uncaught errors. Two kinds of message are not about the
pages: "verbose" ones (Chromium's lints, such as a password field without autocomplete, which
DevTools hides by default) and the 404 of /favicon.ico, which the browser asks for by itself.
Every page the browser loaded must have come with the policy, so the walk means something."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.browser_steps import sign_up_and_get_a_programme
from tests.web.conftest import screenshot

LISTEN = """document.addEventListener("securitypolicyviolation", (e) => {
  window.reportViolation(`${e.violatedDirective} refused ${e.blockedURI || "inline"} in ${e.sourceFile
    || document.location.pathname}:${e.lineNumber} (${e.sample})`);
});"""


class Watch:
    """What went wrong in the browser, page by page, and which documents came without the policy."""

    def __init__(self, page) -> None:
        self.page, self.problems, self.documents = page, [], []
        page.expose_function("reportViolation", lambda text: self.problems.append(f"violation: {text}"))
        page.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.problems.append(f"uncaught: {e} ({page.url})"))
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "verbose" or message.location["url"].endswith("/favicon.ico"):
            return  # Chromium's form lints (DevTools hides them) and its own request for an icon
        self.problems.append(f"console {message.type}: {message.text} ({message.location['url']})")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} for {response.url}")
        if response.request.resource_type == "document":
            self.documents.append((response.url, response.headers.get("content-security-policy")))

    def check(self, name: str) -> None:
        """Wait until the page is quiet (late violations are reported asynchronously), then no problem."""
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate("() => new Promise((done) => setTimeout(done, 100))")
        screenshot(self.page, f"csp-{name}")
        assert not self.problems, f"{name}:\n" + "\n".join(self.problems)


def _sign_out(page) -> None:
    toggle = page.locator("header nav summary")
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))


def test_the_listener_catches_what_the_policy_refuses(live_server, page):
    """The check can fail: an inline style attribute and an inline script are reported."""
    watch = Watch(page)
    page.goto(f"{live_server}/login")
    watch.check("login")
    page.evaluate("""() => {
      document.body.setAttribute("style", "color: red");
      const s = document.createElement("script"); s.textContent = "window.ran = 1"; document.body.append(s);
    }""")
    page.wait_for_function("() => true")
    page.evaluate("() => new Promise((done) => setTimeout(done, 200))")
    assert page.evaluate("() => window.ran") is None  # the inline script did not run
    violations = [p for p in watch.problems if p.startswith("violation:")]
    assert any("style-src" in v for v in violations), watch.problems
    assert any("script-src" in v for v in violations), watch.problems
    assert any(p.startswith("console") for p in watch.problems), watch.problems


def test_every_main_page_works_under_the_policy(live_server, page, tmp_path):
    base, watch = live_server, Watch(page)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{base}/signup")  # the coach first, for an invitation code
    watch.check("signup")
    page.get_by_label("Name").fill("Coach Cora")
    page.get_by_label("Email").fill("cora@example.org")
    page.get_by_label("Password").fill("long enough pw")
    page.get_by_label("I coach runners").check()
    page.get_by_role("button", name="Sign up").click()
    watch.check("signed-up")  # the sign-in form, the email filled in
    page.get_by_label("Password").fill("long enough pw")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Make an invitation code").click()
    code = page.locator("#invitation-code").inner_text()
    watch.check("coach-invitation")
    _sign_out(page)

    sign_up_and_get_a_programme(page, base, name="Policy Runner", email="policy@example.org")
    watch.check("onboarding-to-programme")
    page.goto(f"{base}/today")
    expect(page.get_by_role("heading", level=1, name=re.compile("^Today"))).to_be_visible()
    watch.check("today")

    page.goto(f"{base}/programme")
    page.locator("#calendar a").first.click()
    expect(page.locator(".step-list .card").first).to_be_visible()
    watch.check("session")
    page.locator("#start-guided").click()
    step = page.locator("#step")
    step.get_by_role("button", name="pain 2 of 10").click()  # one tap logs the set (htmx swaps the step)
    expect(step.locator(".logged-sets li")).to_have_count(1)
    expect(step.locator("output.countdown")).to_contain_text("Rest")  # timer.js started the rest
    watch.check("guided-step")
    page.goto(page.url.rsplit("/guided/", 1)[0] + "/summary")
    watch.check("summary")
    page.goto(f"{base}/exercises/clamshell")
    figure = page.locator(".figure img")
    expect(figure).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=figure.element_handle())
    watch.check("exercise")  # its animated figure came from this server, as an image

    page.goto(f"{base}/progress")
    watch.check("progress")
    notes = tmp_path / "training-notes.mp4"
    notes.write_text("my training notes, not a video")
    page.goto(f"{base}/videos")
    watch.check("videos")
    page.get_by_label("What the video shows").select_option("exercise:clamshell")
    page.get_by_label(re.compile("Video file")).set_input_files(str(notes))
    page.get_by_role("button", name="Upload and analyse").click()
    expect(page.locator("#analysis-error")).to_be_visible(timeout=60_000)  # after htmx polled the status
    watch.check("analysis")

    page.goto(f"{base}/coaches")
    page.get_by_label("Invitation code from your coach").fill(code)
    page.get_by_role("button", name="Let this coach see my training").click()
    expect(page.locator("#linked")).to_be_visible()
    watch.check("coaches")
    page.goto(f"{base}/data")
    watch.check("data")
    _sign_out(page)

    page.get_by_label("Email").fill("cora@example.org")
    page.get_by_label("Password").fill("long enough pw")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#athletes")).to_contain_text("Policy Runner")
    watch.check("coach-dashboard")
    page.locator("#athletes a").first.click()
    expect(page.locator("#athlete-name")).to_be_visible()
    watch.check("coach-athlete")

    assert len(watch.documents) > 15
    missing = [url for url, csp in watch.documents if not csp or "script-src 'self'" not in csp]
    assert not missing, f"pages without the policy: {missing}"
