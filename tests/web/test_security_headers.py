"""Every kind of answer (page, API, static file, figure, redirect, refusal, 413, 500) carries the
browser-protection headers; personal answers are not cached, shared files are; behind HTTPS the session
cookie is Secure and HSTS is sent."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi.testclient import TestClient

from hipcoach.store import training
from hipcoach.web.app import create_app
from hipcoach.web.security_headers import SecurityHeaders
from tests.factories import profile_dict, run_cli
from tests.web.conftest import csrf_in, make_settings, sign_up_on_pages

CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
LIMIT = 100 * 1024


def assert_protected(r) -> None:
    h = r.headers
    where = f"{r.request.method} {r.request.url.path} ({r.status_code})"
    assert h.get("content-security-policy") == CSP, where
    assert h.get("x-frame-options") == "DENY", where
    assert h.get("x-content-type-options") == "nosniff", where
    assert h.get("referrer-policy") == "strict-origin-when-cross-origin", where
    policy = dict(p.strip().split("=", 1) for p in h.get("permissions-policy", "").split(","))
    assert policy.get("camera") == "(self)", where
    assert policy.get("microphone") == "()" and policy.get("geolocation") == "()", where
    assert len(h.get_list("content-security-policy")) == 1, where


def assert_not_stored(r) -> None:
    assert r.headers.get("cache-control") == "no-store", f"{r.request.url.path}: {r.headers}"


def _app(tmp_path, **kw):
    return create_app(make_settings(tmp_path, upload_limit_bytes=LIMIT, **kw))


@pytest.fixture
def runner(tmp_path):
    """A runner signed in through the pages, with a programme: (client, csrf, programme id)."""
    with TestClient(_app(tmp_path), raise_server_exceptions=False) as client:
        csrf = sign_up_on_pages(client, "headers@example.org")
        headers = {"X-CSRF-Token": csrf}
        assert client.put("/api/v1/profile", json=profile_dict(start_date="2026-11-30"), headers=headers)
        programme = client.post("/api/v1/programmes", json={}, headers=headers).json()["id"]
        yield client, csrf, programme


def test_personal_pages_and_api_answers_are_protected_and_never_stored(runner):
    client, _, programme = runner
    for path in ("/today", "/programme", "/progress", "/videos", "/data", "/onboarding", "/coaches"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert_protected(r)
        assert_not_stored(r)
    me = client.get("/api/v1/me").json()["id"]
    for path in (
        "/api/v1/me", f"/api/v1/programmes/{programme}", f"/api/v1/programmes/{programme}/calendar.ics",
        f"/api/v1/runners/{me}/set-logs.csv", "/api/v1/backup", "/openapi.json",
    ):  # fmt: skip
        r = client.get(path)
        assert r.status_code == 200, path
        assert_protected(r)
        assert_not_stored(r)


def test_refusals_redirects_and_server_errors_carry_the_headers(runner, monkeypatch):
    client, csrf, programme = runner

    def broken(*args, **kwargs):
        raise RuntimeError("a fault")

    monkeypatch.setattr(training, "programme_plan", broken)
    answers = [client.get("/programme")]  # the 500 page from Starlette's last-resort handler
    answers.append(client.get(f"/api/v1/programmes/{programme}"))  # its plain-text 500
    assert [r.status_code for r in answers] == [500, 500]
    answers += [
        client.get("/sessions/no-such-session"),  # 404 page
        client.get("/api/v1/analyses/abc"),  # 422 JSON
        client.post("/api/v1/set-logs", json={}),  # refused without the CSRF token
        client.post(
            "/api/v1/analyses",
            headers={"X-CSRF-Token": csrf},
            files={"file": ("long.mp4", b"\0" * (3 * LIMIT), "video/mp4")},
        ),  # 413 from the upload limit, before any route
    ]
    assert answers[5].status_code == 413

    client.cookies.clear()
    answers.append(client.get("/today", follow_redirects=False))  # 303 to the sign-in page
    assert answers[-1].status_code == 303
    for r in answers:
        assert_protected(r)
        assert_not_stored(r)


def test_shared_files_keep_their_caching(runner):
    client, _, _ = runner
    for path in ("/static/app.css", "/static/htmx.min.js", "/static/timer.js"):
        r = client.get(path)
        assert r.status_code == 200
        assert_protected(r)
        assert "no-store" not in r.headers.get("cache-control", ""), path
        again = client.get(path, headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304, path  # revalidation still works
        assert_protected(again)
    r = client.get("/exercises/clamshell/figure.svg")
    assert_protected(r)
    assert r.headers["cache-control"].startswith("public, max-age=")  # its own caching, not replaced
    assert len(r.headers.get_list("cache-control")) == 1


def _session_cookie(r) -> str:
    (cookie,) = [c for c in r.headers.get_list("set-cookie") if c.startswith("hipcoach_session=")]
    return cookie.lower()


def _sign_up(client: TestClient):
    """Sign-up, then the sign-in that sets the session cookie: gives the sign-in's answer."""
    form = {"email": "s@example.org", "password": "long enough pw", "display_name": "S", "role": "runner"}
    r = client.post("/signup", data=form | {"csrf_token": csrf_in(client.get("/signup").text)})
    login = {"email": "s@example.org", "password": "long enough pw", "csrf_token": csrf_in(r.text)}
    return client.post("/login", data=login, follow_redirects=False)


