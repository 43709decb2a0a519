"""What needs a coach today, per athlete, most urgent first: pure functions on plain records.

Why apart from the store: the dashboard reads every linked athlete's recent logs in a fixed number of
queries (store/coaching.py) and hands them here; the same rules then give the dashboard's "Needs you
today" and the athlete page's triage history, and tests can check them without a database.

An item, most urgent kind first:
- referral: the athlete's latest screening sent them to a clinician (urgent ones first);
- pain_set / pain_checkin: pain above the programme's limit (rules.max_pain_during) in a set, or in a
  next-morning check-in, in the window;
- pain_rising: mean pain during sets this ISO week above last week's, by the engine's definition
  (plans/progress.LogIndex.weekly_rise: each exercise and side's worst set of a day counts once), at
  the athlete's latest logged day in the window;
- missed: a planned session before today, in the window and not before the programme was made (a
  programme may start in the past), with no set logged on its day;
- asymmetry: the latest single-leg-squat screen's knees differ by more than two measurements can by
  error alone (analysis/screen_evidence.FPPA_SIDE_DIFFERENCE_DEG, from the standard error Munro 2012
  verified in the shared EVIDENCE.md).
  The running screen's pelvic drop is left out on purpose: the evidence gives no verified measurement
  error for it (the screen's own 2° is its error against motion capture in tests, not a published
  figure), so no threshold is invented for it here.

Every item has a stable `key`: marking it seen stores the key, and an item seen is left out of today's
list. A new event (another painful set, a corrected check-in) makes a new key, so it shows again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from hipcoach.analysis.screen_evidence import FPPA_SIDE_DIFFERENCE_DEG

WINDOW_DAYS = 14  # the dashboard's look-back, today included
# Most urgent first; the order of the dashboard's rows.
RANK = {"referral_urgent": 0, "referral": 1, "pain_set": 2, "pain_checkin": 2, "pain_rising": 3, "missed": 4,
        "asymmetry": 5}  # fmt: skip


class SetRow(NamedTuple):
    id: int
    date: dt.date
    exercise_id: str
    side: str
    set_number: int
    pain_during: int


class SlotRow(NamedTuple):
    """One exercise and side on one day, as the engine reads a day's sets: how many sets, the worst
    pain during them, and the newest set's id (to link to)."""

    date: dt.date
    exercise_id: str
    side: str
    sets: int
    worst_pain: int
    last_id: int


class CheckInRow(NamedTuple):
    id: int
    date: dt.date
    pain: int
    note: str


class PlannedSession(NamedTuple):
    uid: str
    date: dt.date


class ReferralRow(NamedTuple):
    id: int
    urgent: bool
    reasons: tuple[str, ...]
    date: dt.date


class ScreenRow(NamedTuple):
    id: int
    analysis_id: int
    test: str
    date: dt.date
    left: float | None
    right: float | None


@dataclass(frozen=True)
class AthleteRecords:
    """One athlete's records the triage reads: the sets per day, exercise and side from at least three
    weeks back (a week-on-week rise needs the week before the window's first), the single sets above
    the pain limit in the window, check-ins in the window, the programme's sessions. Per-slot totals
    rather than every set: 50 athletes' 12 weeks are tens of thousands of sets."""

    athlete_id: int
    name: str
    referral: ReferralRow | None = None
    slots: Sequence[SlotRow] = ()
    painful_sets: Sequence[SetRow] = ()
    checkins: Sequence[CheckInRow] = ()
    sessions: Sequence[PlannedSession] = ()
    programme_made: dt.date | None = None  # a session dated before the programme was made was not missed
    screens: Sequence[ScreenRow] = ()


@dataclass(frozen=True)
class Item:
    athlete_id: int
    athlete: str
    kind: str
    key: str
    date: dt.date
    title: str  # one line, as the dashboard shows it
    reasons: tuple[str, ...] = field(default=())
    link: str = ""  # where the evidence is: the athlete page at the set, check-in or session; a video
    severity: float = 0.0  # within a kind, larger first (pain out of 10, degrees, rise)

    @property
    def rank(self) -> int:
        return RANK[self.kind]

    @property
    def urgent(self) -> bool:
        return self.kind in ("referral_urgent", "pain_set", "pain_checkin")


def items_for(records: AthleteRecords, today: dt.date, max_pain: int, rise_allowed: float) -> list[Item]:
    """Every triage item of one athlete on `today`, seen or not, most urgent first."""
    since = today - dt.timedelta(days=WINDOW_DAYS - 1)
    who = (records.athlete_id, records.name)
    out = [*_referral(who, records.referral)]
    out += _painful_sets(who, [s for s in records.painful_sets if since <= s.date <= today], max_pain)
    out += [
        Item(
            *who,
            "pain_checkin",
            f"checkin:{c.id}:{c.pain}",
            c.date,
            f"Pain {c.pain}/10 the morning after {c.date:%a %d %b} (the limit is {max_pain}/10)",
            (c.note,) if c.note else (),
            f"/coach/athletes/{who[0]}#checkin-{c.id}",
            float(c.pain),
        )
        for c in records.checkins
        if since <= c.date <= today and c.pain > max_pain
    ]
    out += _rising(who, records.slots, [s for s in records.slots if since <= s.date <= today], rise_allowed)
    done_days = {s.date for s in records.slots if s.sets}
    out += [
        Item(
            *who,
            "missed",
            f"missed:{s.uid}",
            s.date,
            f"Missed the session of {s.date:%a %d %b}: no sets logged",
            link=f"/coach/athletes/{who[0]}#session-{s.uid}",
        )
        for s in records.sessions
        if max(since, records.programme_made or since) <= s.date < today and s.date not in done_days
    ]
    out += _asymmetry(who, records.screens)
    return order(out)


