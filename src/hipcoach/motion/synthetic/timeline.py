"""Rep timing for synthetic exercises: a smooth 0→1→0 phase per rep, which side works, which faults show.

The ground truth a test compares against comes from here, so it is exact by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

FAST = 0.35  # a `moving_too_fast` rep takes this fraction of the prescribed lift and lower time


@dataclass(frozen=True)
class Tempo:
    """Seconds to lift (concentric), hold at the top, lower, and rest before the next rep."""

    up: float = 1.5
    hold: float = 1.0
    down: float = 1.5
    rest: float = 0.8


@dataclass(frozen=True)
class Rep:
    index: int
    side: str  # "left" / "right" (the working leg) or "both"
    start: float  # the phase starts rising
    peak: float  # the phase first reaches 1 (start of the hold)
    end: float  # the phase is back at 0
    hold: float
    faults: tuple[str, ...] = ()


@dataclass
class Truth:
    """What a synthetic track contains: reps (and for running, stances) with their times and faults."""

    exercise: str
    view: str
    reps: list[Rep] = field(default_factory=list)
    stances: list[dict] = field(default_factory=list)
    params: dict = field(default_factory=dict)


def ramp(x: np.ndarray) -> np.ndarray:
    """Smooth 0→1 (cosine) for x in 0..1, clipped outside."""
    return 0.5 - 0.5 * np.cos(np.pi * np.clip(x, 0.0, 1.0))


@dataclass
class Timeline:
    """Per-frame phase (0 rest, 1 top), rising/falling halves, rep index, side and fault levels."""

    t: np.ndarray
    phase: np.ndarray
    up: np.ndarray  # 0→1 during the lift, then stays 1 until the next rep starts
    down: np.ndarray  # 0→1 during the lowering of the current rep
    rep: np.ndarray  # rep index per frame, -1 before the first
    side: np.ndarray  # side of the current (or last) rep per frame
    reps: list[Rep]
    lean: float = 0.0  # sideways lean of the whole upper body away from the working leg (deg)

    def fault(self, code: str) -> np.ndarray:
        """Level 0..1 of one fault per frame: the phase during reps that carry it, else 0."""
        has = np.array([code in r.faults for r in self.reps] + [False])
        return np.where(has[self.rep], self.phase, 0.0)

    def carries(self, code: str) -> np.ndarray:
        """1 throughout the reps that carry a fault (and the rest after them), else 0: for faults that are
        a fixed shortfall of the rep rather than something that grows with the movement."""
        has = np.array([code in r.faults for r in self.reps] + [False])
        return has[self.rep].astype(float)

    def on(self, side: str) -> np.ndarray:
        return self.side == side


def sides_per_rep(reps: int, sides: str) -> list[str]:
    if sides == "both":
        return ["left"] * reps + ["right"] * reps
    if sides == "alternate":
        return ["left", "right"] * reps
    if sides in ("left", "right", "bilateral"):
        return [sides if sides != "bilateral" else "both"] * reps
    raise ValueError(f"sides must be 'left', 'right', 'both', 'alternate' or 'bilateral', not {sides!r}")


def make_timeline(
    reps: int,
    sides: str,
    tempo: Tempo,
    faults: dict[str, list[int]] | None = None,
    fps: float = 30.0,
    lead: float = 1.0,
    side_change: float = 2.0,
    jitter: float = 0.0,
    seed: int = 0,
    lean: float = 0.0,
) -> Timeline:
    """Lay reps end to end after `lead` seconds of rest; a `side_change` pause between sides (none when
    the sides alternate rep by rep: people switch legs within the rest).

    faults maps a fault code to the rep indices (0-based, over all reps) that show it.
    jitter: random variation of each rep's durations (fraction), so reps are not clones.
    """
    rng = np.random.default_rng(seed)
    faults = faults or {}
    plan = sides_per_rep(reps, sides)
    if sides == "alternate":
        side_change = 0.0
    rep_list: list[Rep] = []
    clock = lead
    for i, side in enumerate(plan):
        if i and plan[i - 1] != side:
            clock += side_change
        codes = tuple(sorted(c for c, idx in faults.items() if i in idx))
        k = FAST if "moving_too_fast" in codes else 1.0
        scale = 1.0 + jitter * rng.uniform(-1, 1, 3)
        up, hold, down = tempo.up * k * scale[0], tempo.hold * scale[1], tempo.down * k * scale[2]
        rep_list.append(Rep(i, side, clock, clock + up, clock + up + hold + down, hold, codes))
        clock += up + hold + down + tempo.rest
    t = np.arange(0.0, clock + lead - tempo.rest, 1.0 / fps)
    phase = np.zeros_like(t)
    up_arr = np.zeros_like(t)
    down_arr = np.zeros_like(t)
    rep_idx = np.full(len(t), -1)
    side_arr = np.full(len(t), plan[0] if plan else "both", dtype=object)
    for k, r in enumerate(rep_list):
        # A new side takes over halfway through the pause before its first rep (people turn over or
        # change legs between sets, not at the instant the next rep starts).
        if k and rep_list[k - 1].side != r.side:
            side_arr[t >= 0.5 * (rep_list[k - 1].end + r.start)] = r.side
        rise = ramp((t - r.start) / (r.peak - r.start))
        fall = ramp((t - r.peak - r.hold) / (r.end - r.peak - r.hold))
        inside = t >= r.start
        rep_idx[inside] = r.index
        phase = np.where(inside & (t <= r.end), rise - fall, phase)
        up_arr = np.where(inside, rise, up_arr)
        down_arr = np.where(inside, fall, down_arr)
    return Timeline(t, phase, up_arr, down_arr, rep_idx, side_arr.astype(str), rep_list, lean)
