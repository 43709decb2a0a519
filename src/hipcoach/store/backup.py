"""A runner's JSON backup, and importing one back without duplicating or overwriting anything saved.

Import is safe to repeat: set logs match on their client keys, check-ins on their date (a saved
check-in is kept), programmes on their plan id and plan; a profile is restored only when none is saved.

Notes with coaches are exported both ways. On import only the runner's own notes come back, into the
thread with a coach they are linked to now (matched by the coach's email), each once: a coach's words
are not taken from a file the runner could have edited, and a thread with someone no longer linked
stays closed.

A coach's changes to the runner's programmes come back with the programme they change, so the
programme the runner follows is the one their coach adjusted, when the saved programme has no changes
of its own (a saved programme's changes are kept as they are; a re-import adds none twice). Who made
a change is kept as its text, the coach's name: the row is linked to no account on import, as the file
is the runner's and nothing in it proves a coach here made it.

The whole file is checked before anything is written (every plan names exercises in the catalogue,
every date is one a programme could have), so a bad file changes nothing. A backup may hold years of
sets, tens of thousands of rows: `import_backup_in_batches` writes them a bounded batch per
transaction, so other writers (a set logged meanwhile) get their turn between batches rather than
waiting for the whole import. A crash between batches leaves a prefix, which the next import of the
same file completes (it adds only what is missing).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from typing import Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hipcoach.catalog import load_catalog
from hipcoach.errors import UserError
from hipcoach.iso_date import IsoDate
from hipcoach.plaintext import NoteText, OneLine
from hipcoach.plans import adjust
from hipcoach.plans.profile import Band, parse_profile, sensible_start
from hipcoach.plans.programme import Plan
from hipcoach.plans.rules import load_rules
from hipcoach.store.access import require_runner
from hipcoach.store.adjustments import ChangeFields, as_adjustment
from hipcoach.store.coaching import coaches
from hipcoach.store.database import Database
from hipcoach.store.errors import Conflict
from hipcoach.store.inputs import CheckInIn, SetLogIn
from hipcoach.store.models import CheckIn, Note, Programme, ProgrammeAdjustment, RunnerProfile, SetLog, User
from hipcoach.store.models.notes import NOTE_MAX_CHARS
from hipcoach.store.training import _SAME_SET, list_checkins, list_programmes, list_set_logs, save_profile
from hipcoach.store.videos import list_analyses

SCHEMA = "hipcoach.backup/1"
BATCH_SIZE = 500  # sets per write transaction: a few milliseconds of the writers' turn each


class BackupProgramme(BaseModel):
    model_config = ConfigDict(extra="forbid")
    profile_snapshot: dict
    plan: dict


class BackupCheckIn(CheckInIn):
    date: IsoDate


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


class Backup(BaseModel):
    model_config = ConfigDict(extra="ignore")
    schema_version: str = Field(pattern=r"^hipcoach\.backup/1$")
    profile: dict | None = None
    programmes: list[BackupProgramme] = []
    set_logs: list[dict] = []
    checkins: list[BackupCheckIn] = []
    notes: list[BackupNote] = []
    adjustments: list[BackupAdjustment] = []


class ImportCounts(BaseModel):
    profile: int = 0
    programmes: int = 0
    set_logs: int = 0
    checkins: int = 0
    notes: int = 0
    adjustments: int = 0


def export_backup(db: Session, actor: User) -> dict:
    require_runner(actor, "export a backup of their own data")
    profile = db.scalar(select(RunnerProfile).where(RunnerProfile.user_id == actor.id))
    programmes = list(reversed(list_programmes(db, actor, actor.id)))
    fields = set(SetLogIn.model_fields) - {"programme_id"}
    return {
        "schema_version": SCHEMA,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "profile": profile.data if profile else None,
        "programmes": [{"profile_snapshot": p.profile_snapshot, "plan": p.plan} for p in programmes],
        "set_logs": [
            {f: _json(getattr(s, f)) for f in sorted(fields)} for s in list_set_logs(db, actor, actor.id)
        ],
        "checkins": [
            {"date": c.date.isoformat(), "pain": c.pain, "note": c.note}
            for c in list_checkins(db, actor, actor.id)
        ],
        "analyses": [
            {"kind": a.kind, "target": a.target, "status": a.status, "report": a.report}
            for a in list_analyses(db, actor, actor.id, limit=10_000)
        ],
        "notes": _export_notes(db, actor),
        "adjustments": _export_adjustments(db, actor, programmes),
    }


def _export_adjustments(db: Session, actor: User, programmes: list[Programme]) -> list[dict]:
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
         **{f: _json(getattr(a, f)) for f in sorted(_ADJUSTMENT_FIELDS)}}
        for a, email in db.execute(query.order_by(ProgrammeAdjustment.id))
        if a.programme_id in place
    ]  # fmt: skip


def _export_notes(db: Session, actor: User) -> list[dict]:
    """Every note of the runner's threads (with coaches linked now or before), oldest first."""
    query = select(Note, User.email).join(User, User.id == Note.coach_id).where(Note.athlete_id == actor.id)
    return [
        {"coach_email": email, "author": "runner" if n.author_id == actor.id else "coach", "body": n.body,
         "created_at": n.created_at.isoformat()}
        for n, email in db.execute(query.order_by(Note.id))
    ]  # fmt: skip


