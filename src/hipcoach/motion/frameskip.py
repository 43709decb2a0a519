"""Which frames the pose model may skip: none while the body moves, a few while it is still.

Most of a rehab clip is set-up, holds and rests, where running the model on every frame buys nothing:
the frames between two inferred ones are filled by linear interpolation (`pose.interpolate_between`).
What made fixed skipping (every 2nd or 3rd frame) cost accuracy was not the interpolation but the
tracker: MediaPipe crops each frame around where the body was in the last frame it saw, and after a
skip during fast movement the crop is off and the landmarks degrade (issue 16: p95 knee error 2-8° with
every 2nd/3rd frame, against 0.5-2.7° from subsampling a full run). So the number of frames skipped is
predicted from the motion so far: from the two latest inferred frames, how far the fastest of the
trunk and leg landmarks would travel until the next inferred frame, in torso lengths; frames are
skipped only while that stays under `SLACK`, so the tracker's crop stays right across the gap, and
during fast movement every frame is run.
"""

from __future__ import annotations

import numpy as np

from hipcoach.motion.landmarks import INDEX
from hipcoach.motion.person import torso

# Trunk and legs: what the analysers' angles are made of.
MOVING = [INDEX[f"{side}_{part}"] for side in ("left", "right")
          for part in ("shoulder", "hip", "knee", "ankle", "heel", "foot_index", "wrist")]  # fmt: skip
SLACK = 0.05  # torso lengths the body may be predicted to move across a gap (the crop has far more margin)
MAX_SKIP = 3  # frames skipped at most in a row (so a body that starts moving is seen within 0.1 s at 30 fps)


def frames_to_skip(
    before: np.ndarray | None,
    after: np.ndarray | None,
    seconds_between: float,
    frame_dt: float,
    *,
    slack: float = SLACK,
    max_skip: int = MAX_SKIP,
) -> int:
    """Frames to skip after the inferred frame `after` ([33, 2] pixels of the followed person; None or NaN
    when nobody was found), given the one inferred `seconds_between` earlier, `before`.

    0 whenever the motion is unknown (a first frame, nobody found) or too fast; otherwise the most k
    (up to `max_skip`) for which the fastest landmark, at its speed so far, moves at most `slack` torso
    lengths over the k + 1 frame intervals until the next inferred frame.
    """
    if before is None or after is None or seconds_between <= 0 or max_skip < 1:
        return 0
    a, b = before[MOVING], after[MOVING]
    if np.isnan(a).any() or np.isnan(b).any():
        return 0
    length = float(torso(after)[1])
    if not np.isfinite(length) or length <= 0:
        return 0
    speed = float(np.linalg.norm(b - a, axis=-1).max()) / length / seconds_between  # torso lengths / s
    if speed == 0:
        return max_skip
    gaps = int(slack / (speed * frame_dt))  # frame intervals the slack allows
    return max(0, min(max_skip, gaps - 1))
