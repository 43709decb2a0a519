"""Following one person through a clip: pure geometry on landmark arrays.

In video mode BlazePose tracks the person it found from frame to frame. With
`max_people` > 1 the detector also runs on every frame (about half the speed) and we keep the candidate
nearest the person followed so far; with the default of 1 we record where the followed body jumps
implausibly (`meta["person_jumps"]`, seconds), which is where another person may have been picked up,
and count the people in a frame about once a second (`meta["people_seen"]`, pose.estimate_video).

With several people in view the one to follow is the one doing the exercise, not the biggest or the
first found (a physiotherapist kneeling behind a patient's clamshell is bigger on screen and found
first). So a multi-person run keeps everyone: `link_people` joins each frame's people into segments
(one person seen without a break), the analysis scores each segment by how well its movement fits the
exercise (analysis.recognise.follow_exerciser), and `merge_segments` builds the track of the chosen
ones. `motion_amount` breaks ties: the exerciser moves, a helper holding still does not.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from hipcoach.motion.landmarks import INDEX

_HIPS = [INDEX["left_hip"], INDEX["right_hip"]]
_SHOULDERS = [INDEX["left_shoulder"], INDEX["right_shoulder"]]
# A followed body whose hip centre moves more than this many torso lengths between neighbouring frames
# (under 0.25 s apart) has probably been swapped for someone else.
JUMP_TORSOS = 1.0
PEOPLE_CHECK_S = 1.0  # a one-person run counts the people in a frame this often (s)
# Detection confidence when looking for everyone: at the tracker's 0.5 a person standing beside someone
# lying closer to the camera was missed (a two-clip composite); 0.3 found both.
PEOPLE_CONFIDENCE = 0.3
GAP_S = 0.5  # a person unseen for longer starts a new segment when seen again
_LIMBS = [INDEX[f"{s}_{j}"] for s in ("left", "right") for j in ("knee", "ankle", "wrist", "hip")]

Person = tuple[np.ndarray, np.ndarray, np.ndarray]  # landmarks [33, 4], presence [33], world [33, 3]


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


def link_people(frames: Sequence[Sequence[Person]], timestamps: np.ndarray) -> list[np.ndarray]:
    """Join each frame's people (`frames[n]`: everyone found in frame n) into segments: one [T] int array
    per segment giving, per frame, which of that frame's people it is (-1: not in view). A person is the
    same from one frame to the next when the hip centre moved under JUMP_TORSOS torso lengths; unseen for
    over GAP_S seconds, or matched by nobody, they start a new segment."""
    t = len(frames)
    segments: list[np.ndarray] = []
    last: list[tuple[np.ndarray, float, float]] = []  # per segment: hip centre, torso, time last seen
    for n, people in enumerate(frames):
        if not people:
            continue
        found = [torso(p[0][:, :2]) for p in people]
        live = [i for i, (_, _, seen) in enumerate(last) if timestamps[n] - seen <= GAP_S]
        pairs = sorted(
            (np.linalg.norm(found[k][0] - last[i][0]) / max(last[i][1], float(found[k][1]), 1e-6), i, k)
            for i in live
            for k in range(len(people))
        )
        taken_seg, taken_person = set(), set()
        for cost, i, k in pairs:
            if cost <= JUMP_TORSOS and i not in taken_seg and k not in taken_person:
                taken_seg.add(i)
                taken_person.add(k)
                segments[i][n] = k
                last[i] = (found[k][0], float(found[k][1]), float(timestamps[n]))
        for k in range(len(people)):
            if k not in taken_person and np.isfinite(found[k][0]).all():
                segments.append(np.full(t, -1, np.int32))
                segments[-1][n] = k
                last.append((found[k][0], float(found[k][1]), float(timestamps[n])))
    return segments


def segment_arrays(frames: Sequence[Sequence[Person]], segment: np.ndarray) -> Person:
    """The landmarks [T, 33, 4], presence [T, 33] and world [T, 33, 3] of one segment (NaN elsewhere)."""
    t = len(segment)
    lms = np.full((t, 33, 4), np.nan, np.float32)
    pres = np.full((t, 33), np.nan, np.float32)
    world = np.full((t, 33, 3), np.nan, np.float32)
    for n in np.flatnonzero(segment >= 0):
        lms[n], pres[n], world[n] = frames[n][segment[n]]
    return lms, pres, world


def motion_amount(landmarks: np.ndarray) -> float:
    """How much a person's hips, knees, ankles and wrists move over the clip, in torso lengths (the
    largest 5-95 percentile spread of those joints: one knee opening is the whole of a clamshell's
    movement): near 0 for someone holding still."""
    seen = ~np.isnan(landmarks[:, :, 0]).all(axis=1)
    if seen.sum() < 3:
        return 0.0
    pts = landmarks[seen][:, :, :2].astype(np.float64)
    _, length = torso(pts)
    scale = float(np.nanmedian(length)) or 1.0
    spread = np.nanpercentile(pts[:, _LIMBS], 95, axis=0) - np.nanpercentile(pts[:, _LIMBS], 5, axis=0)
    return float(np.nanmax(np.linalg.norm(spread, axis=-1)) / scale)


def merge_segments(segments: Sequence[np.ndarray], order: Sequence[int]) -> np.ndarray:
    """Which segment to take in each frame ([T] int, -1: none): the first in `order` (best first) is
    taken wherever it is in view, each later one only in frames no earlier one covers, and only when it
    overlaps none of them (a second person beside the exerciser is never spliced in)."""
    t = len(segments[0]) if segments else 0
    pick = np.full(t, -1, np.int32)
    for i in order:
        mine = segments[i] >= 0
        if (pick >= 0).any() and (mine & (pick >= 0)).any():
            continue
        pick[mine] = i
    return pick


def people_in_view(counts: Sequence[int]) -> int:
    """Most people in view from the counts of a few checks: the largest count seen in two checks or more
    (one check alone may see a passing shadow as someone), or the only check's count."""
    if len(counts) < 2:
        return max(counts, default=0)
    return max((c for c in set(counts) if sum(x >= c for x in counts) >= 2), default=0)
