"""Refusals in a browser are pages in plain words with a way on; the API keeps its JSON bodies."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from hipcoach.store import training
from hipcoach.web.app import create_app
from tests.factories import profile_dict
from tests.web.conftest import csrf_in, make_settings, screenshot, sign_up_on_pages

LIMIT = 100 * 1024  # the upload limit in these tests: 100 KiB


def _is_page(r, status: int) -> str:
    """The answer is a whole HTML page with this status; gives its text with whitespace squeezed."""
    assert r.status_code == status, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert r.text.lstrip().lower().startswith("<!doctype html>")
    return re.sub(r"\s+", " ", r.text)


def _main(page: str) -> str:
    return page[page.index("<main>") :]


@pytest.fixture
def client(tmp_path):
    app = create_app(make_settings(tmp_path, upload_limit_bytes=LIMIT))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def runner(client):
    """A runner signed in through the pages, with a programme: (client, csrf, programme id)."""
    csrf = sign_up_on_pages(client, "runner@example.org")
    headers = {"X-CSRF-Token": csrf}
    assert client.put(
        "/api/v1/profile", json=profile_dict(start_date="2026-11-30"), headers=headers
    ).is_success
    programme = client.post("/api/v1/programmes", json={}, headers=headers).json()["id"]
    return client, csrf, programme


def test_a_stale_session_link_is_a_not_found_page_with_the_way_to_the_programme(runner):
    client, _, programme = runner
    page = _is_page(client.get("/sessions/no-such-uid"), 404)
    main = _main(page)
    assert "<h1>We could not find that</h1>" in main
    assert re.search(r"This programme has no session (&#39;|')no-such-uid", main)
    assert "open the session from your programme" in main
    assert 'href="/programme"' in main and "Go to your programme" in main
    assert "Sign out" in page  # the signed-in runner keeps the navigation

    r = client.get(f"/api/v1/programmes/{programme}/sessions/no-such-uid")
    assert r.status_code == 404
    assert r.json() == {"detail": f"Programme {programme} has no session 'no-such-uid'.", "hint": ""}


def test_a_missing_video_report_is_a_not_found_page(runner):
    client, _, _ = runner
    main = _main(_is_page(client.get("/videos/999999"), 404))
    assert "No analysis 999999 among the data you can see." in main
    assert "Go to your programme" in main
    r = client.get("/api/v1/analyses/999999")
    assert r.status_code == 404 and r.json()["detail"] == "No analysis 999999 among the data you can see."


def test_a_coach_posting_the_upload_form_gets_a_refusal_page_and_nothing_is_kept(client, tmp_path):
    csrf = sign_up_on_pages(client, "coach@example.org", "coach")
    upload = {"file": ("clip.mp4", b"\0\0\0 a small clip", "video/mp4")}
    r = client.post("/videos", data={"csrf_token": csrf, "target": "exercise:clamshell"}, files=upload)
    main = _main(_is_page(r, 403))
    assert "Only a runner can" in main
    assert 'href="/coach"' in main and "Go to your athletes" in main
    uploads = tmp_path / "data" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())

    r = client.post(
        "/api/v1/analyses",
        data={"kind": "exercise", "target": "clamshell"},
        files=upload,
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 403 and r.json()["detail"].startswith("Only a runner can")
    assert set(r.json()) == {"detail", "hint"}


@pytest.mark.parametrize("path", ["/programme", "/sessions/any-uid", "/progress", "/onboarding"])
def test_a_coach_opening_a_runners_training_page_is_sent_to_the_athletes_page(client, path):
    sign_up_on_pages(client, "coach@example.org", "coach")
    main = _main(_is_page(client.get(path), 403))
    assert "These pages are for a runner&#39;s own training." in main
    assert 'href="/coach"' in main


def test_a_form_sent_with_an_expired_token_says_to_reload(runner):
    client, _, _ = runner
    main = _main(_is_page(client.post("/onboarding", data={"csrf_token": "0" * 64}), 403))
    assert "This form has expired; reload the page and send it again." in main
    assert "Go to your programme" in main

    r = client.put(
        "/api/v1/profile", json=profile_dict(start_date="2026-11-30"), headers={"X-CSRF-Token": "x"}
    )
    assert r.status_code == 403
    assert r.json() == {"detail": "Missing or wrong X-CSRF-Token; reload the page and try again."}


def test_an_unknown_address_is_a_page_that_offers_to_sign_in(client):
    main = _main(_is_page(client.get("/no/such/page"), 404))
    assert "There is no page at this address." in main and "The link may be old or mistyped." in main
    assert 'href="/login"' in main and "Sign in" in main
    r = client.get("/api/v1/no/such/thing")
    assert r.status_code == 404 and r.json() == {"detail": "Not Found"}


def test_a_wrong_method_is_a_page_in_plain_words(runner):
    client, _, _ = runner
    main = _main(_is_page(client.get("/logout"), 405))
    assert "This address does not take that kind of request." in main
    assert "Method Not Allowed" not in main


def test_an_address_whose_id_is_not_a_number_is_a_not_found_page(runner):
    client, _, _ = runner
    page = _is_page(client.get("/videos/abc"), 404)
    assert "There is no page at this address." in _main(page)
    assert "Input should be" not in page and "int_parsing" not in page  # no pydantic error list
    r = client.get("/api/v1/analyses/abc")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["path", "analysis_id"]


def test_an_unexpected_error_is_a_page_that_says_nothing_saved_was_lost(runner, monkeypatch):
    client, _, programme = runner

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals at line 42")

    monkeypatch.setattr(training, "programme_plan", broken)
    page = _is_page(client.get("/programme"), 500)
    main = _main(page)
    assert "<h1>Something went wrong on our side</h1>" in main
    assert "Nothing you saved before was lost." in main
    assert "secret internals" not in page and "Traceback" not in page and "RuntimeError" not in page
    r = client.get(f"/api/v1/programmes/{programme}")
    assert r.status_code == 500 and r.text == "Internal Server Error"  # as before: no page for a program


def _multipart(csrf: str, video: bytes) -> tuple[bytes, str]:
    """The upload form as a browser without JavaScript sends it."""
    b = "hipcoach-test-boundary"
    head = (
        f'--{b}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf}\r\n'
        f'--{b}\r\nContent-Disposition: form-data; name="target"\r\n\r\nexercise:clamshell\r\n'
        f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="long.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    )
    return head.encode() + video + f"\r\n--{b}--\r\n".encode(), f"multipart/form-data; boundary={b}"


@pytest.mark.parametrize("sent", ["with its length", "streamed"])
def test_a_video_over_the_limit_from_the_form_is_a_page_with_the_limit_and_what_to_do(runner, tmp_path, sent):
    client, csrf, _ = runner
    body, content_type = _multipart(csrf, b"\0\0\0" + b"\1" * (3 * LIMIT))
    content = body if sent == "with its length" else (body[i : i + 8192] for i in range(0, len(body), 8192))
    r = client.post("/videos", content=content, headers={"Content-Type": content_type})
    main = _main(_is_page(r, 413))
    assert "The upload is larger than the limit of 100 KiB. Nothing was saved." in main
    assert "Trim the video" in main and "film at a lower resolution" in main
    assert 'href="/videos"' in main
    uploads = tmp_path / "data" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    assert "No videos yet." in client.get("/videos").text

    r = client.post(
        "/api/v1/analyses",
        data={"kind": "exercise", "target": "clamshell"},
        files={"file": ("long.mp4", b"\0" * (3 * LIMIT), "video/mp4")},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 413 and r.json() == {"detail": "The upload is larger than the limit of 0 MiB."}


def test_htmx_gets_the_message_alone_aimed_at_the_page_error_box(runner):
    client, _, _ = runner
    session_page = client.get("/programme").text
    uid = re.search(r'href="/sessions/([^"]+)"', session_page).group(1)
    page = client.get(f"/sessions/{uid}").text
    assert 'id="page-error"' in page
    form = {"csrf_token": "0" * 64, "client_key": "k" * 12, "exercise_id": "clamshell", "side": "left",
            "set_number": "1", "reps": "10", "pain_during": "2"}  # fmt: skip
    hx = {"HX-Request": "true"}
    r = client.post(f"/sessions/{uid}/sets", data=form, headers=hx)
    assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")
    assert "<html" not in r.text and "<nav" not in r.text
    assert "This form has expired; reload the page and send it again." in r.text
    assert r.headers["HX-Retarget"] == "#page-error"

    r = client.get("/videos/999999/status", headers=hx)
    assert r.status_code == 404 and "No analysis 999999" in r.text and "<html" not in r.text

    # field errors still come back in the card's own form, with no retargeting
    bad = form | {"csrf_token": csrf_in(page), "reps": "-1"}
    r = client.post(f"/sessions/{uid}/sets", data=bad, headers=hx)
    assert r.status_code == 422 and 'data-field="reps"' in r.text and "HX-Retarget" not in r.headers


def test_in_a_browser_an_expired_set_form_shows_its_message_and_keeps_the_form(live_server, page):
    signup = {"email": "hx@example.org", "password": "long enough pw", "display_name": "Hx"}
    token = csrf_in(page.request.get(f"{live_server}/signup").text())
    token = csrf_in(page.request.post(f"{live_server}/signup", form=signup | {"csrf_token": token}).text())
    login = {"email": "hx@example.org", "password": "long enough pw", "csrf_token": token}
    csrf = csrf_in(page.request.post(f"{live_server}/login", form=login).text())
    headers = {"X-CSRF-Token": csrf}
    start = (dt.date.today() - dt.timedelta(days=14)).isoformat()
    page.request.put(f"{live_server}/api/v1/profile", data=profile_dict(start_date=start), headers=headers)
    assert page.request.post(f"{live_server}/api/v1/programmes", data={}, headers=headers).ok
    page.goto(f"{live_server}/programme")
    page.locator("#calendar a").first.click()
    page.locator("#start-guided").click()
    step = page.locator("#step")
    step.locator('form.set-form input[name="csrf_token"]').evaluate(
        "input => { input.value = '0'.repeat(64) }"
    )
    step.get_by_role("button", name="pain 2 of 10").click()
    expect(page.locator("#page-error")).to_contain_text("This form has expired; reload the page")
    expect(step.get_by_role("button", name="pain 2 of 10")).to_be_visible()  # the form was not replaced
    expect(step.locator(".logged-sets li")).to_have_count(0)
    screenshot(page, "error-htmx-expired-form")
