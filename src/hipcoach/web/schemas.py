"""Request and response bodies of the REST API (what OpenAPI documents)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from hipcoach.plaintext import EmailAddress, NoteText, OneLine
from hipcoach.plans.dose import Dose
from hipcoach.plans.profile import StartDate
from hipcoach.tracking.summary import SetsAgainstPlan


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SignupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailAddress = Field(max_length=254)
    password: str = Field(
        min_length=8, max_length=200, description="not one easy to guess (422 says why, and what to add)"
    )
    display_name: OneLine = Field(min_length=1, max_length=80)
    role: Literal["runner", "coach"] = "runner"


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)


class UserOut(_Out):
    id: int
    email: str
    display_name: str
    role: str


class SessionOut(BaseModel):
    user: UserOut
    csrf_token: str = Field(description="send as the X-CSRF-Token header on changes made with the cookie")


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: OneLine = Field(min_length=1, max_length=80)


class TokenOut(_Out):
    id: int
    name: str
    created_at: dt.datetime


class NewTokenOut(TokenOut):
    token: str = Field(description="shown only now; send as 'Authorization: Bearer <token>'")


class ScreeningOut(BaseModel):
    referral: bool
    urgent: bool
    reasons: list[str]
    message: str


class QuestionOut(BaseModel):
    id: str
    question: str


class ProgrammeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start_date: StartDate | None = None


class ProgrammeOut(_Out):
    id: int
    user_id: int
    plan_id: str
    start_date: dt.date
    created_at: dt.datetime


class SetLogOut(_Out):
    id: int
    user_id: int
    programme_id: int | None
    session_uid: str | None
    date: dt.date
    exercise_id: str
    side: str
    set_number: int
    reps: int
    hold_s: float
    band: str | None
    pain_during: int
    effort: int | None
    client_key: str
    analysis_id: int | None = Field(None, description="the analysis that counted the set (camera-counted)")


# A session's logged sets, as its page and GET /sessions/{uid} list them: some of SetLogOut's fields,
# taken from it (types, defaults, descriptions) rather than written out again.
_BRIEF = ("id", "exercise_id", "side", "set_number", "reps", "hold_s", "band", "pain_during", "analysis_id")
LoggedSetBrief = create_model(
    "LoggedSetBrief",
    __base__=_Out,
    **{name: (SetLogOut.model_fields[name].annotation, SetLogOut.model_fields[name]) for name in _BRIEF},
)


class CoachChangeOut(BaseModel):
    """A coach's change to an exercise of the programme, as the runner's card shows it."""

    kind: str
    summary: str
    reason: str
    note: str
    coach: str
    start_date: dt.date


class SessionItemOut(BaseModel):
    exercise_id: str = Field(description="what to do: the plan's exercise, or its regression after a swap")
    side: str
    dose: Dose = Field(description="the dose to do, adapted to everything logged before this session")
    planned_dose: Dose = Field(description="the dose as the stored plan has it")
    action: Literal["start", "progress", "hold", "regress", "swap"]
    reason: str
    changed: bool
    coach_changes: list[CoachChangeOut] = Field(
        [], description="the coach's changes that made this item what it is, oldest first"
    )


class TrainingSessionOut(BaseModel):
    uid: str
    date: dt.date
    weekday: str
    run_that_day: str
    week: int
    phase: str
    items: list[SessionItemOut]
    logged: list[LoggedSetBrief]


class CheckInOut(_Out):
    date: dt.date
    pain: int
    note: str


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: NoteText = Field("", max_length=120)


class InvitationOut(BaseModel):
    id: int
    code: str | None = Field(description="the short code the athlete types (None: an older invitation)")
    link: str | None = Field(None, description="the link the athlete opens to accept")
    note: str = ""
    expires_at: dt.datetime


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=100)


class LinkOut(_Out):
    coach_id: int
    athlete_id: int
    created_at: dt.datetime


class AnalysisOut(_Out):
    id: int
    user_id: int
    video_id: int | None = Field(description="None for a live camera set (landmarks only, no video)")
    kind: str
    target: str
    status: str
    progress: float
    stage: str
    attempts: int
    error_message: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None


class AthleteOut(BaseModel):
    user: UserOut
    sets_last_14_days: int
    pain_flags_last_14_days: int = Field(description="sets with pain above 5/10 plus mornings above 5/10")
    adherence_last_14_days: SetsAgainstPlan | None = Field(
        description="sets done against sets planned by the latest programme for the sessions due in the "
        "same days, each planned slot counted at most as planned; null when there is no programme"
    )
    latest_analyses: list[AnalysisOut]
