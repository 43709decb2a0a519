"""A runner's profile, programmes, set logs and check-ins; every query takes the acting user."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import Field
from sqlalchemy import Row, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hipcoach.catalog import load_catalog
from hipcoach.errors import UserError
from hipcoach.plans.profile import Profile, parse_profile
from hipcoach.plans.programme import Plan, ReferralNeeded, build_plan
from hipcoach.plans.rules import load_rules
from hipcoach.store.access import readable, require_read, require_runner
from hipcoach.store.errors import Conflict, NotFound
from hipcoach.store.inputs import CheckInIn, SetCorrectionIn, SetLogIn
from hipcoach.store.models import Analysis, CheckIn, Programme, RunnerProfile, SetLog, User
from hipcoach.store.types import utcnow
from hipcoach.tracking.summary import LoggedSet


class ReferralInstead(Conflict):
    """Screening found a red flag: no programme was made."""


class CountedSetLogIn(SetLogIn):
    """A set as the API and the set form send it: it may name the analysis (a live camera set or an
    uploaded clip) that counted its reps and hold. Kept apart from SetLogIn, which backups also read:
    a backup does not restore analyses under their old ids, so a restored set must not name one."""

    analysis_id: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="the analysis that counted this set (camera-counted): a finished analysis of your "
        "own of this exercise, else 422",
    )


class AnalysisNotUsable(UserError):
    """The named analysis cannot back this set (answered 422, naming the field `analysis_id`)."""

    field = "analysis_id"


def save_profile(db: Session, actor: User, raw: dict) -> RunnerProfile:
    require_runner(actor, "save a profile")
    data = parse_profile(raw, source="profile").model_dump(mode="json")
    row = db.scalar(select(RunnerProfile).where(RunnerProfile.user_id == actor.id))
    if row is None:
        row = RunnerProfile(user_id=actor.id, data=data)
        db.add(row)
    else:
        row.data, row.updated_at = data, utcnow()
    db.flush()
    return row


def get_profile(db: Session, actor: User, runner_id: int) -> Profile:
    require_read(db, actor, runner_id)
    row = db.scalar(select(RunnerProfile).where(RunnerProfile.user_id == runner_id))
    if row is None:
        raise NotFound(
            f"Runner {runner_id} has not saved a profile yet.", "Answer the screening questions first."
        )
    return parse_profile(row.data)


def create_programme(db: Session, actor: User, start_date: dt.date | None = None) -> Programme:
    require_runner(actor, "create a programme")
    profile = get_profile(db, actor, actor.id)
    if start_date is not None:
        profile = profile.model_copy(update={"start_date": start_date})
    try:
        plan = build_plan(profile, load_catalog(), load_rules())
    except ReferralNeeded as exc:
        raise ReferralInstead(str(exc), "No programme was made; please see a clinician first.") from None
    row = Programme(
        user_id=actor.id,
        plan_id=plan.plan_id,
        start_date=plan.start_date,
        profile_snapshot=profile.model_dump(mode="json"),
        plan=plan.model_dump(mode="json"),
    )
    db.add(row)
    db.flush()
    return row


def list_programmes(db: Session, actor: User, runner_id: int) -> list[Programme]:
    require_read(db, actor, runner_id)
    query = select(Programme).where(Programme.user_id == runner_id).order_by(Programme.id.desc())
    return list(db.scalars(query))


def latest_programme(db: Session, actor: User, runner_id: int) -> Programme | None:
    require_read(db, actor, runner_id)
    query = select(Programme).where(Programme.user_id == runner_id).order_by(Programme.id.desc())
    return db.scalar(query.limit(1))


def get_programme(db: Session, actor: User, programme_id: int) -> Programme:
    return readable(db, actor, Programme, programme_id, "programme")


def programme_plan(db: Session, actor: User, programme: Programme) -> Plan:
    """The stored plan, parsed once per process: a stored programme never changes. The cache key names
    the database and the programme's creation time too, as another database (or a restored one) in
    the same process can have a different programme under the same id."""
    require_read(db, actor, programme.user_id)
    key = (str(db.get_bind().url), programme.id, programme.created_at)
    return _parsed_plan(key, lambda: programme.plan)


def _parsed_plan(key: tuple, load) -> Plan:
    plan = _PLANS.get(key)
    if plan is None:
        plan = Plan.model_validate(load())
        if len(_PLANS) >= 256:
            _PLANS.pop(next(iter(_PLANS)))
        _PLANS[key] = plan
    return plan


_PLANS: dict[tuple, Plan] = {}


_SAME_SET = ("date", "exercise_id", "side", "set_number", "reps", "hold_s", "band", "pain_during", "effort")


def log_set(db: Session, actor: User, entry: SetLogIn) -> tuple[SetLog, bool]:
    """Save one set; the same client_key sent again returns the saved set and `False` (not created)."""
    require_runner(actor, "log sets")
    if entry.programme_id is not None:
        owner = db.scalar(select(Programme.user_id).where(Programme.id == entry.programme_id))
        if owner != actor.id:
            raise NotFound(f"No programme {entry.programme_id} among your own data.")
    analysis_id = getattr(entry, "analysis_id", None)
    if analysis_id is not None:
        check_counting_analysis(db, actor, analysis_id, entry.exercise_id)
    existing = _by_key(db, actor, entry.client_key)
    if existing is None:
        try:
            with db.begin_nested():
                row = SetLog(user_id=actor.id, **entry.model_dump())
                db.add(row)
            return row, True
        except IntegrityError:
            existing = _by_key(db, actor, entry.client_key)
            if existing is None:
                raise
    # A plain SetLogIn (a backup's) names no analysis; the same key sent with another link is another set.
    same = all(getattr(existing, f) == getattr(entry, f) for f in _SAME_SET)
    if not same or existing.analysis_id != analysis_id:
        raise Conflict(
            f"client_key {entry.client_key!r} was already used for a different set.",
            "Make a new key for each set; the saved set was not changed.",
        )
    return existing, False


def check_counting_analysis(db: Session, actor: User, analysis_id: int, exercise_id: str) -> Analysis:
    """The analysis a set says it was counted by, if it can be: the acting runner's own (another
    runner's, or none, reads the same, so ids leak nothing), finished, and of the same exercise. A
    set naming an analysis is shown as camera-counted, with a link to its report, so a wrong link
    would put someone else's or another exercise's report behind the runner's numbers."""
    row = db.get(Analysis, analysis_id)
    if row is None or row.user_id != actor.id:
        raise AnalysisNotUsable(
            f"analysis_id: no analysis {analysis_id} among your own analyses.",
            "Log the set without analysis_id, or name an analysis of your own.",
        )
    if row.status != "done":
        raise AnalysisNotUsable(
            f"analysis_id: analysis {analysis_id} is {row.status}, not done; only a finished analysis "
            "can count a set.",
            "Wait until its report is ready, or log the set without it.",
        )
    if row.kind != "exercise" or row.target != exercise_id:
        raise AnalysisNotUsable(
            f"analysis_id: analysis {analysis_id} is of {row.target!r}, not of {exercise_id!r}.",
            "Name the analysis of this exercise, or log the set without it.",
        )
    return row


