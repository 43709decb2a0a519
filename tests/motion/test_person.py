"""Following the exerciser among several people: linking each frame's people into segments (pure), and
choosing the one whose movement is the exercise (synthetic tracks; the real composite is in
test_person_video.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from hipcoach.analysis.recognise import follow_exerciser
from hipcoach.motion.landmarks import INDEX, N_LANDMARKS
from hipcoach.motion.person import link_people, merge_segments, motion_amount, people_in_view
from hipcoach.motion.synthetic import generate


def person(cx: float, cy: float, size: float = 0.2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lms = np.zeros((N_LANDMARKS, 4), np.float32)
    lms[:, 0], lms[:, 1], lms[:, 3] = cx, cy, 1.0
    lms[[INDEX["left_shoulder"], INDEX["right_shoulder"]], 1] = cy - size
    lms[INDEX["left_hip"], 0], lms[INDEX["right_hip"], 0] = cx - 0.03, cx + 0.03
    return lms, np.ones(N_LANDMARKS, np.float32), np.zeros((N_LANDMARKS, 3), np.float32)


def test_each_person_stays_one_segment_whatever_order_the_model_lists_them_in():
    t = np.arange(6) / 30
    a = [person(0.2 + 0.01 * n, 0.5) for n in range(6)]
    b = [person(0.8, 0.5, 0.3) for _ in range(6)]
    frames = [[a[n], b[n]] if n % 2 else [b[n], a[n]] for n in range(6)]
    segments = link_people(frames, t)
    assert len(segments) == 2
    left = next(s for s in segments if frames[0][s[0]] is a[0])
    assert all(frames[n][left[n]] is a[n] for n in range(6))


def test_someone_unseen_for_longer_than_the_gap_or_leaping_starts_a_new_segment():
    t = np.array([0.0, 0.033, 1.5, 1.533])  # a second and a half unseen
    frames = [[person(0.2, 0.5)], [person(0.2, 0.5)], [person(0.2, 0.5)], [person(0.9, 0.5)]]
    segments = link_people(frames, t)
    assert [list(s) for s in segments] == [[0, 0, -1, -1], [-1, -1, 0, -1], [-1, -1, -1, 0]]


def test_merge_joins_segments_of_a_break_but_never_someone_seen_at_the_same_time():
    first = np.array([0, 0, -1, -1, -1])
    later = np.array([-1, -1, -1, 0, 0])
    beside = np.array([1, 1, 1, 1, 1])
    pick = merge_segments([first, later, beside], [0, 1, 2])
    assert list(pick) == [0, 0, -1, 1, 1]


def test_motion_amount_is_near_zero_for_someone_holding_still():
    track, _ = generate("clamshell", reps=3)
    still = np.repeat(track.landmarks[:1], track.n_frames, axis=0)
    assert motion_amount(still) < 0.01 < 0.1 < motion_amount(track.landmarks)


def _beside(track, other, shift: float, scale: float = 1.0):
    """`other`'s first pose held still for `track`'s length, moved sideways and scaled on screen."""
    lms = np.repeat(other.landmarks[:1], track.n_frames, axis=0).copy()
    centre = np.nanmean(lms[0, :, :2], axis=0)
    lms[:, :, :2] = (lms[:, :, :2] - centre) * scale + centre + [shift, 0.0]
    world = np.repeat(other.world[:1], track.n_frames, axis=0)
    pres = np.repeat(other.presence[:1], track.n_frames, axis=0)
    return replace(track, landmarks=lms, world=world, presence=pres)


def test_the_one_lying_doing_the_clamshell_is_followed_not_the_bigger_helper_standing_still():
    exerciser, _ = generate("clamshell", reps=4)
    standing, _ = generate("squat", reps=2)
    helper = _beside(exerciser, standing, shift=0.0, scale=1.5)
    for wanted in ("clamshell", None):  # the exercise chosen, and --exercise auto
        track, followed = follow_exerciser([helper, exerciser], wanted)
        np.testing.assert_array_equal(track.landmarks, exerciser.landmarks)
        assert [s["followed"] for s in followed["segments"]] == [False, True]


def test_of_two_people_lying_the_one_moving_is_followed_not_a_helper_kneeling_still():
    exerciser, _ = generate("clamshell", reps=4)
    helper = _beside(exerciser, exerciser, shift=0.1, scale=1.2)
    track, followed = follow_exerciser([helper, exerciser], "clamshell")
    np.testing.assert_array_equal(track.landmarks, exerciser.landmarks)
    assert followed["segments"][1]["matches"] and not followed["segments"][0]["matches"]


def test_people_in_view_needs_two_checks_to_agree_unless_there_was_only_one():
    assert people_in_view([1, 2, 1, 1]) == 1  # one check saw a second "person": not enough
    assert people_in_view([1, 2, 2, 1]) == 2
    assert people_in_view([3, 2, 1]) == 2
    assert people_in_view([2]) == 2 and people_in_view([]) == 0
