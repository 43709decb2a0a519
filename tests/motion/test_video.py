"""Reading video as a user's phone or webcam makes it: formats, rotation, real timing, and bad files."""

from __future__ import annotations

import types
from pathlib import Path

import av
import numpy as np
import pytest

from hipcoach.errors import UserError
from hipcoach.motion.video import VideoInfo, check_limits, iter_frames, probe, sha256, upright_turns


def white_corner(image: np.ndarray) -> tuple[str, str]:
    """Which corner holds the white block that `pattern` puts top-left: ('top'|'bottom', 'left'|'right')."""
    ys, xs = np.nonzero(image.min(axis=2) > 200)
    h, w = image.shape[:2]
    return ("top" if ys.mean() < h / 2 else "bottom", "left" if xs.mean() < w / 2 else "right")


@pytest.mark.parametrize(
    ("name", "codec", "fmt"),
    [
        ("a.mp4", "libx264", None),
        ("a.mov", "libx264", None),
        ("a.webm", "libvpx-vp9", None),
        ("a.avi", "mpeg4", None),
        ("hevc.mp4", "libx265", None),
    ],
)
def test_common_containers_and_codecs_decode_with_size_and_count(make_video, name, codec, fmt):
    path = make_video(name, 10, codec=codec, fmt=fmt, size=(96, 64))
    info = probe(path)
    frames = list(iter_frames(path))
    assert (info.width, info.height) == (96, 64)
    assert len(frames) == 10
    assert info.frame_count == pytest.approx(10, abs=1)
    assert frames[0].image.shape == (64, 96, 3) and frames[0].image.dtype == np.uint8
    assert frames[0].image.flags.c_contiguous
    assert white_corner(frames[0].image) == ("top", "left")


@pytest.mark.parametrize(
    ("rotation", "corner"),
    [(0, ("top", "left")), (90, ("bottom", "left")), (-90, ("top", "right")), (180, ("bottom", "right"))],
)
def test_phone_rotation_is_applied_so_frames_come_out_upright(make_video, rotation, corner):
    # Displayed as a player would: rotation is counter-clockwise, so a 90° clip shows its
    # top-left corner bottom-left, and a -90° (typical portrait phone) clip shows it top-right.
    path = make_video("phone.mp4", 3, size=(96, 64), rotation=rotation)
    info = probe(path)
    image = next(iter_frames(path)).image
    upright_size = (64, 96) if rotation in (90, -90) else (96, 64)
    assert (info.width, info.height) == upright_size
    assert image.shape[:2] == upright_size[::-1]
    assert info.rotation == rotation % 360
    assert white_corner(image) == corner


def test_upright_turns_maps_display_angles_to_quarter_turns():
    assert [upright_turns(r) for r in (0, 90, -90, 180, -180, 270, 89.9)] == [0, 1, 3, 2, 2, 3, 1]


def test_variable_frame_rate_keeps_the_real_timestamps(make_video):
    times = [0.0, 0.033, 0.066, 0.2, 0.233, 0.5, 0.52, 0.9]
    path = make_video("vfr.mp4", len(times), times=times)
    got = [f.time for f in iter_frames(path)]
    assert got == pytest.approx(times, abs=1e-3)


def test_timestamps_start_at_zero_when_the_stream_starts_late(data_dir):
    # This clip's stream starts 3.36 s in: times count from its first frame, the offset is kept.
    path = data_dir / "clips" / "single_leg_squat_front_hyva2.mp4"
    info = probe(path)
    first = list(f.time for _, f in zip(range(3), iter_frames(path), strict=False))
    assert info.start_time == pytest.approx(3.36, abs=0.01)
    assert first == pytest.approx([0.0, 0.04, 0.08], abs=1e-6)


def test_frames_are_streamed_lazily_and_start_end_select_a_span(make_video):
    path = make_video("long.mp4", 30, rate=30)
    frames = iter_frames(path, start=0.5, end=0.7)
    assert isinstance(frames, types.GeneratorType)
    got = [(f.index, round(f.time, 3)) for f in frames]
    assert got == [(15, 0.5), (16, 0.533), (17, 0.567), (18, 0.6), (19, 0.633), (20, 0.667), (21, 0.7)]


def test_frames_not_asked_for_in_rgb_are_converted_only_on_demand(make_video):
    path = make_video("skip.mp4", 6)
    frames = list(iter_frames(path, rgb=lambda i: i % 2 == 0))
    assert [f.converted for f in frames] == [True, False] * 3
    assert frames[1].image.shape == (64, 96, 3)  # still available when needed


def test_probe_reports_codec_rate_duration_and_sha256_is_of_the_bytes(make_video):
    path = make_video("p.mp4", 15, rate=15)
    info = probe(path)
    assert info.codec == "h264"
    assert info.fps == pytest.approx(15)
    assert info.duration == pytest.approx(1.0, abs=0.07)
    import hashlib

    assert sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


# ---- bad input: each gives a UserError that says what is wrong and what to do ----


def expect_user_error(path, *fragments):
    with pytest.raises(UserError) as caught:
        probe(path)
        list(iter_frames(path))
    text = str(caught.value).lower()
    for fragment in fragments:
        assert fragment in text, text
    assert caught.value.hint, "every error must say what to do"
    return caught.value


def test_missing_file(tmp_path):
    expect_user_error(tmp_path / "nope.mp4", "no file")


