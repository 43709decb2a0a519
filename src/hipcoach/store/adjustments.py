"""A coach changing a linked runner's programme going forward, and the changes as a history.

Only a coach makes a change (a runner is refused: 403), and only for a runner linked to them (anyone
else's runner looks missing: 404, as every cross-account refusal does). A change starts today or
later: the past sessions and their logs stay as they were. Each change is kept as a row, never edited
(store/models/adjustments.py); store/prescriptions.current_plan applies them all, so the progression
engine, the pages and the API work from the adjusted plan.

A dose change names only what the coach changes; the rest is taken from the dose the engine
prescribes for the first session on the change's day, side by side, so the row says the whole dose
the runner will see (when the sides' doses differ, one row per side, each with the same reason).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from hipcoach.catalog import load_catalog
from hipcoach.iso_date import IsoDate
from hipcoach.plaintext import NoteText, OneLine, shows
from hipcoach.plans import adjust
from hipcoach.plans.adjust import Adjustment, AdjustmentError, Kind, SwapOption
from hipcoach.plans.profile import Band, parse_profile
from hipcoach.plans.rules import load_rules
from hipcoach.store import training
from hipcoach.store.access import require_coach, require_read
from hipcoach.store.errors import Conflict, NotFound
from hipcoach.store.models import Programme, ProgrammeAdjustment, User


class ChangeFields(BaseModel):
    """What a change is, as a coach's request states it and as a backup keeps a stored one."""

    kind: Kind = Field(description="swap, dose, pause, resume, note (a note only), or sessions (per week)")
    exercise_id: str | None = Field(None, max_length=60, description="the programme's exercise to change")
    side: Literal["left", "right", "both"] | None = Field(None, description="one side only; none: every side")
    new_exercise_id: str | None = Field(None, max_length=60, description="swap: the exercise to do instead")
    sets: int | None = Field(None, ge=1, le=adjust.MAX_SETS)
    reps: int | None = Field(None, ge=1, le=adjust.MAX_REPS)
    hold_s: float | None = Field(None, ge=0, le=adjust.MAX_HOLD_S)
    sessions_per_week: int | None = Field(None, ge=adjust.SESSIONS_RANGE[0], le=adjust.SESSIONS_RANGE[1])
    note: NoteText = Field("", max_length=500, description="shown to the runner on the exercise's card")

    def check_kind_needs(self) -> None:
        """The fields every change of its kind has (ValueError names the missing one)."""
        if self.kind == "sessions":
            if self.sessions_per_week is None:
                raise ValueError("a change of sessions per week needs sessions_per_week")
        elif not self.exercise_id:
            raise ValueError(f"a {self.kind} change needs exercise_id")
        if self.kind == "swap" and not self.new_exercise_id:
            raise ValueError("a swap needs new_exercise_id")


class AdjustmentIn(ChangeFields):
    """One change to a runner's programme, from `start_date` (today when left out) on."""

    model_config = ConfigDict(extra="forbid")
    start_date: IsoDate | None = Field(None, description="the first day it applies (today or later)")
    band: Band | Literal["none"] | None = Field(None, description='"none": no band; left out: keep it')
    reason: OneLine = Field(min_length=3, max_length=300, description="why (kept in the history)")

    @model_validator(mode="after")
    def _what_each_kind_needs(self) -> AdjustmentIn:
        self.check_kind_needs()
        if self.kind == "note" and not shows(self.note):
            raise ValueError("a note change needs the note")
        if self.kind == "dose" and all(v is None for v in (self.sets, self.reps, self.hold_s, self.band)):
            raise ValueError("a dose change needs at least one of sets, reps, hold_s and band")
        known = load_catalog().exercises
        for name in ("exercise_id", "new_exercise_id"):
            value = getattr(self, name)
            if value is not None and value not in known:
                raise ValueError(f"{name}: unknown exercise; known ids: {', '.join(known)}")
        return self


def as_adjustment(row: ProgrammeAdjustment) -> Adjustment:
    made = Adjustment(
        id=row.id, kind=row.kind, start=row.start_date, reason=row.reason, exercise_id=row.exercise_id,
        side=row.side, new_exercise_id=row.new_exercise_id, sets=row.sets, reps=row.reps, hold_s=row.hold_s,
        band=row.band, sessions_per_week=row.sessions_per_week, note=row.note, coach=row.coach_name,
        made_at=row.created_at,
    )  # fmt: skip
    return replace(made, words=made.summary(load_catalog()))


def for_programme(db: Session, programme: Programme) -> list[Adjustment]:
    """The programme's changes in the order made. No access check: for store/prescriptions, which has
    checked the actor already."""
    query = select(ProgrammeAdjustment).where(ProgrammeAdjustment.programme_id == programme.id)
    return [as_adjustment(r) for r in db.scalars(query.order_by(ProgrammeAdjustment.id))]


def history(db: Session, actor: User, runner_id: int) -> list[ProgrammeAdjustment]:
    """Every change to the runner's programmes, newest first (the runner, or a linked coach)."""
    require_read(db, actor, runner_id)
    query = select(ProgrammeAdjustment).where(ProgrammeAdjustment.user_id == runner_id)
    return list(db.scalars(query.order_by(ProgrammeAdjustment.id.desc())))


