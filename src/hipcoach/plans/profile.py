"""The runner's screening answers (the profile), validated with errors that name the field."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Literal

import tomli_w
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from hipcoach.errors import UserError, shorten
from hipcoach.iso_date import IsoDate
from hipcoach.plaintext import OneLine
from hipcoach.plans.red_flags import RED_FLAG_IDS, Referral, screen
from hipcoach.tomlfile import MAX_USER_FILE, read_user_text, read_user_toml

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PainSite = Literal["knee", "foot", "ankle", "shin", "hip", "back"]
Side = Literal["left", "right", "both", "none"]
# A programme starts on a day someone could still train from: not before the app could have made
# it, and not more than two years ahead (far-future dates overflow the calendar maths, 9999-12-27
# plus six weeks is no date at all). Fixed at the past end, so saved profiles never turn invalid.
EARLIEST_START = dt.date(2000, 1, 1)
MAX_DAYS_AHEAD = 2 * 366


def sensible_start(day: dt.date) -> dt.date:
    latest = dt.date.today() + dt.timedelta(days=MAX_DAYS_AHEAD)
    if not EARLIEST_START <= day <= latest:
        raise ValueError(
            f"{day.isoformat()} is not a sensible start date: pick a day from "
            f"{EARLIEST_START.isoformat()} to {latest.isoformat()} (at most two years ahead)"
        )
    return day


# The bounds are in the description, not in the schema: the later one moves with today's date.
StartDate = Annotated[
    IsoDate,
    AfterValidator(sensible_start),
    Field(description="a day from 2000-01-01 to two years after today"),
]
Band = Literal["tan", "yellow", "red", "green", "blue", "black", "silver", "gold"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Pain(_Strict):
    sites: list[PainSite] = []
    side: Side = Field("none", description="none unless sites names a pain site")
    severity: int = Field(0, ge=0, le=10, description="typical pain while running, 0-10; 0 without a site")
    duration_weeks: int = Field(0, ge=0, le=520)

    @model_validator(mode="after")
    def _consistent(self) -> Pain:
        if not self.sites and (self.side != "none" or self.severity > 0):
            raise ValueError("pain.side and pain.severity need at least one pain site in pain.sites")
        return self


class Running(_Strict):
    days: list[Weekday] = Field(min_length=0, max_length=7)
    long_run_day: Weekday | None = Field(None, description="one of days")
    hard_days: list[Weekday] = Field([], description="each one of days")
    km_per_week: float = Field(ge=0, le=300)
    recent_changes: list[str] = []

    @model_validator(mode="after")
    def _days_are_run_days(self) -> Running:
        key = [d for d in [self.long_run_day, *self.hard_days] if d and d not in self.days]
        if key:
            raise ValueError(f"running.long_run_day / running.hard_days must be among running.days: {key}")
        return self


class Strength(_Strict):
    experience: Literal["none", "some", "regular"] = "none"
    bands: list[Band] = []


class Profile(_Strict):
    name: OneLine = Field(min_length=1, max_length=80)
    start_date: StartDate
    weeks: int = Field(6, ge=4, le=12)
    sessions_per_week: int = Field(3, ge=2, le=3)
    pain: Pain = Pain()
    running: Running
    strength: Strength = Strength()
    red_flags: dict[str, bool] = Field(
        description="every red-flag question answered true or false (GET /api/v1/screening/questions)",
        json_schema_extra=lambda schema: schema.update(
            properties={flag: {"type": "boolean"} for flag in RED_FLAG_IDS},
            required=list(RED_FLAG_IDS),
            additionalProperties=False,
        ),
    )

    @model_validator(mode="after")
    def _all_red_flags_answered(self) -> Profile:
        unknown = sorted(set(self.red_flags) - set(RED_FLAG_IDS))
        missing = [f for f in RED_FLAG_IDS if f not in self.red_flags]
        if unknown:
            keys = shorten(unknown, 200)
            raise ValueError(f"red_flags has unknown keys {keys}; allowed: {list(RED_FLAG_IDS)}")
        if missing:
            raise ValueError(f"red_flags must answer every question (true/false); missing: {missing}")
        return self

    def referral(self) -> Referral | None:
        """The screening verdict on these answers: None when the runner may start."""
        return screen(self.red_flags, self.pain.severity)

    @property
    def affected_side(self) -> Literal["left", "right"] | None:
        """The side to emphasise: only when the runner reports pain on exactly one side."""
        return self.pain.side if self.pain.side in ("left", "right") and self.pain.sites else None


def load_profile(path: str | Path) -> Profile:
    raw = read_user_toml(path, "Profile", "Create one with `hipcoach intake -o me.toml`.")
    return parse_profile(raw, source=str(path))


def parse_profile(raw: dict, source: str = "profile") -> Profile:
    try:
        return Profile.model_validate(raw)
    except ValidationError as exc:
        errors = exc.errors()
        lines = [_describe(err) for err in errors[:10]]
        if len(errors) > 10:
            lines.append(f"  ... and {len(errors) - 10} more")
        raise UserError(f"{source} is not a valid profile:\n" + "\n".join(lines), _PROFILE_HELP) from None


def save_profile(profile: Profile, path: str | Path) -> Path:
    path = Path(path)
    data = profile.model_dump(mode="json", exclude_none=True)
    data["start_date"] = profile.start_date  # a real TOML date, not a string
    path.write_text(tomli_w.dumps(data), "utf-8")
    return path


def load_screen_side(path: str | Path) -> Literal["left", "right"] | None:
    """The side a hip-stability screen report (`hipcoach screen`, JSON) says needs more work, or None."""
    path = Path(path)
    hint = "Pass the report.json a `hipcoach screen` run wrote."
    if not path.exists():
        raise UserError(f"No screen report at {path}.", hint)
    try:
        report = json.loads(read_user_text(path, "Screen report", hint, limit=16 * MAX_USER_FILE))
    except (ValueError, RecursionError) as exc:
        raise UserError(f"{path} is not a JSON screen report ({shorten(exc, 200)}).", hint) from None
    if not isinstance(report, dict) or not str(report.get("schema_version", "")).startswith(
        "hipcoach.screen/"
    ):
        raise UserError(f"{path} is not a hipcoach screen report.", hint)
    side = report.get("needs_work_side")
    if side not in (None, "left", "right"):
        got = shorten(repr(side))
        raise UserError(f"{path} has needs_work_side {got}; expected left, right or null.", hint)
    return side


_PROFILE_HELP = "See the example profile in the README, or answer the questions with `hipcoach intake`."


def _describe(err: dict) -> str:
    """One line per problem: the dotted field name, what is wrong, and what is allowed."""
    field = shorten(".".join(str(p) for p in err["loc"]) or "(profile)")
    kind, msg, ctx = err["type"], err["msg"], err.get("ctx", {})
    shown = kind not in ("missing", "extra_forbidden") and "input" in err
    got = f" (got {shorten(repr(err['input']))})" if shown else ""
    if kind == "extra_forbidden":
        return f"  - {field}: unknown field; remove it or check its spelling"
    if kind == "literal_error":
        return f"  - {field}: must be one of {shorten(ctx.get('expected', ''), 200)}{got}"
    if kind == "missing":
        return f"  - {field}: required field is missing"
    if kind == "value_error":
        return f"  - {field}: {shorten(ctx.get('error', msg), 300)}"
    return f"  - {field}: {msg}{got}"


__all__ = [
    "WEEKDAYS",
    "Profile",
    "StartDate",
    "load_profile",
    "load_screen_side",
    "parse_profile",
    "save_profile",
]
