"""The live set's per-frame shortcuts decide exactly what the shared rules decide: the jump check on
two frames' torsos is motion.person.person_jumps on those two frames."""

from __future__ import annotations

import numpy as np

from hipcoach.analysis.live_pauses import jumped
from hipcoach.motion.person import person_jumps, torso


def test_jump_from_two_torsos_equals_person_jumps_on_the_two_frames():
    rng = np.random.default_rng(0)
    decided = set()
    for _ in range(2000):
        a = (0.5 + 0.2 * rng.normal(size=(33, 4))).astype(np.float32)
        b = (a + rng.choice([0.01, 0.1, 0.3]) * rng.normal(size=(33, 4))).astype(np.float32)
        for frame in (a, b):
            if rng.random() < 0.1:
                frame[rng.choice([23, 24]), :2] = np.nan  # a hip unseen
        t0 = float(rng.uniform(0, 10))
        t1 = t0 + float(rng.choice([1 / 15, 0.2, 0.3]))
        want = bool(person_jumps(np.stack([a, b]), np.array([t0, t1])))
        assert jumped(t0, torso(a[:, :2]), t1, torso(b[:, :2])) == want
        decided.add(want)
    assert decided == {True, False}
