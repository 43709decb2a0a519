"""Coach links: a coach sees a runner only after the runner accepts an invitation (store/invitations.py,
re-exported here), the athlete list, and the dashboard's triage read in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import Row, delete, func, or_, select
from sqlalchemy.orm import Session, defer

from hipcoach.plans.programme import Plan
from hipcoach.plans.red_flags import MAX_RUNNING_PAIN
from hipcoach.plans.rules import load_rules
from hipcoach.store import training
from hipcoach.store.access import can_read_runner, require_coach, require_runner
from hipcoach.store.errors import NotFound
from hipcoach.store.invitations import INVITATION_DAYS, accept_invitation, create_invitation  # noqa: F401
from hipcoach.store.models import (
    Analysis,
    CheckIn,
    CoachLink,
    Programme,
    Screen,
    Screening,
    SetLog,
    TriageSeen,
    User,
)
from hipcoach.store.prescriptions import followed_plan, followed_plans
from hipcoach.store.training import latest_programme, list_checkins, logged_sets
from hipcoach.tracking import triage
from hipcoach.tracking.summary import SetsAgainstPlan, slot_adherence, window_adherence


def athletes(db: Session, actor: User) -> list[User]:
    require_coach(actor, "list athletes")
    query = (
        select(User)
        .join(CoachLink, CoachLink.athlete_id == User.id)
        .where(CoachLink.coach_id == actor.id)
        .order_by(User.display_name, User.id)
    )
    return list(db.scalars(query))


def athlete(db: Session, actor: User, athlete_id: int) -> User:
    """One linked athlete for the coach's athlete page. A runner, an unlinked coach and an unknown id
    are all refused alike, so the page reveals nothing about who exists."""
    if actor.role != "coach" or not can_read_runner(db, actor, athlete_id):
        raise NotFound(f"No athlete {athlete_id} among your athletes.")
    return db.get_one(User, athlete_id)


def coaches(db: Session, actor: User) -> list[User]:
    require_runner(actor, "list coaches")
    query = (
        select(User).join(CoachLink, CoachLink.coach_id == User.id).where(CoachLink.athlete_id == actor.id)
    )
    return list(db.scalars(query.order_by(User.id)))


def unlink(db: Session, actor: User, other_id: int) -> None:
    """Either side may end a link; the runner's data stays with the runner."""
    gone = db.execute(
        delete(CoachLink).where(
            or_(
                (CoachLink.coach_id == actor.id) & (CoachLink.athlete_id == other_id),
                (CoachLink.athlete_id == actor.id) & (CoachLink.coach_id == other_id),
            )
        )
    )
    if gone.rowcount == 0:
        raise NotFound(f"You have no link with user {other_id}.")


SIGNAL_DAYS = 14  # the window the coach's athlete list looks back over


class Signals(NamedTuple):
    """What the coach's athlete list shows per athlete; `adherence` is None without a programme."""

    sets: int
    pain_flags: int
    adherence: SetsAgainstPlan | None


def recent_signals(db: Session, actor: User, athlete_id: int, today: dt.date) -> Signals:
    """Sets logged, pain flags and adherence over the last SIGNAL_DAYS. A flag is a set or a
    next-morning check-in whose pain is above the running-pain limit; adherence counts the sets of the
    latest programme's sessions due in the window. One definition for the API and the dashboard page."""
    since = today - dt.timedelta(days=SIGNAL_DAYS - 1)  # today and the 13 days before it
    sets = logged_sets(db, actor, athlete_id, since=since)
    mornings = list_checkins(db, actor, athlete_id, since=since)
    flags = sum(s.pain_during > MAX_RUNNING_PAIN for s in sets) + sum(
        c.pain > MAX_RUNNING_PAIN for c in mornings
    )
    programme = latest_programme(db, actor, athlete_id)
    done = None
    if programme is not None:
        done = window_adherence(followed_plan(db, actor, programme), sets, since, today)
    return Signals(len(sets), flags, done)


# The dashboard: every linked athlete's triage and signals read in a fixed number of queries (one per
# kind of record, for all athletes at once), not a batch per athlete: with 50 athletes a batch each
# was hundreds of round trips per page.


class AthleteRow(NamedTuple):
    """One line of the dashboard's athlete table."""

    user: User
    signals: Signals
    latest_video: Row | None  # the athlete's newest analysis: id, user_id, target, status
    referral: Screening | None


