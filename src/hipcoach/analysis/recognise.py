"""Which catalogue exercise does a clip show? Every analyser is tried and scored by its movement signature.

Why this way: the analysers already state, as data, what their exercise looks like (posture, camera
views, the movement signature in analysers.toml), so recognising an exercise is asking each of them
whether the clip fits and how well; there is no second model of the exercises to drift from the first.
A candidate "matches" exactly when analysing the clip as that exercise would be accepted; its score
(0-1, 0.5 at the edge of acceptance) grows with how far the reps keep inside the signature's bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hipcoach.analysis.coach import Prepared, movement, prepare
from hipcoach.analysis.matching import MARGIN_CAP
from hipcoach.analysis.specs import load_specs
from hipcoach.catalog import load_catalog
from hipcoach.motion.posetrack import PoseTrack

SCHEMA = "hipcoach.recognition/1"


@dataclass(frozen=True)
class Recognition:
    best: str | None  # the exercise id, or None when no analyser accepts the clip
    candidates: list[dict[str, Any]]  # every analyser, best first: id, name, score, matches, reps, reason

    def report(self, track: PoseTrack, view: str) -> dict[str, Any]:
        names = load_catalog().exercises
        if self.best:
            note = f"This clip shows a {names[self.best].name.lower()}."
        else:
            note = "This clip does not look like any exercise the video coach can analyse."
        return {
            "schema_version": SCHEMA,
            "source": {"name": track.source_name, "sha256": track.source_sha256},
            "view": view,
            "exercise": self.best,
            "note": note,
            "candidates": self.candidates,
        }


def _score(fit: float) -> float:
    return round(max(0.0, min(1.0, 0.5 + fit / (2 * float(MARGIN_CAP)))), 2)


def recognise(prep: Prepared) -> Recognition:
    names = load_catalog().exercises
    rows = []
    for ex_id in load_specs():
        m = movement(prep, ex_id)
        rows.append(
            {
                "id": ex_id,
                "name": names[ex_id].name,
                "score": _score(m.fit) if m.fit > float("-inf") else 0.0,
                "matches": m.mismatch is None,
                "reps": sum(1 for r, _ in m.reps if not r.partial),
                "reason": None if m.mismatch is None else m.mismatch.code,
                "_fit": m.fit,
            }
        )
    rows.sort(key=lambda r: (r["matches"], r["_fit"]), reverse=True)
    for r in rows:
        del r["_fit"]
    best = rows[0]["id"] if rows and rows[0]["matches"] else None
    return Recognition(best, rows)


def recognise_track(track: PoseTrack) -> Recognition:
    """Raises UserError for a track with nobody in it."""
    return recognise(prepare(track))
