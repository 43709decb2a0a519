"""The pages a runner goes through: sign up, screening, programme, log each side, see it in progress."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from hipcoach.catalog import load_catalog
from hipcoach.web.app import create_app
from tests.web.conftest import csrf_in, make_settings, onboarding_form, sign_up_through_pages, step_form


@pytest.fixture
def browser(tmp_path):
    with TestClient(create_app(make_settings(tmp_path))) as client:
        r = sign_up_through_pages(client, "page@example.org", "Page")
        assert r.status_code == 200 and "Screening questions" in r.text  # followed the redirect
        yield client, csrf_in(r.text)


def test_signup_screening_programme_log_both_sides_progress(browser):
    client, csrf = browser
    r = client.post("/onboarding", data=onboarding_form(csrf))
    assert r.status_code == 200 and r.url.path == "/today" and 'id="today-session"' in r.text
    calendar = client.get("/programme").text
    uid = re.search(r'href="/sessions/([^"]+)"', calendar).group(1)  # the first session, a past day
    assert "Steps and cues" in client.get(f"/sessions/{uid}/guided/1").text
    left, right = (step_form(client.get(f"/sessions/{uid}/guided/{n}").text) for n in (1, 2))
    assert (left["side"], right["side"]) == ("right", "left")  # the painful side first, then the other
    ex = left["exercise_id"]
    left = left | {"reps": "10", "pain_during": "2"}
    assert client.post(f"/sessions/{uid}/sets", data=left).status_code == 200
    again = client.post(f"/sessions/{uid}/sets", data=left, headers={"HX-Request": "true"})
    assert again.status_code == 200 and again.text.count("set 1: 10 reps") == 1  # sent twice, logged once
    assert (
        client.post(f"/sessions/{uid}/sets", data=right | {"reps": "8", "pain_during": "1"}).status_code
        == 200
    )
    calendar = client.get("/programme").text  # the day with sets is marked, and only that day
    assert re.findall(r'class="logged" href="/sessions/([^"]+)"', calendar) == [uid]
    progress = client.get("/progress").text
    assert f"<td>{load_catalog().exercise(ex).name}</td><td>8</td><td>10</td>" in progress
    assert 'class="bar-left"' in progress and ">left 8<" in progress and ">right 10<" in progress


def test_out_of_range_values_are_shown_next_to_the_field(browser):
    client, csrf = browser
    client.post("/onboarding", data=onboarding_form(csrf))
    uid = re.search(r'href="/sessions/([^"]+)"', client.get("/programme").text).group(1)
    form = step_form(client.get(f"/sessions/{uid}/guided/1").text)
    r = client.post(f"/sessions/{uid}/sets", data=form | {"reps": "-1", "pain_during": "11"})
    assert r.status_code == 422
    assert re.search(r'data-field="pain_during">[^<]*10', r.text)
    assert 'data-field="reps"' in r.text and 'value="-1"' in r.text  # what was typed stays, to correct
    assert "set 1:" not in r.text


def test_bad_onboarding_answers_keep_what_was_typed(browser):
    client, csrf = browser
    r = client.post("/onboarding", data=onboarding_form(csrf, weeks="40", name="Kept Name"))
    assert r.status_code == 422
    assert 'data-field="weeks"' in r.text and 'value="Kept Name"' in r.text


def test_red_flag_gives_a_referral_page(browser):
    client, csrf = browser
    r = client.post("/onboarding", data=onboarding_form(csrf, flag_calf_swelling="yes"))
    assert 'id="referral"' in r.text and "clinician" in r.text.lower()
    assert client.get("/programme").url.path == "/onboarding"


def test_forms_without_the_csrf_token_are_refused(browser):
    client, _ = browser
    r = client.post("/onboarding", data=onboarding_form("0" * 64))
    assert r.status_code == 403


def test_pages_need_an_account(tmp_path):
    with TestClient(create_app(make_settings(tmp_path))) as client:
        for url in ("/", "/programme", "/progress", "/coach", "/onboarding"):
            assert client.get(url).url.path == "/login", url
        assert client.get("/static/htmx.min.js").status_code == 200
