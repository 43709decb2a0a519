"""Steps, stance phases and cadence of a runner filmed from behind, from the pose track alone.

Why this way: from behind, a camera cannot see when a foot touches the ground (the foot moves along the
line of sight), and how low a foot looks depends on how near the camera it is. What it sees well is the
pelvis going up and down: lowest at midstance, highest in the middle of the flight, twice per stride,
whatever the camera distance and also for a runner moving away overground. So:

* Steps are cut at the pelvis's highest points (mid-flight to mid-flight); each holds one midstance (the
  lowest point). Cadence counts these steps over the time they span.
* Stance leg: steps alternate left and right, so one phase decides the clip. Per step, the stance foot
  spends the step lower in the picture, relative to the hip and in trunk lengths, than the swinging one;
  the phase most steps agree with wins (a stretch broken by lost frames gets its own decision).
* The stance phase shown is estimated: the part of the step in which the pelvis is below halfway between
  its highest and lowest levels. Against motion capture it starts near foot strike and ends a little
  before toe-off (bench_screen_mocap prints the timing errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from scipy.signal import butter, find_peaks, sosfiltfilt

from hipcoach.motion.landmarks import INDEX
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.views import image_points

MIN_STEP_S, MAX_STEP_S = 60.0 / 260.0, 60.0 / 110.0  # cadences 110-260 steps/min
FOOT = ("ankle", "heel", "foot_index")


@dataclass(frozen=True)
class Step:
    """One step: frame indices into the track, the stance leg, and the estimated stance phase."""

    side: str  # the person's leg on the ground
    start: int  # mid-flight before
    midstance: int  # pelvis lowest
    end: int  # mid-flight after
    stance_start: int
    stance_end: int
    foot_agrees: bool  # this step's own foot evidence agrees with the alternation


def _fill(x: np.ndarray) -> np.ndarray:
    ok = np.isfinite(x)
    idx = np.arange(len(x))
    return np.interp(idx, idx[ok], x[ok]) if ok.any() else x


def gait_signals(track: PoseTrack) -> dict[str, np.ndarray]:
    """Pelvis height and each foot's depth below the hip, in trunk lengths (per frame, so a runner
    moving away and shrinking on screen keeps the same units). The track's sides must be resolved."""
    p = image_points(track)
    hip = 0.5 * (p[:, INDEX["left_hip"]] + p[:, INDEX["right_hip"]])
    shoulder = 0.5 * (p[:, INDEX["left_shoulder"]] + p[:, INDEX["right_shoulder"]])
    trunk = np.linalg.norm(shoulder - hip, axis=-1)
    fps = track.fps or 30.0
    ok = np.isfinite(trunk)
    if ok.sum() < 3:
        return {}
    # Trunk length changes slowly (distance to the camera), so a running median over a second tames jitter.
    half = max(1, int(fps / 2))
    filled = _fill(trunk)
    scale = np.array([np.median(filled[max(0, i - half) : i + half + 1]) for i in range(len(filled))])
    out = {"pelvis_height": hip[:, 1] / scale}
    with np.errstate(invalid="ignore"):
        for side in ("left", "right"):
            ids = [INDEX[f"{side}_{j}"] for j in FOOT]
            seen = np.isfinite(p[:, ids, 1]).any(axis=1)
            low = np.where(
                seen, np.nanmin(np.where(np.isfinite(p[:, ids, 1]), p[:, ids, 1], np.inf), 1), np.nan
            )
            out[f"foot_depth_{side}"] = (hip[:, 1] - low) / scale
    return out


