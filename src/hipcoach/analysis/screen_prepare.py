"""What both hip-stability screens do before measuring: refuse what cannot be screened, clean, resolve.

Why shared: the two screens must refuse the same way (no person, wrong camera position) and hand the
report writer the same header, so a runner reads one kind of report whichever test they filmed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipcoach.errors import UserError
from hipcoach.motion.clean import clean
from hipcoach.motion.kinematics import Kinematics, kinematics
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.quality import VIEW_WORDS, check_quality
from hipcoach.motion.views import ViewResult, resolve_sides

SCHEMA_VERSION = "hipcoach.screen/1"
OTHER = {"left": "right", "right": "left"}


def rounded(x: float | None, nd: int = 1) -> float | None:
    """A figure for the JSON report: rounded, or None where it could not be measured."""
    return round(float(x), nd) if x is not None and np.isfinite(x) else None


@dataclass
class Prepared:
    track: PoseTrack  # cleaned, sides resolved
    kin: Kinematics
    view: ViewResult
    header: dict  # schema version, test, source, view, cleaning, quality findings


def prepare(
    track: PoseTrack, test: str, views: tuple[str, ...], camera_advice: str, cutoff_hz: float
) -> Prepared:
    """Clean (unless the track already was), resolve sides, and refuse a clip without a person or filmed
    from another view than `views`, with `camera_advice` on where to put the camera."""
    if track.n_frames == 0 or not track.detected.any():
        raise UserError(
            "No person was found in the video, so there is nothing to screen.",
            "Film with your whole body in view, in good light, with nobody else in the picture.",
        )
    cleaned = track if "clean" in track.meta else clean(track, cutoff_hz=cutoff_hz)
    resolved, view = resolve_sides(cleaned)
    if view.view not in views:
        seen = VIEW_WORDS.get(view.view, "from an angle the screen could not make out")
        raise UserError(
            f"The camera sees you {seen}; the {test.replace('-', ' ')} screen cannot measure that.",
            camera_advice,
        )
    issues = check_quality(track, view=view)
    header = {
        "schema_version": SCHEMA_VERSION,
        "test": test,
        "source": {
            "name": track.source_name,
            "model": track.model,
            "frames": track.n_frames,
            "fps": round(float(track.fps), 2),
            "duration_s": round(track.duration, 2),
        },
        "view": {"view": view.view, "confidence": round(view.confidence, 2)},
        "cleaning": cleaned.meta.get("clean", {}),
        "quality": [{"code": i.code, "message": i.message, "hint": i.hint} for i in issues],
    }
    return Prepared(resolved, kinematics(resolved, resolve=False, view=view), view, header)
