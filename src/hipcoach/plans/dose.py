"""One exercise's dose for one side, and the double-progression steps up and down the ladder.

Double progression: reps climb to the top of the range, then the next band and back to the bottom
(then an extra set once the heaviest band the runner owns is reached). Regression walks back down.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from hipcoach.catalog.models import Exercise
from hipcoach.plans.rules import Rules

SideName = Literal["left", "right", "both"]


class Dose(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    exercise_id: str
    side: SideName
    sets: int
    reps: int
    band: str | None = None  # None: no band (bodyweight, or no band owned yet)
    hold_s: float
    rest_s: int
    unit: str = "reps"

    def describe(self) -> str:
        band = f", {self.band} band" if self.band else ""
        hold = f", hold {self.hold_s:g} s" if self.hold_s else ""
        return f"{self.sets} x {self.reps} {self.unit}{band}{hold}"

    def level(self, ladder: tuple[str, ...]) -> tuple[int, int, int]:
        """Orders doses by load: band first, then sets, then reps."""
        band_rank = ladder.index(self.band) if self.band else -1
        return (band_rank, self.sets, self.reps)


def owned_ladder(bands: list[str], rules: Rules) -> list[str]:
    return [b for b in rules.band_ladder if b in bands]


def starting_dose(
    ex: Exercise, side: SideName, experience: str, bands: list[str], extra_sets: int, rules: Rules
) -> Dose:
    sets = max(2, ex.dose.sets - 1) if experience == "none" else ex.dose.sets
    owned = owned_ladder(bands, rules)
    band = None
    if ex.load == "band" and owned:
        band = owned[min(1, len(owned) - 1)] if experience == "regular" else owned[0]
    return Dose(
        exercise_id=ex.id,
        side=side,
        sets=min(rules.max_sets, sets + extra_sets),
        reps=ex.dose.reps_min,
        band=band,
        hold_s=ex.dose.tempo.hold_s,
        rest_s=ex.dose.rest_s,
        unit=ex.dose.unit,
    )


def step_up(dose: Dose, ex: Exercise, bands: list[str], rules: Rules) -> tuple[Dose, str]:
    """The next heavier dose and why; the same dose when there is nowhere left to go."""
    if dose.reps < ex.dose.reps_max:
        reps = min(ex.dose.reps_max, dose.reps + rules.rep_step)
        return dose.model_copy(update={"reps": reps}), f"up to {reps} {dose.unit}"
    heavier = _next_band(dose.band, bands, rules, +1) if ex.load == "band" else None
    if heavier:
        new = dose.model_copy(update={"band": heavier, "reps": ex.dose.reps_min})
        return new, (
            f"next band: {heavier} (about +{rules.band_force_step_pct}% force), back to {ex.dose.reps_min} "
            f"{dose.unit}"
        )
    if dose.sets < rules.max_sets:
        new = dose.model_copy(update={"sets": dose.sets + 1, "reps": ex.dose.reps_min})
        return new, f"add a set: {dose.sets + 1} sets, back to {ex.dose.reps_min} {dose.unit}"
    return dose, _ceiling_advice(dose, ex, rules)


def step_down(dose: Dose, ex: Exercise, bands: list[str], rules: Rules) -> tuple[Dose, str]:
    """The next lighter dose and why; the same dose at the floor, with what to do instead."""
    lighter = _next_band(dose.band, bands, rules, -1) if ex.load == "band" and dose.band else None
    if lighter:
        return dose.model_copy(update={"band": lighter}), f"back to the {lighter} band"
    if dose.reps > ex.dose.reps_min:
        return dose.model_copy(update={"reps": ex.dose.reps_min}), f"down to {ex.dose.reps_min} {dose.unit}"
    if dose.sets > 1:
        return dose.model_copy(
            update={"sets": dose.sets - 1}
        ), f"down to {dose.sets - 1} set{'s' if dose.sets > 2 else ''}"
    return dose, "already at the lightest dose: rest this exercise until the pain settles"


def _next_band(band: str | None, bands: list[str], rules: Rules, direction: int) -> str | None:
    owned = owned_ladder(bands, rules)
    if band is None:
        return owned[0] if direction > 0 and owned else None
    heavier_or_lighter = [
        b for b in owned if (rules.band_ladder.index(b) - rules.band_ladder.index(band)) * direction > 0
    ]
    if not heavier_or_lighter:
        return None
    return heavier_or_lighter[0] if direction > 0 else heavier_or_lighter[-1]


def _ceiling_advice(dose: Dose, ex: Exercise, rules: Rules) -> str:
    if ex.load == "band":
        ladder = rules.band_ladder
        nxt = ladder[ladder.index(dose.band) + 1] if dose.band and dose.band != ladder[-1] else None
        if dose.band is None:
            return "top of the range with no band: get a light loop band (yellow or red) to keep progressing"
        if nxt:
            return f"top of the range on your heaviest band: a {nxt} band is the next step"
        return "top of the range on the heaviest band: keep this dose"
    if ex.progressions:
        return f"top of the range: ready to try {ex.progressions[0]}; keep this dose until you do"
    return "top of the range: keep this dose"