def _by_key(db: Session, actor: User, key: str) -> SetLog | None:
    return db.scalar(select(SetLog).where(SetLog.user_id == actor.id, SetLog.client_key == key))


# What a listed set carries: every column but the row's creation time and its correction trail.
_LISTED = [c for c in SetLog.__table__.columns if c.name not in ("created_at", "replaced_at", "replaces_id")]
_CURRENT = SetLog.replaced_at.is_(None)


def list_set_logs(
    db: Session, actor: User, runner_id: int, since: dt.date | None = None, until: dt.date | None = None
) -> list[Row]:
    """Read-only rows with SetLog's column names as attributes. A runner's history runs to hundreds of
    sets, and making a tracked ORM object of each was most of the time of the pages that list them."""
    require_read(db, actor, runner_id)
    query = select(*_LISTED).where(SetLog.user_id == runner_id, _CURRENT)
    if since is not None:
        query = query.where(SetLog.date >= since)
    if until is not None:
        query = query.where(SetLog.date <= until)
    return list(db.execute(query.order_by(SetLog.date, SetLog.exercise_id, SetLog.side, SetLog.set_number)))


def logged_sets(db: Session, actor: User, runner_id: int, since: dt.date | None = None) -> list[LoggedSet]:
    """The history (from `since`) as the progress figures read it: only the columns they use, as plain
    tuples."""
    require_read(db, actor, runner_id)
    columns = (getattr(SetLog, f) for f in LoggedSet._fields)
    query = select(*columns).where(SetLog.user_id == runner_id, _CURRENT)
    if since is not None:
        query = query.where(SetLog.date >= since)
    return [LoggedSet._make(row) for row in db.execute(query.order_by(SetLog.date))]


