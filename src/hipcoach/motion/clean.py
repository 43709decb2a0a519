"""Cleaning a pose track: outlier rejection, short-gap filling, and smoothing without lag.

Why each step: BlazePose jitters a few pixels frame to frame (about 3-4° of knee angle, see
notes/pose-stack.md) and now and then throws a landmark far off for a frame or two; it also loses the
person for a few frames. Rejecting spikes first (Hampel: distance from a running median against the
local spread) keeps them from being smeared by the filter. The threshold is 6 spreads, not the usual 3:
a running median cuts the corners of fast feet in running, and at 4 spreads 2% of those points went.
Gaps up to `max_gap_s` are filled linearly; longer ones stay NaN: nobody analyses motion never seen.

Recorded video: a 4th-order Butterworth low-pass run forwards and backwards (`sosfiltfilt`), so there is
no lag; the default 6 Hz keeps exercise and running movement (Sports2D's default). Timestamps from
phones are not evenly spaced, so each stretch is resampled to an even grid, filtered and read back at
the real timestamps. Live streams cannot look ahead: a One-Euro filter (Casiez 2012) smooths hard when
a landmark is still and follows quickly when it moves.

Visibility and presence are never filtered. Every function returns a new PoseTrack.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from scipy.ndimage import median_filter, uniform_filter1d
from scipy.signal import butter, sosfiltfilt

from hipcoach.motion.posetrack import PoseTrack

MAD_FLOOR = 0.002  # normalised units (~1.5 px at 720p): below this, still landmarks never count as outliers


def _series(track: PoseTrack) -> np.ndarray:
    """[T, K] float64: image x, y, z then world x, y, z for every landmark."""
    t = track.n_frames
    return np.concatenate(
        [track.landmarks[:, :, :3].reshape(t, -1), track.world.reshape(t, -1)], axis=1
    ).astype(np.float64)


def _with_series(track: PoseTrack, values: np.ndarray, **changes) -> PoseTrack:
    t, n = track.n_frames, track.landmarks.shape[1]
    image = values[:, : n * 3].reshape(t, n, 3)
    world = values[:, n * 3 :].reshape(t, n, 3)
    landmarks = track.landmarks.copy()
    landmarks[:, :, :3] = image
    return replace(
        track, landmarks=landmarks, world=world.astype(np.float32), meta=dict(track.meta), **changes
    )


def _runs(finite: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) of each stretch of True."""
    edges = np.diff(np.concatenate([[0], finite.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def _median5(v: np.ndarray) -> np.ndarray:
    """Running median over 5 rows (edges repeat the end rows, as median_filter's "nearest") by a
    min/max network: it picks the same element as a sort, about ten times faster than median_filter on
    a live window. Rows are frames; a column that is NaN throughout stays NaN."""
    p = np.concatenate([v[:1], v[:1], v, v[-1:], v[-1:]])
    n = len(v)
    a, b, c, d, e = (p[i : i + n] for i in range(5))
    lo = np.maximum(np.minimum(a, b), np.minimum(c, d))  # the 2nd smallest of a-d is >= this ...
    hi = np.minimum(np.maximum(a, b), np.maximum(c, d))  # ... and the 2nd largest <= this
    return np.maximum(np.minimum(e, lo), np.minimum(np.maximum(e, lo), hi))  # median of e, lo, hi


def _rolling_median(values: np.ndarray, half: int) -> np.ndarray:
    """Running median over 2*half+1 frames per column; NaN stretches are bridged linearly for the median
    only (and stay NaN in the data), columns without any value stay NaN."""
    filled = values.copy()
    idx = np.arange(len(values))
    ok = np.isfinite(values)
    counts = ok.sum(axis=0)
    for k in np.flatnonzero((counts > 0) & (counts < len(values))):
        filled[:, k] = np.interp(idx, idx[ok[:, k]], values[ok[:, k], k])
    if half == 2 and len(values):
        return _median5(filled)
    # Filtering along rows of the transposed (contiguous) array is about twice as fast.
    return median_filter(np.ascontiguousarray(filled.T), size=(1, 2 * half + 1), mode="nearest").T


def _local_spread(residual: np.ndarray, size: int) -> np.ndarray:
    """Standard deviation estimated from the running mean absolute residual (x1.2533 for a normal law)."""
    r = np.ascontiguousarray(residual.T)  # filter along contiguous rows: about twice as fast
    ok = np.isfinite(r)
    total = uniform_filter1d(np.where(ok, np.abs(r), 0.0), size, axis=1, mode="nearest")
    count = uniform_filter1d(ok.astype(np.float64), size, axis=1, mode="nearest")
    with np.errstate(invalid="ignore", divide="ignore"):
        return (1.2533 * total / count).T


def reject_outliers(track: PoseTrack, window_s: float = 0.15, n_sigmas: float = 6.0) -> PoseTrack:
    """Set to NaN every landmark whose distance from its running median exceeds `n_sigmas` robust deviations.

    The running median follows smooth movement (a ramp's median is its centre), so only jumps stand out;
    the deviation scale is the local mean absolute residual over a window four times longer (a lone spike
    barely moves it), floored at MAD_FLOOR.
    """
    values = _series(track)
    half = max(2, round(window_s * (track.fps or 30) / 2))
    residual = values - _rolling_median(values, half)
    sigma = _local_spread(residual, 8 * half + 1)
    n = track.landmarks.shape[1]
    floor = np.full(values.shape[1], MAD_FLOOR)
    floor[n * 3 :] = MAD_FLOOR * 2.0  # world metres: about the same share of a body
    with np.errstate(invalid="ignore"):
        bad = np.abs(residual) > n_sigmas * np.maximum(sigma, floor)
    # An image point that is off in x or y goes as a whole (x, y, z and visibility).
    img_bad = bad[:, : n * 3].reshape(-1, n, 3).any(-1)
    bad[:, : n * 3] = np.repeat(img_bad, 3, axis=1)
    values[bad] = np.nan
    out = _with_series(track, values)
    out.landmarks[:, :, 3] = np.where(img_bad, np.nan, track.landmarks[:, :, 3])
    return out


def _same_gaps(finite: np.ndarray) -> list[list[int]]:
    """Columns grouped by where they are missing (after outlier rejection most share their gaps), so each
    group is bridged or filtered in one vectorised step. Groups in the order of their first column,
    columns in increasing order; the columns' patterns are compared packed into bytes, in one call."""
    if not finite.shape[1]:
        return []
    if not finite.shape[0]:
        return [list(range(finite.shape[1]))]
    packed = np.ascontiguousarray(np.packbits(finite, axis=0).T)
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    return [np.flatnonzero(inverse == g).tolist() for g in np.argsort(first)]


def _bridge(values: np.ndarray, t: np.ndarray, max_gap_s: float) -> None:
    """Fill, in place, each NaN gap of each column that has a value on both sides no more than
    `max_gap_s` apart, linearly in time. All columns at once: after outlier rejection a live window's
    columns have a score of different gap patterns, and a loop over them cost as much as the filter."""
    finite = np.isfinite(values)
    n = len(values)
    if n < 3 or finite.all():
        return
    idx = np.arange(n)[:, None]
    before = np.maximum.accumulate(np.where(finite, idx, -1), axis=0)  # the last value at or before
    after = np.minimum.accumulate(np.where(finite, idx, n)[::-1], axis=0)[::-1]  # the next at or after
    rows, cols = np.nonzero(~finite & (before >= 0) & (after < n))
    a, b = before[rows, cols], after[rows, cols]
    short = ~(t[b] - t[a] > max_gap_s + 1e-9)
    rows, cols, a, b = rows[short], cols[short], a[short], b[short]
    va, vb = values[a, cols], values[b, cols]
    share = (t[rows] - t[a]) / (t[b] - t[a])
    values[rows, cols] = va + share * (vb - va)


def fill_gaps(track: PoseTrack, max_gap_s: float = 0.25) -> PoseTrack:
    """Linearly bridge NaN gaps no longer than `max_gap_s` (visibility too); longer gaps stay NaN."""
    t = np.asarray(track.timestamps, dtype=np.float64)
    values = np.concatenate([_series(track), track.landmarks[:, :, 3].astype(np.float64)], axis=1)
    _bridge(values, t, max_gap_s)
    n = track.landmarks.shape[1]
    out = _with_series(track, values[:, :-n])
    out.landmarks[:, :, 3] = values[:, -n:]
    filled = np.isfinite(out.landmarks[:, :, 0]) & ~np.isfinite(track.landmarks[:, :, 0])
    out.presence = np.where(filled, np.maximum(track.presence, 0.5), track.presence).astype(np.float32)
    return out


@lru_cache(maxsize=32)
def _butter(order: int, wn: float) -> np.ndarray:
    return butter(order, wn, output="sos")


def _lowpass_block(t: np.ndarray, x: np.ndarray, cutoff_hz: float, order: int) -> np.ndarray:
    """Zero-lag low-pass of one gap-free stretch ([n] or [n, k] columns sharing it), on an even grid at
    the median frame interval. Columns are filtered independently, all in one call."""
    if len(x) < 4:
        return x
    dt = float(np.median(np.diff(t)))
    even = np.ptp(np.diff(t)) <= 0.1 * dt
    grid = t if even else np.arange(t[0], t[-1] + dt / 2, dt)
    cols = x.reshape(len(x), -1)
    y = cols if even else np.stack([np.interp(grid, t, c) for c in cols.T], axis=1)
    fs = 1.0 / dt
    wn = min(cutoff_hz / (fs / 2), 0.95)
    sos = _butter(order, round(wn, 6))
    padlen = min(3 * (2 * len(sos) + 1), len(y) - 1)
    y = sosfiltfilt(sos, y, axis=0, padlen=padlen)
    if not even:
        y = np.stack([np.interp(t, grid, c) for c in y.T], axis=1)
    return y.reshape(x.shape)


def lowpass(track: PoseTrack, cutoff_hz: float = 6.0, order: int = 4) -> PoseTrack:
    """Butterworth low-pass, forwards and backwards (no lag), on each gap-free stretch of each coordinate.
    Coordinates with the same stretch (nearly all: a person is found or not as a whole) are filtered
    together, which is what makes it cheap enough to re-run on a live window."""
    t = np.asarray(track.timestamps, dtype=np.float64)
    values = _series(track)
    finite = np.isfinite(values)
    stretches: dict[tuple[int, int], list[int]] = {}
    for same in _same_gaps(finite):
        for start, stop in _runs(finite[:, same[0]]):
            stretches.setdefault((int(start), int(stop)), []).extend(same)
    for (start, stop), cols in stretches.items():
        values[start:stop, cols] = _lowpass_block(t[start:stop], values[start:stop, cols], cutoff_hz, order)
    return _with_series(track, values)


@dataclass
class OneEuroFilter:
    """One-Euro filter over arrays (each element its own signal); call once per frame with its time.

    min_cutoff (Hz) sets smoothing when still; beta raises the cutoff with speed (units of the signal
    per second); d_cutoff smooths the speed estimate. NaN inputs pass through and restart that element.
    """

    min_cutoff: float = 1.0
    beta: float = 0.02
    d_cutoff: float = 1.0

    def __post_init__(self) -> None:
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: float | None = None

    @staticmethod
    def _alpha(cutoff: np.ndarray | float, dt: float) -> np.ndarray:
        tau = 1.0 / (2 * np.pi * np.asarray(cutoff))
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if self._x is None or self._t is None or t <= self._t:
            self._x, self._dx, self._t = x.copy(), np.zeros_like(x), t
            return x.copy()
        dt = t - self._t
        fresh = ~np.isfinite(self._x)
        prev = np.where(fresh, x, self._x)
        dx = (x - prev) / dt
        a_d = self._alpha(self.d_cutoff, dt)
        dx_hat = np.where(fresh, 0.0, a_d * dx + (1 - a_d) * self._dx)
        a = self._alpha(self.min_cutoff + self.beta * np.abs(dx_hat), dt)
        x_hat = a * x + (1 - a) * prev
        self._x, self._dx, self._t = x_hat, np.nan_to_num(dx_hat), t
        return x_hat.copy()


def one_euro(
    track: PoseTrack, min_cutoff: float = 1.0, beta: float = 0.02, d_cutoff: float = 1.0
) -> PoseTrack:
    """One-Euro filter frame by frame, as a live stream would see it. It works in pixels (z on x's scale,
    world in millimetres), so the defaults suit any frame size: about 10 Hz cutoff at 500 px/s."""
    w, h = track.frame_size
    n = track.landmarks.shape[1]
    scale = np.concatenate([np.tile([w, h, w], n), np.full(n * 3, 1000.0)])
    values = _series(track) * scale
    filt = OneEuroFilter(min_cutoff, beta, d_cutoff)
    for i, t in enumerate(track.timestamps):
        values[i] = filt(values[i], float(t))
    return _with_series(track, values / scale)


def clean(
    track: PoseTrack,
    *,
    live: bool = False,
    max_gap_s: float = 0.25,
    cutoff_hz: float = 6.0,
    outlier_window_s: float = 0.15,
    outlier_sigmas: float = 6.0,
) -> PoseTrack:
    """The whole cleaning pass: outliers out, short gaps filled, then Butterworth (recorded) or One-Euro
    (live). The cleaning settings are recorded in the track's meta."""
    out = fill_gaps(reject_outliers(track, outlier_window_s, outlier_sigmas), max_gap_s)
    out = one_euro(out) if live else lowpass(out, cutoff_hz)
    out.meta["clean"] = {
        "filter": "one_euro" if live else "butterworth_filtfilt",
        "cutoff_hz": None if live else cutoff_hz,
        "max_gap_s": max_gap_s,
        "outlier_window_s": outlier_window_s,
        "outlier_sigmas": outlier_sigmas,
    }
    return out
