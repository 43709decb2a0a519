"""The UI-PRMD importer: a physically sensible skeleton, tracks the view classifier and kinematics read
as a person lifting a leg once per episode, and clear errors for bad input."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from hipcoach.errors import UserError
from hipcoach.motion.kinect import (
    EULER_ORDER,
    NO_COUNTERPART,
    J,
    episode_files,
    forward_kinematics,
    load_uiprmd,
    read_episode,
    read_tables,
    to_blazepose,
)
from hipcoach.motion.kinematics import kinematics
from hipcoach.motion.landmarks import INDEX, NAMES
from hipcoach.motion.views import classify_view

UP = np.array([0.0, 1.0, 0.0])


@pytest.fixture(scope="module")
def uiprmd(data_dir: Path) -> Path:
    root = data_dir / "skeleton" / "ui-prmd"
    if not root.is_dir():
        pytest.skip(f"UI-PRMD absent: {root}")
    return root


def episodes(root: Path, movement: str, subject: int, correct: bool = True):
    for e in range(1, 11):
        yield read_episode(*episode_files(root, movement, subject, e, correct))[0]


def angle_to_up(v: np.ndarray) -> np.ndarray:
    return np.degrees(np.arccos(v[..., 1] / np.linalg.norm(v, axis=-1)))


def variation(distance: np.ndarray) -> float:
    return float(distance.std() / distance.mean())


def between(pos: np.ndarray, a: str, b: str) -> np.ndarray:
    return np.linalg.norm(pos[:, J[a]] - pos[:, J[b]], axis=-1)


@pytest.mark.parametrize(("movement", "subject"), [("m02", 1), ("m02", 7), ("m06", 3), ("m06", 10)])
def test_skeleton_is_an_upright_person_standing_on_the_floor_with_steady_bones(uiprmd, movement, subject):
    for pos in episodes(uiprmd, movement, subject):
        # Kinect re-estimates limb lengths every frame (the files store them so): steady within 15 %.
        for side in ("left", "right"):
            for a, b in (("hip", "knee"), ("knee", "ankle")):
                bone = between(pos, f"{side}_{a}", f"{side}_{b}")
                assert 0.25 < bone.mean() < 0.5 and variation(bone) < 0.15
            # Hip to shoulder spans the spine's three rotated joints: wrong rotations would stretch it.
            assert variation(between(pos, f"{side}_hip", f"{side}_shoulder")) < 0.03
        for pair in ("hip", "shoulder"):
            assert between(pos, f"left_{pair}", f"right_{pair}").std() < 0.015  # metres
        assert angle_to_up(pos[:, J["head"]] - pos[:, J["spine_base"]]).max() < 15
        # Standing at the start: both ankles on one floor, 5-15 cm above y = 0, the head well above.
        ankles = pos[0, [J["left_ankle"], J["right_ankle"]], 1]
        assert abs(ankles[0] - ankles[1]) < 0.03 and 0.05 < ankles.min() < 0.15
        assert pos[0, J["head"], 1] > 1.3


@pytest.mark.parametrize(("movement", "subject"), [("m02", 2), ("m06", 5), ("m06", 9)])
def test_left_joints_are_on_the_persons_left(uiprmd, movement, subject):
    """The person's left is up × forwards, with forwards taken from the feet (not from the hips tested)."""
    for pos in episodes(uiprmd, movement, subject):
        first = pos[0]
        forward = sum(first[J[f"{s}_foot"]] - first[J[f"{s}_ankle"]] for s in ("left", "right"))
        left = np.cross(UP, forward * [1, 0, 1])
        left /= np.linalg.norm(left)
        for joint in ("hip", "shoulder", "knee"):
            assert (first[J[f"left_{joint}"]] - first[J[f"right_{joint}"]]) @ left > 0.08


