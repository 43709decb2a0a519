"""Each exercise's analyser as data (analysis/data/analysers.toml), typed and checked at load.

Why data: the rep counting, side finding and fault rules are the same code for every exercise; what
differs (which series, which limits, which views) is a table that can be read, reviewed and tuned
without touching code. Loading fails loudly when a spec names a series kinematics does not make or a
fault code the catalogue does not define, so the two can never drift apart.

Why the series table (analysis/data/series.toml): a fault is only as true as the number behind it. Each
series a fault reads states what it is built from (the image, or the pose model's depth guess) and the
values a body can really show; the loader refuses a fault read from depth that nobody has shown to follow
real movement, and the fault code then measures a value outside the plausible range as "not measured"
rather than flagging it.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib.resources import files
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hipcoach.analysis.signature import FEATURES
from hipcoach.catalog import load_catalog
from hipcoach.errors import UserError
from hipcoach.motion.kinematics import PLANES
from hipcoach.motion.views import VIEWS

Measure = Literal["max", "min", "rise", "drop", "swing", "at_peak"]
CHANGE_MEASURES = ("rise", "drop", "swing")
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

AUTO = "auto"  # the exercise id that asks for recognition rather than naming an analyser


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


class SeriesInfo(_Strict):
    """What one kinematics series is built from and the values it can really take (series.toml)."""

    name: str
    source: Literal["image", "depth"]
    label: str | None = None
    values: tuple[float, float] | None = None
    change: float | None = Field(default=None, gt=0)
    why: str | None = None
    validated: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> SeriesInfo:
        if self.name not in PLANES:
            raise ValueError(f"{self.name!r} is not a kinematics series")
        ranged = (self.label, self.values, self.change, self.why)
        if any(v is not None for v in ranged) and any(v is None for v in ranged):
            raise ValueError("a plausible range needs label, values, change and why together")
        if self.values is not None and not self.values[0] < self.values[1]:
            raise ValueError(f"values {self.values} must be [low, high]")
        if self.validated is not None and self.source != "depth":
            raise ValueError("only a depth series needs `validated`")
        return self

    @property
    def ranged(self) -> bool:
        return self.values is not None

    @property
    def usable_for_faults(self) -> bool:
        """Image series always; depth series only with evidence that the depth followed real motion."""
        return self.source == "image" or bool(self.validated)


class ReadWhile(_Strict):
    """Frames a fault's series is read in: those where `series` (same side placeholders) is at most `max`.
    For a measure that a camera only reads truly in part of the movement (see analysers.toml)."""

    series: str
    max: float

    @model_validator(mode="after")
    def _known(self) -> ReadWhile:
        _check_series(self.series)
        return self


class FaultRule(_Strict):
    code: str
    series: str
    measure: Measure
    limit: float
    views: tuple[str, ...] = ()
    # Narrower bounds for the measured value than the series' own (series.toml), for this exercise.
    plausible: tuple[float, float] | None = None
    read_while: ReadWhile | None = None

    @model_validator(mode="after")
    def _known(self) -> FaultRule:
        _check_series(self.series)
        gate = self.read_while and _PLACEHOLDER.search(self.read_while.series)
        own = _PLACEHOLDER.search(self.series)
        if gate and (own is None or gate.group(0) != own.group(0)):
            raise ValueError(f"read_while {self.read_while.series!r} must name the side as {self.series!r}")
        if self.plausible is not None and not self.plausible[0] < self.plausible[1]:
            raise ValueError(f"plausible {self.plausible} must be [low, high]")
        return self

    def applies_in(self, view: str) -> bool:
        return not self.views or view in self.views

    def plausible_range(self, info: SeriesInfo) -> tuple[float, float]:
        """The values the measured quantity can take: the series' own for a level (max, min, at_peak),
        plus or minus its largest change in a rep for a change (rise, drop; swing is never negative)."""
        if self.plausible is not None:
            return self.plausible
        assert info.values is not None and info.change is not None
        if self.measure == "swing":
            return (0.0, info.change)
        if self.measure in CHANGE_MEASURES:
            return (-info.change, info.change)
        return info.values


class NotChecked(_Strict):
    """A catalogue fault the analyser has no trustworthy measure for, and why (shown to the user)."""

    code: str
    why: str = Field(min_length=20)


# A frontal-plane movement runs at least this share along the hip line (Signature.bounds). The other
# planes are not checked so: the share comes from the world landmarks' depth, and a sagittal leg seen
# from the front or a hip thrust filmed from the feet read as half sideways on real clips.
PLANE_SIDEWAYS = {"frontal": ("moves", 0.35)}


class Signature(_Strict):
    """The movement that makes a clip this exercise (analysis/signature.py measures it per rep).

    legs: one leg works at a time, or both. plane: the plane the working leg moves in ("frontal" means
    at least 35% of its travel runs along the hip line; see PLANE_SIDEWAYS). moves: features that must
    reach at least this much in a rep. still: features that must stay at or below this (a feature in
    both must land between). shows: the movement in words, for the user."""

    legs: Literal["one", "two"]
    plane: Literal["sagittal", "frontal", "transverse"]
    moves: dict[str, float] = Field(default_factory=dict)
    still: dict[str, float] = Field(default_factory=dict)
    shows: str = Field(min_length=10)

    @model_validator(mode="after")
    def _known(self) -> Signature:
        for group in (self.moves, self.still):
            unknown = set(group) - set(FEATURES)
            if unknown:
                raise ValueError(f"unknown movement features {sorted(unknown)}; known: {', '.join(FEATURES)}")
            if any(v <= 0 for v in group.values()):
                raise ValueError("movement feature bounds must be positive")
        empty = [f for f in set(self.moves) & set(self.still) if self.moves[f] >= self.still[f]]
        if empty:
            raise ValueError(f"features {sorted(empty)} must move at least more than they may move at most")
        if not self.moves:
            raise ValueError("a signature needs at least one feature that moves")
        if "sideways" in self.moves or "sideways" in self.still:
            raise ValueError("'sideways' is set by `plane`, not listed")
        return self

    def bounds(self) -> list[tuple[str, str, float]]:
        """(feature, "moves" | "still", bound) for every check, the plane's included."""
        out = [(f, "moves", v) for f, v in self.moves.items()]
        out += [(f, "still", v) for f, v in self.still.items()]
        if self.plane in PLANE_SIDEWAYS:
            kind, bound = PLANE_SIDEWAYS[self.plane]
            out.append(("sideways", kind, bound))
        return out


