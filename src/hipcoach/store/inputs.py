"""What a runner may send to be saved, with the ranges a user can be told about field by field.

The web API uses these as request bodies, so out-of-range values come back as 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hipcoach.catalog import load_catalog
from hipcoach.iso_date import IsoDate
from hipcoach.plaintext import NoteText
from hipcoach.plans.profile import Band


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SetLogIn(_Input):
    """One set on one side. `client_key` is made by the client once per set, so a resend logs once."""

    client_key: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    date: IsoDate = Field(description="the day the set was done: today or earlier")
    exercise_id: str = Field(
        min_length=1,
        max_length=60,
        description="an exercise id from the catalogue (`hipcoach exercises` lists them)",
        json_schema_extra=lambda schema: schema.update(enum=list(load_catalog().exercises)),
    )
    side: Literal["left", "right", "both"]
    set_number: int = Field(ge=1, le=20)
    reps: int = Field(ge=0, le=200, description="repetitions done (0-200)")
    hold_s: float = Field(0.0, ge=0, le=600, description="seconds held per rep (0-600)")
    band: Band | None = None
    pain_during: int = Field(ge=0, le=10, description="pain during the set, 0-10")
    effort: int | None = Field(None, ge=0, le=10, description="effort, 0-10")
    programme_id: int | None = Field(None, ge=1, le=2**31 - 1)
    session_uid: str | None = Field(None, max_length=120)

    @field_validator("date")
    @classmethod
    def _not_in_the_future(cls, value: dt.date) -> dt.date:
        return not_in_the_future(value)

    @field_validator("exercise_id")
    @classmethod
    def _known_exercise(cls, value: str) -> str:
        known = load_catalog().exercises
        if value not in known:
            raise ValueError(f"unknown exercise; known ids: {', '.join(known)}")
        return value


class SetCorrectionIn(_Input):
    """What a runner may change in a set logged today: what was done, not which exercise or day."""

    reps: int = Field(ge=0, le=200, description="repetitions done (0-200)")
    hold_s: float = Field(0.0, ge=0, le=600, description="seconds held per rep (0-600)")
    band: Band | None = None
    pain_during: int = Field(ge=0, le=10, description="pain during the set, 0-10")
    effort: int | None = Field(None, ge=0, le=10, description="effort, 0-10")


def not_in_the_future(day: dt.date) -> dt.date:
    """Sets and check-ins are logged on the day or after it, by the server's calendar."""
    if day > dt.date.today():
        raise ValueError(f"{day.isoformat()} is in the future: log it on the day, or after")
    return day


class CheckInIn(_Input):
    pain: int = Field(ge=0, le=10, description="pain the morning after, 0-10")
    note: NoteText = Field("", max_length=500)
