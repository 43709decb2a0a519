"""Fixtures for motion tests: small videos generated with PyAV and frames of the real clips.

The real data (`data_dir`) and the cached real pose tracks (`real_pose_track`) are in tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest


def pattern(i: int, w: int, h: int) -> np.ndarray:
    """A frame that changes with i and has a white block in its top-left corner (to check orientation)."""
    img = np.zeros((h, w, 3), np.uint8)
    img[..., 0] = (i * 7) % 256
    img[..., 1] = np.linspace(0, 255, w, dtype=np.uint8)[None, :]
    img[: h // 4, : w // 4] = 255
    return img


def write_video(
    path: Path,
    frames: int | Sequence[np.ndarray] = 12,
    *,
    size: tuple[int, int] = (96, 64),
    codec: str = "libx264",
    fmt: str | None = None,
    rate: int = 30,
    rotation: int = 0,
    times: Sequence[float] | None = None,
    faststart: bool = False,
    pix_fmt: str = "yuv420p",
) -> Path:
    """Encode a small test video with PyAV.

    `times` (seconds) gives each frame's pts, for variable rate; `rotation` is the display rotation
    (counter-clockwise degrees) that a phone writes instead of turning the pixels.
    """
    images = [pattern(i, *size) for i in range(frames)] if isinstance(frames, int) else list(frames)
    h, w = images[0].shape[:2]
    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", format=fmt, options=options) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = w, h, pix_fmt
        if codec in ("libx264", "libx265"):
            stream.options = {"preset": "ultrafast"}
        if times is not None:
            stream.codec_context.time_base = Fraction(1, 1000)
        if rotation:
            stream.set_display_rotation(rotation)
        for i, img in enumerate(images):
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            if times is not None:
                frame.pts, frame.time_base = round(times[i] * 1000), Fraction(1, 1000)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


@pytest.fixture
def make_video(tmp_path: Path) -> Callable[..., Path]:
    """make_video("name.mp4", frames=..., **write_video options) → path in tmp_path."""

    def make(name: str = "clip.mp4", frames: int | Sequence[np.ndarray] = 12, **kwargs) -> Path:
        return write_video(tmp_path / name, frames, **kwargs)

    return make


@pytest.fixture(scope="session")
def clip_frames() -> Callable[..., list[np.ndarray]]:
    """clip_frames(path, start, count): upright RGB frames of a real clip, to build test videos from."""
    return read_clip_frames


def read_clip_frames(path: Path, start: int = 0, count: int = 60) -> list[np.ndarray]:
    """`count` upright RGB frames of a real clip from frame `start` (for building test videos from it)."""
    from hipcoach.motion.video import iter_frames

    out = []
    for frame in iter_frames(path):
        if frame.index >= start:
            out.append(frame.image)
        if len(out) == count:
            break
    return out
