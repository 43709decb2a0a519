"""The catalogue is complete, its cross-references resolve, and its evidence matches the sources."""

from __future__ import annotations

import json
import re

import pytest

from hipcoach.catalog.loader import CatalogError, _parse
from hipcoach.catalog.models import EvidenceEntry, Exercise

# Catalogue id -> id in shared/evidence/selkowitz2013.json
SELKOWITZ_IDS = {
    "clamshell": "clam",
    "side-step": "sidestep",
    "single-leg-bridge": "unilateral_bridge",
    "quadruped-hip-extension-knee-flexed": "quadruped_hip_ext_knee_flexed",
    "quadruped-hip-extension-knee-extending": "quadruped_hip_ext_knee_extending",
    "bilateral-bridge": "bilateral_bridge",
    "squat": "squat",
}
REQUIRED = {
    "clamshell", "single-leg-bridge", "side-step", "seated-band-hip-external-rotation",
    "standing-band-hip-flexion", "standing-band-hip-abduction", "bilateral-bridge",
    "quadruped-hip-extension-knee-flexed", "quadruped-hip-extension-knee-extending", "squat",
    "side-lying-hip-abduction", "single-leg-squat",
}  # fmt: skip


def test_catalogue_has_every_programme_exercise(catalog):
    assert set(catalog.exercises) >= REQUIRED


def test_every_reference_resolves(catalog):
    for ex in catalog.exercises.values():
        assert set(ex.faults) <= set(catalog.faults), ex.id
        assert set(ex.regressions + ex.progressions) <= set(catalog.exercises), ex.id
        assert ex.id not in ex.regressions + ex.progressions
        assert {e.study for e in ex.evidence} <= set(catalog.studies), ex.id


def test_every_fault_is_used_and_has_a_correction(catalog):
    used = {c for ex in catalog.exercises.values() for c in ex.faults}
    assert used == set(catalog.faults)
    assert all(len(f.correction) > 20 for f in catalog.faults.values())


def test_every_card_is_complete(catalog):
    for ex in catalog.exercises.values():
        assert 3 <= len(ex.cues) <= 6 and len(ex.steps) >= 3, ex.id
        assert ex.dose.reps_min <= ex.dose.reps_max
        assert ex.camera.in_frame and ex.target_muscles
        if ex.load == "band":
            assert ex.band_placement


def test_side_step_offers_three_band_positions(catalog):
    placements = [v.placement for v in catalog.exercise("side-step").band_variants]
    assert [p.split()[-1] for p in placements] == ["knees", "ankles", "forefoot"]


def test_gti_matches_the_verified_study_values(catalog, shared):
    study = {
        e["id"]: e for e in json.loads((shared / "evidence/selkowitz2013.json").read_text())["exercises"]
    }
    for ex_id, study_id in SELKOWITZ_IDS.items():
        row = study[study_id]
        expected = row["gti"] if row["gti_verified"] else None
        assert catalog.exercise(ex_id).gti() == expected, ex_id
        if row["both_gluteals_gt_tfl_p05"]:
            findings = [e for e in catalog.exercise(ex_id).evidence if e.measure.startswith("Both gluteals")]
            assert findings or expected is not None, ex_id
    verified = {i for i, r in study.items() if r.get("gti_verified")}
    assert verified == {SELKOWITZ_IDS[e.id] for e in catalog.exercises.values() if e.gti() is not None}


def test_other_numbers_appear_verified_in_the_evidence_table(catalog, shared):
    """Every number outside the GTI sits in an EVIDENCE.md table row, by its source, labelled V."""
    rows = [ln for ln in (shared / "evidence/EVIDENCE.md").read_text().splitlines() if ln.startswith("|")]
    for ex in catalog.exercises.values():
        for entry in ex.evidence:
            if entry.confidence != "verified" or entry.study == "selkowitz-2013":
                continue
            ref = catalog.studies[entry.study].evidence_ref
            numbers = [f"{v:g}" for v in (entry.value, entry.value_high, entry.sd) if v is not None]
            matching = [
                r
                for r in rows
                if ref in r and all(re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", r) for n in numbers)
            ]
            assert matching, f"{ex.id}: {entry.measure} {numbers} not found for {ref}"
            assert any(re.match(r"V\b(?!2)", r.rstrip("| ").split("|")[-1].strip()) for r in matching), (
                f"{ex.id}: {entry.measure} is not labelled verified (V) in EVIDENCE.md"
            )


def test_unknown_evidence_cannot_carry_a_number():
    with pytest.raises(ValueError, match="unknown value cannot carry a number"):
        EvidenceEntry(study="x", measure="GTI", confidence="unknown", value=30)


def test_invalid_catalogue_data_fails_at_load(catalog):
    raw = catalog.exercise("clamshell").model_dump()
    raw["cues"] = raw["cues"][:2]
    with pytest.raises(CatalogError, match="cues"):
        _parse(Exercise, raw, "clamshell.toml")
    raw = catalog.exercise("clamshell").model_dump() | {"colour": "red"}
    with pytest.raises(CatalogError, match="colour"):
        _parse(Exercise, raw, "clamshell.toml")


def test_ranking_puts_verified_gti_first(catalog):
    ranked = [(e.id, e.gti()) for e in catalog.ranked_by_gti()]
    assert ranked[:5] == [
        ("clamshell", 115),
        ("side-step", 64),
        ("single-leg-bridge", 59),
        ("quadruped-hip-extension-knee-flexed", 50),
        ("quadruped-hip-extension-knee-extending", 50),
    ]
    assert all(g is None for _, g in ranked[5:])
