"""How many XNNPACK threads the pose model runs with: chosen from readings, not from the load average.

Kept apart from the model (pose_model) because it is pure: the CPUs this process may use
(`os.sched_getaffinity`), the kernel's CPU pressure (PSI) and, once measured, the seconds a frame took
with one and with two threads go in, a thread count comes out, so each rule is tested with injected
readings. pose_model.PoseEstimator times the first frames both ways and watches a 2-thread run for a
collapse (a neighbour took a core) with these functions.
"""

from __future__ import annotations

import os
from pathlib import Path

# PSI "some avg10": share of the last 10 s in which some runnable task waited for a CPU. Above this the
# cores are oversubscribed already and a second XNNPACK thread (which spins while waiting) only adds to it.
BUSY_PRESSURE = 40.0
PROBE_FRAMES = 5  # frames timed with each thread count at the start (after the first, which warms up)
TWO_MUST_BEAT = 0.85  # 2 threads are kept only if at most this share of the 1-thread time per frame
DEMOTE_SLOWER = 1.5  # a 2-thread run whose recent frames take this many times the 1-thread probe drops to 1
WATCH_FRAMES = 15  # recent frames the demotion looks at (and how often it looks)


def usable_cpus() -> int:
    """CPUs this process may run on (a container or `taskset` may give fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1


def cpu_pressure(path: str = "/proc/pressure/cpu") -> float | None:
    """The kernel's CPU pressure, "some avg10" in percent, or None where PSI is absent or unreadable."""
    try:
        line = Path(path).read_text().splitlines()[0]
        return float(dict(f.split("=") for f in line.split()[1:])["avg10"])
    except (OSError, IndexError, KeyError, ValueError):
        return None


def choose_threads(
    cpus: int, pressure: float | None, one: float | None = None, two: float | None = None
) -> int:
    """XNNPACK threads from the readings: `cpus` usable, PSI `pressure` (%), and if measured, the median
    seconds a frame took with one and with two threads. A measurement outranks the guesses: 2 threads
    only when they were clearly faster; without one, 2 when the process has two CPUs and they are not
    already oversubscribed."""
    if cpus < 2:
        return 1
    if one is not None and two is not None:
        return 2 if two <= TWO_MUST_BEAT * one else 1
    if pressure is not None and pressure >= BUSY_PRESSURE:
        return 1
    return 2


def should_demote(recent_two: float, probe_one: float) -> bool:
    """A 2-thread run whose recent median seconds/frame is well above the 1-thread probe's drops to 1:
    a neighbour has taken a core and XNNPACK's spinning workers are fighting it."""
    return recent_two > DEMOTE_SLOWER * probe_one


def default_threads() -> int:
    """The first guess, before any frame is timed (see `choose_threads`)."""
    return choose_threads(usable_cpus(), cpu_pressure())
