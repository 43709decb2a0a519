"""Telling reps of one live window from another's: which are the same movement, and which one window
read across two (live.LiveSet counts from successive windows, each re-analysing the latest frames, so
the same rep comes back from every window it is in, with its times moved by a frame or two).

Apart from live.py because these are pure rules on the report's rep dicts (start_s, peak_s, end_s),
tested and used (benchmarks/bench_live.py matches live counts with the whole track's) on their own.
"""

from __future__ import annotations

ROUNDING_S = 1e-3  # the report's times are rounded to the millisecond


def same_rep(a: dict, b: dict) -> bool:
    """The same rep seen by two windows: it began and reached its top at the same frames."""
    return (
        abs(a["start_s"] - b["start_s"]) <= 2 * ROUNDING_S
        and abs(a["peak_s"] - b["peak_s"]) <= 2 * ROUNDING_S
    )


def crosses(rep: dict, reps: list[dict]) -> bool:
    """More than half of the window's rep is shared with its other reps: one movement is one rep, so a
    window that reads a rep from the top of one to the top of the next (coach_grid's brisk side-lying
    abduction with the pelvis rolled back, in two windows running, counted a fifth rep a side) does not
    count it; the reps it straddles are counted by themselves, as the whole track's analysis has them."""
    shared = sum(
        max(0.0, min(rep["end_s"], o["end_s"]) - max(rep["start_s"], o["start_s"]))
        for o in reps
        if o is not rep
    )
    return shared > 0.5 * (rep["end_s"] - rep["start_s"])


def rep_span(rep: dict) -> tuple[float, float]:
    return (rep["start_s"], rep["end_s"])


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Two reps are the same movement when they share more than half of the shorter one."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter > 0.5 * max(min(a[1] - a[0], b[1] - b[0]), 1e-6)
