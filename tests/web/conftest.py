"""A real app on a temporary data folder, and signed-in clients for two runners and two coaches."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hipcoach.plans.red_flags import RED_FLAG_IDS
from hipcoach.settings import Settings
from hipcoach.web.app import create_app
from tests.factories import profile_dict


@dataclass
class Account:
    client: TestClient
    id: int
    token: str

    def __getattr__(self, verb):  # get/post/put/delete with this account's bearer token
        method = getattr(self.client, verb)

        def call(url, **kw):
            headers = {"Authorization": f"Bearer {self.token}", **kw.pop("headers", {})}
            return method(url, headers=headers, **kw)

        return call


PASSWORD = "long enough pw"  # zxcvbn scores it 4 of 4, so sign-up takes it


def sign_up(client: TestClient, email: str, role: str) -> Account:
    r = client.post(
        "/api/v1/accounts", json={"email": email, "password": PASSWORD, "display_name": email, "role": role}
    )
    assert r.status_code == 202, r.text
    r = client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    token = client.post(
        "/api/v1/tokens", json={"name": "tests"}, headers={"X-CSRF-Token": r.json()["csrf_token"]}
    ).json()["token"]
    client.cookies.clear()
    return Account(client, r.json()["user"]["id"], token)


def csrf_in(html: str) -> str:
    """The CSRF token a page's forms carry."""
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', html).group(1)


def sign_up_through_pages(client: TestClient, email: str, name: str = "", role: str = "runner"):
    """As a person does it: the sign-up form, then the sign-in form it answers with, each sent with
    the token its page carried. Gives the page signing in leads to (followed redirects)."""
    form = {"email": email, "password": PASSWORD, "display_name": name or email, "role": role}
    r = client.post("/signup", data=form | {"csrf_token": csrf_in(client.get("/signup").text)})
    assert r.status_code == 200 and 'action="/login"' in r.text, r.text
    login = {"email": email, "password": PASSWORD, "csrf_token": csrf_in(r.text)}
    return client.post("/login", data=login)


def sign_up_on_pages(client: TestClient, email: str, role: str = "runner") -> str:
    """A new account made through the sign-up page, signed in on `client`; gives the CSRF token."""
    client.cookies.clear()
    r = sign_up_through_pages(client, email, role=role)
    assert r.status_code == 200, r.text
    return csrf_in(r.text)


def onboarding_form(csrf: str, **over) -> dict:
    """The onboarding form as a runner fills it in, every screening question answered "no" on
    purpose (nothing is preselected); `over` changes or adds fields, and a field set to None is
    left out (an unanswered question, say)."""
    form = {
        "csrf_token": csrf,
        "name": "Page Runner",
        "start_date": (dt.date.today() - dt.timedelta(days=14)).isoformat(),  # past sessions to log
        "weeks": "6",
        "sessions_per_week": "3",
        "pain_sites": ["knee"],
        "pain_side": "right",
        "pain_severity": "3",
        "pain_weeks": "6",
        "run_days": ["tue", "thu", "sat", "sun"],
        "long_run_day": "sun",
        "hard_days": ["thu"],
        "km_per_week": "30",
        "experience": "some",
        "bands": ["yellow", "red"],
        **{f"flag_{f}": "no" for f in RED_FLAG_IDS},
    }
    return {k: v for k, v in (form | over).items() if v is not None}


def make_settings(tmp_path, **kw) -> Settings:
    return Settings(data_dir=tmp_path / "data", immediate_jobs=True, **kw)


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(make_settings(tmp_path))) as c:
        yield c


@pytest.fixture
def people(client):
    """runner_a (with profile and programme) linked to coach_a; runner_b and coach_b are strangers."""
    p = {
        "runner_a": sign_up(client, "a@example.org", "runner"),
        "runner_b": sign_up(client, "b@example.org", "runner"),
        "coach_a": sign_up(client, "ca@example.org", "coach"),
        "coach_b": sign_up(client, "cb@example.org", "coach"),
    }
    code = p["coach_a"].post("/api/v1/invitations", json={}).json()["code"]
    assert p["runner_a"].post("/api/v1/invitations/accept", json={"code": code}).status_code == 200
    assert p["runner_a"].put("/api/v1/profile", json=profile_dict(start_date="2026-11-30")).status_code == 200
    assert p["runner_a"].post("/api/v1/programmes", json={}).status_code == 201
    return p


CHROMIUM = Path("/usr/bin/chromium")
# Chromium in a closed network: no background fetches (their refused connections stall start-up).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture
def live_server(tmp_path):
    """`hipcoach serve` in a thread: a real HTTP server on a free port, its own data folder, and the
    embedded worker analysing uploads in the background. Yields the base URL."""
    import uvicorn

    app = create_app(Settings(data_dir=tmp_path / "served", embedded_worker=True))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(30)
    sock.close()


@pytest.fixture
def page(tmp_path):
    """A page in Debian's Chromium driven by Playwright, with a fresh profile folder."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium; .ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            tmp_path / "chromium-profile", executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        context.set_default_timeout(20_000)
        try:
            yield context.new_page()
        finally:
            context.close()


def screenshot(page, name: str) -> None:
    """Saves the page when HIPCOACH_SCREENSHOTS names a folder (to look at what the tests saw)."""
    folder = os.environ.get("HIPCOACH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def step_form(html: str) -> dict:
    """The set form's fields as the page fills them in (hidden and visible inputs, the chosen band)."""
    form = re.search(r'<form[^>]*action="/sessions/[^"]+/sets"[^>]*>(.*?)</form>', html, re.S).group(1)
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    band = re.search(r'name="band">.*?<option selected>([^<]+)</option>', form, re.S)
    fields["band"] = band.group(1) if band else ""
    return fields
