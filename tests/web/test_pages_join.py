"""The join flow through the pages: a signed-out runner opens a coach's link, makes an account, comes
back to the link, accepts and is linked; a revoked or expired link is refused and links nobody."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from hipcoach.store.models import Invitation
from hipcoach.web.app import create_app
from tests.web.conftest import PASSWORD, csrf_in, make_settings, sign_up_on_pages


@pytest.fixture
def app_client(tmp_path):
    with TestClient(create_app(make_settings(tmp_path))) as client:
        yield client


def _invite(client: TestClient) -> tuple[str, dict, str]:
    """A coach signs up and makes an invitation; gives its link's path, the coach's cookies, the CSRF."""
    csrf = sign_up_on_pages(client, "coach@example.org", role="coach")
    page = client.post("/coach/invitations", data={"csrf_token": csrf, "note": "for Rita"}).text
    link = re.search(r'class="invitation-link" value="([^"]+)"', page).group(1)
    return "/join/" + link.rsplit("/join/", 1)[1], dict(client.cookies), csrf


def _athletes(client: TestClient, coach_cookies: dict) -> list[str]:
    client.cookies.clear()
    client.cookies.update(coach_cookies)
    html = client.get("/coach").text
    return re.findall(r'<tr data-athlete="\d+"><td><a href="[^"]+">([^<]+)</a>', html)


def test_a_signed_out_runner_opens_the_link_signs_up_comes_back_and_is_linked(app_client):
    c = app_client
    path, coach, _ = _invite(c)
    c.cookies.clear()
    landing = c.get(path)
    assert landing.status_code == 200 and f'href="/signup?next={path}"' in landing.text
    signup = c.get(f"/signup?next={path}")
    form = {"email": "rita@example.org", "password": PASSWORD, "display_name": "Rita Runner",
            "role": "runner", "next": path, "csrf_token": csrf_in(signup.text)}  # fmt: skip
    login_page = c.post("/signup", data=form)
    assert f'value="{path}"' in login_page.text  # the sign-in form carries the way back
    login = {
        "email": "rita@example.org",
        "password": PASSWORD,
        "next": path,
        "csrf_token": csrf_in(login_page.text),
    }
    back = c.post("/login", data=login)
    assert back.status_code == 200 and back.url.path == path and 'id="join-accept"' in back.text
    linked = c.post(path, data={"csrf_token": csrf_in(back.text)})
    assert linked.url.path == "/coaches" and 'id="linked"' in linked.text
    assert _athletes(c, coach) == ["Rita Runner"]


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_a_revoked_or_expired_link_is_refused_and_links_nobody(app_client, how):
    c = app_client
    path, coach, csrf = _invite(c)
    if how == "revoked":
        invitation_id = re.search(r'action="/coach/invitations/(\d+)/revoke"', c.get("/coach").text).group(1)
        assert (
            'id="revoked"'
            in c.post(f"/coach/invitations/{invitation_id}/revoke", data={"csrf_token": csrf}).text
        )
    else:
        with c.app.state.database.transaction() as db:
            db.execute(update(Invitation).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)))
    runner_csrf = sign_up_on_pages(c, "rita@example.org")
    page = c.get(path)
    assert (
        page.status_code == 410 and 'id="join-refused"' in page.text and 'id="join-accept"' not in page.text
    )
    assert ("withdrawn" if how == "revoked" else "expired") in page.text
    refused = c.post(path, data={"csrf_token": runner_csrf})
    assert refused.status_code == 410
    assert _athletes(c, coach) == []
