"""Typed models of the catalogue. Unknown fields and out-of-range values fail at load time."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Slug = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
FaultCode = Field(pattern=r"^[a-z]+(_[a-z]+)*$")
View = Literal["front", "back", "left_side", "right_side", "side", "lying_front"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Fault(Strict):
    """A form fault a camera can see; analysers raise its code, the user reads its correction."""

    code: str = FaultCode
    name: str
    correction: str
    measured_as: str


class Study(Strict):
    id: str = Slug
    short: str
    citation: str
    design: str
    evidence_ref: str  # text that names this study in shared/evidence/EVIDENCE.md


class EvidenceEntry(Strict):
    """One finding. A number is present only when the evidence file marks it verified."""

    study: str
    measure: str
    confidence: Literal["verified", "unknown"]
    value: float | None = None
    value_high: float | None = None  # upper end when the source gives a range
    sd: float | None = None
    unit: str = ""
    finding: str = ""  # plain-language statement for qualitative results

    @model_validator(mode="after")
    def _unknown_has_no_number(self) -> EvidenceEntry:
        if self.confidence == "unknown" and any(
            v is not None for v in (self.value, self.value_high, self.sd)
        ):
            raise ValueError(f"{self.measure}: an unknown value cannot carry a number")
        if self.confidence == "verified" and self.value is None and not self.finding:
            raise ValueError(f"{self.measure}: a verified entry needs a value or a finding")
        return self


class Tempo(Strict):
    """Seconds for the lifting phase, the hold at the top and the lowering phase."""

    up_s: float = Field(ge=0.5, le=5)
    hold_s: float = Field(ge=0, le=60)
    down_s: float = Field(ge=0.5, le=5)


class Dose(Strict):
    sets: int = Field(ge=1, le=5)
    reps_min: int = Field(ge=1, le=30)
    reps_max: int = Field(ge=1, le=30)
    tempo: Tempo
    rest_s: int = Field(ge=15, le=180)
    unit: Literal["reps", "steps"] = "reps"

    @model_validator(mode="after")
    def _range_ordered(self) -> Dose:
        if self.reps_min > self.reps_max:
            raise ValueError("reps_min must not exceed reps_max")
        return self


class BandVariant(Strict):
    placement: str
    note: str


class CameraSetup(Strict):
    view: View
    height: str
    distance_m: tuple[float, float]
    in_frame: str
    tips: list[str] = []


class Exercise(Strict):
    id: str = Slug
    name: str
    aliases: list[str] = []
    summary: str
    starting_position: str
    equipment: list[str]
    band_placement: str | None = None
    band_variants: list[BandVariant] = []
    laterality: Literal["per_side", "alternating", "bilateral"]
    load: Literal["band", "bodyweight"]
    steps: list[str] = Field(min_length=3)
    cues: list[str] = Field(min_length=3, max_length=6)
    faults: list[str] = Field(min_length=1)
    target_muscles: list[str] = Field(min_length=1)
    dose: Dose
    regressions: list[str] = []
    progressions: list[str] = []
    camera: CameraSetup
    evidence: list[EvidenceEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _band_fields(self) -> Exercise:
        if self.load == "band" and not self.band_placement:
            raise ValueError(f"{self.id}: a band exercise needs band_placement")
        return self

    def gti(self) -> float | None:
        """The 2013 study's gluteal-to-TFL index when verified, else None (unknown)."""
        for entry in self.evidence:
            if entry.study == "selkowitz-2013" and entry.measure == "GTI":
                return entry.value
        return None
