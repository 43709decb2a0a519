"""A runner's JSON backup, and importing one back without duplicating or overwriting anything saved.

Import is safe to repeat: set logs match on their client keys, check-ins on their date (a saved
check-in is kept), programmes on their plan id and plan; a profile is restored only when none is saved.
"""

from __future__ import annotations

import datetime as dt
import json

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hipcoach.errors import UserError
from hipcoach.plans.programme import Plan
from hipcoach.store.access import require_runner
from hipcoach.store.inputs import CheckInIn, SetLogIn
from hipcoach.store.models import CheckIn, Programme, RunnerProfile, User
from hipcoach.store.training import list_checkins, list_programmes, list_set_logs, log_set, save_profile
from hipcoach.store.videos import list_analyses

SCHEMA = "hipcoach.backup/1"


class BackupProgramme(BaseModel):
    model_config = ConfigDict(extra="forbid")
    profile_snapshot: dict
    plan: dict


class BackupCheckIn(CheckInIn):
    date: dt.date


class Backup(BaseModel):
    model_config = ConfigDict(extra="ignore")
    schema_version: str = Field(pattern=r"^hipcoach\.backup/1$")
    profile: dict | None = None
    programmes: list[BackupProgramme] = []
    set_logs: list[dict] = []
    checkins: list[BackupCheckIn] = []


class ImportCounts(BaseModel):
    profile: int = 0
    programmes: int = 0
    set_logs: int = 0
    checkins: int = 0


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
    }


def import_backup(db: Session, actor: User, raw: dict) -> ImportCounts:
    """Check the whole file first, then add what is missing; a bad file changes nothing."""
    require_runner(actor, "import a backup")
    try:
        backup = Backup.model_validate(raw)
        sets = [SetLogIn.model_validate(s) for s in backup.set_logs]
        for p in backup.programmes:
            Plan.model_validate(p.plan)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise UserError(f"Not a hipcoach backup this version can read: {where}: {first['msg']}") from None
    counts = ImportCounts()
    if (
        backup.profile is not None
        and db.scalar(select(RunnerProfile.id).where(RunnerProfile.user_id == actor.id)) is None
    ):
        save_profile(db, actor, backup.profile)
        counts.profile = 1
    have = {(p.plan_id, _key(p.plan)) for p in list_programmes(db, actor, actor.id)}
    for p in backup.programmes:
        plan = Plan.model_validate(p.plan)
        if (plan.plan_id, _key(p.plan)) not in have:
            db.add(
                Programme(
                    user_id=actor.id,
                    plan_id=plan.plan_id,
                    start_date=plan.start_date,
                    profile_snapshot=p.profile_snapshot,
                    plan=p.plan,
                )
            )
            have.add((plan.plan_id, _key(p.plan)))
            counts.programmes += 1
    for entry in sets:
        _, created = log_set(db, actor, entry)
        counts.set_logs += created
    saved_days = {c.date for c in list_checkins(db, actor, actor.id)}
    for c in backup.checkins:
        if c.date not in saved_days:
            db.add(CheckIn(user_id=actor.id, date=c.date, pain=c.pain, note=c.note))
            counts.checkins += 1
    db.flush()
    return counts


def _key(plan: dict) -> str:
    return json.dumps(plan, sort_keys=True)


def _json(value):
    return value.isoformat() if isinstance(value, dt.date) else value
