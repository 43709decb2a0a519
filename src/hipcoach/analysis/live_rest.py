"""When the live set should run its window analysis early: the body has come to rest after moving.

Why: the window analysis (coach.analyse_track on the latest footage) is the only thing that counts reps,
and it costs milliseconds, so it cannot run on every frame; run only every STEP_S, a rep's count came up
to STEP_S late. The segmenter ends a rep where its driver has come back and slowed down, so the moment
worth analysing is the one where the body stops moving after it moved. This check reads the newest
frames' raw landmarks only (how fast the hips, knees, ankles and shoulders move, in torso lengths a
second over LAG_S), a few microseconds a frame. It decides nothing about reps (no rule of the segmenter
or of the sides is repeated here): it only says when to ask the analysis, which then says exactly when
a rep it saw end is settled (live.LiveSet schedules that). Firing at the top of a rep, or on a burst of
jitter, costs one analysis that counts nothing; missing a rest only means the count waits for the next
regular step. So a movement must reach MOVING to count as one (jitter does not), except after an analysis
that saw a rep still going (reset(under_way=True)): the segmenter has found that movement, and a slow rep
(the synthetic squat's joints never pass 0.5 torso lengths a second) must still be seen to stop.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from hipcoach.motion.landmarks import INDEX
from hipcoach.motion.person import torso

JOINTS = [INDEX[f"{s}_{j}"] for s in ("left", "right") for j in ("hip", "knee", "ankle", "shoulder")]
LAG_S = 0.2  # speed over this long (3 frames at 15 frames/s: a frame's jitter does not read as motion)
MOVING = 0.6  # torso lengths a second: a joint faster than this since the last analysis moved ...
REST_SHARE = 0.4  # ... and has come to rest once every joint is slower than this share of that top speed
UNDER_WAY = 0.25  # MOVING while the analysis saw a rep under way: a slow rep's return (the synthetic squat
# lowers and rises at 0.4-0.5 torso lengths a second) still reads as a movement that comes to rest


class RestWatch:
    """Feed it each frame; add() is True on the frame where the body has come to rest after a movement
    since the last reset() (call reset() whenever the analysis runs)."""

    def __init__(self, frame_size: tuple[int, int]):
        self._scale = np.asarray(frame_size, dtype=np.float64)  # normalised x, y to pixels
        self._recent: deque[tuple[float, np.ndarray]] = deque()
        self._top = 0.0
        self._moving = MOVING

    def reset(self, under_way: bool = False) -> None:
        """Start again (the analysis ran); `under_way`: it saw a rep still going, whose return, however
        slow, is a movement (the segmenter found it), so a slower top speed reads as one."""
        self._top = 0.0
        self._moving = UNDER_WAY if under_way else MOVING

    def add(self, t: float, landmarks: np.ndarray) -> bool:
        """`landmarks` [33, 4] normalised (NaN: nobody); frames in time order."""
        points = landmarks[:, :2].astype(np.float64) * self._scale
        if not np.isfinite(points[JOINTS]).all():
            self._recent.clear()  # nobody, or part of the body unseen: no speed across the gap
            return False
        self._recent.append((t, points))
        while len(self._recent) > 1 and t - self._recent[1][0] >= LAG_S - 1e-9:
            self._recent.popleft()
        t0, p0 = self._recent[0]
        if t - t0 < LAG_S - 1e-9:
            return False
        _, length = torso(points)
        if not length > 0:
            return False
        speed = float(np.max(np.linalg.norm(points[JOINTS] - p0[JOINTS], axis=1))) / length / (t - t0)
        self._top = max(self._top, speed)
        return self._top >= self._moving and speed < REST_SHARE * self._top
