"""The movement features and series the fault limits and signatures lean on, on synthetic motion whose
truth is known: the standing knee's bend tells a squat on one leg from lifting the other knee, and the
sideways trunk lean is not magnified when the trunk also bends forwards."""

from __future__ import annotations

import numpy as np
import pytest

from hipcoach.analysis.coach import movement, prepare
from hipcoach.analysis.signature import rep_features
from hipcoach.analysis.specs import load_specs
from hipcoach.motion.kinematics import kinematics
from hipcoach.motion.synthetic import generate


def _features(exercise: str, analyser: str) -> list[dict[str, float]]:
    track, _ = generate(exercise, reps=2, sides="right", view="front")
    prep = prepare(track)
    reps = movement(prep, analyser).reps
    assert reps
    return [rep_features(prep.points, prep.resolved.world, prep.kin.body_scale, r) for r, _ in reps]


def test_the_standing_knee_bends_in_a_single_leg_squat_and_stays_straight_in_a_knee_lift():
    bound = load_specs()["single-leg-squat"].signature.moves["stance_knee_bend"]
    for f in _features("single-leg-squat", "single-leg-squat"):
        assert f["stance_knee_bend"] > bound and f["hips_lower"] > 0.15
    for f in _features("standing-band-hip-flexion", "standing-band-hip-flexion"):
        # the lifting knee bends as much as a squat's, the standing one hardly at all
        assert f["knee_bend"] > bound > 5 * f["stance_knee_bend"]
        assert f["hips_lower"] < 0.05


def test_the_sideways_trunk_lean_is_not_magnified_by_bending_forwards():
    """The synthetic squat bends the trunk 35° forwards and leans it 12° sideways in a trunk_leans rep:
    the angle from vertical on screen reads more than 12°, the shoulders' offset over the trunk length
    reads the lean itself."""
    track, truth = generate("squat", reps=2, view="front", faults={"trunk_leans": [1]})
    kin = kinematics(track)
    rep = truth.reps[1]
    span = (kin.timestamps >= rep.start) & (kin.timestamps <= rep.end)
    shift = np.nanmax(np.abs(kin["trunk_shift_frontal"][span]))
    lean = np.nanmax(np.abs(kin["trunk_lean_frontal"][span]))
    assert shift == pytest.approx(12.0, abs=1.5)
    assert lean > shift + 2.0
    clean = truth.reps[0]
    span = (kin.timestamps >= clean.start) & (kin.timestamps <= clean.end)
    assert np.nanmax(np.abs(kin["trunk_shift_frontal"][span])) < 2.0