class Board(NamedTuple):
    rows: list[AthleteRow]
    today: list[triage.Item]  # not yet seen, most urgent first
    latest_videos: list[tuple[User, Analysis]]  # the newest across all athletes, newest first


def _week_before(day: dt.date) -> dt.date:
    """The Monday of the ISO week before `day`'s: the earliest day triage.weekly_rise reads for it."""
    return day - dt.timedelta(days=day.weekday() + 7)


def _latest_per_user(model, ids: list[int], *where):
    """The ids of each user's newest row of `model` (a correlated maximum, one query)."""
    return select(func.max(model.id)).where(model.user_id.in_(ids), *where).group_by(model.user_id)


def _plans(db: Session, programmes: list[Programme]) -> dict[int, tuple[Programme, Plan]]:
    """Each athlete's latest plan, parsed through the store's per-process cache (training.programme_plan
    would check access and load the deferred plan column once per athlete); the plans not yet parsed in
    this process are read in one query. The caller has checked access."""
    url = str(db.get_bind().url)
    keys = {p.id: (url, p.id, p.created_at) for p in programmes}
    missing = [p.id for p in programmes if keys[p.id] not in training._PLANS]
    stored = {}
    if missing:
        stored = dict(db.execute(select(Programme.id, Programme.plan).where(Programme.id.in_(missing))).all())
    generated = [(p, training._parsed_plan(keys[p.id], lambda p=p: stored[p.id])) for p in programmes]
    followed = followed_plans(db, generated)  # with the coaches' changes, as the runners see them
    return {p.user_id: (p, plan) for (p, _), plan in zip(generated, followed, strict=True)}


def _records(db: Session, people: list[User], today: dt.date):
    """Everything the triage and the athlete table read, for these athletes, in a fixed number of
    queries. The caller has checked that the actor may read each of them."""
    ids = [u.id for u in people]
    rows = db.connection().execute  # plain rows: the ORM's per-row handling was most of the read time
    since = today - dt.timedelta(days=SIGNAL_DAYS - 1)
    current = (SetLog.user_id.in_(ids), SetLog.replaced_at.is_(None), SetLog.date <= today)
    slot_key = (SetLog.user_id, SetLog.date, SetLog.exercise_id, SetLog.side)
    slot_query = select(*slot_key, func.count(SetLog.id), func.max(SetLog.pain_during), func.max(SetLog.id))
    slots: dict[int, list[triage.SlotRow]] = defaultdict(list)
    for user_id, *slot in rows(slot_query.where(*current, SetLog.date >= since).group_by(*slot_key)):
        slots[user_id].append(triage.SlotRow(*slot))
    # Days before the window matter only to the rise in pain, which compares the ISO week of the latest
    # day logged in the window with the week before: read them only for the athletes whose week before
    # begins before the window (no recent log), in one more query (run even when it names nobody, so
    # the count of queries stays the same).
    starts = {u: _week_before(max(s.date for s in slots[u])) for u in ids if slots[u]}
    earlier = [u for u, start in starts.items() if start < since]
    first = min((starts[u] for u in earlier), default=since)  # days older than every week-before: unread
    before_query = slot_query.where(
        SetLog.user_id.in_(earlier), SetLog.replaced_at.is_(None), SetLog.date < since, SetLog.date >= first,
    ).group_by(*slot_key)  # fmt: skip
    for user_id, *slot in rows(before_query):
        slots[user_id].append(triage.SlotRow(*slot))
    limit = min(MAX_RUNNING_PAIN, load_rules().max_pain_during)  # the flags' and the triage's limits
    painful_cols = (SetLog.user_id, SetLog.id, SetLog.date, SetLog.exercise_id, SetLog.side,
                    SetLog.set_number, SetLog.pain_during)  # fmt: skip
    painful_query = select(*painful_cols).where(*current, SetLog.date >= since, SetLog.pain_during > limit)
    painful: dict[int, list[triage.SetRow]] = defaultdict(list)
    for user_id, *row in rows(painful_query.order_by(SetLog.id)):
        painful[user_id].append(triage.SetRow(*row))
    checkins: dict[int, list[triage.CheckInRow]] = defaultdict(list)
    check_query = select(CheckIn.user_id, CheckIn.id, CheckIn.date, CheckIn.pain, CheckIn.note).where(
        CheckIn.user_id.in_(ids), CheckIn.date >= since, CheckIn.date <= today
    )
    for r in rows(check_query.order_by(CheckIn.date)):
        checkins[r.user_id].append(triage.CheckInRow(r.id, r.date, r.pain, r.note))
    programmes = list(db.scalars(select(Programme).where(Programme.id.in_(_latest_per_user(Programme, ids)))))
    referrals = {
        s.user_id: s
        for s in db.scalars(select(Screening).where(Screening.id.in_(_latest_per_user(Screening, ids))))
        if s.referral
    }
    screens: dict[int, list[triage.ScreenRow]] = defaultdict(list)
    latest_squats = _latest_per_user(Screen, ids, Screen.test == "single-leg-squat")
    for s in db.scalars(select(Screen).where(Screen.id.in_(latest_squats))):
        screens[s.user_id].append(
            triage.ScreenRow(
                s.id,
                s.analysis_id,
                s.test,
                s.created_at.date(),
                s.summary.get("left"),
                s.summary.get("right"),
            )
        )
    return (slots, painful), checkins, _plans(db, programmes), referrals, screens


