"""The cheaper forms of cleaning steps (made for the live set, which re-cleans a window every second)
give exactly what the straightforward formulas give, NaNs and ties included: a live count and an upload
report must not depend on which form ran. The medians the view and quality checks take (views.nanmedian)
are here too, for the same reason."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.ndimage import median_filter

from hipcoach.motion.clean import _bridge, _median5, _rolling_median, _runs, _same_gaps
from hipcoach.motion.nanstats import nanmedian, nanmedian_columns


def holes(rng: np.random.Generator, shape: tuple[int, int], share: float) -> np.ndarray:
    """Random values with NaN runs of 1-6 frames, a column without any value and one without a gap."""
    x = rng.normal(size=shape).cumsum(axis=0)
    for _ in range(int(share * shape[0] * shape[1] / 3)):
        r, c = rng.integers(shape[0]), rng.integers(shape[1])
        x[r : r + rng.integers(1, 7), c] = np.nan
    x[:, 1] = np.nan
    x[:, 2] = rng.normal(size=shape[0])
    return x


def rolling_median_by_columns(values: np.ndarray, half: int) -> np.ndarray:
    filled = values.copy()
    idx = np.arange(len(values))
    for k in range(values.shape[1]):
        ok = np.isfinite(values[:, k])
        if 0 < ok.sum() < len(ok):
            filled[:, k] = np.interp(idx, idx[ok], values[ok, k])
    return median_filter(np.ascontiguousarray(filled.T), size=(1, 2 * half + 1), mode="nearest").T


def bridge_by_gaps(values: np.ndarray, t: np.ndarray, max_gap_s: float) -> None:
    finite = np.isfinite(values)
    for k in range(values.shape[1]):
        ok = finite[:, k]
        if ok.all() or ok.sum() < 2:
            continue
        for start, stop in _runs(~ok):
            if start == 0 or stop == len(ok) or t[stop] - t[start - 1] > max_gap_s + 1e-9:
                continue
            share = (t[start:stop] - t[start - 1]) / (t[stop] - t[start - 1])
            values[start:stop, k] = values[start - 1, k] + share * (values[stop, k] - values[start - 1, k])


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 9, 40])
def test_median_of_five_picks_what_median_filter_picks(n):
    rng = np.random.default_rng(n)
    for _ in range(50):
        v = rng.integers(0, 4, size=(n, 6)).astype(float)  # many ties
        v[:, 3] = np.nan
        want = median_filter(np.ascontiguousarray(v.T), size=(1, 5), mode="nearest").T
        assert np.array_equal(_median5(v), want, equal_nan=True)


@pytest.mark.parametrize("half", [2, 3])
def test_rolling_median_equals_the_column_by_column_formula(half):
    rng = np.random.default_rng(half)
    for n in (1, 3, 30, 150):
        x = holes(rng, (n, 12), 0.2)
        assert np.array_equal(_rolling_median(x, half), rolling_median_by_columns(x, half), equal_nan=True)


@pytest.mark.parametrize("seed", range(5))
def test_gaps_bridged_at_once_equal_gap_by_gap(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 120))
    t = np.cumsum(rng.uniform(0.02, 0.09, n))  # uneven, as phones' timestamps
    x = holes(rng, (n, 15), 0.3)
    want, got = x.copy(), x.copy()
    bridge_by_gaps(want, t, 0.25)
    _bridge(got, t, 0.25)
    assert np.array_equal(got, want, equal_nan=True)


def test_gap_groups_are_the_columns_sharing_a_pattern_in_first_seen_order():
    rng = np.random.default_rng(0)
    finite = rng.random((37, 40)) < 0.9
    finite[:, 5::4] = finite[:, [5]]  # some columns share their gaps
    groups: dict[bytes, list[int]] = {}
    for k in range(finite.shape[1]):
        groups.setdefault(finite[:, k].tobytes(), []).append(k)
    assert _same_gaps(finite) == list(groups.values())
    assert _same_gaps(np.ones((0, 3), bool)) == [[0, 1, 2]]
    assert _same_gaps(np.ones((4, 0), bool)) == []


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_column_median_equals_numpys_nanmedian(dtype):
    rng = np.random.default_rng(1)
    for n in (1, 2, 3, 8, 51, 700):  # numpy takes another path from 600 rows
        x = (rng.normal(size=(n, 8)) * 100).astype(dtype)
        x[rng.random(x.shape) < 0.3] = np.nan
        x[:, 4] = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the all-NaN column
            want = np.nanmedian(x, axis=0)
        got = nanmedian_columns(x)
        assert got.dtype == want.dtype and np.array_equal(got, want, equal_nan=True)
        x[0, 0] = np.inf
        for k in range(x.shape[1]):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                want1 = np.nanmedian(x[:, k])
            got1 = nanmedian(x[:, k])
            assert got1.dtype == want1.dtype and np.array_equal(got1, want1, equal_nan=True)