def test_zero_byte_file(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    expect_user_error(tmp_path / "empty.mp4", "empty")


def test_video_container_with_no_frames(tmp_path):
    with av.open(str(tmp_path / "none.mp4"), "w") as out:
        stream = out.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 96, 64, "yuv420p"
        out.start_encoding()  # header written, then no frame at all
    assert (tmp_path / "none.mp4").stat().st_size > 0
    expect_user_error(tmp_path / "none.mp4", "no video")


def test_random_bytes_are_not_a_video(tmp_path):
    (tmp_path / "junk.mp4").write_bytes(np.random.default_rng(1).integers(0, 256, 20_000, np.uint8).tobytes())
    expect_user_error(tmp_path / "junk.mp4", "not a video")


def test_file_cut_before_its_index_is_reported_as_damaged(make_video):
    path = make_video("whole.mp4", 30)  # index (moov) at the end: a cut-off upload loses it
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    expect_user_error(path, "damaged", "cut short")


def test_file_cut_part_way_through_its_frames_is_reported_as_cut_short(make_video):
    rng = np.random.default_rng(0)
    noisy = [rng.integers(0, 256, (64, 96, 3), np.uint8) for _ in range(40)]  # big frames, so half is lost
    path = make_video("fast.mp4", noisy, faststart=True)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert probe(path).frame_count == 40  # the header still promises them all
    error = expect_user_error(path, "cut short")
    assert "copy it again" in error.hint.lower()


def test_audio_only_file(tmp_path):
    path = tmp_path / "voice.m4a"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("aac", rate=44100)
        for i in range(20):
            frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
            frame.sample_rate, frame.pts = 44100, i * 1024
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    expect_user_error(path, "no video track", "audio")


@pytest.mark.parametrize("name", ["photo.png", "photo.jpg"])
def test_still_image(tmp_path, name):
    from PIL import Image

    Image.fromarray(np.zeros((120, 160, 3), np.uint8)).save(tmp_path / name)
    expect_user_error(tmp_path / name, "still image")


@pytest.mark.parametrize("size", [(16, 16), (9000, 64)])
def test_absurd_resolution(make_video, size):
    path = make_video("odd.mp4", 1, size=size)
    expect_user_error(path, f"{size[0]}x{size[1]}", "outside")


def test_codec_without_a_decoder(make_video):
    path = make_video("h264.mp4", 5)
    # Rename the codec's four-character code to one no decoder claims, as an exotic camera might write.
    path.write_bytes(path.read_bytes().replace(b"avc1", b"zzzz"))
    expect_user_error(path, "codec", "cannot decode")


def test_real_clips_probe_with_their_known_sizes(data_dir):
    clips = data_dir / "clips"
    assert probe(clips / "single_leg_squat_front_hyva7.mp4").size == (1280, 720)
    assert probe(clips / "single_leg_squat_front_hyva_ja_paha2.mp4").size == (406, 720)
    assert probe(clips / "single_leg_stance_cam02.mp4").codec == "vp9"


@pytest.mark.parametrize(
    "name", ["single_leg_squat_front_hyva_ja_paha2.mp4", "single_leg_squat_front_hyva2.mp4"]
)
def test_a_late_start_seeks_yet_yields_the_same_frames_as_decoding_through(data_dir, monkeypatch, name):
    import hipcoach.motion.video as video

    path = data_dir / "clips" / name  # hyva2's stream starts at 3.36 s: times stay from its first frame
    seeked = [(f.index, f.time, f.image) for f in iter_frames(path, start=5.0, end=5.5)]
    monkeypatch.setattr(video, "SEEK_AFTER_S", 1e9)
    through = [(f.index, f.time, f.image) for f in iter_frames(path, start=5.0, end=5.5)]
    assert len(seeked) == len(through) > 10
    for (i, t, image), (j, u, other) in zip(seeked, through, strict=True):
        assert (i, t) == (j, u)
        np.testing.assert_array_equal(image, other)


def test_a_video_replaced_under_the_same_name_is_probed_anew(make_video, tmp_path):
    """probe() keeps its answer per file for the stages of one clip; a new file at that path (an upload
    saved again, a clip re-exported) must not get the old one's size and length."""
    path = make_video("clip.mp4", 10, size=(96, 64))
    assert (probe(path).width, probe(path).frame_count) == (96, 10)
    other = make_video("other.mp4", 20, size=(64, 48))
    other.replace(path)
    info = probe(path)
    assert (info.width, info.height, info.frame_count) == (64, 48, 20)
    path.write_bytes(b"not a video any more")
    with pytest.raises(UserError):
        probe(path)


def _info(fps: float, seconds: float) -> VideoInfo:
    return VideoInfo(Path("set.mp4"), 1920, 1080, fps, seconds, 0, "h264", round(fps * seconds), "mp4", 0.0)


@pytest.mark.parametrize(("fps", "seconds"), [(30, 600), (29.97, 600), (60, 300), (240, 75)])
def test_what_a_job_accepts_runs_up_to_ten_minutes_at_30_fps(fps, seconds):
    check_limits(_info(fps, seconds))  # the longest accepted: what the memory figure was measured on


@pytest.mark.parametrize(
    ("fps", "seconds", "says"),
    [(30, 660, "is 11 min long"), (60, 400, "has 24,000 frames (60 frames a second)"), (240, 80, "19,200")],
)
def test_a_longer_clip_is_refused_with_the_limit_and_what_to_do(fps, seconds, says):
    with pytest.raises(UserError) as refused:
        check_limits(_info(fps, seconds))
    assert says in refused.value.message and "Trim it" in refused.value.hint
