"""Build a deterministic, explainable multi-week plan from a screened profile.

The same profile always gives the same plan (and the same plan id, which keeps calendar UIDs stable).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr

from hipcoach.catalog import Catalog
from hipcoach.plans.dose import Dose, SideName, starting_dose, step_up
from hipcoach.plans.profile import WEEKDAYS, Profile
from hipcoach.plans.rules import Rules
from hipcoach.plans.schedule import choose_days

SCHEMA_VERSION = "hipcoach.plan/1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Item(_Model):
    exercise_id: str
    name: str
    dose: Dose
    why: str


class Session(_Model):
    uid: str
    date: dt.date
    weekday: str
    run_that_day: str  # "rest" | "easy" | "hard"
    items: tuple[Item, ...]


class Week(_Model):
    number: int
    phase: str
    focus: str
    sessions: tuple[Session, ...]


class Plan(_Model):
    schema_version: str = SCHEMA_VERSION
    plan_id: str
    runner: str
    start_date: dt.date
    weeks: tuple[Week, ...]
    strength_days: tuple[str, ...]
    affected_side: str | None
    weaker_side: str | None = None  # from a hip-stability screen; used when no one side hurts
    bands: tuple[str, ...]
    schedule_notes: tuple[str, ...]
    rules: tuple[str, ...]
    _first: dict | None = PrivateAttr(default=None)

    def first_dose(self, exercise_id: str, side: str) -> Dose | None:
        """The first planned dose of an exercise on a side; looked up once per plan, as replaying a
        programme (plans/adapt.py) asks for it hundreds of times."""
        if self._first is None:
            first: dict[tuple[str, str], Dose] = {}
            for week in self.weeks:
                for session in week.sessions:
                    for item in session.items:
                        first.setdefault((item.exercise_id, item.dose.side), item.dose)
            self._first = first
        return self._first.get((exercise_id, side))

    def exercise_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for week in self.weeks:
            for item in week.sessions[0].items if week.sessions else ():
                seen.setdefault(item.exercise_id)
        return list(seen)


class ReferralNeeded(Exception):
    """Screening found a red flag: no programme, a referral instead."""

    def __init__(self, referral) -> None:
        super().__init__(referral.message())
        self.referral = referral


def build_plan(
    profile: Profile, catalog: Catalog, rules: Rules, *, weaker_side: Literal["left", "right"] | None = None
) -> Plan:
    """The plan for `profile`. `weaker_side` is the side a hip-stability screen found needs more work (its
    report's needs_work_side): it gets the extra set when the runner reports no pain on one side only;
    a painful side always comes first."""
    referral = profile.referral()
    if referral:
        raise ReferralNeeded(referral)
    if weaker_side not in (None, "left", "right"):
        raise ValueError(f"weaker_side must be 'left', 'right' or None, not {weaker_side!r}")
    emphasis = _emphasis(profile, weaker_side)
    plan_id = _plan_id(profile, weaker_side)
    schedule = choose_days(profile.running, profile.sessions_per_week)
    start_monday = profile.start_date - dt.timedelta(days=profile.start_date.weekday())
    doses: dict[tuple[str, str], Dose] = {}
    weeks = []
    for number, phase in enumerate(_phase_per_week(profile.weeks, rules), start=1):
        items = tuple(
            _item(ex_id, side, doses, profile, catalog, rules, emphasis)
            for ex_id, side in _slots(phase, catalog, emphasis)
        )
        sessions = []
        for day in schedule.days:
            date = start_monday + dt.timedelta(weeks=number - 1, days=WEEKDAYS.index(day))
            if date < profile.start_date:
                continue
            uid = f"{plan_id}-w{number}-{day}@hipcoach"
            sessions.append(
                Session(uid=uid, date=date, weekday=day, run_that_day=schedule.kinds[day], items=items)
            )
        weeks.append(Week(number=number, phase=phase.name, focus=phase.focus, sessions=tuple(sessions)))
    return Plan(
        plan_id=plan_id,
        runner=profile.name,
        start_date=profile.start_date,
        weeks=tuple(weeks),
        strength_days=schedule.days,
        affected_side=profile.affected_side,
        weaker_side=weaker_side,
        bands=tuple(profile.strength.bands),
        schedule_notes=schedule.notes,
        rules=_rule_text(rules),
    )


def _plan_id(profile: Profile, weaker_side: str | None = None) -> str:
    data = profile.model_dump(mode="json")
    if weaker_side:  # only then, so plans made without a screen keep their ids
        data["weaker_side"] = weaker_side
    blob = json.dumps(data, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


def _emphasis(profile: Profile, weaker_side: str | None) -> tuple[str, str] | None:
    """(side, reason) that gets the extra set: the painful side, else the screen's weaker side."""
    if profile.affected_side:
        return profile.affected_side, "your painful side"
    if weaker_side:
        return weaker_side, "the side your hip-stability screen found needs more work"
    return None


def _phase_per_week(n_weeks: int, rules: Rules):
    """Split the weeks across phases by their share; every phase gets at least one week."""
    counts = [max(1, round(p.share * n_weeks)) for p in rules.phases]
    while sum(counts) > n_weeks:
        counts[counts.index(max(counts))] -= 1
    counts[-1] += n_weeks - sum(counts)
    return [p for p, c in zip(rules.phases, counts, strict=True) for _ in range(c)]


def _slots(phase, catalog: Catalog, emphasis: tuple[str, str] | None) -> list[tuple[str, SideName]]:
    """Both sides for every one-sided exercise, the emphasised side first."""
    first, second = ("right", "left") if emphasis and emphasis[0] == "right" else ("left", "right")
    out: list[tuple[str, SideName]] = []
    for ex_id in phase.exercises:
        if catalog.exercise(ex_id).laterality == "bilateral":
            out.append((ex_id, "both"))
        else:
            out += [(ex_id, first), (ex_id, second)]
    return out


def _item(
    ex_id: str,
    side: SideName,
    doses: dict,
    profile: Profile,
    catalog: Catalog,
    rules: Rules,
    emphasis: tuple[str, str] | None,
) -> Item:
    """Week 1 of an exercise starts at its starting dose; each later week plans one step up."""
    ex = catalog.exercise(ex_id)
    key = (ex_id, side)
    if key not in doses:
        extra = rules.extra_sets_affected_side if emphasis and side == emphasis[0] else 0
        doses[key] = starting_dose(
            ex, side, profile.strength.experience, profile.strength.bands, extra, rules
        )
        why = _start_why(doses[key], profile.strength.experience)
        if extra:
            why += f"; +{extra} set: {emphasis[1]}"
    else:
        doses[key], step = step_up(doses[key], ex, profile.strength.bands, rules)
        why = f"if last week kept the rules: {step}"
    return Item(exercise_id=ex_id, name=ex.name, dose=doses[key], why=why)


def _start_why(dose: Dose, experience: str) -> str:
    why = "start at the bottom of the rep range"
    if experience == "none":
        why += ", one set fewer while you learn it"
    if dose.band:
        why += f", {dose.band} band" + (" (your second-lightest)" if experience == "regular" else "")
    return why


def _rule_text(rules: Rules) -> tuple[str, ...]:
    return (
        f"Pain during exercise may reach {rules.max_pain_during}/10 at most; stop the set if it goes higher.",
        "Pain must settle by the next morning to no more than it was before the session.",
        "Pain must not rise from one week to the next.",
        f"Progress when every set is done at the target for {rules.sessions_to_progress} sessions in a row "
        f"within those pain limits: +{rules.rep_step} reps up to the top of the range, then the next band.",
        "If pain breaks a rule, step back one level; if it keeps breaking them, see a clinician.",
    )
