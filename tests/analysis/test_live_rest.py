"""live_rest.RestWatch: when the live set asks for an early analysis. It must say so once the body has
come to rest after moving (where a rep can have ended), and not for a body holding still or jittering."""

from __future__ import annotations

import numpy as np

from hipcoach.analysis.live_rest import LAG_S, RestWatch
from hipcoach.motion.synthetic import generate

FPS = 15.0


def pose():
    track, _ = generate("standing-band-hip-abduction", reps=1, view="front", fps=FPS)
    return track.landmarks[0].copy(), track.frame_size


def fires(frames, frame_size, under_way: bool = False) -> list[float]:
    watch = RestWatch(frame_size)
    watch.reset(under_way)
    out = []
    for i, lm in enumerate(frames):
        if watch.add(i / FPS, lm):
            out.append(i / FPS)
            watch.reset(under_way)
    return out


def torso_px(lm, size) -> float:
    from hipcoach.motion.person import torso

    return float(torso(lm[:, :2].astype(np.float64) * np.asarray(size, dtype=np.float64))[1])


def test_a_movement_that_stops_asks_once_soon_after_the_stop():
    lm, size = pose()
    moves = np.concatenate([np.zeros(15), np.linspace(0, 0.1, 10), np.full(20, 0.1)])  # 0.1 s still
    frames = []
    for dx in moves:
        f = lm.copy()
        f[:, 0] += dx
        frames.append(f)
    got = fires(frames, size)
    stop = 24 / FPS  # the last moving frame
    assert len(got) == 1 and stop < got[0] <= stop + LAG_S + 1 / FPS + 1e-9


def test_still_or_jittering_bodies_never_ask():
    lm, size = pose()
    rng = np.random.default_rng(0)
    still = [lm.copy() for _ in range(60)]
    jitter = []
    for _ in range(60):
        f = lm.copy()
        f[:, :2] += rng.normal(0, 0.002, size=f[:, :2].shape)  # BlazePose's few pixels
        jitter.append(f)
    assert fires(still, size) == [] and fires(jitter, size) == []


def test_nobody_in_view_breaks_the_speed():
    """No speed is measured across frames without a body (its return is not a movement)."""
    lm, size = pose()
    gone = np.full_like(lm, np.nan)
    moved = lm.copy()
    moved[:, 0] += 0.1
    frames = [lm.copy() for _ in range(10)] + [gone] * 5 + [moved.copy() for _ in range(20)]
    assert fires(frames, size) == []


def test_a_slow_rep_under_way_asks_once_it_comes_to_rest():
    """A return at 0.4 torso lengths a second (slower than MOVING: rehab reps can be that slow) reads as
    a movement only when the analysis saw a rep under way; then it asks once, soon after the stop."""
    lm, size = pose()
    step = 0.4 * torso_px(lm, size) / size[1] / FPS  # 0.4 torso lengths a second, down the image
    moves = np.concatenate([np.zeros(5), np.arange(1, 21) * step, np.full(20, 20 * step)])
    frames = []
    for dy in moves:
        f = lm.copy()
        f[:, 1] += dy
        frames.append(f)
    assert fires(frames, size) == []
    got = fires(frames, size, under_way=True)
    stop = 24 / FPS
    assert len(got) == 1 and stop < got[0] <= stop + LAG_S + 1 / FPS + 1e-9


def test_jitter_at_the_top_of_a_rep_under_way_does_not_ask():
    lm, size = pose()
    rng = np.random.default_rng(0)
    jitter = []
    for _ in range(60):
        f = lm.copy()
        f[:, :2] += rng.normal(0, 0.002, size=f[:, :2].shape)
        jitter.append(f)
    assert fires(jitter, size, under_way=True) == []
