"""Load the shipped catalogue data files and check every cross-reference once, at load time."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pydantic import ValidationError

from hipcoach.catalog.models import Exercise, Fault, Study
from hipcoach.errors import UserError


class CatalogError(ValueError):
    """The shipped data is inconsistent: a bug in hipcoach, not in the user's input."""


@dataclass(frozen=True)
class Catalog:
    exercises: dict[str, Exercise]  # in catalogue order
    faults: dict[str, Fault]
    studies: dict[str, Study]

    def exercise(self, exercise_id: str) -> Exercise:
        try:
            return self.exercises[exercise_id]
        except KeyError:
            raise UserError(
                f"No exercise called '{exercise_id}'.",
                "Known ids: " + ", ".join(self.exercises) + ". `hipcoach exercises` lists them.",
            ) from None

    def ranked_by_gti(self) -> list[Exercise]:
        """Highest verified gluteal-to-TFL index first; unknowns after, in catalogue order."""
        order = list(self.exercises.values())
        known = sorted((e for e in order if e.gti() is not None), key=lambda e: -e.gti())
        return known + [e for e in order if e.gti() is None]


def _read(name: str) -> dict:
    return tomllib.loads(resources.files("hipcoach.catalog").joinpath("data", name).read_text("utf-8"))


def _parse(model, raw: dict, where: str):
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise CatalogError(f"{where}: {exc}") from exc


@cache
def load_catalog() -> Catalog:
    faults = {f.code: f for f in (_parse(Fault, r, "faults.toml") for r in _read("faults.toml")["fault"])}
    studies = {s.id: s for s in (_parse(Study, r, "studies.toml") for r in _read("studies.toml")["study"])}
    order = _read("exercises/order.toml")["order"]
    exercises = {i: _parse(Exercise, _read(f"exercises/{i}.toml"), f"exercises/{i}.toml") for i in order}
    for ex in exercises.values():
        if ex.id not in order:
            raise CatalogError(f"exercise file {ex.id} does not match its name")
        _check_refs(ex, faults, studies, exercises)
    return Catalog(exercises=exercises, faults=faults, studies=studies)


def _check_refs(ex: Exercise, faults: dict, studies: dict, exercises: dict) -> None:
    missing = [c for c in ex.faults if c not in faults]
    missing += [i for i in (*ex.regressions, *ex.progressions) if i not in exercises]
    missing += [e.study for e in ex.evidence if e.study not in studies]
    if missing:
        raise CatalogError(f"{ex.id} refers to undefined ids: {', '.join(missing)}")
