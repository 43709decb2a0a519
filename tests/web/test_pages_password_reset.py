"""Forgotten passwords: the owner's `hipcoach reset-link`, the page it opens, and the forgot page with
and without an SMTP server (a fake one here, on a local port)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from hipcoach.store.credentials import token_hash
from hipcoach.store.models import PasswordReset
from hipcoach.store.types import utcnow
from hipcoach.web.app import create_app
from hipcoach.web.mail import SmtpSettings, smtp_from_env
from tests.factories import run_cli
from tests.web.conftest import PASSWORD, csrf_in, make_settings, sign_up
from tests.web.fake_smtp import FakeSmtp

NEW = "violet ferry lantern"
LINK = re.compile(r"(https?://\S+/reset/(hcr_[A-Za-z0-9_-]+))")


def _login(client, email, password):
    form = {"email": email, "password": password, "csrf_token": csrf_in(client.get("/login").text)}
    return client.post("/login", data=form, follow_redirects=False)


def _choose(client, path, password, again=None):
    form = {
        "password": password,
        "password_again": again or password,
        "csrf_token": csrf_in(client.get("/login").text),
    }
    return client.post(path, data=form)


@pytest.fixture
def served(tmp_path):
    with TestClient(create_app(make_settings(tmp_path))) as client:
        sign_up(client, "forgetful@example.org", "runner")
        yield client, tmp_path / "data"


def test_the_owners_link_sets_a_new_password_once(served):
    client, data = served
    result = run_cli(
        "reset-link", "Forgetful@example.org", "--data", data, "--public-url", "https://hc.example"
    )
    assert result.exit_code == 0, result.output
    url, raw = LINK.search(result.output).groups()
    assert url.startswith("https://hc.example/reset/") and "works once, until" in result.text
    path = f"/reset/{raw}"
    assert "For the account forgetful@example.org" in client.get(path).text

    r = _choose(client, path, "password1")
    assert r.status_code == 422 and 'id="reset-error"' in r.text  # the sign-up rules apply
    r = _choose(client, path, NEW, again=NEW + "x")
    assert r.status_code == 422 and "The two passwords differ" in r.text
    r = _choose(client, path, NEW)
    assert r.status_code == 200 and "Your password is changed" in r.text and 'action="/login"' in r.text

    assert _login(client, "forgetful@example.org", PASSWORD).status_code == 401
    assert _login(client, "forgetful@example.org", NEW).status_code == 303
    client.cookies.clear()
    r = client.get(path)
    assert r.status_code == 410 and "was used already; each link works once" in r.text
    assert _choose(client, path, "another quiet meadow").status_code == 410


def test_an_expired_link_is_refused_with_what_to_do(served):
    client, data = served
    raw = LINK.search(run_cli("reset-link", "forgetful@example.org", "--data", data).output).group(2)
    with client.app.state.database.transaction() as db:
        db.execute(update(PasswordReset).where(PasswordReset.token_hash == token_hash(raw))
                   .values(expires_at=utcnow() - dt.timedelta(seconds=1)))  # fmt: skip
    r = client.get(f"/reset/{raw}")
    assert r.status_code == 410 and "has expired" in r.text and 'href="/forgot"' in r.text
    assert _choose(client, f"/reset/{raw}", NEW).status_code == 410
    assert _login(client, "forgetful@example.org", PASSWORD).status_code == 303  # unchanged


def test_the_owner_is_told_when_no_account_has_the_email(served):
    _, data = served
    result = run_cli("reset-link", "nobody@example.org", "--data", data)
    assert result.exit_code == 2 and "No account uses the email nobody@example.org" in result.text


def test_a_new_password_leaves_the_sign_in_throttle_as_it_was(served):
    client, data = served
    for _ in range(5):
        assert _login(client, "forgetful@example.org", "wrong guess").status_code == 401
    assert _login(client, "forgetful@example.org", PASSWORD).status_code == 429
    raw = LINK.search(run_cli("reset-link", "forgetful@example.org", "--data", data).output).group(2)
    assert _choose(client, f"/reset/{raw}", NEW).status_code == 200
    assert _login(client, "forgetful@example.org", NEW).status_code == 429


def test_without_smtp_the_forgot_page_says_to_ask_the_owner(served):
    client, _ = served
    assert 'href="/forgot"' in client.get("/login").text
    page = client.get("/forgot").text
    assert 'id="ask-owner"' in page and "hipcoach reset-link" in page and 'action="/forgot"' not in page


@pytest.fixture
def mailing(tmp_path):
    smtp = FakeSmtp()
    settings = make_settings(
        tmp_path, smtp=SmtpSettings("127.0.0.1", smtp.port, "none", sender="hc@example.org")
    )
    with TestClient(create_app(settings)) as client:
        sign_up(client, "forgetful@example.org", "runner")
        yield client, smtp
    smtp.close()


def _forgot(client, email):
    return client.post("/forgot", data={"email": email, "csrf_token": csrf_in(client.get("/forgot").text)})


def test_with_smtp_the_link_is_mailed_and_the_page_never_says_who_has_an_account(mailing):
    client, smtp = mailing
    unknown = _forgot(client, "stranger@example.org")
    known = _forgot(client, "Forgetful@example.org")
    assert unknown.status_code == known.status_code == 200
    strip = lambda html: re.sub(r'name="csrf_token" value="[^"]+"', "", html)  # noqa: E731
    assert strip(unknown.text) == strip(known.text) and 'id="forgot-sent"' in known.text
    assert len(smtp.messages) == 1  # only to the account's own address
    message = smtp.messages[0]
    assert message["To"] == "forgetful@example.org" and message["From"] == "hc@example.org"
    url, raw = LINK.search(message.get_payload()).groups()
    assert url.startswith("http://testserver/reset/")
    assert _choose(client, f"/reset/{raw}", NEW).status_code == 200
    assert _login(client, "forgetful@example.org", NEW).status_code == 303


def test_the_forgot_page_is_throttled_per_email(mailing):
    client, smtp = mailing
    for _ in range(5):
        assert _forgot(client, "forgetful@example.org").status_code == 200
    r = _forgot(client, "forgetful@example.org")
    assert r.status_code == 429 and "Too many attempts" in r.text and len(smtp.messages) == 5


def test_smtp_settings_come_from_the_environment_with_clear_refusals():
    assert smtp_from_env({}) is None
    smtp = smtp_from_env({"HIPCOACH_SMTP_HOST": "mail.example.org", "HIPCOACH_SMTP_USER": "me@example.org"})
    assert (smtp.port, smtp.security, smtp.sender) == (587, "starttls", "me@example.org")
    assert smtp_from_env({"HIPCOACH_SMTP_HOST": "m", "HIPCOACH_SMTP_SECURITY": "ssl"}).port == 465
    with pytest.raises(Exception, match="HIPCOACH_SMTP_PORT is 'abc'"):
        smtp_from_env({"HIPCOACH_SMTP_HOST": "m", "HIPCOACH_SMTP_PORT": "abc"})
