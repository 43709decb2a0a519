"""Red-flag questions and the screening verdict: a red flag ends in a referral and no programme."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class RedFlag:
    id: str
    question: str
    reason: str
    urgency: str  # "urgent" or "soon"
    today: str = ""  # for an urgent flag: what to do today

    @property
    def urgent(self) -> bool:
        return self.urgency == "urgent"


def _load() -> tuple[RedFlag, ...]:
    text = resources.files("hipcoach.plans").joinpath("data", "red_flags.toml").read_text("utf-8")
    flags = tuple(RedFlag(**f) for f in tomllib.loads(text)["flag"])
    for f in flags:  # the urgent page must be able to say what to do today for every urgent flag
        if f.urgency not in ("urgent", "soon") or f.urgent != bool(f.today):
            raise ValueError(f"red_flags.toml: flag {f.id} needs urgency urgent|soon, and `today` iff urgent")
    return flags


RED_FLAGS: tuple[RedFlag, ...] = _load()
RED_FLAG_IDS: tuple[str, ...] = tuple(f.id for f in RED_FLAGS)
RED_FLAGS_BY_ID: dict[str, RedFlag] = {f.id: f for f in RED_FLAGS}
MAX_RUNNING_PAIN = 5  # pain-monitoring model: at most 5/10 during activity


@dataclass(frozen=True)
class Referral:
    """Why the runner should see a clinician instead of starting a programme."""

    urgent: bool
    reasons: tuple[str, ...]
    flags: tuple[str, ...] = ()  # the ids of the red flags answered "yes", in question order

    def message(self) -> str:
        head = (
            "Please get medical care today, before any exercise programme."
            if self.urgent
            else "Please see a doctor or physiotherapist before starting a hip programme."
        )
        body = "\n".join(f"- {r}" for r in self.reasons)
        return (
            f"{head}\n{body}\nhipcoach will not make a programme while these are present. "
            "Once a clinician has checked you and cleared you to train, answer the questions again."
        )


def screen(answers: Mapping[str, bool], running_pain: int) -> Referral | None:
    """None when the runner may start; otherwise the referral with every reason that applies.
    Takes the answers, not the profile, so that the profile can depend on this module and not back."""
    hits = [f for f in RED_FLAGS if answers.get(f.id)]
    reasons = [f.reason for f in hits]
    if running_pain > MAX_RUNNING_PAIN:
        reasons.append(
            f"Your running pain is {running_pain}/10; the pain rules allow at most "
            f"{MAX_RUNNING_PAIN}/10 during activity."
        )
    if not reasons:
        return None
    return Referral(
        urgent=any(f.urgent for f in hits), reasons=tuple(reasons), flags=tuple(f.id for f in hits)
    )
