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


def fires(frames, frame_size) -> list[float]:
    watch = RestWatch(frame_size)
    out = []
    for i, lm in enumerate(frames):
        if watch.add(i / FPS, lm):
            out.append(i / FPS)
            watch.reset()
    return out


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