class ExerciseSpec(_Strict):
    id: str
    posture: Literal["upright", "horizontal"]
    side: Literal["driver", "moving_knee", "moving_ankle", "stance", "travel", "both"]
    fast_fraction: float = Field(gt=0, lt=1)
    signal: tuple[SignalSpec, ...] = Field(min_length=1)
    signature: Signature
    fault: tuple[FaultRule, ...] = ()
    not_checked: tuple[NotChecked, ...] = ()

    @property
    def views(self) -> tuple[str, ...]:
        return tuple(v for s in self.signal for v in s.views)

    def signal_for(self, view: str) -> SignalSpec | None:
        return next((s for s in self.signal if view in s.views), None)

    @model_validator(mode="after")
    def _driver_side(self) -> ExerciseSpec:
        if self.side == "driver" and not all(s.per_side_driver for s in self.signal):
            raise ValueError("side = 'driver' needs per-side driver series (ending in _{side})")
        if (self.signature.legs == "two") != (self.side in ("both", "travel")):
            raise ValueError(f"signature legs = {self.signature.legs!r} disagrees with side = {self.side!r}")
        ruled = {f.code for f in self.fault} & {n.code for n in self.not_checked}
        if ruled:
            raise ValueError(f"faults {sorted(ruled)} have a rule and are also listed as not checked")
        return self

    def views_checking(self, code: str) -> tuple[str, ...]:
        """The views from which some rule measures `code`."""
        return tuple(v for v in self.views if any(r.code == code and r.applies_in(v) for r in self.fault))

    def why_not_checked(self, code: str) -> str | None:
        return next((n.why for n in self.not_checked if n.code == code), None)


