"""Sets the camera counted: an analysed clip's reps added to today's session, the sets an analysis
counted, and the camera-counted sets with their reports for the movement-quality figures.

A clip is one set per side: the reps the analysis counted on a side become that side's set. Its key is
made from the analysis id and the side, so adding the same clip again logs nothing more, whatever pain
is tapped the second time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from hipcoach.catalog import load_catalog
from hipcoach.store import training
from hipcoach.store.access import readable, require_read, require_runner
from hipcoach.store.errors import Conflict, NotFound
from hipcoach.store.models import Analysis, SetLog, User
from hipcoach.store.prescriptions import current_plan

SIDES = ("left", "right", "both")
CLIP_SET = 1  # a clip is one set per side; the number is part of its key, so a second click reuses it


class ClipPainIn(BaseModel):
    """What the runner adds to a clip's counts before they are logged: the camera cannot feel pain."""

    model_config = ConfigDict(extra="forbid")
    pain_during: int = Field(ge=0, le=10, description="pain during the set, 0-10")
    effort: int | None = Field(None, ge=0, le=10, description="effort, 0-10")


class NoSessionToday(Conflict):
    """Today's session of the current programme has no such exercise (or there is no session today)."""


@dataclass
class AddedToSession:
    """What adding a clip did: the sets logged now, those an earlier click (or the live set) already
    logged, and each side the clip had reps on that today's session has no slot for."""

    session_uid: str
    date: dt.date
    logged: list[SetLog] = field(default_factory=list)
    already: list[SetLog] = field(default_factory=list)
    no_slot: list[str] = field(default_factory=list)


def clip_key(analysis_id: int, side: str, set_index: int = CLIP_SET) -> str:
    return f"clip-{analysis_id}-{side}-{set_index}"


def counted_per_side(report: dict) -> dict[str, tuple[int, float]]:
    """(counted reps, mean hold in s) per side the analysis counted reps on; partial reps are left out,
    as they are in the report's own count."""
    out = {}
    for side in SIDES:
        reps = [r for r in report.get("reps") or [] if r.get("side") == side and r.get("counted")]
        if reps:
            holds = [float(r["hold_s"]) for r in reps if r.get("hold_s") is not None]
            out[side] = (len(reps), round(sum(holds) / len(holds), 1) if holds else 0.0)
    return out


def add_to_today(
    db: Session, actor: User, analysis_id: int, pain: ClipPainIn, today: dt.date
) -> AddedToSession:
    """Log an analysed clip's reps per side (and hold) in today's session of the runner's latest
    programme, each set linked to the analysis. The band is the one the session prescribes: the clip
    cannot tell a band's colour, and the runner can correct the set like any other."""
    require_runner(actor, "log sets")
    row = db.get(Analysis, analysis_id)
    if row is None or row.user_id != actor.id:
        raise NotFound(f"No analysis {analysis_id} among your own analyses.")
    training.check_counting_analysis(db, actor, analysis_id, row.target)
    exercise = row.target
    programme = training.latest_programme(db, actor, actor.id)
    if programme is None:
        raise NoSessionToday("You have no programme yet, so there is no session to add the reps to.",
                             "Answer the screening questions to get a programme.")  # fmt: skip
    current = current_plan(db, actor, programme)
    session = next((s for w in current.stored.weeks for s in w.sessions if s.date == today), None)
    adapted = current.adaptation.session(session.uid) if session else None
    items = adapted.items if adapted else []
    slots = {a.dose.side: a for a in items if a.exercise_id == exercise}
    name = load_catalog().exercise(exercise).name
    if not slots:
        where = "Today's session has no" if session else "Your programme has no session today, so no"
        raise NoSessionToday(
            f"{where} {name.lower()}: nothing was logged.",
            "The report stays here; log the set by hand on the session it belongs to.",
        )
    out = AddedToSession(session_uid=session.uid, date=today)
    for side, (reps, hold) in counted_per_side(row.report or {}).items():
        slot = slots.get(side)
        if slot is None:
            out.no_slot.append(side)
            continue
        earlier = _logged_from(db, actor, analysis_id, side)
        if earlier is not None:
            out.already.append(earlier)
            continue
        entry = training.CountedSetLogIn(
            client_key=clip_key(analysis_id, side), date=today, exercise_id=exercise, side=side,
            set_number=min(20, _sets_on(db, actor, today, exercise, side) + 1), reps=min(reps, 200),
            hold_s=min(hold, 600.0), band=slot.dose.band, pain_during=pain.pain_during, effort=pain.effort,
            programme_id=programme.id, session_uid=session.uid, analysis_id=analysis_id,
        )  # fmt: skip
        saved, created = training.log_set(db, actor, entry)
        (out.logged if created else out.already).append(saved)
    return out


def _logged_from(db: Session, actor: User, analysis_id: int, side: str) -> SetLog | None:
    """A set of this side already counted by the analysis: this clip's own key (even if that set was
    removed since: adding again must not bring it back), or a live set linked to it."""
    own = db.scalar(
        select(SetLog).where(SetLog.user_id == actor.id, SetLog.client_key == clip_key(analysis_id, side))
    )
    if own is not None:
        return own
    return db.scalar(
        select(SetLog)
        .where(
            SetLog.user_id == actor.id,
            SetLog.analysis_id == analysis_id,
            SetLog.side == side,
            SetLog.replaced_at.is_(None),
        )
        .limit(1)
    )


def _sets_on(db: Session, actor: User, day: dt.date, exercise: str, side: str) -> int:
    return len(
        list(
            db.scalars(
                select(SetLog.id).where(
                    SetLog.user_id == actor.id,
                    SetLog.date == day,
                    SetLog.exercise_id == exercise,
                    SetLog.side == side,
                    SetLog.replaced_at.is_(None),
                )
            )
        )
    )


def sets_counted_by(db: Session, actor: User, analysis_id: int) -> list[SetLog]:
    """The current sets this analysis counted, for its report page (the runner's or a linked coach's)."""
    analysis = readable(db, actor, Analysis, analysis_id, "analysis")
    query = select(SetLog).where(
        SetLog.user_id == analysis.user_id, SetLog.analysis_id == analysis_id, SetLog.replaced_at.is_(None)
    )
    return list(db.scalars(query.order_by(SetLog.date, SetLog.side, SetLog.set_number)))


@dataclass(frozen=True)
class CountedSet:
    date: dt.date
    exercise_id: str
    side: str
    analysis_id: int


def camera_counted(db: Session, actor: User, runner_id: int) -> tuple[list[CountedSet], dict[int, dict]]:
    """The runner's current camera-counted sets and the reports of the analyses that counted them."""
    require_read(db, actor, runner_id)
    rows: list[Row] = list(
        db.execute(
            select(SetLog.date, SetLog.exercise_id, SetLog.side, SetLog.analysis_id)
            .where(SetLog.user_id == runner_id, SetLog.replaced_at.is_(None), SetLog.analysis_id.is_not(None))
            .order_by(SetLog.date)
        )
    )
    sets = [CountedSet(*r) for r in rows]
    ids = {s.analysis_id for s in sets}
    reports = {}
    if ids:
        query = select(Analysis.id, Analysis.report).where(
            Analysis.id.in_(ids), Analysis.user_id == runner_id
        )
        reports = {i: r or {} for i, r in db.execute(query)}
    return sets, reports
