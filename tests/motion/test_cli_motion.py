"""`hipcoach pose` and `hipcoach overlay` as a user runs them: files written, and bad input gets exit 2."""

from __future__ import annotations

import csv

import av
import numpy as np
import pytest

from hipcoach.motion.posetrack import PoseTrack
from tests.factories import run_cli


@pytest.mark.slow
def test_pose_then_overlay_on_a_real_clip(data_dir, tmp_path):
    video = data_dir / "clips" / "single_leg_stance_cam03.mp4"
    track_path, csv_path, trc_path = tmp_path / "t.npz", tmp_path / "t.csv", tmp_path / "t.trc"
    result = run_cli("pose", video, "-o", track_path, "--csv", csv_path, "--trc", trc_path)
    assert result.exit_code == 0, result.output
    assert "person found in 100% of frames" in result.output
    track = PoseTrack.load(track_path)
    assert track.n_frames == 100 and track.detected.all() and track.source_name == video.name
    with csv_path.open() as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == 100
    assert trc_path.read_text().startswith("PathFileType\t4")

    out = tmp_path / "annotated.mp4"
    result = run_cli("overlay", video, track_path, "-o", out)
    assert result.exit_code == 0, result.output
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        # drawn at the decoded size: a 1088x1920 portrait clip is decoded at most 720 px across
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 720, 1270)
        assert sum(1 for _ in container.decode(stream)) == 100


@pytest.mark.slow
def test_pose_reports_a_video_with_nobody_in_it(make_video, tmp_path):
    video = make_video("empty_room.mp4", [np.full((240, 320, 3), 90, np.uint8)] * 10)
    result = run_cli("pose", video, "-o", tmp_path / "t.npz")
    assert result.exit_code == 2
    assert "No person was found" in result.text and "whole body" in result.text
    assert not (tmp_path / "t.npz").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00garbage" * 500, "not a video"),
    ],
)
def test_pose_on_a_bad_file_exits_2_with_a_message_and_no_traceback(tmp_path, content, message):
    bad = tmp_path / "upload.mp4"
    bad.write_bytes(content)
    result = run_cli("pose", bad, "-o", tmp_path / "t.npz")
    assert result.exit_code == 2
    assert result.output.startswith("Error:")
    assert message in result.text


def test_pose_on_a_still_image_exits_2(tmp_path):
    from PIL import Image

    Image.fromarray(np.zeros((100, 100, 3), np.uint8)).save(tmp_path / "me.jpg")
    result = run_cli("pose", tmp_path / "me.jpg")
    assert result.exit_code == 2 and "still image" in result.text


def test_pose_output_in_a_missing_folder_fails_before_any_work(make_video, tmp_path):
    video = make_video("v.mp4", 3)
    result = run_cli("pose", video, "-o", tmp_path / "nowhere" / "t.npz")
    assert result.exit_code == 2 and "does not exist" in result.text


def test_overlay_with_a_file_that_is_not_a_track_exits_2(make_video, tmp_path):
    video = make_video("v.mp4", 3)
    (tmp_path / "t.npz").write_text("hello")
    result = run_cli("overlay", video, tmp_path / "t.npz", "-o", tmp_path / "o.mp4")
    assert result.exit_code == 2 and "not a hipcoach pose track" in result.text


def test_help_lists_the_motion_commands():
    result = run_cli("--help")
    assert "pose" in result.output and "overlay" in result.output


def test_pose_with_a_start_beyond_the_end_of_the_video_exits_2(make_video, tmp_path):
    video = make_video("short.mp4", 10)  # a third of a second
    result = run_cli("pose", video, "--start", "5", "-o", tmp_path / "t.npz")
    assert result.exit_code == 2 and "no frames between 5 s" in result.text
