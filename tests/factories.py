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