def order(items: Iterable[Item]) -> list[Item]:
    """Most urgent kind first; within a kind the worst, then the newest."""
    return sorted(items, key=lambda i: (i.rank, -i.severity, -i.date.toordinal(), i.athlete, i.key))


def _referral(who, referral: ReferralRow | None) -> list[Item]:
    if referral is None:
        return []
    kind = "referral_urgent" if referral.urgent else "referral"
    level = "Urgent referral" if referral.urgent else "Referral"
    title = f"{level} to a clinician from the screening of {referral.date:%d %b %Y}"
    return [
        Item(
            *who,
            kind,
            f"referral:{referral.id}",
            referral.date,
            title,
            tuple(referral.reasons),
            f"/coach/athletes/{who[0]}#referral",
        )
    ]


def _painful_sets(who, sets: Sequence[SetRow], max_pain: int) -> list[Item]:
    """One item per day with a set above the limit, linking to that day's worst set; the key names that
    set, so a worse set logged later is a new item."""
    by_day: dict[dt.date, list[SetRow]] = defaultdict(list)
    for s in sets:
        if s.pain_during > max_pain:
            by_day[s.date].append(s)
    out = []
    for day, painful in by_day.items():
        worst = max(painful, key=lambda s: (s.pain_during, -s.id))
        reasons = tuple(
            f"{s.exercise_id.replace('-', ' ')} ({s.side}), set {s.set_number}: pain {s.pain_during}/10"
            for s in sorted(painful, key=lambda s: s.id)
        )
        title = f"Pain {worst.pain_during}/10 during a set on {day:%a %d %b} (the limit is {max_pain}/10)"
        link = f"/coach/athletes/{who[0]}#set-{worst.id}"
        pain = float(worst.pain_during)
        out.append(Item(*who, "pain_set", f"set:{worst.id}", day, title, reasons, link, pain))
    return out


def weekly_rise(slots: Iterable[SlotRow], day: dt.date) -> float | None:
    """Mean pain during this ISO week (up to `day`) minus last week's, as the engine reads logs: each
    exercise and side's worst set of a day is one log (plans/adapt.py, plans/progress.LogIndex)."""
    week, last = day.isocalendar()[:2], (day - dt.timedelta(weeks=1)).isocalendar()[:2]
    cur, prev = [], []
    for s in slots:
        iso = s.date.isocalendar()[:2]
        if iso == week and s.date <= day:
            cur.append(s.worst_pain)
        elif iso == last:
            prev.append(s.worst_pain)
    if not cur or not prev:
        return None
    return sum(cur) / len(cur) - sum(prev) / len(prev)


def _rising(who, slots: Sequence[SlotRow], recent: Sequence[SlotRow], rise_allowed: float) -> list[Item]:
    if not recent:
        return []
    latest = max(recent, key=lambda s: (s.date, s.last_id))
    rise = weekly_rise(slots, latest.date)
    if rise is None or rise <= rise_allowed:
        return []
    year, week = latest.date.isocalendar()[:2]
    title = (
        f"Pain during sets rose by {rise:.1f}/10 on average from the week before "
        f"(this week up to {latest.date:%a %d %b})"
    )
    link = f"/coach/athletes/{who[0]}#set-{latest.last_id}"
    return [Item(*who, "pain_rising", f"rise:{year}-W{week:02d}", latest.date, title, (), link, rise)]


def _asymmetry(who, screens: Sequence[ScreenRow]) -> list[Item]:
    """The latest single-leg-squat screen only: an older one is superseded by the newer."""
    squats = [s for s in screens if s.test == "single-leg-squat"]
    if not squats:
        return []
    s = max(squats, key=lambda s: (s.date, s.id))
    if s.left is None or s.right is None or abs(s.left - s.right) <= FPPA_SIDE_DIFFERENCE_DEG:
        return []
    side = "left" if s.left > s.right else "right"
    diff = abs(s.left - s.right)
    title = (
        f"Single-leg squat on {s.date:%d %b}: the {side} knee moved inwards {diff:.0f}° more than the other "
        f"(measurement error allows {FPPA_SIDE_DIFFERENCE_DEG:.1f}°)"
    )
    return [Item(*who, "asymmetry", f"screen:{s.id}", s.date, title, (), f"/videos/{s.analysis_id}", diff)]
