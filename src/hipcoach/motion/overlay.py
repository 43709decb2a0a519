"""Annotated video: the pose track's skeleton and knee/hip angles drawn on the source frames.

Written as H.264 in yuv420p with even dimensions and the index at the front of the file (faststart):
the combination every browser plays, and that starts playing before the whole file has arrived.
OpenCV (headless) draws; PyAV decodes and encodes, so no ffmpeg binary is needed.

The angles come from motion.kinematics (the project's angle convention, the person's own left and right
resolved by motion.views), choosing the series that mean something in the clip's view: knee and hip
flexion from the side; knee frontal-plane projection angle and hip abduction from the front or back.
When the view cannot be told, plain 2D flexion (180° minus the hip-knee-ankle / shoulder-hip-knee angle)
is shown and labelled as such.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import av
import cv2
import numpy as np

from hipcoach.colours import SIDE_RGB
from hipcoach.errors import UserError
from hipcoach.motion.geometry import inner_angle
from hipcoach.motion.landmarks import BONES, INDEX
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.video import iter_frames, probe

if TYPE_CHECKING:
    from hipcoach.motion.kinematics import Kinematics
    from hipcoach.motion.views import ViewResult

LEFT, RIGHT, CENTRE = SIDE_RGB["left"], SIDE_RGB["right"], (230, 230, 230)  # RGB
MIN_VISIBILITY = 0.5


def flexion_angles(pixels: np.ndarray) -> dict[str, np.ndarray]:
    """Image-plane knee and hip flexion (degrees, 0 = straight) per side from [T, 33, 2] pixel positions."""
    out = {}
    for side in ("left", "right"):
        p = {k: pixels[:, INDEX[f"{side}_{k}"]] for k in ("shoulder", "hip", "knee", "ankle")}
        out[f"{side}_knee"] = 180.0 - inner_angle(p["hip"], p["knee"], p["ankle"])
        out[f"{side}_hip"] = 180.0 - inner_angle(p["shoulder"], p["hip"], p["knee"])
    return out


def overlay_angles(
    track: PoseTrack, view: ViewResult | None = None, kin: Kinematics | None = None
) -> tuple[PoseTrack, dict[str, np.ndarray], str, bool]:
    """(track with the person's own left/right, {"left_knee": series, ...}, caption, signed?) to draw.
    Given `view` (and optionally its `kin`), `track` already has its sides resolved (an analysis's
    prepared track): the drawing then shows the analysis's own sides, view and angles."""
    from hipcoach.motion.kinematics import kinematics
    from hipcoach.motion.views import resolve_sides

    if not track.detected.any():
        return track, {}, "", False
    resolved, view = (track, view) if view is not None else resolve_sides(track)
    if view.view in ("left_side", "right_side"):
        pick, caption, signed = {"knee": "knee_flexion", "hip": "hip_flexion"}, "knee / hip flexion", False
    elif view.view in ("front", "back", "lying"):
        pick, caption = {"knee": "knee_fppa", "hip": "hip_abduction"}, "knee FPPA (+ valgus) / hip abduction"
        signed = True
    else:
        return resolved, flexion_angles(resolved.pixels()), "knee / hip flexion, 2D (view unclear)", False
    kin = kin if kin is not None else kinematics(resolved, resolve=False, view=view)
    angles = {
        f"{side}_{joint}": kin.side(base, side) for side in ("left", "right") for joint, base in pick.items()
    }
    return resolved, angles, f"{view.view.replace('_', ' ')} view: {caption}, degrees", signed


def _colour(a: str, b: str) -> tuple[int, int, int]:
    if a.startswith("left") and b.startswith("left"):
        return LEFT
    if a.startswith("right") and b.startswith("right"):
        return RIGHT
    return CENTRE


def draw_pose(
    image: np.ndarray,
    points: np.ndarray,
    visibility: np.ndarray,
    angles: dict[str, float],
    signed: bool = False,
) -> None:
    """Draw bones, joints and angle labels in place on an RGB image from [33, 2] pixel points."""
    h = image.shape[0]
    thick = max(2, round(h / 240))
    ok = ~np.isnan(points[:, 0]) & (np.nan_to_num(visibility) >= MIN_VISIBILITY)
    for a, b in BONES:
        i, j = INDEX[a], INDEX[b]
        if ok[i] and ok[j]:
            p, q = points[i].round().astype(int), points[j].round().astype(int)
            cv2.line(image, tuple(p), tuple(q), _colour(a, b), thick, cv2.LINE_AA)
    for i in np.flatnonzero(ok):
        cv2.circle(image, tuple(points[i].round().astype(int)), thick + 1, (255, 255, 255), -1, cv2.LINE_AA)
    scale = max(0.4, h / 1200)
    for name, value in angles.items():
        joint = INDEX[name]
        if np.isnan(value) or not ok[joint]:
            continue
        x, y = points[joint].round().astype(int)
        label = f"{value:+.0f}" if signed else f"{value:.0f}"
        width = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)[0][0]
        gap = int(12 * scale)
        dx = -(width + gap) if name.startswith("right") else gap  # beside the joint, on the outside
        colour = LEFT if name.startswith("left") else RIGHT
        org = (int(x + dx), int(y))
        cv2.putText(image, label, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thick + 2, cv2.LINE_AA)
        cv2.putText(image, label, org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thick, cv2.LINE_AA)