def _bandpass(t: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Keep step-rate movement (about 1.5-7 Hz) of a gap-filled signal: drift and jitter go."""
    fs = 1.0 / float(np.median(np.diff(t)))
    high = min(7.0, 0.45 * fs)
    sos = butter(2, [1.5, high], btype="band", fs=fs, output="sos")
    return sosfiltfilt(sos, _fill(x)) if len(x) > 30 else x - np.nanmean(x)


def step_period(t: np.ndarray, x: np.ndarray) -> float:
    """Typical step time (s) from the autocorrelation of the band-passed pelvis height; NaN if none."""
    y = _bandpass(t, x)
    dt = float(np.median(np.diff(t)))
    ac = np.correlate(y, y, "full")[len(y) - 1 :]
    lo, hi = int(MIN_STEP_S / dt), min(int(MAX_STEP_S / dt) + 1, len(ac) - 1)
    if hi <= lo or ac[0] <= 0:
        return float("nan")
    lag = lo + int(np.argmax(ac[lo:hi]))
    if 0 < lag < len(ac) - 1:  # parabolic refinement of the peak
        a, b, c = ac[lag - 1], ac[lag], ac[lag + 1]
        denom = a - 2 * b + c
        return (lag + (0.5 * (a - c) / denom if denom else 0.0)) * dt
    return lag * dt


def detect_steps(t: np.ndarray, signals: dict[str, np.ndarray], detected: np.ndarray) -> list[Step]:
    """Steps from `gait_signals`; steps overlapping frames without a person are left out."""
    if not signals:
        return []
    period = step_period(t, signals["pelvis_height"])
    if not np.isfinite(period):
        return []
    y = _bandpass(t, signals["pelvis_height"])
    dt = float(np.median(np.diff(t)))
    distance = max(1, int(0.6 * period / dt))
    prominence = 0.3 * float(np.percentile(y, 95) - np.percentile(y, 5))
    tops, _ = find_peaks(y, distance=distance, prominence=prominence)
    steps = []
    for a, b in pairwise(tops):
        if not detected[a : b + 1].all() or not (0.5 * period <= t[b] - t[a] <= 1.6 * period):
            continue
        mid = a + int(np.argmin(y[a : b + 1]))
        half = 0.5 * (0.5 * (y[a] + y[b]) + y[mid])
        low = np.flatnonzero(y[a : b + 1] < half) + a
        steps.append((a, mid, b, int(low[0]), int(low[-1])))
    return _assign_sides(steps, signals)


def _assign_sides(steps: list[tuple[int, ...]], signals: dict[str, np.ndarray]) -> list[Step]:
    """Alternate left/right within each unbroken run of steps, in the phase most steps' feet agree with."""
    lower_left = []
    for a, _, b, _, _ in steps:
        diff = signals["foot_depth_left"][a : b + 1] - signals["foot_depth_right"][a : b + 1]
        lower_left.append(bool(np.nanmean(diff) > 0) if np.isfinite(diff).any() else None)
    out: list[Step] = []
    run: list[int] = []
    for i in range(len(steps) + 1):
        if i < len(steps) and (not run or steps[run[-1]][2] == steps[i][0]):
            run.append(i)
            continue
        votes = [lower_left[k] == (j % 2 == 0) for j, k in enumerate(run) if lower_left[k] is not None]
        left_first = sum(votes) >= len(votes) / 2
        for j, k in enumerate(run):
            is_left = (j % 2 == 0) == left_first
            a, mid, b, s0, s1 = steps[k]
            agrees = lower_left[k] is not None and lower_left[k] == is_left
            out.append(Step("left" if is_left else "right", a, mid, b, s0, s1, agrees))
        run = [i] if i < len(steps) else []
    return out


def cadence(t: np.ndarray, steps: list[Step]) -> float:
    """Steps per minute: midstances over the time they span, within unbroken runs of steps."""
    n, span = 0, 0.0
    run_start = None
    for i, s in enumerate(steps):
        if run_start is None:
            run_start = i
        last = i == len(steps) - 1 or steps[i + 1].start != s.end
        if last:
            first = steps[run_start]
            n += i - run_start
            span += float(t[s.midstance] - t[first.midstance])
            run_start = None
    return 60.0 * n / span if span > 0 else float("nan")
