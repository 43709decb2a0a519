"""Video reading with PyAV: probe, then stream upright RGB frames with their real timestamps.

Frames are yielded one at a time (a 10-minute 1080p video never sits in memory). PyAV reports a phone
clip's display rotation in `frame.rotation` but never applies it, so every frame is turned upright here
before anything looks for a person. Timestamps come from each frame's pts, so variable-frame-rate phone
video keeps its true timing; they are seconds from the first frame (the stream's own start offset is
kept in `VideoInfo.start_time`).

Frames are scaled down as they are decoded so that the long side is at most 1280 and the short side at
most 720 pixels (`decode_size`): the pose model looks at 256 pixels, so nothing above 720p helps, and a
4K frame costs nine times the memory and conversion of a 720p one. Landmarks are fractions of the
frame, so they do not change; `VideoInfo.width/height` stay the video's own upright size.

What a job accepts is bounded (`check_limits`): at most 4K, ten minutes, and 18,015 frames (ten
minutes at 30 fps; five at 60), so one upload cannot hold the only worker for an hour, and the pose
step's peak memory stays near where it was measured (`hipcoach pose`: 464 MiB for ten minutes of 1080p
at 30 fps, benchmarks/bench_video_speed.py): the landmarks kept grow by about 2 KiB a frame.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import av
import cv2
import numpy as np

from hipcoach.errors import UserError

# Bounds on what we accept as a video of a person exercising; outside them something is wrong.
MIN_SIDE = 32
MAX_SIDE = 4096  # DCI 4K; 8K costs a minute of decoding for nothing the model can use
MAX_PIXELS = 4096 * 2160
MAX_DURATION_S = 600.0  # ten minutes: several sets; a longer recording should be trimmed to them
MAX_FRAMES = round((MAX_DURATION_S + 0.5) * 30)  # ten minutes at 30 fps, five at 60 (see the docstring)
SEEK_AFTER_S = 2.0  # a later start seeks to the key frame before it (segments of long videos)
SEEK_MARGIN_S = 1.0
DECODE_LONG, DECODE_SHORT = 1280, 720  # frames are scaled down to fit both (see the docstring)
STILL_IMAGE_FORMATS = ("image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe", "gif")
_CONVERT_HINT = "Export or convert it to an H.264 mp4 (any phone or video editor can) and try again."


@dataclass(frozen=True)
class VideoInfo:
    """What a video is, read from its headers and first frame. width/height are of the upright frame."""

    path: Path
    width: int
    height: int
    fps: float
    duration: float  # seconds
    rotation: int  # degrees counter-clockwise applied to turn decoded frames upright (0, 90, 180, 270)
    codec: str
    frame_count: int  # estimate when the container does not say
    container: str
    start_time: float  # seconds: pts of the first frame in the stream

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    @property
    def decoded_size(self) -> tuple[int, int]:
        """(width, height) of the upright frames `iter_frames` yields (scaled down to at most 720p)."""
        return decode_size(self.width, self.height)


def decode_size(width: int, height: int) -> tuple[int, int]:
    """The size a width x height frame is decoded at: scaled down to a long side of at most DECODE_LONG
    and a short side of at most DECODE_SHORT, aspect kept, sides even (4:2:0 needs them); never up."""
    scale = min(1.0, DECODE_LONG / max(width, height), DECODE_SHORT / min(width, height))
    if scale >= 1.0:
        return (width, height)
    return (max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2))


@dataclass
class Frame:
    """One decoded frame. `image` (H x W x 3 uint8 RGB, upright, C-contiguous) is made on first use."""

    index: int
    time: float  # seconds from the first frame
    raw: av.VideoFrame | None = field(default=None, repr=False)
    _image: np.ndarray | None = field(default=None, repr=False)
    scale: bool = True  # scale down to `decode_size` when converting

    @property
    def converted(self) -> bool:
        return self._image is not None

    @property
    def image(self) -> np.ndarray:
        if self._image is None:
            image = to_rgb(self.raw, decode_size(self.raw.width, self.raw.height) if self.scale else None)
            k = upright_turns(self.raw.rotation)
            # PyAV may hand back rows padded to an alignment; MediaPipe needs a C-contiguous array.
            self._image = np.ascontiguousarray(np.rot90(image, k) if k else image)
            self.raw = None
        return self._image


def to_rgb(raw: av.VideoFrame, size: tuple[int, int] | None = None) -> np.ndarray:
    """RGB pixels of a decoded frame, scaled to `size` (width, height of the frame as coded) if given.

    Planar 4:2:0 (most phone video) goes through OpenCV's SIMD conversion, about 4x cheaper than
    swscale here (0.45 vs 2.1 ms a 720p frame), which matters because conversion runs beside pose
    inference on the same two cores. Scaling is done first, by swscale's area filter in YUV (about
    14 ms a 4K frame here, against 90 ms converting at 4K and resizing the RGB)."""
    if size is not None and size != (raw.width, raw.height):
        raw = raw.reformat(width=size[0], height=size[1], interpolation="AREA")
    if raw.format.name == "yuv420p" and raw.width % 2 == 0 and raw.height % 2 == 0:  # limited range only
        return cv2.cvtColor(raw.to_ndarray(format="yuv420p"), cv2.COLOR_YUV2RGB_I420)
    return raw.to_ndarray(format="rgb24")


def upright_turns(rotation: float) -> int:
    """Quarter turns counter-clockwise (np.rot90's k) that stand a frame with this display rotation up.

    PyAV's `frame.rotation` is the display matrix's counter-clockwise angle: -90 (an iPhone portrait
    clip) means "show it turned 90° clockwise", i.e. k = -1.
    """
    return round(rotation / 90.0) % 4


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise UserError(f"No file at {path}.", "Check the path and the file name.")
    if path.is_dir():
        raise UserError(f"{path} is a folder, not a video file.", "Give the path of a video file.")
    if path.stat().st_size == 0:
        raise UserError(f"{path} is empty (0 bytes).", "The copy or upload failed: copy the video again.")
    try:
        return av.open(str(path), metadata_errors="ignore")
    except av.error.InvalidDataError as exc:
        raise UserError(
            f"{path.name} is not a video hipcoach can read: it is damaged, cut short, or not a video at all.",
            "If it was copied or uploaded, copy it again in full. " + _CONVERT_HINT,
        ) from exc
    except (av.error.FFmpegError, OSError) as exc:
        raise UserError(f"Cannot open {path.name}: {exc}.", _CONVERT_HINT) from exc


def _video_stream(container: av.container.InputContainer, path: Path) -> av.video.stream.VideoStream:
    fmt = container.format.name
    if not container.streams.video:
        what = " (it holds only audio)" if container.streams.audio else ""
        raise UserError(f"{path.name} has no video track{what}.", "Give a video of the exercise.")
    stream = container.streams.video[0]
    if stream.codec_context is None:
        raise UserError(
            f"{path.name} uses a video codec this build of hipcoach cannot decode.",
            _CONVERT_HINT,
        )
    if fmt in STILL_IMAGE_FORMATS or fmt.endswith("_pipe"):
        raise UserError(
            f"{path.name} is a still image ({stream.codec_context.name}), not a video.",
            "Film the exercise as a video, with your whole body in view.",
        )
    w, h = stream.codec_context.width, stream.codec_context.height
    if min(w, h) < MIN_SIDE or max(w, h) > MAX_SIDE or w * h > MAX_PIXELS:
        raise UserError(
            f"{path.name} is {w}x{h} pixels, outside what hipcoach handles "
            f"({MIN_SIDE} to {MAX_SIDE} pixels a side, at most 4K).",
            "Film or export it at 1080p or 720p (1920x1080 or 1280x720): more detail does not help.",
        )
    return stream


def probe(path: str | Path) -> VideoInfo:
    """Read a video's size, rate, length, rotation and codec, decoding only its first frame.

    One clip goes through several stages that each need this (the upload check, the pose run, the
    annotated video), so the answer is kept per file as long as the file's size and modification time
    are unchanged; a file replaced in place is read again. Raises UserError for anything that is not a
    readable video (never kept: the next call tries again).
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return _probe(path, -1, -1)  # _open says what is wrong with the path
    return _probe(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _probe(path: Path, _size: int, _mtime_ns: int) -> VideoInfo:
    with _open(path) as container:
        stream = _video_stream(container, path)
        first = _first_frame(container, stream, path)
        rotation = upright_turns(first.rotation) * 90
        w, h = first.width, first.height
        if rotation in (90, 270):
            w, h = h, w
        fps = float(stream.average_rate or stream.guessed_rate or stream.base_rate or 0) or 30.0
        tb = float(stream.time_base) if stream.time_base else 0.0
        if stream.duration and tb:
            duration = stream.duration * tb
        elif container.duration:
            duration = container.duration / av.time_base
        else:
            duration = 0.0
        frame_count = stream.frames or round(duration * fps)
        start = first.time if first.time is not None else 0.0
        return VideoInfo(
            path=path,
            width=w,
            height=h,
            fps=fps,
            duration=float(duration),
            rotation=rotation,
            codec=stream.codec_context.name,
            frame_count=int(frame_count) or 1,
            container=container.format.name,
            start_time=float(start),
        )


def _first_frame(container, stream, path: Path) -> av.VideoFrame:
    try:
        for frame in container.decode(stream):
            return frame
    except av.error.FFmpegError as exc:
        raise UserError(
            f"{path.name} is damaged: its first frame cannot be decoded ({exc}).", _CONVERT_HINT
        ) from exc
    raise UserError(f"{path.name} contains no video frames.", "Record the exercise again and check it plays.")


def iter_frames(
    path: str | Path,
    *,
    start: float = 0.0,
    end: float | None = None,
    rgb: bool | Callable[[int], bool] = True,
    frame_threads: bool = True,
    scale: bool = True,
) -> Iterator[Frame]:
    """Yield upright RGB frames from `start` to `end` seconds (from the first frame), one at a time,
    scaled down to `decode_size` unless `scale` is False.

    `frame_threads=False` decodes on one thread: better when pose inference already keeps every core
    busy (the benchmark's pipeline/inference ratio rose from 0.83 to 0.86 on 2 cores).

    `rgb` may be a predicate on the frame index: frames for which it is false are decoded (the codec
    needs them) but converted to RGB only if their `image` is asked for. Skipping the conversion is
    part of what makes running the model on every other frame cheaper.
    Raises UserError if the file is unreadable or breaks off part-way.
    """
    path = Path(path)
    want_rgb = rgb if callable(rgb) else (lambda _i: rgb)
    with _open(path) as container:
        stream = _video_stream(container, path)
        stream.thread_type = "AUTO" if frame_threads else "NONE"
        t0: float | None = None
        fallback_dt = 1.0 / float(stream.average_rate or stream.guessed_rate or 30)
        index = -1
        last_t = -np.inf
        seeked = start > SEEK_AFTER_S and (t0 := _seek(container, stream, start)) is not None
        try:
            for frame in container.decode(stream):
                index += 1
                if t0 is None:
                    t0 = frame.time if frame.time is not None else 0.0
                t = frame.time - t0 if frame.time is not None else index * fallback_dt
                if seeked and frame.time is not None:  # indices after a seek follow from the time
                    index = round(t / fallback_dt)
                if t <= last_t:  # broken or duplicated pts: keep time moving forward
                    t = last_t + 1e-3
                last_t = t
                if t < start:
                    continue
                if end is not None and t > end:
                    break
                item = Frame(index, t, frame, scale=scale)
                if want_rgb(index):
                    item.image  # noqa: B018 - convert now, in the decoding thread
                yield item
        except av.error.FFmpegError as exc:
            raise UserError(
                f"{path.name} is damaged or cut short: decoding fails after frame {index} "
                f"({max(last_t, 0):.1f} s).",
                "If it was copied or uploaded, copy it again in full. " + _CONVERT_HINT,
            ) from exc
        if index < 0:
            raise UserError(f"{path.name} contains no video frames.", "Record the exercise again.")
        expected = _expected_frames(stream)
        if end is None and expected and index + 1 < 0.9 * expected - 1:
            raise UserError(
                f"{path.name} is cut short: its header promises {expected} frames but only {index + 1} "
                f"({last_t:.1f} s) can be read.",
                "If it was copied or uploaded, copy it again in full.",
            )


def _seek(container, stream, start: float) -> float | None:
    """Jump to a key frame before `start` s (from the first frame) instead of decoding up to it, so a
    time segment of a long video costs only its own frames. Returns the first frame's time (what times
    are counted from), or None, back at the beginning, if the container cannot seek there exactly.

    It aims SEEK_MARGIN_S early and checks that the frame it lands on is not after `start` (with an
    edit list or B-frames a container may land late), else decodes from the beginning after all.
    """
    try:
        first = next(container.decode(stream))
        t0 = first.time if first.time is not None else 0.0
        target = round((t0 + max(0.0, start - SEEK_MARGIN_S)) / float(stream.time_base))
        container.seek(target, stream=stream, backward=True)
        landed = next(container.decode(stream))
        if landed.time is None or landed.time - t0 > start:
            raise ValueError("landed after the start")
        container.seek(target, stream=stream, backward=True)
        return t0
    except (av.error.FFmpegError, StopIteration, TypeError, ValueError, ZeroDivisionError):
        container.seek(0, stream=stream)
        return None


def check_limits(info: VideoInfo, start: float = 0.0, end: float | None = None) -> None:
    """Refuse a clip (or its start..end span) longer than a job may take, saying the limit and what to do."""
    span = (min(end, info.duration) if end is not None else info.duration) - start
    frames = round(span * info.fps) if (start or end is not None) else info.frame_count
    if span > MAX_DURATION_S + 0.5:
        raise UserError(
            f"{info.path.name} is {_minutes(span)} long; hipcoach analyses at most "
            f"{_minutes(MAX_DURATION_S)} of video at a time.",
            "Trim it to the sets you want analysed (any phone's photo app can) and try again.",
        )
    if frames > MAX_FRAMES:
        raise UserError(
            f"{info.path.name} has {frames:,} frames ({info.fps:.0f} frames a second); hipcoach analyses "
            f"at most {MAX_FRAMES:,} frames at a time.",
            "Trim it to the sets you want analysed (five minutes at 60 frames a second), or film at 30 "
            "frames a second, and try again.",
        )


def _minutes(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m} min {s} s" if s else f"{m} min"


def _expected_frames(stream) -> int:
    """Frame count the container promises (0 when it does not say), to notice truncated files."""
    if stream.frames:
        return int(stream.frames)
    if stream.duration and stream.time_base and stream.average_rate:
        return int(stream.duration * stream.time_base * stream.average_rate)
    return 0


def sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hash of the file's bytes, stored in the PoseTrack so a track can be matched to its video."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
