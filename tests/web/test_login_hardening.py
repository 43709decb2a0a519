"""Signing in and up as an attacker would try it: guessing, learning who has an account, weak
passwords, another site's forms, and deep links that should lead back where the person was going."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher, extract_parameters
from fastapi.testclient import TestClient

from hipcoach.web.app import create_app
from hipcoach.web.login_guard import safe_next
from hipcoach.web.login_throttle import LoginThrottle, Rule
from tests.web.conftest import PASSWORD, csrf_in, make_settings, sign_up, sign_up_through_pages

WRONG = "not the password"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def app(tmp_path):
    return create_app(make_settings(tmp_path))


@pytest.fixture
def clock(app):
    """A clock the test moves; a throttle of 5 failures per account and 20 per address in 5 minutes."""
    clock = Clock()
    app.state.login_throttle = LoginThrottle(account=Rule(5, 300), address=Rule(20, 300), clock=clock)
    return clock


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


def stranger(app, address: str) -> TestClient:
    """Another browser at another address, on the same server."""
    return TestClient(app, client=(address, 40000))


def api_login(c: TestClient, email: str, password: str):
    return c.post("/api/v1/session", json={"email": email, "password": password})


def page_login(c: TestClient, email: str, password: str, **extra):
    token = csrf_in(c.get("/login").text)
    return c.post("/login", data={"email": email, "password": password, "csrf_token": token, **extra})


# --- guessing --------------------------------------------------------------------------------------


def test_wrong_passwords_for_one_account_are_throttled_then_the_throttle_lifts(app, clock, client):
    sign_up(client, "runner@example.org", "runner")
    attacker = stranger(app, "203.0.113.7")
    assert [api_login(attacker, "runner@example.org", WRONG).status_code for _ in range(5)] == [401] * 5
    clock.now += 10
    refused = api_login(attacker, "runner@example.org", WRONG)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "290"
    assert refused.json()["detail"] == "Too many attempts; try again in 5 minutes."
    # per account: from another address, even the right password waits (the argon2 check is not even run)
    other = stranger(app, "198.51.100.9")
    assert api_login(other, "runner@example.org", PASSWORD).status_code == 429
    # the lock is bounded: refused attempts do not extend it, and the right password works after it
    clock.now += 289
    assert api_login(attacker, "runner@example.org", WRONG).status_code == 429
    clock.now += 1
    assert api_login(other, "runner@example.org", PASSWORD).status_code == 200


def test_the_sign_in_page_says_when_to_try_again(app, clock, client):
    sign_up(client, "page@example.org", "runner")
    for _ in range(5):
        assert page_login(client, "page@example.org", WRONG).status_code == 401
    r = page_login(client, "page@example.org", PASSWORD)
    assert r.status_code == 429 and r.headers["Retry-After"] == "300"
    assert "Too many attempts; try again in 5 minutes." in r.text and 'action="/login"' in r.text
    assert "hipcoach_session" not in client.cookies
    clock.now += 300
    r = page_login(client, "page@example.org", PASSWORD)
    assert r.status_code == 200 and r.url.path == "/onboarding"


def test_one_address_trying_many_accounts_is_throttled_and_others_are_not(app, clock, client):
    sign_up(client, "real@example.org", "runner")
    attacker = stranger(app, "203.0.113.8")
    answers = [api_login(attacker, f"guess{i}@example.org", WRONG).status_code for i in range(20)]
    assert answers == [401] * 20  # each account saw one failure only
    r = api_login(attacker, "real@example.org", PASSWORD)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) == 300
    assert api_login(stranger(app, "198.51.100.10"), "real@example.org", PASSWORD).status_code == 200
    clock.now += 300
    assert api_login(attacker, "real@example.org", PASSWORD).status_code == 200


def test_a_correct_password_does_not_reset_the_address_count(app, clock, client):
    sign_up(client, "mine@example.org", "runner")
    attacker = stranger(app, "203.0.113.9")
    for i in range(19):
        assert api_login(attacker, f"victim{i}@example.org", WRONG).status_code == 401
    assert api_login(attacker, "mine@example.org", PASSWORD).status_code == 200  # the attacker's own
    assert api_login(attacker, "victim@example.org", WRONG).status_code == 401
    assert api_login(attacker, "victim2@example.org", WRONG).status_code == 429


def test_an_attacker_cannot_lock_the_owner_out_of_a_browser_they_signed_in_on(app, clock, client):
    sign_up(client, "owner@example.org", "runner")
    owner = stranger(app, "198.51.100.11")
    assert api_login(owner, "owner@example.org", PASSWORD).status_code == 200  # this browser is known now
    attacker = stranger(app, "203.0.113.10")
    for _ in range(5):
        api_login(attacker, "owner@example.org", WRONG)
    assert api_login(attacker, "owner@example.org", PASSWORD).status_code == 429
    assert api_login(owner, "owner@example.org", PASSWORD).status_code == 200
    # a device cookie made up by the attacker is worth nothing
    attacker.cookies.set("hipcoach_device", "1.AAAAAAAAAAAAAAAAAAAAAAAA.0123abcd")
    assert api_login(attacker, "owner@example.org", PASSWORD).status_code == 429


def test_unknown_emails_are_throttled_like_known_ones(app, clock, client):
    sign_up(client, "known@example.org", "runner")
    attacker = stranger(app, "203.0.113.11")
    known = [api_login(attacker, "known@example.org", WRONG).status_code for _ in range(6)]
    unknown = [api_login(attacker, "nobody@example.org", WRONG).status_code for _ in range(6)]
    assert known == unknown == [401] * 5 + [429]


def test_the_throttle_forgets_old_failures_and_keeps_a_bounded_number_of_keys():
    clock = Clock()
    throttle = LoginThrottle(account=Rule(2, 60), address=Rule(3, 60), clock=clock, max_keys=3)
    throttle.failed([("account", "a")])
    clock.now += 59
    throttle.failed([("account", "a")])
    assert throttle.wait_s([("account", "a")]) == 1
    clock.now += 1
    assert throttle.wait_s([("account", "a")]) == 0
    for key in "bcde":
        throttle.failed([("account", key)])
    assert len(throttle._failures) == 3 and ("account", "a") not in throttle._failures


# --- who has an account ----------------------------------------------------------------------------


def _page_answer(r) -> str:
    """The page with what legitimately differs (the form's token, the email typed) taken out."""
    text = re.sub(r'name="csrf_token" value="[0-9a-f]+"', "TOKEN", r.text)
    return re.sub(r'value="[^"@]+@example\.org"', "EMAIL", text)


def test_signing_up_with_a_taken_email_answers_exactly_as_a_new_one(client):
    sign_up(client, "taken@example.org", "runner")
    answers = []
    for email in ("taken@example.org", "fresh@example.org"):
        client.cookies.clear()
        form = {"email": email, "password": "a different long pw", "display_name": "X", "role": "coach"}
        r = client.post("/signup", data=form | {"csrf_token": csrf_in(client.get("/signup").text)})
        assert "hipcoach_session" not in client.cookies
        answers.append((r.status_code, _page_answer(r)))
        api = client.post("/api/v1/accounts", json=form | {"email": "api-" + email})
        again = client.post("/api/v1/accounts", json=form)  # now taken in both cases
        answers.append((api.status_code, api.json(), "set-cookie" in api.headers))
        answers.append((again.status_code, again.json()))
    assert answers[0] == answers[3] and answers[1][:2] == answers[4][:2] and answers[2] == answers[5]
    assert answers[0][0] == 200 and "sign in with its own password" in answers[0][1]
    # the taken account is unchanged: its first password signs in, the second does not
    assert api_login(client, "taken@example.org", "a different long pw").status_code == 401
    assert api_login(client, "taken@example.org", PASSWORD).json()["user"]["role"] == "runner"
    assert api_login(client, "fresh@example.org", "a different long pw").json()["user"]["role"] == "coach"


def test_signing_in_runs_one_argon2_check_whether_or_not_the_email_is_known(client, monkeypatch):
    sign_up(client, "known@example.org", "runner")
    checked: list[str] = []
    real_verify = PasswordHasher.verify

    def counting(self, hash, password):
        checked.append(hash)
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    assert api_login(client, "known@example.org", WRONG).status_code == 401
    assert api_login(client, "nobody@example.org", WRONG).status_code == 401
    assert page_login(client, "nobody@example.org", WRONG).status_code == 401
    assert len(checked) == 3
    known, unknown, _ = (extract_parameters(h) for h in checked)
    assert known == unknown == extract_parameters(PasswordHasher().hash("x"))  # the same cost


# --- weak passwords --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("password", "common password"),
        (" " * 8, "only spaces"),
        ("weak.one@example.org", "your email or your name"),
        ("Sunny Strider", "your email or your name"),
        ("letmein123", "commonly used"),
        ("abcabcabc", "repeats"),
        ("sunnystrider9", "easy to guess"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(client, password, reason):
    form = {"email": "weak.one@example.org", "password": password, "display_name": "Sunny Strider"}
    api = client.post("/api/v1/accounts", json=form)
    assert api.status_code == 422
    (error,) = api.json()["detail"]
    assert error["loc"] == ["body", "password"] and reason in error["msg"].lower()
    page = client.post("/signup", data=form | {"csrf_token": csrf_in(client.get("/signup").text)})
    assert page.status_code == 422
    shown = re.search(r'<div class="error" id="password-error">([^<]+)</div>', page.text).group(1)
    assert reason in shown.lower()
    assert api_login(client, "weak.one@example.org", password).status_code == 401  # no account made


def test_a_strong_password_is_taken(client):
    form = {"email": "strong@example.org", "password": "tartan otter quarry", "display_name": "S"}
    assert client.post("/api/v1/accounts", json=form).status_code == 202


# --- another site's forms --------------------------------------------------------------------------


def test_a_post_from_another_site_is_refused_with_a_plain_page(client):
    sign_up(client, "victim@example.org", "runner")
    token = csrf_in(client.get("/login").text)  # even with a good token and cookie
    login = {"email": "victim@example.org", "password": PASSWORD, "csrf_token": token}
    for headers in (
        {"Origin": "https://evil.example"},
        {"Referer": "https://evil.example/form"},
        {"Origin": "null"},
    ):
        r = client.post("/login", data=login, headers=headers, follow_redirects=False)
        assert r.status_code == 403 and "another site" in r.text and "<html" in r.text, headers
        assert "hipcoach_session" not in client.cookies
        signup = {"email": "new@example.org", "password": PASSWORD, "display_name": "N", "csrf_token": token}
        assert client.post("/signup", data=signup, headers=headers).status_code == 403
    api = client.post(
        "/api/v1/session",
        json={"email": "victim@example.org", "password": PASSWORD},
        headers={"Origin": "https://evil.example"},
    )
    assert api.status_code == 403
    assert client.post("/login", data=login, headers={"Origin": "http://testserver"}).status_code == 200


def test_a_form_without_this_browsers_token_is_refused(app, client):
    sign_up(client, "victim@example.org", "runner")
    curl = stranger(app, "203.0.113.12")  # no cookie, no Origin, as curl sends it
    form = {"email": "victim@example.org", "password": PASSWORD}
    r = curl.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 403 and "expired" in r.text and "hipcoach_session" not in curl.cookies
    token_of_another_browser = csrf_in(client.get("/login").text)
    r = curl.post("/login", data=form | {"csrf_token": token_of_another_browser}, follow_redirects=False)
    assert r.status_code == 403
    signup = {"email": "n@example.org", "password": PASSWORD, "display_name": "N"}
    assert curl.post("/signup", data=signup).status_code == 403
    # the refusal carries a fresh form: sending it again works
    r = curl.post("/login", data=form | {"csrf_token": csrf_in(r.text)}, follow_redirects=False)
    assert r.status_code == 303


def test_sign_up_and_in_through_the_pages_still_work(client):
    r = sign_up_through_pages(client, "new.runner@example.org", "New Runner")
    assert r.status_code == 200 and r.url.path == "/onboarding"
    cookies = {c.name: c for c in client.cookies.jar}
    assert {"hipcoach_session", "hipcoach_presession", "hipcoach_device"} <= set(cookies)


# --- deep links ------------------------------------------------------------------------------------


def test_signing_in_from_a_deep_link_lands_on_the_page_asked_for(client):
    sign_up(client, "deep@example.org", "runner")
    r = client.get("/progress?weeks=4", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/progress%3Fweeks%3D4"
    r = client.get("/sessions/x", follow_redirects=False)
    assert r.headers["location"] == "/login?next=/sessions/x"
    form = client.get(r.headers["location"]).text
    assert 'name="next" value="/sessions/x"' in form
    r = client.post(
        "/login",
        data={
            "email": "deep@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_in(form),
            "next": "/sessions/x",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/sessions/x"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil",
        "/a\nb",
        "",
    ],
)
def test_only_local_paths_are_followed_after_signing_in(client, target):
    sign_up(client, "next@example.org", "runner")
    r = page_login(client, "next@example.org", PASSWORD, next=target)
    assert r.history[0].headers["location"] == "/"
    assert safe_next(target) == "/"


def test_local_paths_are_kept():
    assert safe_next("/sessions/abc?x=1") == "/sessions/abc?x=1"
