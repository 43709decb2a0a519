"""Synthetic tracks look like the real pipeline's and their ground truth is what they contain."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from hipcoach.motion.landmarks import INDEX
from hipcoach.motion.synthetic import EXERCISES, Tempo, generate, generate_running

FAULT_CASES = [
    (ex, f) for ex, (_, _, _, faults) in EXERCISES.items() for f in faults if f != "moving_too_fast"
]


def seg(world: np.ndarray, a: str, b: str) -> np.ndarray:
    return np.linalg.norm(world[:, INDEX[a]] - world[:, INDEX[b]], axis=-1)


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_track_is_shaped_like_blazepose_output(exercise):
    track, truth = generate(exercise, reps=2, sides="both", fps=30.0)
    assert track.landmarks.dtype == np.float32 and track.landmarks.shape == (track.n_frames, 33, 4)
    assert track.world.dtype == np.float32 and track.presence.shape == (track.n_frames, 33)
    assert np.all(np.diff(track.timestamps) > 0) and track.fps == pytest.approx(30.0)
    xy = track.landmarks[:, :, :2]
    assert np.all((xy > 0) & (xy < 1))  # the catalogue set-up keeps the whole body in view
    assert np.all((track.landmarks[:, :, 3] >= 0) & (track.landmarks[:, :, 3] <= 1))
    hip_mid = 0.5 * (track.world[:, INDEX["left_hip"]] + track.world[:, INDEX["right_hip"]])
    np.testing.assert_allclose(hip_mid, 0.0, atol=0.03)  # world landmarks are hip-centred metres
    assert len(truth.reps) == (2 if exercise in ("squat", "bilateral-bridge") else 4)


def test_segment_lengths_have_adult_proportions():
    track, _ = generate("squat", reps=1, noise=0.0, height=1.80)
    w = track.world
    thigh, shank = seg(w, "left_hip", "left_knee"), seg(w, "left_knee", "left_ankle")
    np.testing.assert_allclose(thigh, 0.245 * 1.8, rtol=1e-3)
    np.testing.assert_allclose(thigh / shank, 1.0, atol=0.01)
    shoulders, hips = seg(w, "left_shoulder", "right_shoulder"), seg(w, "left_hip", "right_hip")
    assert 1.2 < np.median(shoulders / hips) < 1.6


def test_reps_sides_and_timing_follow_the_request():
    tempo = Tempo(up=1.0, hold=2.0, down=1.5, rest=0.5)
    track, truth = generate("clamshell", reps=3, sides="both", tempo=tempo, jitter=0.0)
    assert [r.side for r in truth.reps] == ["left"] * 3 + ["right"] * 3
    for r in truth.reps:
        assert r.peak - r.start == pytest.approx(1.0)
        assert r.hold == pytest.approx(2.0)
        assert r.end - r.peak == pytest.approx(3.5)
    assert track.timestamps[-1] > truth.reps[-1].end


def test_alternating_sides_switch_legs_every_rep_without_a_set_change_pause():
    tempo = Tempo(up=1.0, hold=0.5, down=1.0, rest=0.5)
    _, truth = generate("standing-band-hip-abduction", reps=2, sides="alternate", tempo=tempo, jitter=0.0)
    assert [r.side for r in truth.reps] == ["left", "right", "left", "right"]
    gaps = [b.start - a.end for a, b in pairwise(truth.reps)]
    assert gaps == pytest.approx([0.5] * 3)


def test_a_lean_tilts_trunk_and_pelvis_away_from_the_working_leg_inside_reps_only():
    track, truth = generate(
        "standing-band-hip-abduction", reps=1, sides="right", view="front", lean_deg=15.0, noise=0.0
    )
    w = track.world  # camera axes, x right, y down; the person faces the camera: their left is image right
    hip_line = w[:, INDEX["left_hip"]] - w[:, INDEX["right_hip"]]
    tilt = np.degrees(np.arctan2(hip_line[:, 1], hip_line[:, 0]))  # + = left hip lower
    t = track.timestamps
    rep = truth.reps[0]
    top = (t > rep.peak) & (t < rep.peak + rep.hold)
    assert np.all(np.abs(tilt[t < rep.start]) < 0.5)
    assert np.median(tilt[top]) == pytest.approx(15.0, abs=1.0)  # working (right) side up


def test_motion_happens_inside_reps_and_not_between_them():
    track, truth = generate("single-leg-bridge", reps=3, noise=0.0, jitter=0.0)
    speed = np.linalg.norm(np.diff(track.landmarks[:, :, :2], axis=0), axis=-1).sum(axis=1)
    t = track.timestamps[1:]
    inside = np.zeros(len(t), bool)
    for r in truth.reps:
        inside |= (t > r.start) & (t < r.end + 0.02)  # t is the later frame of each step
    assert speed[~inside].max() < 1e-6
    assert all(speed[(t > r.start) & (t < r.peak)].max() > 1e-3 for r in truth.reps)


@pytest.mark.parametrize(("exercise", "fault"), FAULT_CASES)
def test_each_fault_changes_only_the_reps_that_carry_it(exercise, fault):
    plain, truth = generate(exercise, reps=2, noise=0.0, jitter=0.0)
    faulty, _ = generate(exercise, reps=2, noise=0.0, jitter=0.0, faults={fault: [1]})
    # World landmarks (metres, camera axes): the camera frames the whole movement, so a fault that widens
    # it moves the camera back and every image point a little; the body itself changes only in rep 2.
    diff = np.abs(faulty.world - plain.world).max(axis=(1, 2))
    second = truth.reps[1]
    in_second = (plain.timestamps > second.start) & (plain.timestamps < second.end)
    assert diff[in_second].max() > 0.03
    assert diff[~in_second].max() < 1e-5


def test_moving_too_fast_shortens_the_rep():
    _, truth = generate("clamshell", reps=2, jitter=0.0, faults={"moving_too_fast": [1]})
    normal, fast = truth.reps
    assert fast.end - fast.start - fast.hold < 0.5 * (normal.end - normal.start - normal.hold)
    assert fast.faults == ("moving_too_fast",) and normal.faults == ()


def test_noise_and_dropouts_are_the_size_asked_for():
    clean, _ = generate("squat", reps=2, noise=0.0, seed=3)
    noisy, _ = generate("squat", reps=2, noise=0.005, dropout=0.1, seed=3)
    seen = noisy.detected
    assert 0.05 < 1 - seen.mean() < 0.15
    assert np.isnan(noisy.landmarks[~seen]).all() and np.isnan(noisy.world[~seen]).all()
    h = noisy.frame_size[1]
    person_px = np.ptp(clean.landmarks[:, :, 1] * h, axis=1).max()
    jitter_px = (noisy.landmarks[seen, :, 1] - clean.landmarks[seen, :, 1]) * h
    assert np.std(jitter_px) == pytest.approx(0.005 * person_px, rel=0.1)


def test_running_truth_has_every_stance_with_its_drop():
    track, truth = generate_running(duration=6.0, cadence=170, drop_deg={"left": 2.0, "right": 7.0})
    steps = len(truth.stances)
    assert abs(steps - 6.0 * 170 / 60) <= 2
    sides = [s["side"] for s in truth.stances]
    assert all(a != b for a, b in pairwise(sides))  # left and right alternate
    assert {s["side"]: s["drop_deg"] for s in truth.stances} == {"left": 2.0, "right": 7.0}
    assert truth.view == "back" and track.fps == pytest.approx(60.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"exercise": "burpee"},
        {"exercise": "squat", "faults": {"pelvis_rolls_back": [0]}},
        {"exercise": "bilateral-bridge", "view": "front"},
        {"exercise": "clamshell", "sides": "alternate"},
        {"exercise": "squat", "lean_deg": 10.0},
    ],
)
def test_impossible_requests_are_refused(kwargs):
    with pytest.raises(ValueError):
        generate(**kwargs)


def _proportions(track) -> np.ndarray:
    """Shoulder width, hip width and thigh length over trunk length (world landmarks, medians)."""
    w = track.world
    trunk = np.linalg.norm(
        0.5 * (w[:, INDEX["left_shoulder"]] + w[:, INDEX["right_shoulder"]])
        - 0.5 * (w[:, INDEX["left_hip"]] + w[:, INDEX["right_hip"]]),
        axis=-1,
    )
    parts = [
        seg(w, "left_shoulder", "right_shoulder"),
        seg(w, "left_hip", "right_hip"),
        0.5 * (seg(w, "left_hip", "left_knee") + seg(w, "right_hip", "right_knee")),
    ]
    return np.array([np.nanmedian(p / trunk) for p in parts])


def _jitter(track) -> float:
    """Median distance of leg landmarks from their low-passed path, as a share of the person's height."""
    from hipcoach.motion.clean import lowpass

    smooth = lowpass(track)
    size = np.array(track.frame_size)
    legs = [
        INDEX[n] for n in ("left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle")
    ]
    d = np.linalg.norm((track.landmarks[:, legs, :2] - smooth.landmarks[:, legs, :2]) * size, axis=-1)
    height = np.nanmedian(np.ptp(track.landmarks[:, :, 1] * size[1], axis=1))
    return float(np.nanmedian(d) / height)


@pytest.mark.slow
def test_synthetic_people_look_like_blazepose_on_real_clips(real_pose_track):
    real = [
        real_pose_track(c) for c in ("single_leg_squat_front_hyva3.mp4", "bridge_bilateral_side_1rep.mp4")
    ]
    synthetic, _ = generate("single-leg-squat", reps=2)
    for track in real:
        np.testing.assert_allclose(_proportions(synthetic), _proportions(track), rtol=0.2)
    real_jitter = [_jitter(t) for t in real]
    assert min(real_jitter) / 2 < _jitter(synthetic) < 3 * max(real_jitter)


def test_synthetic_exercises_and_faults_are_the_catalogues(catalog):
    """Analysers are tested on synthetic faults, so those must be the codes the catalogue defines."""
    assert set(EXERCISES) == set(catalog.exercises)
    for exercise_id, spec in EXERCISES.items():
        faults = spec[-1]
        assert set(faults) <= set(catalog.exercise(exercise_id).faults), exercise_id
