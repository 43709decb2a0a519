"""Following one person through a clip: pure geometry on landmark arrays.

In video mode BlazePose tracks the person it found from frame to frame. With
`max_people` > 1 the detector also runs on every frame (about half the speed) and we keep the candidate
nearest the person followed so far; with the default of 1 we record where the followed body jumps
implausibly (`meta["person_jumps"]`, seconds), which is where another person may have been picked up.
"""

from __future__ import annotations

import itertools

import numpy as np

from hipcoach.motion.landmarks import INDEX

_HIPS = [INDEX["left_hip"], INDEX["right_hip"]]
_SHOULDERS = [INDEX["left_shoulder"], INDEX["right_shoulder"]]
# A followed body whose hip centre moves more than this many torso lengths between neighbouring frames
# (under 0.25 s apart) has probably been swapped for someone else.
JUMP_TORSOS = 1.0


def torso(points: np.ndarray) -> tuple[np.ndarray, float]:
    """Hip centre [.., 2] and shoulder-centre-to-hip-centre length of [.., 33, 2] points."""
    hips = points[..., _HIPS, :].mean(axis=-2)
    shoulders = points[..., _SHOULDERS, :].mean(axis=-2)
    return hips, np.linalg.norm(shoulders - hips, axis=-1)


def pick_person(candidates: list[np.ndarray], previous: np.ndarray | None) -> int:
    """Index of the candidate ([33, 2] points) to follow: nearest the previous person, else the biggest."""
    if len(candidates) == 1:
        return 0
    if previous is not None and not np.isnan(previous).all():
        centre, _ = torso(previous)
        return int(np.argmin([np.linalg.norm(torso(c)[0] - centre) for c in candidates]))
    return int(np.argmax([np.nanmax(torso(c)[1]) for c in candidates]))


def person_jumps(landmarks: np.ndarray, timestamps: np.ndarray) -> list[float]:
    """Times (s) where the followed body's hip centre leaps more than a torso length between frames."""
    centre, length = torso(landmarks[:, :, :2])
    seen = np.flatnonzero(~np.isnan(centre[:, 0]))
    jumps = []
    for a, b in itertools.pairwise(seen):
        if timestamps[b] - timestamps[a] > 0.25:
            continue
        if np.linalg.norm(centre[b] - centre[a]) > JUMP_TORSOS * max(length[a], length[b]):
            jumps.append(round(float(timestamps[b]), 3))
    return jumps