def logged_days(db: Session, actor: User, runner_id: int) -> set[dt.date]:
    require_read(db, actor, runner_id)
    return set(db.scalars(select(SetLog.date).where(SetLog.user_id == runner_id, _CURRENT).distinct()))


def correct_set(db: Session, actor: User, set_id: int, change: SetCorrectionIn, today: dt.date) -> SetLog:
    """Replace a set logged today with what was really done; the old row stays, marked replaced.
    Sending the same correction again (a double tap) returns the correction made the first time."""
    old = _own_set_of_today(db, actor, set_id, today)
    if old.replaced_at is not None:
        newer = db.scalar(select(SetLog).where(SetLog.user_id == actor.id, SetLog.replaces_id == old.id))
        if newer is not None and all(getattr(newer, f) == v for f, v in change.model_dump().items()):
            return newer
        raise Conflict(
            "This set was already corrected or removed.", "Reload the page to see the sets as they are now."
        )
    fields = {c.name: getattr(old, c.name) for c in SetLog.__table__.columns if c.name in _KEPT}
    row = SetLog(**fields, **change.model_dump(), client_key=f"fix-{uuid.uuid4().hex}", replaces_id=old.id)
    old.replaced_at = utcnow()
    db.add(row)
    db.flush()
    return row


def remove_set(db: Session, actor: User, set_id: int, today: dt.date) -> SetLog:
    """Take a set logged today out of the log (kept, marked replaced); removing it again changes nothing."""
    row = _own_set_of_today(db, actor, set_id, today)
    if row.replaced_at is None:
        row.replaced_at = utcnow()
        db.flush()
    return row


# A correction keeps the analysis link: the reps were still counted by it, the runner fixed what it got wrong.
_KEPT = ("user_id", "programme_id", "session_uid", "date", "exercise_id", "side", "set_number", "analysis_id")


def _own_set_of_today(db: Session, actor: User, set_id: int, today: dt.date) -> SetLog:
    require_runner(actor, "correct sets")
    row = db.get(SetLog, set_id)
    if row is None or row.user_id != actor.id:
        raise NotFound(f"No set {set_id} among your own sets.")
    if row.date != today:
        raise Conflict(
            f"Only today's sets can be changed; this one is from {row.date.isoformat()}.",
            "Ask your coach to note a correction to an earlier session.",
        )
    return row


def put_checkin(db: Session, actor: User, date: dt.date, entry: CheckInIn) -> CheckIn:
    """The morning's answer for `date` (the session it follows); answering again corrects it."""
    require_runner(actor, "check in")
    if date > dt.date.today():
        raise UserError(
            f"{date.isoformat()} is in the future.",
            "Check in the morning after the session, for that session.",
        )
    row = db.scalar(select(CheckIn).where(CheckIn.user_id == actor.id, CheckIn.date == date))
    if row is None:
        try:
            with db.begin_nested():
                row = CheckIn(user_id=actor.id, date=date, pain=entry.pain, note=entry.note)
                db.add(row)
            return row
        except IntegrityError:
            row = db.scalar(select(CheckIn).where(CheckIn.user_id == actor.id, CheckIn.date == date))
    row.pain, row.note = entry.pain, entry.note
    db.flush()
    return row


def list_checkins(
    db: Session, actor: User, runner_id: int, since: dt.date | None = None, until: dt.date | None = None
) -> list[CheckIn]:
    require_read(db, actor, runner_id)
    query = select(CheckIn).where(CheckIn.user_id == runner_id)
    if since is not None:
        query = query.where(CheckIn.date >= since)
    if until is not None:
        query = query.where(CheckIn.date <= until)
    return list(db.scalars(query.order_by(CheckIn.date)))
