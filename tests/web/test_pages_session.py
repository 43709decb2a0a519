"""The session page's hold and rest timers and its next-morning check-in, through the pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from hipcoach.plans.red_flags import RED_FLAG_IDS
from hipcoach.web.app import create_app
from tests.web.conftest import make_settings, sign_up_on_pages


@pytest.fixture
def session_page(tmp_path):
    """A runner with a programme, on the first session's page: (client, csrf, session uid, page html)."""
    with TestClient(create_app(make_settings(tmp_path))) as client:
        csrf = sign_up_on_pages(client, "s@example.org")
        form = {"csrf_token": csrf, "name": "S", "start_date": "2026-11-30", "weeks": "6",
                "sessions_per_week": "3", "run_days": ["tue", "sat"], "bands": ["yellow"],
                **{f"flag_{f}": "no" for f in RED_FLAG_IDS}}  # fmt: skip
        r = client.post("/onboarding", data=form)
        uid = re.search(r'href="/sessions/([^"]+)"', r.text).group(1)
        yield client, csrf, uid, client.get(f"/sessions/{uid}").text


def test_each_card_has_a_rest_timer_and_a_hold_timer_when_the_dose_holds(session_page):
    _, _, _, page = session_page
    cards = re.findall(r'<section class="card" id="card-.*?</section>', page, re.S)
    assert cards and all('data-label="Rest"' in c for c in cards)
    for card in cards:
        hold = re.search(r"hold (\d+(?:\.\d+)?) s", card)
        assert ('data-label="Hold"' in card) == bool(hold)
        if hold:
            assert (
                f'data-seconds="{float(hold.group(1))}"' in card or f'data-seconds="{hold.group(1)}"' in card
            )
    assert '<script src="/static/timer.js"></script>' in page


def test_checkin_is_saved_corrected_not_doubled_and_reaches_the_pain_chart(session_page):
    client, csrf, uid, page = session_page
    assert 'id="checkin"' in page and 'id="checkin-saved"' not in page
    r = client.post(f"/sessions/{uid}/checkin", data={"csrf_token": csrf, "pain": "3"})
    assert r.status_code == 200 and re.search(r'id="checkin-saved">Saved: pain 3/10', r.text)
    r = client.post(f"/sessions/{uid}/checkin", data={"csrf_token": csrf, "pain": "1", "note": "fine"})
    assert "Saved: pain 1/10 · fine" in r.text
    progress = client.get("/progress").text
    assert progress.count('class="pain-point-next_morning"') == 1


BAD_PAIN = [("11", "Too high: at most 10."), ("-1", "Too low: at least 0."), ("", "Type a whole number.")]


@pytest.mark.parametrize(("pain", "message"), BAD_PAIN)
def test_a_bad_checkin_is_refused_next_to_the_field_and_keeps_the_saved_one(session_page, pain, message):
    client, csrf, uid, _ = session_page
    client.post(f"/sessions/{uid}/checkin", data={"csrf_token": csrf, "pain": "2"})
    r = client.post(f"/sessions/{uid}/checkin", data={"csrf_token": csrf, "pain": pain})
    assert r.status_code == 422
    assert f'data-field="pain">{message}<' in r.text
    assert "Saved: pain 2/10" in r.text and f'name="pain" type="number" value="{pain}"' in r.text