def _legend(image: np.ndarray, t: float, caption: str, found: bool) -> None:
    """Time, what the numbers mean and the colour key, on as many lines as the frame's width needs."""
    h, w = image.shape[:2]
    scale = max(0.4, h / 1400)
    words = f"{t:6.2f} s  {caption}; left orange, right blue{'' if found else '; no person'}".split(" ")
    lines = [""]
    for word in words:
        trial = f"{lines[-1]} {word}" if lines[-1] else word
        if lines[-1] and cv2.getTextSize(trial, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)[0][0] > w - 16:
            lines.append(word)
        else:
            lines[-1] = trial
    step = int(28 * scale * 1.6)
    for n, line in enumerate(lines, 1):
        cv2.putText(image, line, (8, n * step), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 3)
        cv2.putText(image, line, (8, n * step), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), 1)


def render_overlay(
    video: str | Path,
    track: PoseTrack,
    output: str | Path,
    *,
    crf: int = 23,
    progress: Callable[[int, int], None] | None = None,
    extra: Callable[[np.ndarray, float], None] | None = None,
    view: ViewResult | None = None,
    kin: Kinematics | None = None,
) -> Path:
    """Write `output` (mp4): the video's upright frames with the track drawn on, at the video's own timing.
    `extra(image, t)` draws more on each frame (a report's rep counter and fault cues); `view` and `kin`:
    as for overlay_angles (the track already resolved, so it is not resolved again)."""
    video, output = Path(video), Path(output)
    info = probe(video)
    if info.size != tuple(track.frame_size):
        raise UserError(
            f"The track is for {track.frame_size[0]}x{track.frame_size[1]} frames but {video.name} is "
            f"{info.width}x{info.height}.",
            "Give the video the track was made from, or make a new track with `hipcoach pose`.",
        )
    # Drawn at the decoded size (at most 720p, see motion.video): a 4K overlay costs x264 a gigabyte.
    decoded = info.decoded_size
    width, height = decoded[0] // 2 * 2, decoded[1] // 2 * 2  # yuv420p needs even sides
    track, angles, caption, signed = overlay_angles(track, view, kin)
    pixels = track.landmarks[:, :, :2] * np.array(decoded, np.float32)
    vis = track.landmarks[:, :, 3]
    t_track = track.timestamps
    tolerance = 0.5 / max(track.fps, 1.0)
    span = (t_track[0] - tolerance, t_track[-1] + tolerance) if track.n_frames else (0.0, -1.0)
    total = info.frame_count
    with av.open(str(output), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        stream = out.add_stream("libx264", rate=Fraction(info.fps).limit_denominator(1001))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        stream.options = {"crf": str(crf), "preset": "veryfast", "profile": "high"}
        last_pts = -1
        for n, frame in enumerate(iter_frames(video)):
            image = frame.image[:height, :width].copy()
            i = int(np.clip(np.searchsorted(t_track, frame.time), 0, max(track.n_frames - 1, 0)))
            if i > 0 and abs(t_track[i - 1] - frame.time) < abs(t_track[i] - frame.time):
                i -= 1
            in_track = track.n_frames and span[0] <= frame.time <= span[1]
            found = bool(in_track and abs(t_track[i] - frame.time) <= tolerance and track.detected[i])
            if found:
                draw_pose(image, pixels[i], vis[i], {k: float(v[i]) for k, v in angles.items()}, signed)
            if in_track:
                _legend(image, frame.time, caption, found)
            if extra is not None:
                extra(image, frame.time)
            out_frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            last_pts = max(round(frame.time * 1000), last_pts + 1)
            out_frame.pts, out_frame.time_base = last_pts, Fraction(1, 1000)
            for packet in stream.encode(out_frame):
                out.mux(packet)
            if progress:
                progress(n + 1, max(total, n + 1))
        for packet in stream.encode():
            out.mux(packet)
    return output
