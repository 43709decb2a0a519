"""Exports a user opens elsewhere (CSV, TRC) and the OpenPose importer, on real and constructed tracks."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from hipcoach.errors import UserError
from hipcoach.motion.landmarks import INDEX, N_LANDMARKS, NAMES
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.trackio import BODY25_TO_BLAZEPOSE, from_openpose, to_csv, to_trc


def small_track(n: int = 4) -> PoseTrack:
    rng = np.random.default_rng(3)
    lm = rng.uniform(0.2, 0.8, (n, N_LANDMARKS, 4)).astype(np.float32)
    world = rng.uniform(-0.5, 0.5, (n, N_LANDMARKS, 3)).astype(np.float32)
    lm[1], world[1] = np.nan, np.nan  # no person in frame 1
    return PoseTrack(
        landmarks=lm,
        presence=np.ones((n, N_LANDMARKS), np.float32),
        world=world,
        timestamps=np.arange(n) / 25.0,
        frame_size=(640, 480),
        fps=25.0,
        model="test",
    )


def test_csv_has_a_row_per_frame_with_named_columns_and_blank_cells_where_nobody_was_found(tmp_path):
    track = small_track()
    with to_csv(track, tmp_path / "t.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4
    assert [r["detected"] for r in rows] == ["1", "0", "1", "1"]
    assert float(rows[2]["time_s"]) == pytest.approx(0.08)
    knee = INDEX["left_knee"]
    assert float(rows[2]["left_knee_x"]) == pytest.approx(track.landmarks[2, knee, 0], rel=1e-5)
    assert float(rows[2]["left_knee_y_px"]) == pytest.approx(track.landmarks[2, knee, 1] * 480, rel=1e-5)
    assert float(rows[3]["right_hip_world_z_m"]) == pytest.approx(
        track.world[3, INDEX["right_hip"], 2], rel=1e-5
    )
    assert rows[1]["left_knee_x"] == "" and rows[1]["nose_world_x_m"] == ""
    assert len(rows[0]) == 3 + 10 * N_LANDMARKS


def read_trc(path):
    lines = path.read_text().splitlines()
    header = dict(zip(lines[1].split("\t"), lines[2].split("\t"), strict=True))
    markers = [m for m in lines[3].split("\t")[2:] if m]
    data = np.array([[float(v) for v in line.split("\t")] for line in lines[6:]])
    return header, markers, data


def test_trc_world_is_metres_y_up_with_all_markers_and_nan_for_missing(tmp_path):
    track = small_track()
    header, markers, data = read_trc(to_trc(track, tmp_path / "t.trc"))
    assert header["NumFrames"] == "4" and header["NumMarkers"] == "33" and header["Units"] == "m"
    assert float(header["DataRate"]) == 25.0
    assert markers == list(NAMES)
    assert data.shape == (4, 2 + 3 * N_LANDMARKS)
    assert data[:, 0].tolist() == [1, 2, 3, 4] and data[2, 1] == pytest.approx(0.08)
    hip = INDEX["left_hip"]
    xyz = data[0, 2 + 3 * hip : 5 + 3 * hip]
    assert xyz == pytest.approx(track.world[0, hip] * [1, -1, -1], abs=1e-5)  # BlazePose y is down
    assert np.isnan(data[1, 2:]).all()


def test_trc_image_coordinates_are_pixels_from_the_bottom(tmp_path):
    track = small_track()
    _, _, data = read_trc(to_trc(track, tmp_path / "t.trc", coords="image"))
    nose = INDEX["nose"]
    x, y, z = data[0, 2 + 3 * nose : 5 + 3 * nose]
    assert x == pytest.approx(track.landmarks[0, nose, 0] * 640, abs=1e-3)
    assert y == pytest.approx(480 - track.landmarks[0, nose, 1] * 480, abs=1e-3)
    assert z == 0.0


# ---- OpenPose BODY_25 ----


@pytest.fixture(scope="module")
def rear_running(data_dir):
    return from_openpose(data_dir / "keypoints" / "rear_running_openpose", fps=30)


def test_openpose_rear_running_imports_every_frame_with_people_where_the_files_have_them(rear_running):
    track = rear_running
    assert track.n_frames == 103
    assert track.model == "openpose-body25"
    assert track.timestamps[1] == pytest.approx(1 / 30) and track.duration == pytest.approx(102 / 30)
    hips = track.landmarks[:, [INDEX["left_hip"], INDEX["right_hip"]], 0]
    assert (~np.isnan(hips).any(axis=1)).sum() == 83  # README: 83 frames have a person's hips
    assert np.isnan(track.landmarks[:4]).all()  # the first files hold nobody
    assert np.isnan(track.landmarks[:, INDEX["left_eye_inner"]]).all()  # no BODY_25 counterpart
    assert np.isnan(track.world).all()


def test_openpose_hips_and_ankles_land_where_a_runner_seen_from_behind_has_them(rear_running):
    px = rear_running.pixels()
    w, h = rear_running.frame_size
    assert (w, h) == (1920, 1080) and rear_running.meta["frame_size_assumed"]
    lh, rh = px[:, INDEX["left_hip"]], px[:, INDEX["right_hip"]]
    la, ra = px[:, INDEX["left_ankle"]], px[:, INDEX["right_ankle"]]
    both = ~np.isnan(lh[:, 0] + rh[:, 0] + la[:, 0] + ra[:, 0])
    assert both.sum() >= 75
    # From behind the person's right hip is on the image's right, hips sit above ankles,
    # and the body is in the frame's middle band.
    assert np.mean(rh[both, 0] > lh[both, 0]) > 0.9
    assert (np.minimum(la[both, 1], ra[both, 1]) > np.maximum(lh[both, 1], rh[both, 1])).all()
    hip_width = np.median(np.abs(rh[both, 0] - lh[both, 0]))
    leg = np.median(la[both, 1] - lh[both, 1])
    assert 1.5 < leg / hip_width < 8  # a leg is a few hip-widths long
    mid = (lh[both] + rh[both]) / 2
    assert (mid[:, 0] > 0.25 * w).all() and (mid[:, 0] < 0.75 * w).all() and (mid[:, 1] < 0.8 * h).all()
    # Confidence becomes visibility.
    vis = rear_running.landmarks[both, INDEX["left_hip"], 3]
    assert ((vis > 0) & (vis <= 1)).all()


def write_openpose(folder, frames):
    folder.mkdir()
    for i, people in enumerate(frames):
        data = {"version": 1.3, "people": [{"pose_keypoints_2d": p.ravel().tolist()} for p in people]}
        (folder / f"clip_{i:012d}_keypoints.json").write_text(json.dumps(data))


def person_at(x: float) -> np.ndarray:
    k = np.zeros((25, 3))
    k[[8, 9, 12], 0] = [x, x + 20, x - 20]
    k[[8, 9, 12], 1] = 500
    k[[8, 9, 12], 2] = 0.9
    return k


def test_openpose_import_follows_one_person_when_two_are_in_view(tmp_path):
    a, b = person_at(300), person_at(900)
    b[:, 2] *= 1.1  # b is the more confident one, but a is whom we started with
    write_openpose(tmp_path / "op", [[a], [b, a], [a, b], [b, person_at(310)]])
    track = from_openpose(tmp_path / "op", frame_size=(1280, 720))
    hip_x = track.pixels()[:, INDEX["right_hip"], 0]
    assert hip_x == pytest.approx([320, 320, 320, 330])
    assert track.frame_size == (1280, 720) and "frame_size_assumed" not in track.meta
    for b25, name in BODY25_TO_BLAZEPOSE.items():
        if b25 not in (9, 12):
            assert np.isnan(track.landmarks[:, INDEX[name], 0]).all()


def test_openpose_folder_without_json_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="No OpenPose"):
        from_openpose(tmp_path)
    (tmp_path / "x_keypoints.json").write_text("{not json")
    with pytest.raises(UserError, match="not OpenPose JSON"):
        from_openpose(tmp_path)