def test_the_chosen_euler_order_moves_the_lifted_foot_smoothly_and_no_other_order_does(uiprmd):
    def worst_step(order: str) -> float:
        steps = []
        for e in range(1, 11):
            offsets, angles = read_tables(*episode_files(uiprmd, "m02", 1, e))
            pos = forward_kinematics(offsets, angles, order)[0]
            steps.append(np.linalg.norm(np.diff(pos[:, J["right_ankle"]], axis=0), axis=-1).max())
        return float(np.median(steps))

    chosen = worst_step(EULER_ORDER)
    assert chosen < 0.1  # under 3 m/s at 30 Hz
    for order in ("".join(p) for p in itertools.permutations("xyz")):
        if order != EULER_ORDER:
            assert worst_step(order) > 3 * chosen, order


def test_blazepose_landmarks_keep_kinect_joints_and_put_heels_behind_and_faces_in_front(uiprmd):
    pos, frames = read_episode(*episode_files(uiprmd, "m06", 1, 1))
    points, normals = to_blazepose(pos, frames)
    np.testing.assert_allclose(points[:, INDEX["left_knee"]], pos[:, J["left_knee"]])
    np.testing.assert_allclose(points[:, INDEX["right_foot_index"]], pos[:, J["right_foot"]])
    forward = np.cross(pos[0, J["left_hip"]] - pos[0, J["right_hip"]], UP)
    for side in ("left", "right"):
        assert (points[0, INDEX[f"{side}_heel"]] - pos[0, J[f"{side}_ankle"]]) @ forward < 0
        assert points[0, INDEX[f"{side}_heel"], 1] < pos[0, J[f"{side}_ankle"], 1]
    assert (points[0, INDEX["nose"]] - pos[0, J["head"]]) @ forward > 0
    np.testing.assert_allclose(np.linalg.norm(normals, axis=-1), 1.0, atol=1e-9)


@pytest.mark.parametrize("view", ["front", "back", "left_side", "right_side"])
@pytest.mark.parametrize(("movement", "subject"), [("m02", 1), ("m06", 4)])
def test_view_classifier_recognises_the_view_filmed(uiprmd, movement, subject, view):
    track = load_uiprmd(uiprmd, movement, subject, episodes=range(1, 4), view=view)
    found = classify_view(track)
    assert found.view == view
    assert found.confidence > 0.9
    if view in ("front", "back"):
        assert found.facing_camera == (view == "front")


def test_ten_episodes_back_to_back_with_continuous_time_and_their_starts(uiprmd):
    track = load_uiprmd(uiprmd, "m02", 3, correct=False)
    lengths = [len(p) for p in episodes(uiprmd, "m02", 3, correct=False)]
    assert track.n_frames == sum(lengths)
    assert track.model == "kinect-uiprmd"
    assert track.fps == 30.0
    np.testing.assert_allclose(np.diff(track.timestamps), 1 / 30)
    meta = track.meta
    assert (meta["movement"], meta["subject"], meta["correct"]) == ("m02", 3, False)
    assert meta["episodes"] == list(range(1, 11))
    assert meta["episode_start_frames"] == list(np.cumsum([0, *lengths[:-1]]))
    np.testing.assert_allclose(meta["episode_starts"], track.timestamps[meta["episode_start_frames"]])
    assert meta["moving_leg"] == "right"


def test_landmarks_without_a_kinect_joint_are_missing_and_the_rest_are_seen(uiprmd):
    track = load_uiprmd(uiprmd, "m06", 1, episodes=[1, 2], view="front")
    blank = [INDEX[n] for n in NO_COUNTERPART]
    assert np.isnan(track.landmarks[:, blank, :3]).all() and (track.landmarks[:, blank, 3] == 0).all()
    kept = [i for i, n in enumerate(NAMES) if n not in NO_COUNTERPART]
    assert np.isfinite(track.landmarks[:, kept]).all() and np.isfinite(track.world[:, kept]).all()
    assert (track.landmarks[:, kept, :2] > 0).all() and (track.landmarks[:, kept, :2] < 1).all()


