"""Video coach accuracy on synthetic tracks: a table per exercise of exact counts, fault precision and
recall, and hold error, then every miss. Prints its figures; not a test.

    .venv/bin/python benchmarks/bench_coach.py [--exercise ID ...] [--tempo normal|slow|brisk ...] [--seeds 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.coach_grid import TEMPOS, Score, cases, score_case


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--exercise", nargs="*")
    ap.add_argument("--tempo", nargs="*", choices=list(TEMPOS))
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--misses", type=int, default=40, help="how many misses to list")
    args = ap.parse_args()
    per_ex: dict[str, Score] = {}
    start = time.perf_counter()
    for ex, view, tempo, fault in cases(args.exercise, args.tempo):
        for seed in range(args.seeds):
            per_ex.setdefault(ex, Score()).add(score_case(ex, view, tempo, fault, seed))
    total = Score()
    head = ("exercise", "cases", "exact", "prec", "recall", "hold med", "hold p95", "hold max")
    print(f"{head[0]:42s} " + " ".join(f"{h:>7s}" for h in head[1:]))
    for ex, s in per_ex.items():
        total.add(s)
        print(_line(ex, s))
    print(_line("ALL", total))
    print(f"({time.perf_counter() - start:.0f} s)")
    for miss in total.failures[: args.misses]:
        print("  miss:", miss)


def _line(name: str, s: Score) -> str:
    holds = np.array(s.hold_errors) if s.hold_errors else np.array([np.nan])
    return (
        f"{name:42s} {s.cases:7d} {100 * s.exact / max(s.cases, 1):6.1f}% {s.precision:7.2f} {s.recall:7.2f} "
        f"{np.median(holds):6.2f}s {np.percentile(holds, 95):6.2f}s {np.max(holds):6.2f}s"
    )


if __name__ == "__main__":
    main()
