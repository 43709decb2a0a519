"""The cheaper forms of the side resolution's steps (made for the live set, which resolves a window's
sides every second) give exactly what the straightforward formulas give."""

from __future__ import annotations

import numpy as np
import pytest

from hipcoach.motion.landmarks import NAMES
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.views import LOWER, LOWER_PAIRS, MIRROR, UPPER, _pair_ids, _swapped, _viterbi


def viterbi_on_arrays(unary, p, li, ri, length):
    swapped = np.zeros(len(unary), bool)
    valid = np.flatnonzero(np.isfinite(unary) & np.isfinite(length))
    if len(valid) == 0:
        return swapped
    u = np.clip(unary[valid], -3, 3)
    a, b = valid[:-1], valid[1:]
    scale = 3.0 / np.maximum(0.5 * (length[a] + length[b]), 1e-6)

    def jump(x, y):
        return np.nansum(np.linalg.norm(p[b][:, x] - p[a][:, y], axis=-1), axis=1)

    same = (jump(li, li) + jump(ri, ri)) * scale
    cross = (jump(li, ri) + jump(ri, li)) * scale
    cost0, cost1 = -u[0], u[0]
    back = np.zeros((len(valid), 2), np.int8)
    for k in range(1, len(valid)):
        s_, c_ = same[k - 1], cross[k - 1]
        from0, from1 = cost0 + s_, cost1 + c_
        back[k, 0] = from1 < from0
        new0 = min(from0, from1) - u[k]
        from0, from1 = cost0 + c_, cost1 + s_
        back[k, 1] = from1 < from0
        cost1 = min(from0, from1) + u[k]
        cost0 = new0
    state = int(cost1 < cost0)
    for k in range(len(valid) - 1, -1, -1):
        swapped[valid[k]] = bool(state)
        state = back[k, state]
    return swapped


@pytest.mark.parametrize("seed", range(6))
def test_viterbi_on_floats_equals_the_array_formula(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 200))
    p = rng.normal(size=(n, 33, 2)) * 50
    p[rng.random((n, 33)) < 0.05] = np.nan
    unary = rng.normal(size=n) * 2
    unary[rng.random(n) < 0.1] = np.nan
    length = rng.uniform(50, 150, n)
    li, ri = _pair_ids(LOWER_PAIRS)
    got = _viterbi(unary, p, li, ri, length)
    assert np.array_equal(got, viterbi_on_arrays(unary, p, li, ri, length))


def test_mirrored_labels_equal_gathering_every_frame_in_a_new_order():
    rng = np.random.default_rng(0)
    n = 40
    track = PoseTrack(
        rng.normal(size=(n, 33, 4)).astype(np.float32),
        rng.random((n, 33)).astype(np.float32),
        rng.normal(size=(n, 33, 3)).astype(np.float32),
        np.arange(n) / 30.0,
        (640, 480),
        30.0,
    )
    swaps = {"upper": rng.random(n) < 0.3, "lower": rng.random(n) < 0.5}
    order = np.tile(np.arange(len(NAMES)), (n, 1))
    for group, ids in (("upper", UPPER), ("lower", LOWER)):
        order[np.ix_(np.flatnonzero(swaps[group]), ids)] = MIRROR[ids]
    take = np.arange(n)[:, None]
    got = _swapped(track, swaps)
    for k in ("landmarks", "presence", "world"):
        want = getattr(track, k)[take, order]
        assert got[k].dtype == want.dtype and np.array_equal(got[k], want)
    assert not np.shares_memory(got["landmarks"], track.landmarks)
