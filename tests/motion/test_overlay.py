"""The annotated video plays in a browser (H.264, yuv420p, even sides, index first) and shows the pose."""

from __future__ import annotations

import av
import numpy as np
import pytest

from hipcoach.errors import UserError
from hipcoach.motion.geometry import inner_angle
from hipcoach.motion.landmarks import INDEX, N_LANDMARKS
from hipcoach.motion.overlay import flexion_angles, overlay_angles, render_overlay
from hipcoach.motion.posetrack import PoseTrack


def standing_track(n: int, size: tuple[int, int], fps: float, missing: tuple[int, ...] = ()) -> PoseTrack:
    """A person standing in the middle of the frame, left knee bent 90° in the image."""
    w, h = size
    lm = np.full((n, N_LANDMARKS, 4), np.nan, np.float32)
    px = {
        "left_shoulder": (0.45, 0.2), "right_shoulder": (0.55, 0.2),
        "left_hip": (0.45, 0.5), "right_hip": (0.55, 0.5),
        "left_knee": (0.45, 0.7), "right_knee": (0.55, 0.7),
        "left_ankle": (0.45 - 0.2 * h / w, 0.7), "right_ankle": (0.55, 0.9),
    }  # fmt: skip
    for name, (x, y) in px.items():
        lm[:, INDEX[name]] = (x, y, 0.0, 0.99)
    lm[list(missing)] = np.nan
    return PoseTrack(
        landmarks=lm,
        presence=np.ones((n, N_LANDMARKS), np.float32),
        world=np.full((n, N_LANDMARKS, 3), np.nan, np.float32),
        timestamps=np.arange(n) / fps,
        frame_size=size,
        fps=fps,
    )


def black(n: int, size: tuple[int, int]) -> list[np.ndarray]:
    return [np.zeros((size[1], size[0], 3), np.uint8) for _ in range(n)]


def decode(path):
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        info = (stream.codec_context.name, stream.codec_context.pix_fmt, stream.width, stream.height)
        frames = [(f.time, f.to_ndarray(format="rgb24")) for f in container.decode(stream)]
    return info, frames


def test_overlay_is_browser_playable_h264_with_even_sides_and_index_first(tmp_path, make_video):
    size = (201, 151)  # odd sides, as some phone exports have
    video = make_video("odd.mp4", black(40, size), pix_fmt="yuv444p", codec="libx264")
    out = render_overlay(video, standing_track(40, size, 30), tmp_path / "out.mp4")
    (codec, pix_fmt, w, h), frames = decode(out)
    assert (codec, pix_fmt, w, h) == ("h264", "yuv420p", 200, 150)
    assert len(frames) == 40
    data = out.read_bytes()
    assert 0 <= data.find(b"moov") < data.find(b"mdat"), "faststart: the index must come before the media"


def test_overlay_draws_the_skeleton_where_the_track_puts_it_and_keeps_timing(tmp_path, make_video):
    size, fps = (320, 240), 25
    times = [i / fps for i in range(30)]
    video = make_video("v.mp4", black(30, size), rate=fps, times=times)
    out = render_overlay(video, standing_track(30, size, fps, missing=(5,)), tmp_path / "o.mp4")
    _, frames = decode(out)
    assert [t for t, _ in frames] == pytest.approx(times, abs=2e-3)
    w, h = size

    def bright(img, x, y):  # any drawing within 2 px of the point
        return img[int(y * h) - 2 : int(y * h) + 3, int(x * w) - 2 : int(x * w) + 3].max() > 100

    img = frames[0][1]
    assert bright(img, 0.55, 0.6)  # midpoint of the right thigh bone
    assert bright(img, 0.45, 0.35)  # left shoulder-hip bone
    assert not bright(img, 0.9, 0.6)  # background stays untouched
    assert not bright(frames[5][1], 0.55, 0.6)  # no person in frame 5: nothing drawn
    # left and right sides are drawn in different colours
    left = (
        img[int(0.6 * h) - 1 : int(0.6 * h) + 2, int(0.45 * w) - 1 : int(0.45 * w) + 2].reshape(-1, 3).max(0)
    )
    right = (
        img[int(0.6 * h) - 1 : int(0.6 * h) + 2, int(0.55 * w) - 1 : int(0.55 * w) + 2].reshape(-1, 3).max(0)
    )
    assert left[0] > left[2] and right[2] > right[0]


def test_overlay_refuses_a_track_made_for_another_frame_size(tmp_path, make_video):
    video = make_video("v.mp4", black(3, (160, 120)))
    with pytest.raises(UserError, match="160x120"):
        render_overlay(video, standing_track(3, (320, 240), 30), tmp_path / "o.mp4")


def test_image_plane_angles_are_flexion_from_straight():
    assert inner_angle(np.array([0.0, 1.0]), np.zeros(2), np.array([1.0, 0.0])) == pytest.approx(90)
    track = standing_track(2, (400, 400), 30)
    angles = flexion_angles(track.pixels())
    assert angles["left_knee"] == pytest.approx([90, 90], abs=0.1)
    assert angles["right_knee"] == pytest.approx([0, 0], abs=0.1)
    assert angles["right_hip"] == pytest.approx([0, 0], abs=0.1)
    nan_track = standing_track(1, (400, 400), 30, missing=(0,))
    assert np.isnan(flexion_angles(nan_track.pixels())["left_knee"]).all()


@pytest.mark.slow
def test_a_side_view_shows_flexion_from_the_kinematics_module(data_dir):
    from hipcoach.motion.pose import estimate_video

    track = estimate_video(data_dir / "clips" / "bridge_bilateral_side_1rep.mp4")
    resolved, angles, caption, signed = overlay_angles(track)
    assert "side view" in caption and "flexion" in caption and not signed
    top = int(np.argmin(np.abs(resolved.timestamps - 1.5)))  # hips up, held ~0.6-2.3 s
    for side in ("left", "right"):
        assert 60 < angles[f"{side}_knee"][top] < 140  # knees bent in a bridge
        assert abs(angles[f"{side}_hip"][top]) < 30  # hips extended in line with the trunk


@pytest.mark.slow
def test_a_front_view_shows_signed_knee_fppa_and_hip_abduction(data_dir):
    from hipcoach.motion.pose import estimate_video

    track = estimate_video(data_dir / "clips" / "single_leg_squat_front_hyva3.mp4")
    _, angles, caption, signed = overlay_angles(track)
    assert "front view" in caption and "FPPA" in caption and signed
    for side in ("left", "right"):
        assert abs(np.nanmedian(angles[f"{side}_knee"])) < 30
        assert abs(np.nanmedian(angles[f"{side}_hip"])) < 30
