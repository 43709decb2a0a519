"""One clip made ready once: cleaned, the person's own left and right resolved, the view measured,
kinematics and image points computed.

Why one object: recognition, the video coach, the hip-stability screens, the report folder and the
annotated video all need the same cleaned, side-resolved track and the same view. Before, each of them
went back to motion.clean / motion.views for its own copy (the annotated video resolved the sides of the
raw track a second time), and the coach and the screens had a prepare step each. Now the entry point
(analysis.run) prepares the clip here once and hands the result on, so every stage reads the same view
and the same sides, and the slow steps run once per clip.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hipcoach.errors import UserError
from hipcoach.motion.clean import clean
from hipcoach.motion.kinematics import Kinematics, kinematics
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.views import ViewResult, image_points, resolve_sides

NOBODY = (
    "Nobody was found in this clip.",
    "Film with the whole body in view, head to feet, in good light, and try again.",
)
DEFAULT_CUTOFF_HZ = 6.0


@dataclass(frozen=True)
class Prepared:
    """A track made ready for any analyser (done once when one clip is tried as several exercises)."""

    track: PoseTrack  # as given: its source, and what the quality checks look at
    resolved: PoseTrack  # cleaned, sides resolved
    view: ViewResult
    kin: Kinematics
    points: np.ndarray  # image_points(resolved)
    cleaning: dict = field(default_factory=dict)  # the cleaning settings used (motion.clean's meta)


def prepare(
    track: PoseTrack,
    *,
    cutoff_hz: float = DEFAULT_CUTOFF_HZ,
    keep_cleaned: bool = False,
    nobody: tuple[str, str] = NOBODY,
) -> Prepared:
    """Clean (low-pass at `cutoff_hz`; with `keep_cleaned` a track that already was cleaned is kept as
    it is), resolve sides, measure the view. Raises UserError(*nobody) for a track with nobody in it."""
    if not track.n_frames or not track.detected.any():
        raise UserError(*nobody)
    cleaned = track if keep_cleaned and "clean" in track.meta else clean(track, cutoff_hz=cutoff_hz)
    resolved, view = resolve_sides(cleaned)
    kin = kinematics(resolved, resolve=False, view=view)
    return Prepared(track, resolved, view, kin, image_points(resolved), cleaned.meta.get("clean", {}))
