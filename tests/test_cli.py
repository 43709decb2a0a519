"""The command line as a user drives it: listings, cards, intake, plans, exports and bad input."""

from __future__ import annotations

import json

import pytest
from icalendar import Calendar

from hipcoach.plans.profile import load_profile
from hipcoach.plans.red_flags import RED_FLAGS
from tests.factories import run_cli


def test_exercises_sorted_by_gti_as_json():
    result = run_cli("exercises", "--sort", "gti", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [(r["id"], r["gti"]) for r in rows[:5]] == [
        ("clamshell", 115),
        ("side-step", 64),
        ("single-leg-bridge", 59),
        ("quadruped-hip-extension-knee-flexed", 50),
        ("quadruped-hip-extension-knee-extending", 50),
    ]
    assert len(rows) == 12 and all(r["gti"] is None for r in rows[5:])
    assert all(set(r) >= {"id", "name", "gti"} for r in rows)


def test_exercises_table_says_unknown():
    result = run_cli("exercises", "--sort", "gti")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "115" in next(ln for ln in lines if "clamshell" in ln)
    assert "unknown" in next(ln for ln in lines if "single-leg-sq" in ln)


def test_exercise_card_and_unknown_id():
    card = run_cli("exercise", "clamshell")
    assert card.exit_code == 0
    for text in ("Steps", "Cues", "Pelvis rolls back", "115", "Selkowitz", "Filming it"):
        assert text in card.stdout
    missing = run_cli("exercise", "clamshel")
    assert missing.exit_code == 2
    assert "No exercise called 'clamshel'" in missing.output and "clamshell" in missing.output


def _answers(red_flag: str | None = None) -> str:
    lines = [
        "Sam",  # name
        "knee, elbow",  # invalid site: asked again
        "knee",
        "left",
        "3",
        "4",
        "tue,thu,sat",
        "sat",
        "thu",
        "25",
        "none",
        "some",
        "yellow,red",
    ]
    lines += ["yes" if f.id == red_flag else "no" for f in RED_FLAGS]
    lines += ["2026-12-01", "6", "3"]
    return "\n".join(lines) + "\n"


def test_intake_writes_a_profile_that_plans(tmp_path):
    path = tmp_path / "me.toml"
    result = run_cli("intake", "-o", path, input=_answers())
    assert result.exit_code == 0, result.output
    assert "Choose from" in result.output  # the bad answer was refused and asked again
    profile = load_profile(path)
    assert (profile.pain.side, profile.running.long_run_day, profile.strength.bands) == (
        "left",
        "sat",
        ["yellow", "red"],
    )
    planned = run_cli("plan", "--profile", path, "-f", "json")
    assert planned.exit_code == 0
    assert json.loads(planned.stdout)["affected_side"] == "left"


def test_red_flag_refers_and_makes_no_plan(tmp_path):
    path = tmp_path / "me.toml"
    intake = run_cli("intake", "-o", path, input=_answers(red_flag="calf_swelling"))
    assert "medical care today" in intake.output
    result = run_cli("plan", "--profile", path, "--pdf", tmp_path / "p.pdf")
    assert result.exit_code == 3
    assert "blood clot" in result.output and "Week 1" not in result.output
    assert not (tmp_path / "p.pdf").exists()


def test_plan_writes_markdown_ics_and_pdf(tmp_path):
    md, ics, pdf = tmp_path / "plan.md", tmp_path / "plan.ics", tmp_path / "plan.pdf"
    result = run_cli(
        "plan", "--demo", "--start", "2026-11-30", "-f", "markdown", "-o", md, "--ics", ics, "--pdf", pdf
    )
    assert result.exit_code == 0, result.output
    assert md.read_text().startswith("# Hip-strength programme for Demo runner")
    assert len(list(Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))) == 18
    assert pdf.read_bytes().startswith(b"%PDF")


def test_plan_in_the_terminal():
    result = run_cli("plan", "--demo", "--start", "2026-11-30")
    assert result.exit_code == 0
    assert "Week 6: Transfer" in result.stdout and "Single-leg squat" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("name = 'x'\nstart_date = 2026-01-01\nfavourite = 1\n", "favourite: unknown field"),
        (
            "name = 'x'\nstart_date = 2026-01-01\nweeks = 40\n",
            "weeks: Input should be less than or equal to 12",
        ),
        ("name = 'x'\nstart_date = 'soon'\n", "start_date"),
        ("name = [\n", "not valid TOML"),
    ],
)
def test_bad_profiles_exit_2_naming_the_field(tmp_path, content, expected):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    result = run_cli("plan", "--profile", path)
    assert result.exit_code == 2
    assert expected in result.output


def test_missing_profile_exits_2(tmp_path):
    result = run_cli("plan", "--profile", tmp_path / "nope.toml")
    assert result.exit_code == 2 and "Profile file not found" in result.output


def test_next_explains_each_prescription(tmp_path):
    profile = tmp_path / "me.toml"
    assert run_cli("intake", "-o", profile, input=_answers()).exit_code == 0
    log = tmp_path / "log.toml"
    log.write_text(
        "\n".join(
            f"""[[log]]
date = {day}
exercise_id = "clamshell"
side = "left"
band = "yellow"
target_sets = {sets}
target_reps = 10
reps_done = {[10] * sets}
pain_before = 1
pain_during = {pain}
pain_next_morning = 1
"""
            for day, sets, pain in (("2026-12-01", 4, 2), ("2026-12-03", 4, 2))
        )
    )
    result = run_cli("next", "--profile", profile, "--log", log, "--json")
    assert result.exit_code == 0, result.output
    rx = {(p["dose"]["exercise_id"], p["dose"]["side"]): p for p in json.loads(result.stdout)}
    assert rx[("clamshell", "left")]["action"] == "progress"
    assert rx[("clamshell", "left")]["dose"]["reps"] == 12
    assert rx[("clamshell", "right")]["action"] == "start"
    log.write_text("[[log]]\ndate = 2026-12-01\nexercise_id = 'clamshell'\nside = 'left'\n")
    bad = run_cli("next", "--profile", profile, "--log", log)
    assert bad.exit_code == 2 and "target_sets" in bad.output


def test_help_starts_without_the_pdf_calendar_and_catalogue_code():
    """Every command starts by importing the command line: the report writers load only where used."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from hipcoach.cli import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('reportlab', 'icalendar')\n"
        "    or m.startswith(('hipcoach.reports', 'hipcoach.catalog', 'hipcoach.plans'))), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "Usage" in done.stdout and done.stderr.strip() == "[]"
