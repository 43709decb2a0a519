"""Test data builders shared by several test modules."""

from __future__ import annotations

import datetime as dt

from hipcoach.plans.red_flags import RED_FLAG_IDS


def profile_dict(**overrides) -> dict:
    base = {
        "name": "Test runner",
        "start_date": dt.date(2026, 11, 30),
        "weeks": 6,
        "sessions_per_week": 3,
        "pain": {"sites": ["knee"], "side": "right", "severity": 3, "duration_weeks": 6},
        "running": {
            "days": ["tue", "thu", "sat", "sun"],
            "long_run_day": "sun",
            "hard_days": ["thu"],
            "km_per_week": 30,
        },
        "strength": {"experience": "some", "bands": ["yellow", "red", "green"]},
        "red_flags": {f: False for f in RED_FLAG_IDS},
    }
    base.update(overrides)
    return base


def run_cli(*args, input: str | None = None):
    """Invoke `hipcoach` as a user would; never a traceback. `.text` is the output with Rich's line
    wrapping undone, for matching messages."""
    from typer.testing import CliRunner

    from hipcoach.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args], input=input)
    assert "Traceback" not in result.output
    result.text = " ".join(result.output.split())
    return result


def set_log_dict(n: int, start: dt.date, **overrides) -> dict:
    """Set number `n` of a runner's log as a backup lists it: a distinct client key per n, on one of
    the four weeks from `start`, alternating sides."""
    return {
        "client_key": f"import-{n:06d}",
        "date": (start + dt.timedelta(days=n % 28)).isoformat(),
        "exercise_id": "clamshell",
        "side": "left" if n % 2 else "right",
        "set_number": 1 + n % 4,
        "reps": 10,
        "hold_s": 0.0,
        "band": None,
        "pain_during": 2,
        "effort": 5,
        "session_uid": None,
        **overrides,
    }


def backup_dict(n_sets: int, start: dt.date) -> dict:
    """A hipcoach.backup/1 file: a profile starting on `start`, its programme, `n_sets` sets, a check-in."""
    from hipcoach.catalog import load_catalog
    from hipcoach.plans.profile import parse_profile
    from hipcoach.plans.programme import build_plan
    from hipcoach.plans.rules import load_rules

    profile = profile_dict(start_date=start.isoformat())
    plan = build_plan(parse_profile(profile), load_catalog(), load_rules()).model_dump(mode="json")
    return {
        "schema_version": "hipcoach.backup/1",
        "profile": profile,
        "programmes": [{"profile_snapshot": profile, "plan": plan}],
        "set_logs": [set_log_dict(n, start) for n in range(n_sets)],
        "checkins": [{"date": start.isoformat(), "pain": 1, "note": "fine"}],
    }
