"""`hipcoach plan` (programme from a profile, in every output format) and `hipcoach next`.

The catalogue, the plan rules and the report writers (reportlab for the PDF, icalendar) are imported
inside the commands: every other command, and `hipcoach --help`, starts without them.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from hipcoach.cli_support import friendly_errors, out
from hipcoach.errors import UserError

if TYPE_CHECKING:
    from hipcoach.plans.profile import Profile
    from hipcoach.plans.programme import Plan

REFERRAL_EXIT = 3  # screening found a red flag: no programme was made


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


def demo_profile(start: dt.date) -> Profile:
    from hipcoach.plans.profile import parse_profile

    text = resources.files("hipcoach.plans").joinpath("data", "demo_profile.toml").read_text("utf-8")
    return parse_profile({**tomllib.loads(text), "start_date": start}, source="demo profile")


def next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def _profile(profile_path: Path | None, demo: bool, start: dt.datetime | None) -> Profile:
    from hipcoach.plans.profile import load_profile, parse_profile

    if demo == (profile_path is not None):
        raise UserError(
            "Give either --profile FILE or --demo.", "Make a profile with `hipcoach intake -o me.toml`."
        )
    if demo:
        return demo_profile(start.date() if start else next_monday(dt.date.today()))
    profile = load_profile(profile_path)
    if start is None:
        return profile
    return parse_profile({**profile.model_dump(), "start_date": start.date()}, "--start")


def _plan_or_referral(profile: Profile, screen: Path | None = None) -> Plan:
    from hipcoach.catalog import load_catalog
    from hipcoach.plans.profile import load_screen_side
    from hipcoach.plans.programme import ReferralNeeded, build_plan
    from hipcoach.plans.rules import load_rules

    weaker = load_screen_side(screen) if screen else None
    try:
        return build_plan(profile, load_catalog(), load_rules(), weaker_side=weaker)
    except ReferralNeeded as exc:
        out.print(exc.referral.message(), highlight=False)
        raise typer.Exit(REFERRAL_EXIT) from None


def register(app: typer.Typer) -> None:
    @app.command("plan")
    @friendly_errors
    def plan(
        profile_path: Path | None = typer.Option(
            None, "--profile", "-p", help="Profile TOML from `hipcoach intake`."
        ),
        demo: bool = typer.Option(False, "--demo", help="Use the built-in demo runner."),
        start: dt.datetime | None = typer.Option(
            None, "--start", formats=["%Y-%m-%d"], help="Override the start date."
        ),
        fmt: Format = typer.Option(Format.text, "--format", "-f", help="What to print (or write with -o)."),
        output: Path | None = typer.Option(
            None, "--output", "-o", help="Write the chosen format to this file."
        ),
        ics: Path | None = typer.Option(None, "--ics", help="Also write an iCalendar file of the sessions."),
        pdf: Path | None = typer.Option(None, "--pdf", help="Also write a printable PDF handout."),
        screen: Path | None = typer.Option(
            None, "--screen", help="A `hipcoach screen` report.json: its weaker side gets the extra set."
        ),
    ) -> None:
        """Make a personalised programme (exit status 3: screening refers you to a clinician)."""
        from hipcoach.catalog import load_catalog
        from hipcoach.reports.markdown import plan_markdown
        from hipcoach.reports.terminal import plan_view

        catalog = load_catalog()
        the_plan = _plan_or_referral(_profile(profile_path, demo, start), screen)
        text = {
            Format.markdown: lambda: plan_markdown(the_plan, catalog),
            Format.json: lambda: the_plan.model_dump_json(indent=2),
            Format.text: lambda: None,
        }[fmt]()
        if output:
            output.write_text(text if text is not None else plan_markdown(the_plan, catalog), "utf-8")
            out.print(f"Wrote {output}")
        elif text is None:
            out.print(plan_view(the_plan))
        else:
            typer.echo(text)
        if ics:
            from hipcoach.reports.ical import plan_ical

            ics.write_bytes(plan_ical(the_plan))
            out.print(f"Wrote {ics} ({sum(len(w.sessions) for w in the_plan.weeks)} sessions)")
        if pdf:
            from hipcoach.reports.pdf import plan_pdf

            pdf.write_bytes(plan_pdf(the_plan, catalog))
            out.print(f"Wrote {pdf}")

    @app.command("next")
    @friendly_errors
    def next_(
        profile_path: Path = typer.Option(..., "--profile", "-p", help="The profile the plan was made from."),
        log: Path = typer.Option(..., "--log", "-l", help="TOML file of logged sessions ([[log]] entries)."),
        as_json: bool = typer.Option(False, "--json", help="Print the prescriptions as JSON."),
        screen: Path | None = typer.Option(
            None, "--screen", help="A `hipcoach screen` report.json: its weaker side gets the extra set."
        ),
    ) -> None:
        """Next session's dose for every exercise and side, from what you logged, with the reason."""
        from rich.table import Table

        from hipcoach.catalog import load_catalog
        from hipcoach.plans.logfile import load_logs
        from hipcoach.plans.profile import load_profile
        from hipcoach.plans.progress import next_prescription
        from hipcoach.plans.rules import load_rules

        catalog, rules = load_catalog(), load_rules()
        the_plan = _plan_or_referral(load_profile(profile_path), screen)
        logs = load_logs(log)
        week = _next_week(the_plan, max((lg.date for lg in logs), default=None))
        slots = [(it.exercise_id, it.dose.side) for it in week.sessions[0].items] if week.sessions else []
        result = [next_prescription(the_plan, logs, ex_id, side, catalog, rules) for ex_id, side in slots]
        if as_json:
            typer.echo(json.dumps([p.model_dump(mode="json") for p in result], indent=2))
            return
        table = Table(title=f"Next session (week {week.number}: {week.phase})", expand=True)
        for col, ratio in (("exercise", 3), ("side", 1), ("dose", 3), ("action", 1), ("why", 5)):
            table.add_column(col, ratio=ratio, overflow="fold")
        for p in result:
            name = catalog.exercise(p.dose.exercise_id).name
            table.add_row(name, p.dose.side, p.dose.describe(), p.action, p.reason)
        out.print(table)


def _next_week(plan: Plan, last_logged: dt.date | None):
    """The week of the first planned session after the last logged one (the last week at the end)."""
    for week in plan.weeks:
        if week.sessions and (last_logged is None or week.sessions[-1].date > last_logged):
            return week
    return plan.weeks[-1]
