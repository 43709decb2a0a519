"""The onboarding form as a profile: form fields to the profile's shape, and errors back to fields."""

from __future__ import annotations

from pydantic import ValidationError

from hipcoach.plans.profile import Profile
from hipcoach.plans.red_flags import RED_FLAG_IDS


def _list(value) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def form_to_profile(form: dict) -> dict:
    """Checkboxes arrive as one value or a list; unchecked red-flag boxes mean 'no'."""
    return {
        "name": form.get("name", ""),
        "start_date": form.get("start_date", ""),
        "weeks": form.get("weeks", 6),
        "sessions_per_week": form.get("sessions_per_week", 3),
        "pain": {
            "sites": _list(form.get("pain_sites")),
            "side": form.get("pain_side", "none"),
            "severity": form.get("pain_severity", 0) or 0,
            "duration_weeks": form.get("pain_weeks", 0) or 0,
        },
        "running": {
            "days": _list(form.get("run_days")),
            "long_run_day": form.get("long_run_day") or None,
            "hard_days": _list(form.get("hard_days")),
            "km_per_week": form.get("km_per_week", 0) or 0,
        },
        "strength": {"experience": form.get("experience", "none"), "bands": _list(form.get("bands"))},
        "red_flags": {flag: form.get(f"flag_{flag}") == "yes" for flag in RED_FLAG_IDS},
    }


def validate_profile(raw: dict) -> tuple[Profile | None, dict[str, str]]:
    """The profile, or the problems keyed by the dotted field name the form shows them next to."""
    try:
        return Profile.model_validate(raw), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"] if not isinstance(p, int)) or "profile"
            errors.setdefault(field, err["msg"].removeprefix("Value error, "))
        return None, errors