def test_noise_and_dropout_are_optional_and_reproducible(uiprmd):
    clean = load_uiprmd(uiprmd, "m02", 1, episodes=[1], view="front")
    again = load_uiprmd(uiprmd, "m02", 1, episodes=[1], view="front")
    np.testing.assert_array_equal(clean.landmarks, again.landmarks)
    noisy = load_uiprmd(uiprmd, "m02", 1, episodes=[1], view="front", noise=0.01, dropout=0.1, seed=4)
    same = load_uiprmd(uiprmd, "m02", 1, episodes=[1], view="front", noise=0.01, dropout=0.1, seed=4)
    np.testing.assert_array_equal(noisy.landmarks, same.landmarks)
    assert (~noisy.detected).any() and clean.detected.all()
    knee = INDEX["left_knee"]
    shown = noisy.detected
    jitter = noisy.landmarks[shown, knee, :2] - clean.landmarks[shown, knee, :2]
    assert 0.002 < np.abs(jitter).mean() < 0.05


def lifts(hip_flexion: np.ndarray, start: int, stop: int) -> int:
    """Times the hip flexes 40° past its start and comes back under 20° (hysteresis against jitter)."""
    segment = hip_flexion[start:stop]
    base = np.nanmedian(segment[:5])
    count, armed = 0, True
    for value in segment:
        if armed and value > base + 40:
            count, armed = count + 1, False
        elif value < base + 20:
            armed = True
    return count


@pytest.mark.parametrize(("movement", "subject"), [("m02", 1), ("m02", 10), ("m06", 1), ("m06", 3)])
def test_moving_hip_flexes_once_per_episode_from_the_side(uiprmd, movement, subject):
    track = load_uiprmd(uiprmd, movement, subject, view="right_side")
    series = kinematics(track)
    assert series.view.view == "right_side"
    leg = track.meta["moving_leg"]
    other = "left" if leg == "right" else "right"
    bounds = [*track.meta["episode_start_frames"], track.n_frames]
    moving = series[f"hip_flexion_{leg}"]
    assert [lifts(moving, a, b) for a, b in itertools.pairwise(bounds)] == [1] * 10
    assert [lifts(series[f"hip_flexion_{other}"], a, b) for a, b in itertools.pairwise(bounds)] == [0] * 10


def test_moving_leg_is_found_from_the_skeleton(uiprmd):
    assert load_uiprmd(uiprmd, "m02", 2, episodes=[1]).meta["moving_leg"] == "left"
    assert load_uiprmd(uiprmd, "m06", 2, episodes=[1]).meta["moving_leg"] == "right"


def test_missing_folder_unknown_movement_subject_episode_or_view_is_a_user_error(uiprmd, tmp_path):
    with pytest.raises(UserError, match="No UI-PRMD Kinect data"):
        load_uiprmd(tmp_path / "nowhere")
    with pytest.raises(UserError, match="Unknown UI-PRMD movement") as err:
        load_uiprmd(uiprmd, "m99")
    assert "m02" in err.value.hint
    with pytest.raises(UserError, match="No subject 42"):
        load_uiprmd(uiprmd, "m02", 42)
    with pytest.raises(UserError, match="Episode 11"):
        load_uiprmd(uiprmd, "m02", 1, episodes=[10, 11])
    with pytest.raises(UserError, match="Unknown view"):
        load_uiprmd(uiprmd, view="top")
    with pytest.raises(UserError, match="No episodes"):
        load_uiprmd(uiprmd, episodes=[])


def write_episode(root: Path, positions: str, angles: str) -> None:
    for kind, text in (("Positions", positions), ("Angles", angles)):
        folder = root / "Segmented Movements" / "Kinect" / kind
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m02_s01_e01_{kind.lower()}.txt").write_text(text)


def test_malformed_files_are_user_errors(tmp_path):
    row = ",".join(["0.0"] * 66)
    write_episode(tmp_path / "short", "1,2,3\n", row + "\n")
    write_episode(tmp_path / "words", row.replace("0.0", "abc", 1) + "\n", row + "\n")
    write_episode(tmp_path / "frames", row + "\n" + row + "\n", row + "\n")
    write_episode(tmp_path / "empty", "", "")
    for case, message in (("short", "66 numbers"), ("words", "not a UI-PRMD table"), ("frames", "2 frames")):
        with pytest.raises(UserError, match=message):
            load_uiprmd(tmp_path / case, episodes=[1])
    with pytest.raises(UserError):
        load_uiprmd(tmp_path / "empty", episodes=[1])
