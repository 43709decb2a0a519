"""Safe screening through the pages: every red-flag question answered on purpose, urgent and routine
referrals that read differently, screenings kept with their date, a referral lifted only with the
runner's confirmation, the saved answers to edit, and the runner's coach told of a referral."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from hipcoach.plans.red_flags import RED_FLAG_IDS, RED_FLAGS, RED_FLAGS_BY_ID
from hipcoach.store.models import User
from hipcoach.store.screening import list_screenings
from tests.factories import profile_dict
from tests.web.conftest import onboarding_form, sign_up_on_pages
from tests.web.test_pages_coach import Team

TODAY = dt.datetime.now(dt.UTC).strftime("%d %b %Y")
UNANSWERED = ["bladder_bowel_saddle", "no_improvement", "sudden_onset"]


def _screenings(client, email: str):
    with client.app.state.database.transaction(write=False) as db:
        runner = db.scalar(select(User).where(User.email == email))
        return list_screenings(db, runner, runner.id)


def _checked_flags(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="flag_([a-z_]+)" value="(yes|no)" checked', page))


@pytest.fixture
def runner(client):
    return client, sign_up_on_pages(client, "screen@example.org")


def test_a_new_form_chooses_no_answer_for_the_runner(runner):
    client, _ = runner
    page = client.get("/onboarding").text
    assert "<h1>Screening questions</h1>" in page
    assert len(re.findall(r'type="radio" name="flag_', page)) == 2 * len(RED_FLAG_IDS)
    assert _checked_flags(page) == {}


def test_nothing_chosen_is_refused_and_names_every_question(runner):
    client, csrf = runner
    r = client.post(
        "/onboarding", data=onboarding_form(csrf, **dict.fromkeys(f"flag_{f}" for f in RED_FLAG_IDS))
    )
    assert r.status_code == 422
    summary = re.search(r'<div class="notice notice-warn" id="unanswered".*?</div>', r.text, re.S).group(0)
    for flag in RED_FLAGS:
        assert f'<a href="#q-{flag.id}">{escape(flag.question)}</a>' in summary
        assert f'id="q-{flag.id}"' in r.text and f'data-field="flag_{flag.id}"' in r.text
    assert f"{len(RED_FLAGS)} questions are not answered" in summary
    assert 'value="Page Runner"' in r.text and re.search(r'value="knee"\s+checked', r.text)
    assert client.get("/programme").url.path == "/onboarding"  # no programme
    assert _screenings(client, "screen@example.org") == []  # and nothing recorded


def test_some_unanswered_only_those_are_named_and_the_others_are_kept(runner):
    client, csrf = runner
    missing = {f"flag_{f}": None for f in UNANSWERED}
    r = client.post(
        "/onboarding", data=onboarding_form(csrf, weeks="40", flag_calf_swelling="yes", **missing)
    )
    assert r.status_code == 422
    summary = re.search(r'id="unanswered".*?</div>', r.text, re.S).group(0)
    assert re.findall(r'href="#q-([a-z_]+)"', summary) == sorted(UNANSWERED, key=RED_FLAG_IDS.index)
    assert sorted(re.findall(r'data-field="flag_([a-z_]+)"', r.text)) == UNANSWERED
    assert 'data-field="weeks"' in r.text  # other problems are shown in the same go
    answered = _checked_flags(r.text)
    assert answered["calf_swelling"] == "yes" and set(answered) == set(RED_FLAG_IDS) - set(UNANSWERED)
    assert "Get medical help today" not in r.text  # nothing is screened until every answer is in


@pytest.mark.parametrize("flag", [f.id for f in RED_FLAGS if f.urgent])
def test_an_urgent_flag_says_what_to_do_today(runner, flag):
    client, csrf = runner
    r = client.post("/onboarding", data=onboarding_form(csrf, **{f"flag_{flag}": "yes"}))
    assert r.status_code == 200
    assert "<h1>Get medical help today</h1>" in r.text and 'class="notice notice-urgent"' in r.text
    today = re.search(rf'<section class="card" id="today-{flag}">.*?</section>', r.text, re.S).group(0)
    what = RED_FLAGS_BY_ID[flag].today
    assert escape(what) in today and re.search(r"\b(today|now)\b", what)
    assert client.get("/programme").url.path == "/onboarding"


def test_bladder_bowel_saddle_is_an_emergency(runner):
    client, csrf = runner
    r = client.post(
        "/onboarding", data=onboarding_form(csrf, flag_bladder_bowel_saddle="yes", flag_nerve_symptoms="yes")
    )
    assert "emergency department now" in r.text
    also = re.search(r"Also tell the clinician</h2>\s*<ul[^>]*>(.*?)</ul>", r.text, re.S).group(1)
    assert escape(RED_FLAGS_BY_ID["nerve_symptoms"].reason) in also  # the routine reason too


@pytest.mark.parametrize(
    "over", [{"flag_nerve_symptoms": "yes"}, {"flag_no_improvement": "yes"}, {"pain_severity": "7"}]
)
def test_a_routine_flag_gives_the_routine_page(runner, over):
    client, csrf = runner
    r = client.post("/onboarding", data=onboarding_form(csrf, **over))
    assert r.status_code == 200
    assert "<h1>See a clinician before you start</h1>" in r.text and 'data-urgency="routine"' in r.text
    assert "notice-urgent" not in r.text and "Get medical help today" not in r.text
    assert re.search(r'id="referral-reasons"><li>[^<]+</li></ul>', r.text)
    assert 'href="/onboarding"' in r.text


def test_every_screening_is_stored_with_its_date(runner):
    client, csrf = runner
    client.post("/onboarding", data=onboarding_form(csrf))
    client.post("/onboarding", data=onboarding_form(csrf, flag_calf_swelling="yes", flag_systemic="yes"))
    client.post("/onboarding", data=onboarding_form(csrf, flag_calf_swelling=None))  # refused: not recorded
    latest, first = _screenings(client, "screen@example.org")
    assert (first.referral, first.urgent, first.reasons) == (False, False, [])
    assert first.answers == dict.fromkeys(RED_FLAG_IDS, False)
    assert (latest.referral, latest.urgent, len(latest.reasons)) == (True, True, 2)
    assert {f for f, yes in latest.answers.items() if yes} == {"calf_swelling", "systemic"}
    assert latest.created_at.strftime("%d %b %Y") == TODAY and latest.source == "web"


def test_answering_no_after_a_referral_needs_the_clinician_confirmation(runner):
    client, csrf = runner
    client.post("/onboarding", data=onboarding_form(csrf, flag_calf_swelling="yes"))
    page = client.get("/onboarding").text  # the box is there before it is needed
    assert 'id="clearance"' in page and 'name="clinician_cleared"' in page
    r = client.post("/onboarding", data=onboarding_form(csrf, name="Changed Name"))
    assert r.status_code == 422 and 'id="confirm-needed"' in r.text
    assert f"On {TODAY} your answers led to an urgent referral" in r.text
    assert escape(RED_FLAGS_BY_ID["calf_swelling"].reason) in r.text
    assert 'data-field="clinician_cleared"' in r.text and 'value="Changed Name"' in r.text
    assert client.get("/programme").url.path == "/onboarding"
    assert len(_screenings(client, "screen@example.org")) == 1
    assert client.get("/onboarding").text.count('value="Changed Name"') == 0  # nothing saved either

    r = client.post("/onboarding", data=onboarding_form(csrf, clinician_cleared="yes"))
    assert r.url.path == "/today" and 'id="today-session"' in r.text
    cleared, referral = _screenings(client, "screen@example.org")
    assert referral.referral and not cleared.referral and cleared.cleared_after_referral
    again = client.post("/onboarding", data=onboarding_form(csrf))  # nothing left to confirm
    assert again.url.path == "/today"


def test_still_a_red_flag_after_a_referral_is_a_referral_again(runner):
    client, csrf = runner
    client.post("/onboarding", data=onboarding_form(csrf, flag_nerve_symptoms="yes"))
    r = client.post(
        "/onboarding", data=onboarding_form(csrf, flag_nerve_symptoms="yes", clinician_cleared="yes")
    )
    assert "See a clinician before you start" in r.text
    assert client.get("/programme").url.path == "/onboarding"


def test_the_saved_answers_come_back_to_edit(runner):
    client, csrf = runner
    form = onboarding_form(csrf, name="Edited Runner", weeks="8", flag_no_improvement="yes", bands=["green"])
    client.post("/onboarding", data=form)
    page = client.get("/onboarding").text
    assert "<h1>Your answers</h1>" in page and "<title>Your answers" in page
    assert 'value="Edited Runner"' in page and 'name="weeks" type="number" value="8"' in page
    assert re.search(r'value="green"\s+checked', page) and not re.search(r'value="yellow"\s+checked', page)
    assert re.search(r'value="knee"\s+checked', page) and "<option selected>sun</option>" in page
    assert _checked_flags(page) == {f: "yes" if f == "no_improvement" else "no" for f in RED_FLAG_IDS}
    assert "routine referral" in page  # the earlier referral is shown beside the confirmation box


@pytest.fixture
def team(client):
    """Coach Ann linked to Rita (urgent referral) and Una (routine referral, later) and Nora (no flags);
    Coach Bob is linked to nobody."""
    t = Team(client)
    t.ann, t.bob = t.sign_up("Ann Coach", "coach"), t.sign_up("Bob Coach", "coach")
    t.rita, t.una, t.nora = t.sign_up("Rita Runner"), t.sign_up("Una Runner"), t.sign_up("Nora Runner")
    for person, over in ((t.rita, {"flag_calf_swelling": "yes"}), (t.una, {"flag_systemic": "yes"}),
                         (t.nora, {})):  # fmt: skip
        t.link(t.ann, person)
        assert t.as_(person).post("/onboarding", data=onboarding_form(person.csrf, **over)).is_success
    return t


def _triage(page: str) -> list[tuple[str, str, str]]:
    """(kind, athlete and title, reasons) of each row of the dashboard's "Needs you today", in order."""
    section = re.search(r'<section id="triage".*?</section>', page, re.S).group(0)
    rows = re.findall(r'<li class="notice[^"]*"[^>]*data-kind="([^"]+)"[^>]*>(.*?)<form', section, re.S)
    text = [(k, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()) for k, body in rows]
    return [(k, t.split("  ")[0], t) for k, t in text]