@dataclass
class CheckedBackup:
    """A backup file read and checked whole: nothing in it can be refused once writing starts."""

    backup: Backup
    profile: dict | None
    plans: list[tuple[BackupProgramme, Plan]]
    sets: list[SetLogIn]


def check_backup(raw: dict) -> CheckedBackup:
    """Every part of the file, validated; UserError naming the first problem, before any write."""
    try:
        backup = Backup.model_validate(raw)
        sets = [SetLogIn.model_validate(s) for s in backup.set_logs]
        plans = [(p, Plan.model_validate(p.plan)) for p in backup.programmes]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise UserError(f"Not a hipcoach backup this version can read: {where}: {first['msg']}") from None
    profile = None
    if backup.profile is not None:
        try:
            profile = parse_profile(backup.profile, source="The backup's profile").model_dump(mode="json")
        except UserError as exc:
            raise UserError(f"Not a hipcoach backup this version can read: {exc.message}") from None
    known = load_catalog().exercises
    for n, (_, plan) in enumerate(plans):
        _check_plan(f"programmes.{n}.plan", plan, known)
    _check_adjustments(backup, plans, known)
    keys: dict[str, SetLogIn] = {}
    for n, entry in enumerate(sets):
        twin = keys.setdefault(entry.client_key, entry)
        if twin is not entry and _same_set(twin) != _same_set(entry):
            raise UserError(
                f"Not a hipcoach backup this version can read: set_logs.{n}.client_key: "
                f"{entry.client_key!r} is used for two different sets."
            )
    return CheckedBackup(backup, profile, plans, sets)


def _check_plan(where: str, plan: Plan, known) -> None:
    """A plan restored from a file is shown and adapted later: it must name exercises the catalogue
    has, and its days must be ones a programme could start on."""
    try:
        sensible_start(plan.start_date)
    except ValueError as exc:
        raise UserError(f"Not a hipcoach backup this version can read: {where}.start_date: {exc}") from None
    last = plan.start_date + dt.timedelta(weeks=len(plan.weeks) + 1)
    for week in plan.weeks:
        for session in week.sessions:
            if not plan.start_date - dt.timedelta(days=7) <= session.date <= last:
                raise UserError(
                    f"Not a hipcoach backup this version can read: {where}: session {session.uid!r} "
                    f"on {session.date.isoformat()} lies outside its programme's weeks."
                )
            for item in session.items:
                if item.exercise_id not in known:
                    raise UserError(
                        f"Not a hipcoach backup this version can read: {where}: session {session.uid!r} "
                        f"names the unknown exercise {item.exercise_id[:80]!r}.",
                        f"Known exercises: {', '.join(known)}.",
                    )


def _check_adjustments(backup: Backup, plans: list[tuple[BackupProgramme, Plan]], known) -> None:
    """Each change names a programme of the file and exercises the catalogue has, and the changes of
    each programme apply to its plan (a pause of an exercise it lacks would break its pages later)."""
    bad = "Not a hipcoach backup this version can read: adjustments"
    made: dict[int, list] = {}
    for n, a in enumerate(backup.adjustments):
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
        snapshot = plans[index][0].profile_snapshot
        try:
            running = parse_profile(snapshot).running if any(c.kind == "sessions" for c in changes) else None
            adjust.apply(plans[index][1], changes, catalog, rules, running)
        except (adjust.AdjustmentError, UserError, ValueError) as exc:
            raise UserError(f"{bad}: a change to programme {index} does not fit it: {exc}") from None


def import_backup(db: Session, actor: User, raw: dict) -> ImportCounts:
    """The whole import in the caller's one transaction (small files, the CLI's and tests' use);
    the web app imports with `import_backup_in_batches`."""
    require_runner(actor, "import a backup")
    checked = check_backup(raw)
    _check_programme_ids(db, actor, checked.sets)
    _check_against_saved(db, actor, checked.sets, BATCH_SIZE)
    counts = _import_records(db, actor, checked)
    for start in range(0, len(checked.sets), BATCH_SIZE):
        counts.set_logs += _import_sets(db, actor, checked.sets[start : start + BATCH_SIZE])
    return counts


