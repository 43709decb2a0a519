"""The analyser table covers the catalogue and cannot drift from it or from kinematics."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hipcoach.analysis.specs import ExerciseSpec, load_specs
from hipcoach.motion.synthetic import EXERCISES


def test_every_catalogue_exercise_with_a_camera_set_up_has_an_analyser(catalog):
    filmed = {ex.id for ex in catalog.exercises.values() if ex.camera is not None}
    assert filmed == set(load_specs())


def test_analysers_raise_only_the_faults_their_catalogue_card_lists(catalog):
    for ex_id, spec in load_specs().items():
        assert {f.code for f in spec.fault} <= set(catalog.exercise(ex_id).faults), ex_id


def test_every_fault_a_card_lists_is_checked_by_a_rule_or_the_tempo_or_says_why_not(catalog):
    for ex_id, spec in load_specs().items():
        ruled = {f.code for f in spec.fault} | {"moving_too_fast"} | {n.code for n in spec.not_checked}
        assert set(catalog.exercise(ex_id).faults) <= ruled, ex_id


def test_each_analyser_reads_every_view_the_synthetic_camera_can_film_it_from():
    for ex_id, (_, views, _, _) in EXERCISES.items():
        assert set(views) - {"working_side"} <= set(load_specs()[ex_id].views), ex_id


def test_a_spec_naming_a_series_kinematics_does_not_make_is_refused():
    with pytest.raises(ValidationError, match="not a kinematics series"):
        ExerciseSpec(
            id="x",
            posture="upright",
            side="both",
            fast_fraction=0.6,
            signal=[
                {
                    "views": ["front"],
                    "driver": "elbow_wiggle",
                    "angle": "knee_flexion_{side}",
                    "label": "x",
                    "min_range": 1.0,
                }
            ],
        )


def test_the_driver_side_rule_needs_a_per_side_driver():
    with pytest.raises(ValidationError, match="per-side driver"):
        ExerciseSpec(
            id="x",
            posture="upright",
            side="driver",
            fast_fraction=0.6,
            signature={
                "legs": "one",
                "plane": "sagittal",
                "moves": {"pelvis": 0.2},
                "shows": "hips lowering",
            },
            signal=[
                {
                    "views": ["front"],
                    "driver": "pelvis_height",
                    "angle": "knee_flexion_{side}",
                    "label": "x",
                    "min_range": 0.1,
                }
            ],
        )
