"""The live set's window analysis: the upload analysis (coach.analyse_track) on the latest frames.

Why its own module: it is the one place the live set counts from, and it must stay the upload analysis
itself (one implementation of the segmenter, side and fault rules), only made cheaper where successive
windows repeat work: they share all but their newest frames, so the signature features of a rep an
earlier window measured with the same first and last frame are kept (FeatureCache) instead of measured
again in every window the rep is in (they were a third of a window's analysis). A window never tries the
other exercises (suggest=False): the runner chose the exercise.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from hipcoach.analysis.coach import analyse_track
from hipcoach.analysis.segmenter import Rep
from hipcoach.analysis.signature import rep_features
from hipcoach.errors import UserError
from hipcoach.motion.posetrack import PoseTrack


class FeatureCache:
    """signature.rep_features of each rep the windows found, by its first and last frame in the whole
    set: successive windows share all but their newest frames, so a settled rep is measured once, not
    in every window it is in (a third of a window's analysis was these features)."""

    def __init__(self) -> None:
        self._got: dict[tuple[int, int], dict[str, float]] = {}
        self._offset = 0

    def slide(self, offset: int) -> None:
        """The next window begins at frame `offset` of the set."""
        self._offset = offset
        self._got = {k: v for k, v in self._got.items() if k[0] >= offset}

    def __call__(self, points: np.ndarray, world: np.ndarray, scale: float, rep: Rep) -> dict[str, float]:
        key = (self._offset + rep.start, self._offset + rep.end)
        if key not in self._got:
            self._got[key] = rep_features(points, world, scale, rep)
        return self._got[key]


def window_report(window: PoseTrack, exercise_id: str, features: FeatureCache) -> dict[str, Any] | None:
    """The upload report of `window` as `exercise_id`; None when nobody is in it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            # No other exercise is tried (suggest=False).
            return analyse_track(window, exercise_id, suggest=False, features=features).report
    except UserError:
        return None
