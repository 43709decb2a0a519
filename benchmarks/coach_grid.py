"""The video coach scored against synthetic ground truth: exercise × view × tempo × injected fault.

Used by benchmarks/bench_coach.py (prints the table) and by the tests (which hold the bounds on a
subset). A synthetic rep and a found rep match when their spans overlap by more than half the shorter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hipcoach.analysis.coach import analyse_track
from hipcoach.motion.synthetic import BILATERAL, EXERCISES, Tempo, generate

TEMPOS = {
    "normal": Tempo(),
    "slow": Tempo(up=2.5, hold=2.0, down=2.5, rest=1.0),
    "brisk": Tempo(up=1.3, hold=0.5, down=1.3, rest=0.5),
}
REPS = 4
HOLD_TARGET_S = 0.3


@dataclass
class Score:
    cases: int = 0
    exact: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    hold_errors: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.cases += other.cases
        self.exact += other.exact
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn
        self.hold_errors += other.hold_errors
        self.failures += other.failures

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def cases(exercises=None, tempos=None):
    """(exercise, view, tempo name, fault or None): each fault alone, on reps 1 and 2 of 4 per side."""
    for ex, (_, views, _, faults) in EXERCISES.items():
        if exercises and ex not in exercises:
            continue
        for view in dict.fromkeys(v for v in views if v != "working_side"):
            for tempo in tempos or TEMPOS:
                for fault in (None, *faults):
                    if fault == "moving_too_fast" and tempo == "brisk":
                        continue  # brisk is already near the limit; a fast rep there is tested at the others
                    yield ex, view, tempo, fault


def _overlap(a0, a1, b0, b1) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0)) / max(min(a1 - a0, b1 - b0), 1e-9)


def score_case(ex: str, view: str, tempo: str, fault: str | None, seed: int = 0) -> Score:
    sides = "both" if ex not in BILATERAL else "right"
    fault_reps = {fault: [1, 2, REPS + 1, REPS + 2]} if fault else None
    track, truth = generate(
        ex, reps=REPS, sides=sides, tempo=TEMPOS[tempo], faults=fault_reps, view=view, seed=seed
    )
    report = analyse_track(track, ex).report
    s = Score(cases=1)
    name = f"{ex}/{view}/{tempo}/{fault or 'clean'}"
    if report["status"] != "ok":
        s.failures.append(f"{name}: {report['status']} {report['problem']['message']}")
        s.fn += sum(1 for r in truth.reps if r.faults)
        return s
    found = [r for r in report["reps"] if r["counted"]]
    want = {side: sum(1 for r in truth.reps if r.side == side) for side in ("left", "right", "both")}
    got = {side: sum(1 for r in found if r["side"] == side) for side in ("left", "right", "both")}
    if want == got:
        s.exact = 1
    else:
        s.failures.append(f"{name}: counts {got} want {want}")
    checked = set(report["faults_checked"])
    for t in truth.reps:
        match = next((r for r in found if _overlap(t.start, t.end, r["start_s"], r["end_s"]) > 0.5), None)
        expected = {c for c in t.faults if c in checked}
        flagged = {f["code"] for f in match["faults"]} if match else set()
        s.tp += len(expected & flagged)
        s.fn += len(expected - flagged)
        s.fp += len(flagged - expected)
        if flagged != expected:
            s.failures.append(f"{name}: rep {t.index} faults {sorted(flagged)} want {sorted(expected)}")
        if match and "moving_too_fast" not in t.faults:
            s.hold_errors.append(abs(match["hold_s"] - t.hold))
            if s.hold_errors[-1] > HOLD_TARGET_S:
                s.failures.append(f"{name}: rep {t.index} hold {match['hold_s']:.2f} s want {t.hold:.2f} s")
    return s
