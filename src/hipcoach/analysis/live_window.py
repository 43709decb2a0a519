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
from hipcoach.analysis.segmenter import Rep, SegmenterConfig
from hipcoach.analysis.signature import rep_features
from hipcoach.analysis.timeline import Result
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


def window_report(window: PoseTrack, exercise_id: str, features: FeatureCache) -> Result | None:
    """The upload analysis of `window` as `exercise_id` (report and timeline); None when nobody is in
    it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            # No other exercise is tried (suggest=False).
            return analyse_track(window, exercise_id, suggest=False, features=features)
    except UserError:
        return None


def come_back(result: Result, now: float, earliest: float, min_return_s: float) -> dict[str, Any] | None:
    """The window's newest rep when it is still going on the newest frame (`now`) but has come back:
    its angle is within the segmenter's leave share (SegmenterConfig.leave) of its range from the
    rep's lowest level, as where the segmenter ends an excursion, only still drifting (knees that drift
    slowly shut keep such a rep's end on the newest frame until the next rep begins); the window counts
    it (its return is at least half the typical rep's, judged against another counted rep there); it
    began after `earliest` and has been coming back at least `min_return_s`. None otherwise."""
    reps = result.report["reps"]
    if len(reps) < 2 or not any(r["counted"] for r in reps[:-1]):
        return None
    rep = reps[-1]
    if not rep["counted"] or rep["end_s"] < now - 1e-3 or rep["start_s"] < earliest:
        return None
    if rep["down_s"] < min_return_s:
        return None
    share = _back_share(result.timeline.signals, rep)
    return rep if share is not None and share <= SegmenterConfig.leave else None


def _back_share(signals: list, rep: dict[str, Any]) -> float | None:
    """How far the rep's angle still is above its lowest level in the rep on the newest frame, as a
    share of its range in the rep (the timeline's series rise with a rep)."""
    mine = [s for s in signals if s.side == rep["side"]] or signals
    if not mine:
        return None
    t = mine[0].t
    span = t >= rep["start_s"] - 1e-3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without a person are NaN by design
        x = np.nanmean(np.stack([s.values[span] for s in mine]), axis=0)
    ok = np.isfinite(x)
    if ok.sum() < 3 or not np.isfinite(x[-1]):
        return None
    lo, hi = float(x[ok].min()), float(x[ok].max())
    return (float(x[-1]) - lo) / (hi - lo) if hi > lo else None