def test_plain_http_has_no_secure_cookie_and_no_hsts(tmp_path):
    with TestClient(_app(tmp_path)) as client:
        r = _sign_up(client)
    assert "; secure" not in _session_cookie(r)
    assert "strict-transport-security" not in r.headers


def test_secure_cookies_setting_makes_the_cookie_secure_and_sends_hsts(tmp_path):
    # Over plain http the browser would not send a Secure cookie back, so sign-in cannot finish here:
    # the sign-in form's own pre-session cookie shows the setting.
    with TestClient(_app(tmp_path, secure_cookies=True)) as client:
        r = client.get("/login")
        static = client.get("/static/app.css")
    cookies = [c.lower() for c in r.headers.get_list("set-cookie")]
    assert cookies and all("; secure" in c and "; httponly" in c and "samesite=lax" in c for c in cookies)
    assert all(c.count("; secure") == 1 for c in cookies)
    for answer in (r, static):
        assert answer.headers["strict-transport-security"] == "max-age=31536000"
        assert_protected(answer)


def test_a_request_that_arrived_over_https_gets_the_same_without_the_setting(tmp_path):
    """uvicorn sets the scheme to https for TLS, or from a trusted proxy's X-Forwarded-Proto."""
    with TestClient(_app(tmp_path), base_url="https://testserver") as client:
        r = _sign_up(client)
    assert "; secure" in _session_cookie(r)
    assert r.headers["strict-transport-security"] == "max-age=31536000"


def test_behind_a_tls_proxy_on_this_machine_the_real_server_sees_https(live_server):
    """uvicorn (as `hipcoach serve` runs it) trusts X-Forwarded-Proto from 127.0.0.1."""
    proxied = httpx.get(f"{live_server}/login", headers={"X-Forwarded-Proto": "https"})
    cookies = proxied.headers.get_list("set-cookie")
    assert cookies and all("; secure" in c.lower() for c in cookies)
    assert proxied.headers["strict-transport-security"] == "max-age=31536000"
    plain = httpx.get(f"{live_server}/login")
    assert "strict-transport-security" not in plain.headers
    assert_protected(plain)


def test_serve_passes_secure_cookies_to_the_settings(tmp_path, monkeypatch):
    import hipcoach.web.serving

    served = []
    monkeypatch.setattr(hipcoach.web.serving, "serve", lambda app, host, port: served.append(app))
    for flag, secure in (("--secure-cookies", True), ("--no-secure-cookies", False), (None, False)):
        args = ["serve", "--data", tmp_path / "data", "--no-demo", "--no-embedded-worker"]
        result = run_cli(*args, *([flag] if flag else []))
        assert result.exit_code == 0, result.output
        assert served[-1].state.settings.secure_cookies is secure, flag
        served[-1].state.database.close()
    assert "--secure-cookies" in run_cli("serve", "--help").text


def test_bodies_stream_through_without_being_held_back():
    """The first chunk of a streamed answer reaches the client while the app is still producing."""

    async def scenario():
        first_chunk_out = asyncio.Event()

        async def app(scope, receive, send):
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"one", "more_body": True})
            await asyncio.wait_for(first_chunk_out.wait(), 5)  # times out if it was held back
            await send({"type": "http.response.body", "body": b"two"})

        sent = []

        async def send(message):
            sent.append(message)
            if message.get("body") == b"one":
                first_chunk_out.set()

        scope = {"type": "http", "path": "/api/v1/me", "headers": []}
        await SecurityHeaders(app)(scope, None, send)
        return sent

    start, one, two = asyncio.run(scenario())
    assert (b"cache-control", b"no-store") in start["headers"]
    assert one["body"] == b"one" and two["body"] == b"two"
