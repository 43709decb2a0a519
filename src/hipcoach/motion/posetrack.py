"""PoseTrack: one pose sequence, whatever produced it (video + BlazePose, OpenPose JSON, synthetic).

Everything after the pose estimator works on this type, so analysis can be re-run without video.
Missing detections are NaN, never zeros, so no filter mistakes them for real positions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from hipcoach.errors import UserError
from hipcoach.motion.landmarks import N_LANDMARKS

FORMAT_VERSION = 1


@dataclass
class PoseTrack:
    """Landmarks per frame in the upright (rotation-corrected) image.

    landmarks: [T, 33, 4] float32: x, y normalised to frame width/height (0..1), z (BlazePose's
        relative depth, same scale as x), visibility 0..1. NaN where no person was found.
    presence:  [T, 33] float32 0..1 (1 where the source gives no presence).
    world:     [T, 33, 3] float32 metres, hip-centred (NaN where the source has none).
    timestamps: [T] float64 seconds from the start of the video (real, not index/fps).
    """

    landmarks: np.ndarray
    presence: np.ndarray
    world: np.ndarray
    timestamps: np.ndarray
    frame_size: tuple[int, int]  # (width, height) of the upright frame
    fps: float
    rotation: int = 0  # degrees the source frames were turned to stand upright
    model: str = "unknown"
    source_sha256: str = ""
    source_name: str = ""
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        t = len(self.timestamps)
        expected = {
            "landmarks": (t, N_LANDMARKS, 4),
            "presence": (t, N_LANDMARKS),
            "world": (t, N_LANDMARKS, 3),
        }
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ValueError(f"PoseTrack.{name} has shape {getattr(self, name).shape}, expected {shape}")

    @property
    def n_frames(self) -> int:
        return len(self.timestamps)

    @property
    def detected(self) -> np.ndarray:
        """[T] bool: a person was found in the frame."""
        return ~np.isnan(self.landmarks[:, :, 0]).all(axis=1)

    @property
    def duration(self) -> float:
        return float(self.timestamps[-1] - self.timestamps[0]) if self.n_frames else 0.0

    def take(self, frames: np.ndarray | slice) -> PoseTrack:
        """The same track restricted to some frames (a boolean mask or a slice), e.g. the first minutes."""
        return replace(
            self,
            landmarks=self.landmarks[frames],
            presence=self.presence[frames],
            world=self.world[frames],
            timestamps=self.timestamps[frames],
        )

    def pixels(self) -> np.ndarray:
        """[T, 33, 2] image coordinates in pixels of the upright frame."""
        w, h = self.frame_size
        return self.landmarks[:, :, :2] * np.array([w, h], dtype=np.float32)

    def save(self, path: str | Path) -> Path:
        """Write a lossless .npz (arrays as stored, metadata as JSON)."""
        path = Path(path)
        header = {
            "format_version": FORMAT_VERSION,
            "frame_size": list(self.frame_size),
            "fps": self.fps,
            "rotation": self.rotation,
            "model": self.model,
            "source_sha256": self.source_sha256,
            "source_name": self.source_name,
            "meta": self.meta,
        }
        with path.open("wb") as fh:
            np.savez_compressed(
                fh,
                landmarks=self.landmarks,
                presence=self.presence,
                world=self.world,
                timestamps=self.timestamps,
                header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
            )
        return path

    @classmethod
    def load(cls, path: str | Path) -> PoseTrack:
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                header = json.loads(bytes(data["header"]).decode())
                arrays = {k: data[k] for k in ("landmarks", "presence", "world", "timestamps")}
        except FileNotFoundError:
            raise UserError(
                f"No pose track at {path}.", "Check the path, or make one with `hipcoach pose`."
            ) from None
        except (OSError, ValueError, KeyError) as exc:
            raise UserError(
                f"{path} is not a hipcoach pose track.",
                "Make one from a video with `hipcoach pose VIDEO -o track.npz`.",
            ) from exc
        if header.get("format_version") != FORMAT_VERSION:
            raise UserError(
                f"{path} has pose-track format {header.get('format_version')}, this hipcoach reads "
                f"{FORMAT_VERSION}.",
                "Re-create it with `hipcoach pose`.",
            )
        return cls(
            **arrays,
            frame_size=tuple(header["frame_size"]),
            fps=header["fps"],
            rotation=header["rotation"],
            model=header["model"],
            source_sha256=header["source_sha256"],
            source_name=header["source_name"],
            meta=header["meta"],
        )
