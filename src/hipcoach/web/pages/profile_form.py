"""The onboarding form as a profile: form fields to the profile's shape, errors back to fields, and a
saved profile back to form fields (to edit the answers).

A red-flag question counts as answered only when "yes" or "no" was chosen: a missing answer is never
taken as "no", so nobody gets a programme without having read every question.
"""

from __future__ import annotations

from typing import NamedTuple

from pydantic import ValidationError

from hipcoach.plans.profile import Profile
from hipcoach.plans.red_flags import RED_FLAG_IDS, RED_FLAGS, RedFlag

UNANSWERED = "Choose yes or no."


def _list(value) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def flag_answers(form: dict) -> dict[str, bool]:
    """The red-flag questions answered yes (True) or no (False); unanswered ones are left out."""
    answers = {flag: form.get(f"flag_{flag}") for flag in RED_FLAG_IDS}
    return {flag: value == "yes" for flag, value in answers.items() if value in ("yes", "no")}


def form_to_profile(form: dict) -> dict:
    """Checkboxes arrive as one value or a list; only answered red-flag questions are included."""
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
        "red_flags": flag_answers(form),
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


class FormResult(NamedTuple):
    profile: Profile | None  # None unless every field is valid and every question answered
    errors: dict[str, str]  # by field; an unanswered question under "flag_<id>"
    unanswered: list[RedFlag]  # in question order, for the summary at the top of the form


def read_form(form: dict) -> FormResult:
    """Every problem at once: the other fields are checked as if the unanswered questions were
    answered, so the runner sees all that needs fixing in one go, but no profile comes out of it."""
    raw = form_to_profile(form)
    unanswered = [f for f in RED_FLAGS if f.id not in raw["red_flags"]]
    trial = raw | {"red_flags": {f: raw["red_flags"].get(f, False) for f in RED_FLAG_IDS}}
    profile, errors = validate_profile(trial)
    if unanswered:
        errors |= {f"flag_{f.id}": UNANSWERED for f in unanswered}
        profile = None
    return FormResult(profile, errors, unanswered)


def profile_to_form(data: dict, answers: dict[str, bool] | None = None) -> dict:
    """A saved profile (its JSON) as the form's values; `answers` (the latest screening's) win over
    the profile's own red-flag answers."""
    pain, running, strength = data.get("pain", {}), data.get("running", {}), data.get("strength", {})
    flags = data.get("red_flags", {}) | (answers or {})
    return {
        "name": data.get("name", ""),
        "start_date": data.get("start_date", ""),
        "weeks": data.get("weeks", 6),
        "sessions_per_week": data.get("sessions_per_week", 3),
        "pain_sites": pain.get("sites", []),
        "pain_side": pain.get("side", "none"),
        "pain_severity": pain.get("severity", 0),
        "pain_weeks": pain.get("duration_weeks", 0),
        "run_days": running.get("days", []),
        "long_run_day": running.get("long_run_day") or "",
        "hard_days": running.get("hard_days", []),
        "km_per_week": running.get("km_per_week", 0),
        "experience": strength.get("experience", "none"),
        "bands": strength.get("bands", []),
        **{f"flag_{f}": "yes" if flags[f] else "no" for f in RED_FLAG_IDS if f in flags},
    }
