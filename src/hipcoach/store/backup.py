"""A runner's JSON backup, and importing one back without duplicating or overwriting anything saved.

Import is safe to repeat: set logs match on their client keys, check-ins on their date (a saved
check-in is kept), programmes on their plan id and plan; a profile is restored only when none is saved.
What comes back of the runner's coach (notes, programme changes) follows the rules of store.backup_coach.

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
from dataclasses import dataclass

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
)
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from hipcoach.catalog import load_catalog
from hipcoach.errors import UserError
from hipcoach.iso_date import IsoDate, json_value
from hipcoach.plans.profile import parse_profile, sensible_start
from hipcoach.plans.programme import Plan
from hipcoach.store.access import require_runner
from hipcoach.store.backup_coach import (
    BackupAdjustment,
    BackupNote,
    check_adjustments,
    export_adjustments,
    export_notes,
    import_adjustments,
    import_notes,
)
from hipcoach.store.database import Database
from hipcoach.store.errors import Conflict
from hipcoach.store.inputs import CheckInIn, SetLogIn
from hipcoach.store.models import CheckIn, Programme, RunnerProfile, SetLog, User
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
            {f: json_value(getattr(s, f)) for f in sorted(fields)} for s in list_set_logs(db, actor, actor.id)
        ],
        "checkins": [
            {"date": c.date.isoformat(), "pain": c.pain, "note": c.note}
            for c in list_checkins(db, actor, actor.id)
        ],
        "analyses": [
            {"kind": a.kind, "target": a.target, "status": a.status, "report": a.report}
            for a in list_analyses(db, actor, actor.id, limit=10_000)
        ],
        "notes": export_notes(db, actor),
        "adjustments": export_adjustments(db, actor, programmes),
    }


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
        backup = _one(Backup, raw)
        sets = [_one(SetLogIn, entry, ("set_logs", n)) for n, entry in enumerate(backup.set_logs)]
        plans = [(p, _one(Plan, p.plan, ("programmes", n, "plan"))) for n, p in enumerate(backup.programmes)]
    except _Refused as exc:
        raise UserError(f"Not a hipcoach backup this version can read: {exc.where}: {exc.msg}") from None
    profile = None
    if backup.profile is not None:
        try:
            profile = parse_profile(backup.profile, source="The backup's profile").model_dump(mode="json")
        except UserError as exc:
            raise UserError(f"Not a hipcoach backup this version can read: {exc.message}") from None
    known = load_catalog().exercises
    for n, (_, plan) in enumerate(plans):
        _check_plan(f"programmes.{n}.plan", plan, known)
    check_adjustments(backup.adjustments, [(p.profile_snapshot, plan) for p, plan in plans], known)
    keys: dict[str, SetLogIn] = {}
    for n, entry in enumerate(sets):
        twin = keys.setdefault(entry.client_key, entry)
        if twin is not entry and _same_set(twin) != _same_set(entry):
            raise UserError(
                f"Not a hipcoach backup this version can read: set_logs.{n}.client_key: "
                f"{entry.client_key!r} is used for two different sets."
            )
    return CheckedBackup(backup, profile, plans, sets)


class _Refused(Exception):
    def __init__(self, where: str, msg: str) -> None:
        super().__init__(where, msg)
        self.where, self.msg = where, msg


def _one(model, value, place: tuple = ()):
    """`model` read from `value`; the first error names its place in the file (set_logs.37.date)."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise _Refused(".".join(str(x) for x in (*place, *first["loc"])), first["msg"]) from None


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
    counts.notes = import_notes(db, actor, checked.backup.notes)
    db.flush()
    counts.adjustments = import_adjustments(db, actor, rows, checked.backup.adjustments)
    db.flush()
    return counts


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