def test_the_coach_sees_referrals_urgent_first_at_the_top_of_the_triage(team):
    page = team.as_(team.ann).get("/coach").text
    rows = _triage(page)
    rita, una = (RED_FLAGS_BY_ID[f].reason for f in ("calf_swelling", "systemic"))
    assert [k for k, _, _ in rows[:2]] == ["referral_urgent", "referral"]
    assert rows[0][2].startswith(
        f"Rita Runner : Urgent referral to a clinician from the screening of {TODAY}"
    )
    assert re.sub(r"\s+", " ", rita) in rows[0][2]
    assert rows[1][2].startswith(f"Una Runner : Referral to a clinician from the screening of {TODAY}")
    assert re.sub(r"\s+", " ", una) in rows[1][2]
    assert not any(k.startswith("referral") for k, _, _ in rows[2:])  # Nora has no red flag
    athlete = team.as_(team.ann).get(f"/coach/athletes/{team.rita.id}").text
    assert re.search(rf'id="referral" class="notice notice-urgent">Referred on {TODAY} \(urgent\): ', athlete)
    assert 'id="referral"' not in team.as_(team.ann).get(f"/coach/athletes/{team.nora.id}").text


def test_the_coach_sees_a_cleared_referral_as_cleared(team):
    c = team.as_(team.rita)
    assert c.post("/onboarding", data=onboarding_form(team.rita.csrf, clinician_cleared="yes")).is_success
    rows = _triage(team.as_(team.ann).get("/coach").text)
    assert [t.split(" :")[0] for k, _, t in rows if k.startswith("referral")] == ["Una Runner"]
    athlete = team.as_(team.ann).get(f"/coach/athletes/{team.rita.id}").text
    assert 'id="referral-cleared"' in athlete and 'id="referral"' not in athlete


def test_an_unlinked_coach_sees_no_referral(team):
    c = team.as_(team.bob)
    page = c.get("/coach").text
    assert _triage(page) == [] and 'id="triage-empty"' in page and "Rita Runner" not in page
    assert c.get(f"/coach/athletes/{team.rita.id}").status_code == 404


def test_editing_on_the_form_keeps_what_the_form_does_not_show(runner):
    client, csrf = runner
    saved = profile_dict(start_date="2026-11-30")
    saved["running"]["recent_changes"] = ["more hills"]
    assert client.put("/api/v1/profile", json=saved, headers={"X-CSRF-Token": csrf}).is_success
    assert client.post("/onboarding", data=onboarding_form(csrf, weeks="8")).url.path == "/today"
    runner_id = client.get("/api/v1/me").json()["id"]
    kept = client.get(f"/api/v1/runners/{runner_id}/profile").json()
    assert kept["weeks"] == 8 and kept["running"]["recent_changes"] == ["more hills"]
