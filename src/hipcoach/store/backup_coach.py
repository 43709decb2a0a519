"""What a runner's backup keeps of their coach: the notes of their threads and the coach's changes to
their programmes, written out with the rest of the backup (store.backup) and read back under rules of
their own, as the file is the runner's.

Notes with coaches are exported both ways. On import only the runner's own notes come back, into the
thread with a coach they are linked to now (matched by the coach's email), each once: a coach's words
are not taken from a file the runner could have edited, and a thread with someone no longer linked
stays closed.

A coach's changes to the runner's programmes come back with the programme they change, so the
programme the runner follows is the one their coach adjusted, when the saved programme has no changes
of its own (a saved programme's changes are kept as they are; a re-import adds none twice). Who made
a change is kept as its text, the coach's name: the row is linked to no account on import, as the file
is the runner's and nothing in it proves a coach here made it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from hipcoach.catalog import load_catalog
from hipcoach.errors import UserError
from hipcoach.iso_date import IsoDate, json_value
from hipcoach.plaintext import NoteText, OneLine
from hipcoach.plans import adjust
from hipcoach.plans.profile import Band, parse_profile
from hipcoach.plans.programme import Plan
from hipcoach.plans.rules import load_rules
from hipcoach.store.adjustments import ChangeFields, as_adjustment
from hipcoach.store.coaching import coaches
from hipcoach.store.models import Note, Programme, ProgrammeAdjustment, User
from hipcoach.store.models.notes import NOTE_MAX_CHARS


class BackupNote(BaseModel):
    model_config = ConfigDict(extra="ignore")
    coach_email: str = Field(max_length=254)
    author: Literal["runner", "coach"]
    body: NoteText = Field(max_length=NOTE_MAX_CHARS)
    created_at: AwareDatetime

    @field_validator("body")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value:
            raise ValueError("is empty")
        return value


class BackupAdjustment(ChangeFields):
    """A coach's change to the file's programme number `programme` (0: the first, oldest), as stored."""

    model_config = ConfigDict(extra="ignore")
    programme: int = Field(ge=0)
    coach_name: OneLine = Field(min_length=1, max_length=80)
    coach_email: str | None = Field(None, max_length=254)
    start_date: IsoDate
    band: Band | None = None
    reason: OneLine = Field(min_length=1, max_length=300)
    created_at: AwareDatetime

    @model_validator(mode="after")
    def _what_each_kind_needs(self) -> BackupAdjustment:
        self.check_kind_needs()
        return self

    def row(self, programme_id: int, user_id: int) -> ProgrammeAdjustment:
        values = self.model_dump(exclude={"programme", "coach_email"})
        return ProgrammeAdjustment(programme_id=programme_id, user_id=user_id, coach_id=None, **values)


_ADJUSTMENT_FIELDS = tuple(set(BackupAdjustment.model_fields) - {"programme", "coach_email"})


def export_adjustments(db: Session, actor: User, programmes: list[Programme]) -> list[dict]:
    """Every change a coach made to the runner's programmes, in the order made, each naming its
    programme by its place in the file's list; the coach's email while their account exists."""
    place = {p.id: n for n, p in enumerate(programmes)}
    query = (
        select(ProgrammeAdjustment, User.email)
        .outerjoin(User, User.id == ProgrammeAdjustment.coach_id)
        .where(ProgrammeAdjustment.user_id == actor.id)
    )
    return [
        {"programme": place[a.programme_id], "coach_email": email,
         **{f: json_value(getattr(a, f)) for f in sorted(_ADJUSTMENT_FIELDS)}}
        for a, email in db.execute(query.order_by(ProgrammeAdjustment.id))
        if a.programme_id in place
    ]  # fmt: skip


def export_notes(db: Session, actor: User) -> list[dict]:
    """Every note of the runner's threads (with coaches linked now or before), oldest first."""
    query = select(Note, User.email).join(User, User.id == Note.coach_id).where(Note.athlete_id == actor.id)
    return [
        {"coach_email": email, "author": "runner" if n.author_id == actor.id else "coach", "body": n.body,
         "created_at": n.created_at.isoformat()}
        for n, email in db.execute(query.order_by(Note.id))
    ]  # fmt: skip


def check_adjustments(entries: list[BackupAdjustment], plans: list[tuple[dict, Plan]], known) -> None:
    """Each change names a programme of the file and exercises the catalogue has, and the changes of
    each programme apply to its plan (a pause of an exercise it lacks would break its pages later)."""
    bad = "Not a hipcoach backup this version can read: adjustments"
    made: dict[int, list] = {}
    for n, a in enumerate(entries):
        if a.programme >= len(plans):
            raise UserError(f"{bad}.{n}.programme: the file has no programme {a.programme}.")
        for name in ("exercise_id", "new_exercise_id"):
            value = getattr(a, name)
            if value is not None and value not in known:
                raise UserError(f"{bad}.{n}.{name}: the unknown exercise {value[:80]!r}.")
        made.setdefault(a.programme, []).append(as_adjustment(a.row(0, 0)))
    catalog, rules = load_catalog(), load_rules()
    for index, changes in made.items():
        changes = [replace(c, id=n + 1) for n, c in enumerate(changes)]
        snapshot = plans[index][0]
        try:
            running = parse_profile(snapshot).running if any(c.kind == "sessions" for c in changes) else None
            adjust.apply(plans[index][1], changes, catalog, rules, running)
        except (adjust.AdjustmentError, UserError, ValueError) as exc:
            raise UserError(f"{bad}: a change to programme {index} does not fit it: {exc}") from None


def import_adjustments(
    db: Session, actor: User, programmes: list[Programme], entries: list[BackupAdjustment]
) -> int:
    """The file's changes, to each of its programmes whose saved row has no changes yet (a programme
    just added, or one saved from a file without them), in the order they were made."""
    changed = set(
        db.scalars(
            select(ProgrammeAdjustment.programme_id).where(
                ProgrammeAdjustment.programme_id.in_({p.id for p in programmes})
            )
        )
    )
    first: dict[int, int] = {}  # a programme twice in the file takes the changes of its first entry
    for n, programme in enumerate(programmes):
        first.setdefault(programme.id, n)
    added = 0
    for entry in entries:
        programme = programmes[entry.programme]
        if programme.id not in changed and first[programme.id] == entry.programme:
            db.add(entry.row(programme.id, actor.id))
            added += 1
    return added


def import_notes(db: Session, actor: User, entries: list[BackupNote]) -> int:
    """The runner's own notes to coaches linked now; a note already in the thread is not added again."""
    linked = {c.email.lower(): c.id for c in coaches(db, actor)}
    saved = {
        (n.coach_id, n.created_at, n.body)
        for n in db.scalars(select(Note).where(Note.athlete_id == actor.id, Note.author_id == actor.id))
    }
    added = 0
    for entry in entries:
        coach_id = linked.get(entry.coach_email.lower())
        key = (coach_id, entry.created_at.astimezone(dt.UTC), entry.body)
        if entry.author != "runner" or coach_id is None or key in saved:
            continue
        db.add(Note(athlete_id=actor.id, coach_id=coach_id, author_id=actor.id, body=entry.body,
                    created_at=entry.created_at, read_at=None))  # fmt: skip
        saved.add(key)
        added += 1
    return added