def import_backup_in_batches(
    database: Database, actor: User, raw: dict, batch_size: int = BATCH_SIZE, on_batch=None
) -> ImportCounts:
    """Check the whole file, and it against what is saved (read-only, outside the writers' turn),
    then write a batch of sets per write transaction. `on_batch(sets_done)`, if given, is called
    after each batch has been committed (progress; tests act on it while an import is under way)."""
    require_runner(actor, "import a backup")
    checked = check_backup(raw)  # no transaction held: CPU work only
    with database.transaction(write=False) as db:
        _check_programme_ids(db, actor, checked.sets)
        _check_against_saved(db, actor, checked.sets, batch_size)
    with database.transaction() as db:
        counts = _import_records(db, actor, checked)
    for start in range(0, len(checked.sets), batch_size):
        with database.transaction() as db:
            counts.set_logs += _import_sets(db, actor, checked.sets[start : start + batch_size])
        if on_batch is not None:
            on_batch(min(start + batch_size, len(checked.sets)))
    return counts


def _check_programme_ids(db: Session, actor: User, sets: list[SetLogIn]) -> None:
    named = {s.programme_id for s in sets if s.programme_id is not None}
    if not named:
        return
    own = set(db.scalars(select(Programme.id).where(Programme.user_id == actor.id, Programme.id.in_(named))))
    if named - own:
        raise UserError(
            "Not a hipcoach backup this version can read: set_logs name programme "
            f"{min(named - own)}, which is not among your own data."
        )


def _check_against_saved(db: Session, actor: User, sets: list[SetLogIn], batch_size: int) -> None:
    """A client key already saved for a different set refuses the whole file, before any write."""
    for start in range(0, len(sets), batch_size):
        batch = sets[start : start + batch_size]
        saved = _saved_sets(db, actor, batch)
        for entry in batch:
            row = saved.get(entry.client_key)
            if row is not None and tuple(getattr(row, f) for f in _SAME_SET) != _same_set(entry):
                raise _key_reused(entry)


def _saved_sets(db: Session, actor: User, batch: list[SetLogIn]) -> dict:
    keys = {s.client_key for s in batch}
    columns = (SetLog.client_key, *(getattr(SetLog, f) for f in _SAME_SET))
    query = select(*columns).where(SetLog.user_id == actor.id, SetLog.client_key.in_(keys))
    return {row.client_key: row for row in db.execute(query)}


def _key_reused(entry: SetLogIn) -> Conflict:
    return Conflict(
        f"client_key {entry.client_key!r} was already used for a different set; nothing was imported.",
        "The saved set was kept; remove that set from the file, or change its key.",
    )


def _import_records(db: Session, actor: User, checked: CheckedBackup) -> ImportCounts:
    """The profile, programmes and check-ins: a few rows, in one transaction."""
    counts = ImportCounts()
    if (
        checked.profile is not None
        and db.scalar(select(RunnerProfile.id).where(RunnerProfile.user_id == actor.id)) is None
    ):
        save_profile(db, actor, checked.profile)
        counts.profile = 1
    have = {(p.plan_id, _key(p.plan)): p for p in list_programmes(db, actor, actor.id)}
    rows: list[Programme] = []
    for p, plan in checked.plans:
        key = (plan.plan_id, _key(p.plan))
        if key not in have:
            have[key] = Programme(
                user_id=actor.id,
                plan_id=plan.plan_id,
                start_date=plan.start_date,
                profile_snapshot=p.profile_snapshot,
                plan=p.plan,
            )
            db.add(have[key])
            counts.programmes += 1
        rows.append(have[key])
    saved_days = {c.date for c in list_checkins(db, actor, actor.id)}
    for c in checked.backup.checkins:
        if c.date not in saved_days:
            db.add(CheckIn(user_id=actor.id, date=c.date, pain=c.pain, note=c.note))
            saved_days.add(c.date)
            counts.checkins += 1
    counts.notes = _import_notes(db, actor, checked.backup.notes)
    db.flush()
    counts.adjustments = _import_adjustments(db, actor, rows, checked.backup.adjustments)
    db.flush()
    return counts


def _import_adjustments(
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


def _import_notes(db: Session, actor: User, entries: list[BackupNote]) -> int:
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


def _import_sets(db: Session, actor: User, batch: list[SetLogIn]) -> int:
    """Adds the sets whose client keys are not saved yet, in one statement. Keys are looked up again
    inside this transaction: a set logged since the check is kept, not duplicated."""
    saved = _saved_sets(db, actor, batch)
    new: dict[str, dict] = {}
    for entry in batch:
        if entry.client_key in saved:
            continue
        new.setdefault(entry.client_key, {"user_id": actor.id, **entry.model_dump()})
    if new:
        db.execute(insert(SetLog), list(new.values()))
    return len(new)


def _same_set(entry: SetLogIn) -> tuple:
    return tuple(getattr(entry, f) for f in _SAME_SET)


def _key(plan: dict) -> str:
    return json.dumps(plan, sort_keys=True)


def _json(value):
    return value.isoformat() if isinstance(value, dt.date) else value
