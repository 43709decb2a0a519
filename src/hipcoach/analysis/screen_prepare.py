"""What both hip-stability screens do before measuring: refuse what cannot be screened, and the header.

Why shared: the two screens must refuse the same way (no person, wrong camera position) and hand the
report writer the same header, so a runner reads one kind of report whichever test they filmed. The
clip itself is prepared by analysis.prepared (the same step the video coach uses), once per clip.
"""

from __future__ import annotations

import numpy as np

from hipcoach.analysis.prepared import Prepared, prepare
from hipcoach.errors import UserError
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.quality import VIEW_WORDS, check_quality

SCHEMA_VERSION = "hipcoach.screen/1"
OTHER = {"left": "right", "right": "left"}
NOBODY = (
    "No person was found in the video, so there is nothing to screen.",
    "Film with your whole body in view, in good light, with nobody else in the picture.",
)


def rounded(x: float | None, nd: int = 1) -> float | None:
    """A figure for the JSON report: rounded, or None where it could not be measured."""
    return round(float(x), nd) if x is not None and np.isfinite(x) else None


def prepare_screen(track: PoseTrack, cutoff_hz: float) -> Prepared:
    """The clip prepared for a screen: cleaned at `cutoff_hz` (unless the track already was), sides
    resolved; raises UserError for a track without a person."""
    return prepare(track, cutoff_hz=cutoff_hz, keep_cleaned=True, nobody=NOBODY)


def screen_header(prep: Prepared, test: str, views: tuple[str, ...], camera_advice: str) -> dict:
    """The report's header (schema version, test, source, view, cleaning, quality findings); refuses a
    clip filmed from another view than `views`, with `camera_advice` on where to put the camera."""
    track, view = prep.track, prep.view
    if view.view not in views:
        seen = VIEW_WORDS.get(view.view, "from an angle the screen could not make out")
        raise UserError(
            f"The camera sees you {seen}; the {test.replace('-', ' ')} screen cannot measure that.",
            camera_advice,
        )
    issues = check_quality(track, view=view)
    return {
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
        "cleaning": prep.cleaning,
        "quality": [{"code": i.code, "message": i.message, "hint": i.hint} for i in issues],
    }
