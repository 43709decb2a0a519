"""Each exercise's analyser as data (analysis/data/analysers.toml), typed and checked at load.

Why data: the rep counting, side finding and fault rules are the same code for every exercise; what
differs (which series, which limits, which views) is a table that can be read, reviewed and tuned
without touching code. Loading fails loudly when a spec names a series kinematics does not make or a
fault code the catalogue does not define, so the two can never drift apart.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib.resources import files
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hipcoach.catalog import load_catalog
from hipcoach.motion.kinematics import PLANES
from hipcoach.motion.views import VIEWS

Measure = Literal["max", "min", "rise", "drop", "swing", "at_peak"]
SIDE_RULES = ("driver", "moving_knee", "moving_ankle", "stance", "travel", "both")
_PLACEHOLDER = re.compile(r"_\{(side|work|free)\}$")
# Series measured in trunk lengths (kinematics' body scale); every other series is an angle in degrees.
DISTANCE_SERIES = {
    "ankle_separation",
    "knee_separation",
    "knee_out",
    "knee_lift",
    "pelvis_height",
    "pelvis_x",
    "pelvis_y",
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def series_base(name: str) -> str:
    """`hip_flexion_{work}` → `hip_flexion`; names without a side placeholder are returned as they are."""
    return _PLACEHOLDER.sub("", name)


def series_unit(name: str) -> str:
    return "trunk lengths" if series_base(name) in DISTANCE_SERIES else "deg"


def _check_series(name: str) -> str:
    if series_base(name) not in PLANES:
        raise ValueError(f"{name!r} is not a kinematics series (known: {', '.join(sorted(PLANES))})")
    return name


class SignalSpec(_Strict):
    views: tuple[str, ...]
    driver: str
    driver_sign: Literal[-1, 1] = 1
    combine: Literal["max", "mean"] = "max"
    angle: str
    angle_sign: Literal[-1, 1] = 1
    label: str
    min_range: float = Field(gt=0)
    rest_percentile: float = Field(default=5.0, ge=0, le=50)

    @model_validator(mode="after")
    def _known(self) -> SignalSpec:
        _check_series(self.driver)
        _check_series(self.angle)
        unknown = set(self.views) - set(VIEWS)
        if unknown:
            raise ValueError(f"unknown views {sorted(unknown)}; views are {VIEWS}")
        return self

    @property
    def per_side_driver(self) -> bool:
        return self.driver.endswith("_{side}")


class FaultRule(_Strict):
    code: str
    series: str
    measure: Measure
    limit: float
    views: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _known(self) -> FaultRule:
        _check_series(self.series)
        return self

    def applies_in(self, view: str) -> bool:
        return not self.views or view in self.views


class ExerciseSpec(_Strict):
    id: str
    posture: Literal["upright", "horizontal"]
    side: Literal["driver", "moving_knee", "moving_ankle", "stance", "travel", "both"]
    fast_fraction: float = Field(gt=0, lt=1)
    signal: tuple[SignalSpec, ...] = Field(min_length=1)
    fault: tuple[FaultRule, ...] = ()

    @property
    def views(self) -> tuple[str, ...]:
        return tuple(v for s in self.signal for v in s.views)

    def signal_for(self, view: str) -> SignalSpec | None:
        return next((s for s in self.signal if view in s.views), None)

    @model_validator(mode="after")
    def _driver_side(self) -> ExerciseSpec:
        if self.side == "driver" and not all(s.per_side_driver for s in self.signal):
            raise ValueError("side = 'driver' needs per-side driver series (ending in _{side})")
        return self


class SpecError(ValueError):
    pass


@cache
def load_specs() -> dict[str, ExerciseSpec]:
    """Every analyser spec, checked against the catalogue: known exercises, and fault codes that the
    exercise itself lists (so the user always gets the catalogue's cue for what is flagged)."""
    raw = tomllib.loads(files("hipcoach.analysis").joinpath("data/analysers.toml").read_text("utf-8"))
    catalog = load_catalog()
    specs = {}
    for ex_id, body in raw.items():
        try:
            spec = ExerciseSpec(id=ex_id, **body)
        except ValidationError as e:
            raise SpecError(f"analysers.toml [{ex_id}]: {e}") from e
        exercise = catalog.exercises.get(ex_id)
        if exercise is None:
            raise SpecError(f"analysers.toml [{ex_id}]: not a catalogue exercise")
        stray = {f.code for f in spec.fault} - set(exercise.faults)
        if stray:
            raise SpecError(
                f"analysers.toml [{ex_id}]: fault codes {sorted(stray)} are not in its catalogue card"
            )
        specs[ex_id] = spec
    return specs
