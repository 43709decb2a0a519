"""A coach's changes to a linked runner's programme: make one, list them, and what an exercise may be
swapped for. The sessions (GET /api/v1/programmes/{id}/sessions/{uid}) show the changed programme, each
item with the coach's changes to it (`coach_changes`)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from hipcoach.catalog import load_catalog
from hipcoach.plaintext import ONE_LINE_PATTERN
from hipcoach.store import adjustments
from hipcoach.store.adjustments import as_adjustment
from hipcoach.web.deps import DB, Actor, Id, Tx
from hipcoach.web.problems import problems

router = APIRouter(prefix="/api/v1", tags=["programme changes"])


class AdjustmentOut(BaseModel):
    """One kept change: what, from which day, why, the runner's note, and who made it when."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    programme_id: int
    runner_id: int = Field(validation_alias="user_id")
    coach_id: int | None = Field(description="null once the coach's account is gone; coach_name stays")
    coach_name: str
    kind: str
    start_date: dt.date
    exercise_id: str | None
    side: str | None = Field(description="null: every side the exercise is done on")
    new_exercise_id: str | None
    sets: int | None
    reps: int | None
    hold_s: float | None
    band: str | None
    sessions_per_week: int | None
    note: str
    reason: str
    created_at: dt.datetime
    summary: str = Field("", description="the change in words, as the runner's card shows it")


def _what_each_kind_needs(schema: dict) -> None:
    """AdjustmentIn's checks of the fields a kind needs, stated in its JSON Schema: exercise ids from
    the catalogue, and a oneOf with one branch per kind (sessions: sessions_per_week; the others an
    exercise_id; a swap also new_exercise_id; a note the note, not only spaces; a dose at least one of
    sets, reps, hold_s and band)."""
    known = list(load_catalog().exercises)
    props = schema["properties"]
    for name in ("exercise_id", "new_exercise_id"):
        props[name] = {k: v for k, v in props[name].items() if k != "anyOf"} | {"enum": [*known, None]}
    exercise = {"type": "string", "enum": known}

    def given(field: str, value: dict) -> dict:
        return {"properties": {field: value}, "required": [field]}

    def kinds(*names: str, needs: list[dict]) -> dict:
        return {"allOf": [{"properties": {"kind": {"enum": list(names)}}}, *needs]}

    dose_fields = [("sets", "integer"), ("reps", "integer"), ("hold_s", "number"), ("band", "string")]
    schema["oneOf"] = [
        kinds("sessions", needs=[given("sessions_per_week", {"type": "integer"})]),
        kinds("pause", "resume", needs=[given("exercise_id", exercise)]),
        kinds("swap", needs=[given("exercise_id", exercise), given("new_exercise_id", exercise)]),
        kinds("note", needs=[given("exercise_id", exercise), given("note", {"pattern": ONE_LINE_PATTERN})]),
        kinds(
            "dose",
            needs=[
                given("exercise_id", exercise),
                {"anyOf": [given(field, {"type": kind}) for field, kind in dose_fields]},
            ],
        ),
    ]


class AdjustmentIn(adjustments.AdjustmentIn):
    """One change to a runner's programme, from `start_date` (today when left out) on; which fields a
    kind needs is in the oneOf (one branch per kind). The store's model, whose checks these are, with
    them stated in its schema (the document keeps the name AdjustmentIn)."""

    model_config = ConfigDict(json_schema_extra=_what_each_kind_needs)


class SwapOptionOut(BaseModel):
    exercise_id: str
    name: str
    relation: str = Field(description="regression (easier), progression (harder) or same aim")
    why: str


def out(row) -> AdjustmentOut:
    made = AdjustmentOut.model_validate(row)
    return made.model_copy(update={"summary": as_adjustment(row).summary(load_catalog())})


@router.post(
    "/runners/{runner_id}/adjustments",
    status_code=201,
    response_model=list[AdjustmentOut],
    responses=problems(
        400,
        401,
        422,
        said={
            403: "Only a coach changes a programme (or, signed in with the cookie, the X-CSRF-Token "
            "header is missing).",
            404: "No such runner among the coach's athletes, or the runner has no programme yet.",
            409: "The change starts before today, or does not fit the programme as it stands then (an "
            "exercise it does not have from that day, pausing a paused one, swapping to one it has).",
        },
    ),
)
def make_adjustment(runner_id: Id, body: AdjustmentIn, actor: Actor, tx: Tx) -> list[AdjustmentOut]:
    """Change the runner's latest programme from `start_date` (default today) on; `reason` is
    required and kept. Gives the change as kept: one row, or one per side when a dose change leaves
    the sides' other values different (each side keeps its own)."""
    with tx() as db:
        rows = adjustments.adjust_programme(db, actor, runner_id, body, dt.date.today())
        return [out(r) for r in rows]


@router.get(
    "/runners/{runner_id}/adjustments", response_model=list[AdjustmentOut], responses=problems(401, 404, 422)
)
def list_adjustments(runner_id: Id, actor: Actor, db: DB) -> list[AdjustmentOut]:
    """Every change to the runner's programmes, newest first (the runner, or a linked coach)."""
    return [out(r) for r in adjustments.history(db, actor, runner_id)]


@router.get(
    "/runners/{runner_id}/adjustments/options",
    response_model=dict[str, list[SwapOptionOut]],
    responses=problems(401, 404, 422),
)
def swap_options(runner_id: Id, actor: Actor, db: DB) -> dict[str, list[SwapOptionOut]]:
    """For each exercise of the latest programme from today on, what it may be swapped for: the
    catalogue's regressions and progressions first, then exercises for the same aim."""
    found = adjustments.options(db, actor, runner_id, dt.date.today())
    return {ex: [SwapOptionOut(**o.__dict__) for o in opts] for ex, opts in found.items()}