def _athlete_records(user: User, sets, checkins, plan, referral, screens) -> triage.AthleteRecords:
    """`sets` is (slots, painful sets); `plan` the athlete's latest (Programme, Plan), or None."""
    programme, plan = plan if plan is not None else (None, None)
    sessions = [triage.PlannedSession(s.uid, s.date) for w in plan.weeks for s in w.sessions] if plan else []
    ref = None
    if referral is not None:
        ref = triage.ReferralRow(
            referral.id, referral.urgent, tuple(referral.reasons), referral.created_at.date()
        )
    return triage.AthleteRecords(
        athlete_id=user.id,
        name=user.display_name,
        referral=ref,
        slots=sets[0],
        painful_sets=sets[1],
        checkins=checkins,
        sessions=sessions,
        programme_made=programme.created_at.date() if programme is not None else None,
        screens=screens,
    )


def _signals(sets, checkins, plan: Plan | None, today: dt.date) -> Signals:
    """recent_signals' figures (the same definitions) from the per-slot totals and painful sets read."""
    slots, painful = sets
    since = today - dt.timedelta(days=SIGNAL_DAYS - 1)
    window = [s for s in slots if s.date >= since]
    flags = sum(s.pain_during > MAX_RUNNING_PAIN for s in painful if s.date >= since) + sum(
        c.pain > MAX_RUNNING_PAIN for c in checkins
    )
    done = None
    if plan is not None:  # the same counts window_adherence makes of the sets, read grouped
        per_slot = defaultdict(int, {(s.date, s.exercise_id, s.side): s.sets for s in window})
        done = slot_adherence(plan, per_slot, since, today)
    return Signals(sum(s.sets for s in window), flags, done)


def _signals_of(user_id: int, sets, checkins, plans, today: dt.date) -> Signals:
    """One athlete's signals from the batch read of all (`_records`)."""
    plan = plans.get(user_id)
    return _signals((sets[0][user_id], sets[1][user_id]), checkins[user_id], plan[1] if plan else None, today)


def _seen_keys(db: Session, actor: User, ids: list[int]) -> set[tuple[int, str]]:
    query = select(TriageSeen.athlete_id, TriageSeen.item_key).where(
        TriageSeen.coach_id == actor.id, TriageSeen.athlete_id.in_(ids)
    )
    return {(a, k) for a, k in db.execute(query)}


def board(db: Session, actor: User, today: dt.date, latest_videos: int = 10) -> Board:
    """The coach's dashboard: every linked athlete's line, and what needs the coach today."""
    people = athletes(db, actor)
    ids = [u.id for u in people]
    sets, checkins, plans, referrals, screens = _records(db, people, today)
    newest_query = select(Analysis.id, Analysis.user_id, Analysis.target, Analysis.status).where(
        Analysis.id.in_(_latest_per_user(Analysis, ids))
    )  # columns only: a report's JSON can be large and the athlete's line shows only its name and status
    newest = {a.user_id: a for a in db.connection().execute(newest_query)}
    recent = list(
        db.scalars(
            select(Analysis)
            .where(Analysis.user_id.in_(ids))
            .order_by(Analysis.id.desc())
            .limit(latest_videos)
        )
    )
    seen = _seen_keys(db, actor, ids)
    rules = load_rules()
    rows, items = [], []
    for u in people:
        plan = plans.get(u.id)  # (programme, plan) or None
        signals = _signals_of(u.id, sets, checkins, plans, today)
        rows.append(AthleteRow(u, signals, newest.get(u.id), referrals.get(u.id)))
        mine = (sets[0][u.id], sets[1][u.id])
        records = _athlete_records(u, mine, checkins[u.id], plan, referrals.get(u.id), screens[u.id])
        found = triage.items_for(records, today, rules.max_pain_during, rules.weekly_rise_allowed)
        items += [i for i in found if (u.id, i.key) not in seen]
    by_id = {u.id: u for u in people}
    return Board(rows, triage.order(items), [(by_id[a.user_id], a) for a in recent])


