"""Calendar and PDF exports of a plan: stable, complete and readable."""

from __future__ import annotations

import io

from icalendar import Calendar
from pypdf import PdfReader

from hipcoach.plans.programme import Plan, build_plan
from hipcoach.reports.ical import plan_ical
from hipcoach.reports.markdown import plan_markdown
from hipcoach.reports.pdf import plan_pdf


def _events(ics: bytes) -> list:
    return list(Calendar.from_ical(ics).walk("VEVENT"))


def test_ical_round_trip_has_every_session_once(catalog, rules, profile):
    plan = build_plan(profile, catalog, rules)
    sessions = [s for w in plan.weeks for s in w.sessions]
    first, second = plan_ical(plan), plan_ical(build_plan(profile, catalog, rules))
    assert first == second
    events = _events(first)
    assert [(str(e["uid"]), e["dtstart"].dt) for e in events] == [(s.uid, s.date) for s in sessions]
    imported: dict[str, object] = {}
    for ics in (first, second):  # importing both exports must not duplicate events
        imported.update({str(e["uid"]): e for e in _events(ics)})
    assert len(imported) == len(sessions)
    assert "Side-lying clamshell with band (right)" in str(events[0]["description"])


def test_pdf_renders_every_exercise_of_the_plan(catalog, rules, profile):
    plan = build_plan(profile, catalog, rules)
    reader = PdfReader(io.BytesIO(plan_pdf(plan, catalog)))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert len(reader.pages) >= 3
    assert f"Hip-strength programme for {profile.name}" in text
    for ex_id in plan.exercise_ids():
        ex = catalog.exercise(ex_id)
        assert ex.name in text, ex.name
        assert " ".join(ex.cues[0].split()) in text


def test_json_round_trips_with_schema_version(catalog, rules, profile):
    plan = build_plan(profile, catalog, rules)
    data = plan.model_dump_json()
    assert '"schema_version":"hipcoach.plan/1"' in data
    assert Plan.model_validate_json(data) == plan


def test_markdown_shows_weeks_doses_and_cards(catalog, rules, profile):
    plan = build_plan(profile, catalog, rules)
    md = plan_markdown(plan, catalog)
    assert md.count("## Week ") == profile.weeks
    assert "| Side-lying clamshell with band | right | 4 x 10 reps, yellow band, hold 2 s |" in md
    assert "### Single-leg squat" in md and "GTI: 115" in md
