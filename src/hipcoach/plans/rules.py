"""Programme rules loaded from data: pain limits, progression steps, band ladder, phases."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class PhaseRule:
    name: str
    share: float
    focus: str
    exercises: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    max_pain_during: int
    morning_must_settle: bool
    weekly_rise_allowed: float
    rep_step: int
    sessions_to_progress: int
    max_sets: int
    extra_sets_affected_side: int
    band_ladder: tuple[str, ...]
    band_force_step_pct: int
    phases: tuple[PhaseRule, ...]


@cache
def load_rules() -> Rules:
    text = resources.files("hipcoach.plans").joinpath("data", "programme.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    return Rules(
        max_pain_during=raw["pain"]["max_during"],
        morning_must_settle=raw["pain"]["morning_must_settle"],
        weekly_rise_allowed=raw["pain"]["weekly_rise_allowed"],
        rep_step=raw["progression"]["rep_step"],
        sessions_to_progress=raw["progression"]["sessions_to_progress"],
        max_sets=raw["progression"]["max_sets"],
        extra_sets_affected_side=raw["progression"]["extra_sets_affected_side"],
        band_ladder=tuple(raw["bands"]["ladder"]),
        band_force_step_pct=raw["bands"]["force_step_pct"],
        phases=tuple(
            PhaseRule(p["name"], p["share"], p["focus"], tuple(p["exercises"])) for p in raw["phase"]
        ),
    )