class AthleteLine(NamedTuple):
    """One athlete of the API's list: their signals and newest analyses."""

    user: User
    signals: Signals
    latest_analyses: list[Analysis]  # newest first


def athlete_lines(db: Session, actor: User, today: dt.date, analyses: int = 3) -> list[AthleteLine]:
    """The coach's athletes with recent_signals' figures and each one's `analyses` newest analyses, in
    a fixed number of queries whatever the number of athletes (as the board)."""
    people = athletes(db, actor)
    ids = [u.id for u in people]
    sets, checkins, plans, _, _ = _records(db, people, today)
    place = func.row_number().over(partition_by=Analysis.user_id, order_by=Analysis.id.desc()).label("place")
    ranked = select(Analysis.id, place).where(Analysis.user_id.in_(ids)).subquery()
    newest: dict[int, list[Analysis]] = defaultdict(list)
    query = (
        select(Analysis)
        .join(ranked, ranked.c.id == Analysis.id)
        .where(ranked.c.place <= analyses)
        .options(defer(Analysis.report))  # the list shows no report; one can be large
        .order_by(Analysis.id.desc())
    )
    for a in db.scalars(query):
        newest[a.user_id].append(a)
    return [AthleteLine(u, _signals_of(u.id, sets, checkins, plans, today), newest[u.id]) for u in people]


class AthleteTriage(NamedTuple):
    open: list[triage.Item]  # in the window and not seen
    seen: list[TriageSeen]  # every item this coach marked seen for the athlete, newest first


def athlete_triage(db: Session, actor: User, athlete_id: int, today: dt.date) -> AthleteTriage:
    """One athlete's open items and the coach's seen history (only for a linked coach)."""
    user = athlete(db, actor, athlete_id)
    found = _items_of(db, user, today)
    seen = list(
        db.scalars(
            select(TriageSeen)
            .where(TriageSeen.coach_id == actor.id, TriageSeen.athlete_id == athlete_id)
            .order_by(TriageSeen.seen_at.desc(), TriageSeen.id.desc())
        )
    )
    keys = {s.item_key for s in seen}
    return AthleteTriage([i for i in found if i.key not in keys], seen)


def _items_of(db: Session, user: User, today: dt.date) -> list[triage.Item]:
    sets, checkins, plans, referrals, screens = _records(db, [user], today)
    records = _athlete_records(
        user,
        (sets[0][user.id], sets[1][user.id]),
        checkins[user.id],
        plans.get(user.id),
        referrals.get(user.id),
        screens[user.id],
    )
    rules = load_rules()
    return triage.items_for(records, today, rules.max_pain_during, rules.weekly_rise_allowed)


def mark_seen(db: Session, actor: User, athlete_id: int, key: str, today: dt.date) -> TriageSeen:
    """Mark one of today's items seen; it keeps the item's words. Marking it again changes nothing.
    An unlinked coach, a runner and an item that is not (or no longer) open are refused alike."""
    user = athlete(db, actor, athlete_id)
    existing = db.scalar(
        select(TriageSeen).where(
            TriageSeen.coach_id == actor.id, TriageSeen.athlete_id == athlete_id, TriageSeen.item_key == key
        )
    )
    if existing is not None:
        return existing
    item = next((i for i in _items_of(db, user, today) if i.key == key), None)
    if item is None:
        raise NotFound(f"No triage item {key!r} for this athlete today.", "Reload the dashboard.")
    row = TriageSeen(
        coach_id=actor.id, athlete_id=athlete_id, item_key=key, kind=item.kind, item_date=item.date,
        title=item.title[:300], link=item.link[:200],
    )  # fmt: skip
    db.add(row)
    db.flush()
    return row
