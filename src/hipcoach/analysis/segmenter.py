"""Find repetitions in one movement signal (an angle or distance over time).

One segmenter serves every analyser. It works on excursions away from the resting level with
hysteresis (so noise near a threshold cannot split or merge reps), then measures each rep: start,
peak, end, range, time held near the peak, and the up and down phases. A rep must go both ways: one
whose rise or return (the smaller of the two) falls clearly short of the clip's typical rep is reported
as partial, with how far short it fell, never counted as full. That also catches a rep cut off by the
start or end of the clip.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SegmenterConfig:
    min_range: float  # smallest movement (signal units) that can count as a rep at all
    enter: float = 0.35  # an excursion starts above rest + enter * amplitude ...
    leave: float = 0.2  # ... and ends below rest + leave * amplitude, or at a dip below the enter
    split: float = 0.5  # level between two peaks that each stand this share of amplitude above the dip
    full: float = 0.5  # a rep whose rise or return is under this share of the typical one is partial
    rest_percentile: float = 5.0  # the resting level: this percentile of the signal
    hold_speed: float = 0.1  # held = slower than this share of the rep's top speed ...
    hold_band: float = 0.25  # ... and within this share of the rep's range from its peak
    min_rep_s: float = 0.35  # shorter excursions are noise
    min_hold_s: float = 0.0
    speed_window_s: float = 0.35  # window of the local fits for speed ...
    level_window_s: float = 0.5  # ... and for the level a hold is judged on
    edge_window_s: float = 0.15  # a narrower speed window for the edges of a hold after a quick movement
    quick_s: float = 0.7  # ... a lift or lowering shorter than this


@dataclass(frozen=True)
class Rep:
    start: int
    peak: int
    end: int
    range: float  # peak minus the lower of the start and end levels
    hold_s: float
    up_s: float
    down_s: float
    partial: bool
    shortfall: float  # how far the smaller of rise and return fell below typical (signal units); 0 if full


def segment(t: np.ndarray, x: np.ndarray, cfg: SegmenterConfig) -> list[Rep]:
    """Reps of a signal that rises from rest to a peak and comes back (flip the sign otherwise)."""
    t, x = np.asarray(t, float), np.asarray(x, float)
    ok = np.isfinite(x)
    if ok.sum() < 3:
        return []
    x = np.interp(np.arange(len(x)), np.flatnonzero(ok), x[ok])  # bridge short gaps for segmentation
    rest, top = np.percentile(x, cfg.rest_percentile), np.percentile(x, 99)
    amplitude = top - rest
    if amplitude < cfg.min_range:
        return []
    enter = rest + cfg.enter * amplitude
    spans = _excursions(x, enter, rest + cfg.leave * amplitude)
    spans = [part for a, b in spans for part in _split_at_dips(x, a, b, enter, cfg.split * amplitude)]
    spans = [(a, b) for a, b in spans if t[b] - t[a] >= cfg.min_rep_s]
    if not spans:
        return []
    speed = np.abs(_smoothed(t, x, cfg.speed_window_s, 1))
    fine_speed = np.abs(_smoothed(t, x, cfg.edge_window_s, 1))
    level = _smoothed(t, x, cfg.level_window_s, 0)
    bounds, previous_end = [], 0
    for k, (a, b) in enumerate(spans):
        next_start = spans[k + 1][0] if k + 1 < len(spans) else len(x) - 1
        a, b = _widen(speed, a, b, previous_end, next_start)
        bounds.append((a, b))
        previous_end = b
    heights = np.array([x[a : b + 1].max() - min(x[a], x[b]) for a, b in bounds])
    both_ways = np.array([x[a : b + 1].max() - max(x[a], x[b]) for a, b in bounds])
    typical = float(np.percentile(both_ways, 75))
    reps = []
    for (a, b), h, w in zip(bounds, heights, both_ways, strict=True):
        if h < cfg.min_range:
            continue
        reps.append(_measure(t, x, level, speed, fine_speed, a, b, h, w, typical, cfg))
    return reps


def _held_run(held: np.ndarray, peak: int, max_gap: int) -> tuple[int, int]:
    """The run of held samples nearest the peak, bridging brief jitter-induced gaps."""
    idx = np.flatnonzero(held)
    if idx.size == 0:
        return peak, peak
    centre = int(idx[np.argmin(np.abs(idx - peak))])
    lo = hi = int(np.searchsorted(idx, centre))
    while lo > 0 and idx[lo] - idx[lo - 1] <= max_gap + 1:
        lo -= 1
    while hi < idx.size - 1 and idx[hi + 1] - idx[hi] <= max_gap + 1:
        hi += 1
    return int(idx[lo]), int(idx[hi])


def _smoothed(t: np.ndarray, x: np.ndarray, window_s: float, deriv: int) -> np.ndarray:
    """Local quadratic fit over `window_s` (Savitzky-Golay): the level (deriv 0) or its rate of change
    (deriv 1), so jitter reads neither as movement nor as leaving a hold."""
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 1.0
    window = max(5, round(window_s / dt) | 1)
    if window > len(x):
        return np.gradient(x, t) if deriv else x
    from scipy.signal import savgol_filter  # here, not at the top: see analysis.run on memory

    return savgol_filter(x, window, 2, deriv=deriv, delta=dt)


def _excursions(x: np.ndarray, enter: float, leave: float) -> list[tuple[int, int]]:
    """Index spans that go above `enter` and last until the signal falls below `leave`."""
    spans, start, above = [], 0, False
    for i, v in enumerate(x):
        if not above and v > enter:
            above, start = True, i
        elif above and v < leave:
            spans.append((start, i))
            above = False
    if above:
        spans.append((start, len(x) - 1))
    return spans


def _split_at_dips(x: np.ndarray, a: int, b: int, enter: float, depth: float) -> list[tuple[int, int]]:
    """One excursion that is two reps or more: between reps the signal fell below the enter level but
    not below the leave level (a runner who does not quite return to rest, or a rest level read low
    from a stiller moment of the clip). Split at the lowest point of each such dip when the peaks on
    both sides stand `depth` above it: noise and wobbles at the top are far smaller than that."""
    seg = x[a : b + 1]
    low = seg < enter
    runs, i = [], 0
    while i < len(seg):
        if low[i]:
            j = i
            while j + 1 < len(seg) and low[j + 1]:
                j += 1
            if i > 0 and j < len(seg) - 1:  # inside the excursion, not at its edges
                runs.append((i, j))
            i = j + 1
        else:
            i += 1
    parts, start = [], 0
    for k, (i, j) in enumerate(runs):
        dip = i + int(np.argmin(seg[i : j + 1]))
        after = runs[k + 1][0] if k + 1 < len(runs) else len(seg) - 1
        before_peak, after_peak = seg[start : i + 1].max(), seg[j : after + 1].max()
        if min(before_peak, after_peak) - seg[dip] >= depth:
            parts.append((a + start, a + dip))
            start = dip
    parts.append((a + start, b))
    return parts


def _widen(speed: np.ndarray, a: int, b: int, floor_index: int, ceiling_index: int) -> tuple[int, int]:
    """Walk out from the threshold crossings to where the movement has (almost) stopped, never into the
    previous rep or past the start of the next (a rep split at a dip ends where the next begins)."""
    slow = 0.1 * speed[a : b + 1].max()
    while a > floor_index and speed[a - 1] > slow:
        a -= 1
    while b < ceiling_index and speed[b + 1] > slow:
        b += 1
    return a, b


def _sharpen_edges(t, near_top, fine_speed, lo: int, hi: int, cfg: SegmenterConfig) -> tuple[int, int]:
    """A lift or lowering quicker than the speed window is blurred into the hold by it; for those, a
    narrower window moves the hold's edge out to where the movement had in fact stopped. Slower
    movements keep the wider window, which noise cannot fool."""
    still = near_top & (fine_speed < cfg.hold_speed * fine_speed.max())
    if t[lo] - t[0] < cfg.quick_s:
        while lo > 0 and still[lo - 1]:
            lo -= 1
    if t[-1] - t[hi] < cfg.quick_s:
        while hi < len(still) - 1 and still[hi + 1]:
            hi += 1
    return lo, hi


def _measure(
    t, x, level, speed, fine_speed, a: int, b: int, height: float, both_ways: float, typical: float,
    cfg: SegmenterConfig,
) -> Rep:  # fmt: skip
    seg, seg_level, seg_speed = x[a : b + 1], level[a : b + 1], speed[a : b + 1]
    peak = a + int(np.argmax(seg))
    near_top = seg_level >= seg_level.max() - cfg.hold_band * height
    held = near_top & (seg_speed < cfg.hold_speed * seg_speed.max())
    lo, hi = _held_run(held, peak - a, max_gap=int(0.5 / float(np.median(np.diff(t)))))
    lo, hi = _sharpen_edges(t[a : b + 1], near_top, fine_speed[a : b + 1], lo, hi, cfg)
    hold = float(t[a + hi] - t[a + lo])
    partial = both_ways < cfg.full * typical
    return Rep(
        start=a,
        peak=a + lo,  # where the top is reached (the start of the hold; the highest frame if none)
        end=b,
        range=float(height),
        hold_s=hold if hold >= cfg.min_hold_s else 0.0,
        up_s=float(t[a + lo] - t[a]),
        down_s=float(t[b] - t[a + hi]),
        partial=bool(partial),
        shortfall=float(typical - both_ways) if partial else 0.0,
    )