def _target(db: Session, actor: User, runner_id: int) -> Programme:
    require_coach(actor, "change a runner's programme")
    require_read(db, actor, runner_id)
    programme = training.latest_programme(db, actor, runner_id)
    if programme is None:
        raise NotFound(
            f"Runner {runner_id} has no programme yet.", "They make one by answering the questions."
        )
    return programme


def adjust_programme(
    db: Session, actor: User, runner_id: int, change: AdjustmentIn, today: dt.date
) -> list[ProgrammeAdjustment]:
    """Keep one change to the runner's latest programme (or one row per side, see the module's
    docstring), after checking it fits the programme as already changed; returns the rows made."""
    from hipcoach.store.prescriptions import current_plan  # it reads this module's rows

    programme = _target(db, actor, runner_id)
    start = change.start_date or today
    if start < today:
        raise Conflict(
            f"A change starts today or later, not {start.isoformat()}.",
            "Past sessions stay as they were done; pick today or a later day.",
        )
    current = current_plan(db, actor, programme)
    catalog, rules = load_catalog(), load_rules()
    fields = _doses(change, start, current, catalog, rules)
    existing = for_programme(db, programme)
    rows = []
    for n, values in enumerate(fields):
        row = ProgrammeAdjustment(
            programme_id=programme.id, user_id=runner_id, coach_id=actor.id, coach_name=actor.display_name,
            kind=change.kind, start_date=start, exercise_id=change.exercise_id,
            new_exercise_id=change.new_exercise_id,
            sessions_per_week=change.sessions_per_week, note=change.note, reason=change.reason, **values,
        )  # fmt: skip
        proposed = Adjustment(
            **{**as_adjustment(row).__dict__, "id": (existing[-1].id if existing else 0) + n + 1}
        )
        existing.append(proposed)
        rows.append(row)
    running = _running(programme) if any(a.kind == "sessions" for a in existing) else None
    try:
        adjust.apply(current.original, existing, catalog, rules, running)
    except AdjustmentError as exc:
        raise Conflict(
            str(exc), "Nothing was changed; look at the programme as it stands and try again."
        ) from None
    for row in rows:
        db.add(row)
    db.flush()
    return rows


def _doses(change: AdjustmentIn, start: dt.date, current, catalog, rules) -> list[dict]:
    """The dose columns of the row(s) to keep: {} for a change without a dose; for a swap the coach's
    values over the new exercise's fresh start; for a dose change the coach's values over what the
    engine prescribes on the day, per side (one dict per side when they differ)."""
    band = None if change.band == "none" else change.band
    given = {"sets": change.sets, "reps": change.reps, "hold_s": change.hold_s}
    if change.kind == "swap":
        base = adjust.default_swap_dose(catalog.exercise(change.new_exercise_id), current.original, rules)
        out = {**base, **{k: v for k, v in given.items() if v is not None}}
        if change.band is not None:
            out["band"] = band
        return [{**out, "side": None}]
    if change.kind != "dose":
        return [{"side": change.side}]
    doses = _engine_doses(current, change.exercise_id, change.side, start)
    if not doses:
        name = catalog.exercise(change.exercise_id).name.lower()
        raise Conflict(f"The programme has no {name} from {start.isoformat()} on.", "Pick one it has.")
    filled = {}
    for side, dose in doses.items():
        values = {"sets": dose.sets, "reps": dose.reps, "hold_s": dose.hold_s, "band": dose.band}
        values |= {k: v for k, v in given.items() if v is not None}
        if change.band is not None:
            values["band"] = band
        filled[side] = values
    if change.side is None and len({tuple(v.items()) for v in filled.values()}) == 1:
        return [{**next(iter(filled.values())), "side": None}]
    return [{**v, "side": side} for side, v in sorted(filled.items())]


def _engine_doses(current, exercise_id: str, side: str | None, start: dt.date) -> dict:
    """Side -> the dose the engine prescribes for the plan's exercise (its slot: the engine may have
    swapped it for its regression) at the first session from `start`."""
    out = {}
    for week in current.stored.weeks:
        for session in week.sessions:
            if session.date < start:
                continue
            adapted = current.adaptation.session(session.uid)
            for a in adapted.items if adapted else ():
                if a.slot == exercise_id and side in (None, a.dose.side):
                    out.setdefault(a.dose.side, a.dose)
    return out


def _running(programme: Programme):
    return parse_profile(programme.profile_snapshot).running


def options(db: Session, actor: User, runner_id: int, today: dt.date) -> dict[str, list[SwapOption]]:
    """For each exercise of the runner's latest programme from today on, what a coach may swap it for
    (plans/adjust.swap_options), leaving out the exercises the programme already has then. The runner
    and a linked coach may read it; only the coach may make the swap."""
    from hipcoach.store.prescriptions import current_plan  # it reads this module's rows

    require_read(db, actor, runner_id)
    programme = training.latest_programme(db, actor, runner_id)
    if programme is None:
        return {}
    plan = current_plan(db, actor, programme).stored
    ahead = [i.exercise_id for w in plan.weeks for s in w.sessions if s.date >= today for i in s.items]
    taken = sorted(set(ahead))
    catalog = load_catalog()
    return {ex: adjust.swap_options(catalog, ex, taken) for ex in dict.fromkeys(ahead)}
