"""What to tell a runner the moment a set hurts more than the pain-monitoring model allows: what to do
now, and what the next session will prescribe (the progression engine's own answer and reason)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hipcoach.catalog import Catalog
from hipcoach.catalog.models import Exercise
from hipcoach.plans.adapt import AdaptedItem
from hipcoach.plans.progress import describe_dose
from hipcoach.plans.rules import Rules


@dataclass(frozen=True)
class PainAdvice:
    now: str
    next_time: str


def pain_advice(
    pain: int,
    ex: Exercise,
    catalog: Catalog,
    rules: Rules,
    next_item: AdaptedItem | None,
    next_date: dt.date | None,
) -> PainAdvice | None:
    """None while pain stays within the limit."""
    if pain <= rules.max_pain_during:
        return None
    easier = [catalog.exercise(r) for r in ex.regressions]
    now = (
        f"Pain {pain}/10 is above the {rules.max_pain_during}/10 limit: stop the {ex.name.lower()} for today"
    )
    if easier:
        now += f", or switch to the easier {easier[0].name.lower()} if that stays within it"
    now += (
        ". Do the other exercises only while they stay within the limit; if pain keeps breaking it, see a "
        "clinician."
    )
    if next_item is None or next_date is None:
        later = "This was the last session of the programme; see a clinician before starting another."
    else:
        later = (
            f"Next session ({next_date:%A} {next_date.day} {next_date:%b}): "
            f"{catalog.exercise(next_item.exercise_id).name.lower()}, {describe_dose(next_item.dose)}. "
            f"Why: {next_item.reason}."
        )
    return PainAdvice(now=now, next_time=later)