class SpecError(ValueError):
    pass


def parse_series(raw: dict) -> dict[str, SeriesInfo]:
    """series.toml as typed entries; every kinematics series must be listed (so none is used unmarked)."""
    try:
        table = {name: SeriesInfo(name=name, **body) for name, body in raw.items()}
    except ValidationError as e:
        raise SpecError(f"series.toml: {e}") from e
    missing = set(PLANES) - set(table)
    if missing:
        raise SpecError(f"series.toml: no source (image or depth) given for {sorted(missing)}")
    return table


@cache
def load_series() -> dict[str, SeriesInfo]:
    return parse_series(_read("series.toml"))


def _read(name: str) -> dict:
    return tomllib.loads(files("hipcoach.analysis").joinpath(f"data/{name}").read_text("utf-8"))


def _check_rule(where: str, rule: FaultRule, series: dict[str, SeriesInfo]) -> None:
    info = series[series_base(rule.series)]
    if not info.ranged:
        raise SpecError(f"{where}: fault {rule.code!r} reads {rule.series!r}, which has no plausible range")
    if not info.usable_for_faults:
        raise SpecError(
            f"{where}: fault {rule.code!r} reads {rule.series!r}, a depth-based series that has not been "
            "shown to track real motion (give it `validated` evidence in series.toml, or list the fault "
            "under not_checked)"
        )
    low, high = rule.plausible_range(info)
    if not low < rule.limit < high:
        raise SpecError(
            f"{where}: fault {rule.code!r} limit {rule.limit:g} lies outside its plausible range "
            f"[{low:g}, {high:g}], so it could never be told from a misread pose"
        )


def parse_specs(raw: dict, series: dict[str, SeriesInfo] | None = None) -> dict[str, ExerciseSpec]:
    """Analyser specs from parsed analysers.toml, checked against the catalogue (known exercises, fault
    codes the exercise itself lists, so the user always gets the catalogue's cue for what is flagged) and
    against the series table (every fault read from a series with a plausible range, never from depth
    that was not validated; every limit inside its range)."""
    series = load_series() if series is None else series
    catalog = load_catalog()
    specs = {}
    for ex_id, body in raw.items():
        where = f"analysers.toml [{ex_id}]"
        try:
            spec = ExerciseSpec(id=ex_id, **body)
        except ValidationError as e:
            raise SpecError(f"{where}: {e}") from e
        exercise = catalog.exercises.get(ex_id)
        if exercise is None:
            raise SpecError(f"{where}: not a catalogue exercise")
        stray = {f.code for f in spec.fault} | {n.code for n in spec.not_checked}
        stray -= set(exercise.faults)
        if stray:
            raise SpecError(f"{where}: fault codes {sorted(stray)} are not in its catalogue card")
        for rule in spec.fault:
            _check_rule(where, rule, series)
        silent = set(exercise.faults) - {"moving_too_fast"} - {f.code for f in spec.fault}
        silent -= {n.code for n in spec.not_checked}
        if silent:
            raise SpecError(f"{where}: faults {sorted(silent)} have neither a rule nor a not_checked reason")
        specs[ex_id] = spec
    return specs


@cache
def load_specs() -> dict[str, ExerciseSpec]:
    """Every analyser spec (analysers.toml), checked by `parse_specs`."""
    return parse_specs(_read("analysers.toml"))


def series_info(name: str) -> SeriesInfo:
    """The series table's entry for a series name (placeholders allowed)."""
    return load_series()[series_base(name)]


def spec_for(exercise_id: str) -> ExerciseSpec:
    """The analyser of one catalogue exercise, or a message naming the ones there are. Light to call
    (no signal processing is imported), so a wrong id fails before a video's pose is found."""
    load_catalog().exercise(exercise_id)  # unknown ids get the catalogue's message
    specs = load_specs()
    if exercise_id not in specs:
        raise UserError(
            f"The video coach has no analyser for '{exercise_id}'.",
            "Analysers exist for: " + ", ".join(specs) + ".",
        )
    return specs[exercise_id]
