"""`hipcoach intake`: the screening questions asked one by one, saved as a profile TOML file.

The profile model (pydantic) is imported inside the command: other commands start without it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import get_args

import typer

from hipcoach.cli_support import friendly_errors, out


def _ask(question: str, parse, default=None):
    """Ask until the answer parses; the parser raises ValueError with what is allowed."""
    while True:
        answer = typer.prompt(question, default=default, show_default=default is not None)
        try:
            return parse(str(answer).strip())
        except ValueError as exc:
            out.print(f"[red]{exc}[/]")


def _choices(allowed: tuple[str, ...], empty_ok: bool = True):
    def parse(text: str) -> list[str]:
        items = [t.strip().lower() for t in text.replace(" ", ",").split(",") if t.strip()]
        if items == ["none"] and empty_ok:
            return []
        bad = [t for t in items if t not in allowed]
        if bad or (not items and not empty_ok):
            raise ValueError(f"Choose from {', '.join(allowed)}" + (" (or none)" if empty_ok else ""))
        return list(dict.fromkeys(items))

    return parse


def _one_of(allowed: tuple[str, ...]):
    def parse(text: str) -> str:
        if text.lower() not in allowed:
            raise ValueError(f"Answer one of: {', '.join(allowed)}")
        return text.lower()

    return parse


def _number(lo: float, hi: float, kind=int):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise ValueError(f"Enter a number from {lo:g} to {hi:g}") from None
        if not lo <= value <= hi:
            raise ValueError(f"Enter a number from {lo:g} to {hi:g}")
        return value

    return parse


def _yes_no(text: str) -> bool:
    if text.lower() in ("y", "yes"):
        return True
    if text.lower() in ("n", "no"):
        return False
    raise ValueError("Answer yes or no")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("Enter a date as YYYY-MM-DD") from None


def register(app: typer.Typer) -> None:
    @app.command("intake")
    @friendly_errors
    def intake(
        output: Path = typer.Option(
            Path("profile.toml"), "--output", "-o", help="Where to save the profile."
        ),
    ) -> None:
        """Answer the screening questions; saves a profile for `hipcoach plan --profile`."""
        from hipcoach.plans.profile import WEEKDAYS, Band, PainSite, parse_profile, save_profile
        from hipcoach.plans.red_flags import RED_FLAGS

        pain_sites, bands = get_args(PainSite), get_args(Band)
        out.print("[bold]hipcoach screening[/]: a few questions about you, your pain and your running.\n")
        days = ", ".join(WEEKDAYS)
        name = _ask("Your name", lambda t: t or _raise("Enter a name"))
        sites = _ask(f"Where does it hurt? ({', '.join(pain_sites)}, or none)", _choices(pain_sites), "none")
        pain = {"sites": sites}
        if sites:
            pain["side"] = _ask("Which side? (left, right, both)", _one_of(("left", "right", "both")))
            pain["severity"] = _ask("How bad is it while running, 0-10?", _number(0, 10))
            pain["duration_weeks"] = _ask("For how many weeks?", _number(0, 520))
        run_days = _ask(f"Which days do you run? ({days})", _choices(WEEKDAYS, empty_ok=False))
        long_day = _ask("Your long-run day (or none)", _one_of((*run_days, "none")), "none")
        hard = _ask(
            "Days with hard sessions (intervals, tempo, races; or none)", _choices(tuple(run_days)), "none"
        )
        running = {
            "days": run_days,
            "hard_days": [d for d in hard if d != long_day],
            "km_per_week": _ask("Kilometres per week", _number(0, 300, float)),
            "recent_changes": _ask(
                "Any recent changes (more distance, new shoes, hills...; or none)", str, "none"
            ),
        }
        running["recent_changes"] = (
            [] if running["recent_changes"] in ("", "none") else [running["recent_changes"]]
        )
        if long_day != "none":
            running["long_run_day"] = long_day
        strength = {
            "experience": _ask(
                "Strength training so far? (none, some, regular)", _one_of(("none", "some", "regular"))
            ),
            "bands": _ask(f"Which bands do you have? ({', '.join(bands)}, or none)", _choices(bands), "none"),
        }
        out.print("\n[bold]Safety questions[/]: answer yes or no.")
        flags = {f.id: _ask(f.question, _yes_no) for f in RED_FLAGS}
        start = _ask("Start date (YYYY-MM-DD)", _date, (dt.date.today() + dt.timedelta(days=1)).isoformat())
        weeks = _ask("How many weeks? (4-12)", _number(4, 12), 6)
        sessions = _ask("Strength sessions per week? (2 or 3)", _number(2, 3), 3)
        profile = parse_profile(
            {
                "name": name,
                "start_date": start,
                "weeks": weeks,
                "sessions_per_week": sessions,
                "pain": pain,
                "running": running,
                "strength": strength,
                "red_flags": flags,
            },
            source="your answers",
        )
        save_profile(profile, output)
        out.print(f"\nSaved your profile to {output}.")
        referral = profile.referral()
        if referral:
            out.print(referral.message(), highlight=False)
        else:
            out.print(f"Next: [bold]hipcoach plan --profile {output}[/]")


def _raise(message: str):
    raise ValueError(message)
