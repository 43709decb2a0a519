"""Which weekdays get a strength session, fitted around the runner's week.

Rules: never the day before a long or hard run (legs should be fresh for it); prefer days without a
run, then easy-run days, then after a hard run on the same day; spread sessions at least a day apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from hipcoach.plans.profile import WEEKDAYS, Running

_COST = {"rest": 0, "easy": 1, "hard": 2}


@dataclass(frozen=True)
class WeekSchedule:
    days: tuple[str, ...]  # chosen weekdays, Monday first
    kinds: dict[str, str]  # weekday -> "rest" | "easy" | "hard" (the run that day)
    notes: tuple[str, ...]  # why the week looks the way it does


def day_kinds(running: Running) -> dict[str, str]:
    key = {running.long_run_day, *running.hard_days} - {None}
    return {d: "hard" if d in key else "easy" if d in running.days else "rest" for d in WEEKDAYS}


def choose_days(running: Running, sessions: int) -> WeekSchedule:
    kinds = day_kinds(running)
    blocked = {WEEKDAYS[(WEEKDAYS.index(d) - 1) % 7] for d, k in kinds.items() if k == "hard"}
    allowed = [d for d in WEEKDAYS if d not in blocked]
    notes = []
    if blocked:
        notes.append(
            "No strength on "
            + ", ".join(sorted(blocked, key=WEEKDAYS.index))
            + ": the day before a long or hard run."
        )
    if len(allowed) < sessions:
        notes.append(f"Only {len(allowed)} day(s) fit around your runs, so {len(allowed)} session(s) a week.")
        sessions = len(allowed)
    best = min(combinations(allowed, sessions), key=lambda c: _score(c, kinds))
    for d in best:
        if kinds[d] == "hard":
            notes.append(f"{d.title()}: do the strength session after your run, not before it.")
    if sessions > 1 and _min_gap(best) < 2:
        notes.append("Two sessions fall on consecutive days: keep the second one light if you feel sore.")
    return WeekSchedule(days=tuple(best), kinds=kinds, notes=tuple(notes))


def _min_gap(days: tuple[str, ...]) -> int:
    idx = sorted(WEEKDAYS.index(d) for d in days)
    if len(idx) < 2:
        return 7
    return min((idx[(i + 1) % len(idx)] - idx[i]) % 7 for i in range(len(idx)))


def _score(days: tuple[str, ...], kinds: dict[str, str]) -> tuple[int, int, int]:
    """Lower is better: back-to-back days first, then the kind of day, then the tightest spacing."""
    return (int(_min_gap(days) < 2), sum(_COST[kinds[d]] for d in days), -_min_gap(days))
