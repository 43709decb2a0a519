"""PoseTrack to and from other tools' formats: CSV (a row per frame), TRC (OpenSim, Sports2D), OpenPose JSON.

The `.npz` written by PoseTrack.save stays the lossless format; these exist so a user can open a track in
a spreadsheet, in OpenSim/Sports2D, or bring keypoints made by OpenPose into hipcoach's analysis.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np

from hipcoach.errors import UserError
from hipcoach.motion.landmarks import INDEX, N_LANDMARKS, NAMES
from hipcoach.motion.posetrack import PoseTrack

# OpenPose BODY_25 index → BlazePose name. BODY_25's Neck (1), MidHip (8) and small toes (20, 23) have no
# BlazePose counterpart; BlazePose's inner/outer eyes, mouth, fingers and thumbs have none in BODY_25.
BODY25_TO_BLAZEPOSE: dict[int, str] = {
    0: "nose", 2: "right_shoulder", 3: "right_elbow", 4: "right_wrist",
    5: "left_shoulder", 6: "left_elbow", 7: "left_wrist",
    9: "right_hip", 10: "right_knee", 11: "right_ankle",
    12: "left_hip", 13: "left_knee", 14: "left_ankle",
    15: "right_eye", 16: "left_eye", 17: "right_ear", 18: "left_ear",
    19: "left_foot_index", 21: "left_heel", 22: "right_foot_index", 24: "right_heel",
}  # fmt: skip
# Frame sizes tried, smallest first, when an OpenPose folder does not say how big its frames were.
COMMON_FRAME_SIZES = (
    (640, 360),
    (640, 480),
    (854, 480),
    (1280, 720),
    (1920, 1080),
    (2560, 1440),
    (3840, 2160),
)


def _fmt(v: float) -> str:
    return "" if np.isnan(v) else f"{v:.6g}"


def to_csv(track: PoseTrack, path: str | Path) -> Path:
    """One row per frame: time, whether a person was found, then per landmark x, y (0..1), x_px, y_px, z,
    visibility, presence and world x, y, z (metres). Empty cells where no person was found."""
    path = Path(path)
    px = track.pixels()
    header = ["frame", "time_s", "detected"]
    for name in NAMES:
        header += [f"{name}_{c}" for c in ("x", "y", "x_px", "y_px", "z", "visibility", "presence")]
        header += [f"{name}_world_{c}_m" for c in "xyz"]
    detected = track.detected
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i in range(track.n_frames):
            row: list[str | int] = [i, f"{track.timestamps[i]:.6f}", int(detected[i])]
            lm, w = track.landmarks[i], track.world[i]
            for j in range(N_LANDMARKS):
                values = (lm[j, 0], lm[j, 1], px[i, j, 0], px[i, j, 1], lm[j, 2], lm[j, 3])
                row += [_fmt(v) for v in (*values, track.presence[i, j], *w[j])]
            writer.writerow(row)
    return path


def to_trc(track: PoseTrack, path: str | Path, coords: str = "world") -> Path:
    """Write an OpenSim/Sports2D .trc marker file, Y up.

    coords="world": BlazePose's hip-centred world landmarks in metres (x right, Y up, Z towards the camera).
    coords="image": pixel positions with Y up from the bottom edge and Z = 0, in pixels (as Sports2D does
    before calibration). Frames without a person are written as NaN, which OpenSim reads as missing.
    """
    if coords not in ("world", "image"):
        raise ValueError(f"coords must be 'world' or 'image', not {coords!r}")
    path = Path(path)
    if coords == "world":
        xyz = track.world * np.array([1.0, -1.0, -1.0], np.float32)  # BlazePose: y down, z away
        units = "m"
    else:
        px = track.pixels()
        xyz = np.stack([px[..., 0], track.frame_size[1] - px[..., 1], px[..., 0] * 0], axis=-1)
        units = "px"
    n, rate = track.n_frames, track.fps
    lines = [
        f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames",
        f"{rate:.6g}\t{rate:.6g}\t{n}\t{N_LANDMARKS}\t{units}\t{rate:.6g}\t1\t{n}",
        "Frame#\tTime\t" + "\t\t\t".join(NAMES) + "\t\t",
        "\t\t" + "\t".join(f"X{j}\tY{j}\tZ{j}" for j in range(1, N_LANDMARKS + 1)),
        "",
    ]
    for i in range(n):
        values = "\t".join("NaN" if np.isnan(v) else f"{v:.6f}" for v in xyz[i].ravel())
        lines.append(f"{i + 1}\t{track.timestamps[i]:.6f}\t{values}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _frame_number(path: Path) -> int:
    numbers = re.findall(r"\d+", path.stem)
    return int(numbers[-1]) if numbers else -1


def _frame_numbers(files: list[Path]) -> np.ndarray:
    """Frame numbers from the file names (OpenPose writes them), or 0..n-1 when they do not make sense."""
    numbers = np.array([_frame_number(f) for f in files], np.float64)
    if (numbers < 0).any() or (np.diff(numbers) <= 0).any():
        return np.arange(len(files), dtype=np.float64)
    return numbers


def _pick(people: list[np.ndarray], previous_centre: np.ndarray | None) -> np.ndarray:
    """The [25, 3] keypoints to follow: nearest the previous centre, else the most confident person."""

    def centre(k: np.ndarray) -> np.ndarray:
        ok = k[:, 2] > 0
        return k[ok, :2].mean(axis=0) if ok.any() else np.array([np.nan, np.nan])

    if len(people) == 1:
        return people[0]
    if previous_centre is not None:
        dist = [np.linalg.norm(centre(p) - previous_centre) for p in people]
        return people[int(np.nanargmin(dist))] if not np.isnan(dist).all() else people[0]
    return people[int(np.argmax([p[:, 2].sum() for p in people]))]


def from_openpose(
    folder: str | Path, *, fps: float = 30.0, frame_size: tuple[int, int] | None = None
) -> PoseTrack:
    """Read an OpenPose BODY_25 `*_keypoints.json` folder (one file per frame) into a PoseTrack.

    BODY_25 joints land on their BlazePose indices (NaN for the rest); OpenPose's confidence becomes
    visibility; zero-confidence joints are NaN. OpenPose JSON does not record the frame size: pass it,
    or the smallest common size holding every keypoint is assumed (and noted in meta). Timestamps are
    frame number / fps. With several people, the one nearest the previously followed person is kept.
    """
    folder = Path(folder)
    files = sorted(folder.glob("*_keypoints.json"), key=_frame_number) if folder.is_dir() else []
    if not files:
        raise UserError(
            f"No OpenPose *_keypoints.json files in {folder}.",
            "Point at the folder OpenPose wrote with --write_json.",
        )
    raw = np.full((len(files), 25, 3), np.nan, np.float32)
    previous = None
    for i, f in enumerate(files):
        try:
            people = [
                np.asarray(p["pose_keypoints_2d"], np.float32) for p in json.loads(f.read_text())["people"]
            ]
        except (ValueError, KeyError, TypeError) as exc:
            raise UserError(
                f"{f.name} is not OpenPose JSON ({exc}).", "Check the folder holds only OpenPose output."
            ) from exc
        people = [p.reshape(-1, 3) for p in people if p.size == 75]
        if not people:
            continue
        chosen = _pick(people, previous)
        chosen = np.where(chosen[:, 2:3] > 0, chosen, np.nan)
        raw[i] = chosen
        if not np.isnan(chosen[:, 0]).all():
            previous = np.nanmean(chosen[:, :2], axis=0)
    meta: dict = {"source": "openpose BODY_25 JSON", "files": len(files)}
    if frame_size is None:
        reach = np.nanmax(raw[..., :2].reshape(-1, 2), axis=0) if not np.isnan(raw).all() else (0, 0)
        frame_size = next((s for s in COMMON_FRAME_SIZES if s[0] >= reach[0] and s[1] >= reach[1]), None)
        if frame_size is None:
            raise UserError("Keypoints reach beyond 4K frames.", "Pass the video's frame size.")
        meta["frame_size_assumed"] = True
    w, h = frame_size
    landmarks = np.full((len(files), N_LANDMARKS, 4), np.nan, np.float32)
    presence = np.full((len(files), N_LANDMARKS), np.nan, np.float32)
    for b25, name in BODY25_TO_BLAZEPOSE.items():
        j = INDEX[name]
        landmarks[:, j, 0] = raw[:, b25, 0] / w
        landmarks[:, j, 1] = raw[:, b25, 1] / h
        landmarks[:, j, 2] = np.where(np.isnan(raw[:, b25, 0]), np.nan, 0.0)  # 2D source: no depth
        landmarks[:, j, 3] = raw[:, b25, 2]
        presence[:, j] = np.where(np.isnan(raw[:, b25, 0]), np.nan, 1.0)
    return PoseTrack(
        landmarks=landmarks,
        presence=presence,
        world=np.full((len(files), N_LANDMARKS, 3), np.nan, np.float32),
        timestamps=_frame_numbers(files) / fps,
        frame_size=(int(w), int(h)),
        fps=fps,
        model="openpose-body25",
        source_name=folder.name,
        meta=meta,
    )
