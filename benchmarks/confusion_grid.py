"""Every clip analysed as every analyser: which are accepted (status "ok"), and what recognition says.

Used by benchmarks/bench_confusion.py (prints the matrix) and by the tests (which hold the bounds on a
sample). Synthetic clips are coach_grid's: every exercise × view × tempo × injected fault; real clips
are ../shared/data's with the exercise its README says each shows (None: no catalogue exercise).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from benchmarks.coach_grid import REPS, TEMPOS
from hipcoach.analysis.coach import analyse_track, prepare
from hipcoach.analysis.recognise import recognise
from hipcoach.analysis.specs import load_specs
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.synthetic import BILATERAL, generate

REAL_CLIPS = {
    "bridge_bilateral_side_1rep.mp4": "bilateral-bridge",
    "bridge_bilateral_side_1rep_b.mp4": "bilateral-bridge",
    "single_leg_bridge_side_1rep.mp4": "single-leg-bridge",
    "clamshell_band_side_6right.mp4": "clamshell",
    "single_leg_squat_front_hyva_ja_paha2.mp4": "single-leg-squat",
    "single_leg_squat_front_hyva7.mp4": "single-leg-squat",
    "single_leg_squat_front_hyva3.mp4": "single-leg-squat",
    "single_leg_squat_front_hyva6.mp4": "single-leg-squat",
    "single_leg_squat_front_hyva_ja_paha.mp4": "single-leg-squat",
    "single_leg_squat_front_hyva2.mp4": "single-leg-squat",
    "single_leg_stance_cam01.mp4": None,  # balancing on one leg, no reps of anything
    "single_leg_stance_cam02.mp4": None,
    "single_leg_stance_cam03.mp4": None,  # the same balance from behind, obliquely
    "single_leg_stance_cam04.mp4": None,
}
CG_CLIPS = {  # computer-generated mannequin: smoke tests
    "cg_clamshell.mp4": "clamshell",
    "cg_banded-walk.mp4": "side-step",
    "cg_bridge.mp4": "bilateral-bridge",
    "cg_singleLegHip.mp4": "single-leg-bridge",
}


@dataclass
class Row:
    name: str
    truth: str | None
    accepted: set[str]
    recognised: str | None
    top: list[tuple[str, float]]


@dataclass
class Matrix:
    rows: list[Row] = field(default_factory=list)

    @property
    def off_diagonal(self) -> tuple[int, int]:
        """(accepted, tried) pairs of a clip analysed as an exercise it does not show."""
        n = len(load_specs())
        tried = sum(n - (r.truth is not None) for r in self.rows)
        return sum(len(r.accepted - {r.truth}) for r in self.rows), tried

    @property
    def own_accepted(self) -> tuple[int, int]:
        shown = [r for r in self.rows if r.truth is not None]
        return sum(r.truth in r.accepted for r in shown), len(shown)

    @property
    def top1(self) -> tuple[int, int]:
        return sum(r.recognised == r.truth for r in self.rows), len(self.rows)

    def counts(self) -> Counter:
        """(truth, analyser) → clips accepted."""
        return Counter((r.truth, a) for r in self.rows for a in r.accepted)


def classify(name: str, track: PoseTrack, truth: str | None) -> Row:
    prep = prepare(track)
    accepted = {
        ex
        for ex in load_specs()
        if analyse_track(track, ex, prepared=prep, suggest=False).report["status"] == "ok"
    }
    rec = recognise(prep)
    top = [(c["id"], c["score"]) for c in rec.candidates[:3]]
    return Row(name, truth, accepted, rec.best, top)


def synthetic_row(ex: str, view: str, tempo: str, fault: str | None, seed: int = 0) -> Row:
    sides = "both" if ex not in BILATERAL else "right"
    faults = {fault: [1, 2, REPS + 1, REPS + 2]} if fault else None
    track, _ = generate(ex, reps=REPS, sides=sides, tempo=TEMPOS[tempo], faults=faults, view=view, seed=seed)
    return classify(f"{ex}/{view}/{tempo}/{fault or 'clean'}", track, ex)
