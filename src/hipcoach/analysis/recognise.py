"""Which catalogue exercise does a clip show? Every analyser is tried and scored by its movement signature.

Why this way: the analysers already state, as data, what their exercise looks like (posture, camera
views, the movement signature in analysers.toml), so recognising an exercise is asking each of them
whether the clip fits and how well; there is no second model of the exercises to drift from the first.
A candidate "matches" exactly when analysing the clip as that exercise would be accepted; its score
(0-1, 0.5 at the edge of acceptance) grows with how far the reps keep inside the signature's bounds.

`--exercise auto` (CLI) and "recognise it" (web upload) analyse a clip as its best match; a clip
analysed as a chosen exercise also gets the recognition, so the report can warn when the clip looks
more like another exercise than the one chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from hipcoach.analysis.coach import Prepared, movement, prepare
from hipcoach.analysis.matching import MARGIN_CAP
from hipcoach.analysis.specs import AUTO, load_specs
from hipcoach.catalog import load_catalog
from hipcoach.errors import UserError
from hipcoach.motion.posetrack import PoseTrack

SCHEMA = "hipcoach.recognition/1"
TOP = 3  # candidates shown to the user
KEYS = ("id", "name", "score", "matches", "reps", "reason")  # of a candidate, in a report


@dataclass(frozen=True)
class Recognition:
    best: str | None  # the exercise id, or None when no analyser accepts the clip
    candidates: list[dict[str, Any]]  # every analyser, best first: id, name, score, matches, reps, reason

    def note(self) -> str:
        if self.best:
            return f"This clip shows a {load_catalog().exercises[self.best].name.lower()}."
        return "This clip does not look like any exercise the video coach can analyse."

    def report(self, track: PoseTrack, view: str) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA,
            "source": {"name": track.source_name, "sha256": track.source_sha256},
            "view": view,
            "exercise": self.best,
            "note": self.note(),
            "candidates": self.candidates,
        }

    def summary(self, chosen: str | None = None) -> dict[str, Any]:
        """The block an analysis report carries (`report["recognition"]`): how the clip was recognised
        (chosen None: `--exercise auto`) or, for a chosen exercise, whether it looks like another one."""
        out: dict[str, Any] = {
            "mode": AUTO if chosen is None else "chosen",
            "exercise": self.best,
            "note": self.note(),
            "candidates": [{k: c[k] for k in KEYS} for c in self.candidates[:TOP]],
            "warning": None,
        }
        if chosen is not None and self.best is not None and self.best != chosen:
            names = load_catalog().exercises
            mine = next((c for c in self.candidates if c["id"] == chosen), None)
            best = self.candidates[0]
            also = f" (score {mine['score']:.2f})" if mine else ""
            out["warning"] = (
                f"This clip looks more like a {best['name'].lower()} (score {best['score']:.2f}) than the "
                f"{names[chosen].name.lower()} chosen{also}. Check the exercise chosen; the counts below "
                f"read it as a {names[chosen].name.lower()}."
            )
        return out

    def no_match_message(self) -> tuple[str, str]:
        """(message, hint) for a clip that is none of the catalogue's exercises."""
        near = [c for c in self.candidates if c["score"] > 0][:TOP]
        closest = "; ".join(f"{c['name'].lower()} {c['score']:.2f} ({_why(c)})" for c in near)
        message = self.note() + (f" Closest: {closest}." if closest else " No exercise's movement was found.")
        hint = (
            "Film one of the catalogue's exercises (`hipcoach exercises` lists them), or give --exercise "
            "ID to analyse it as a particular one and see why it does not fit."
        )
        return message, hint


REASONS = {
    "wrong_posture": "wrong posture",
    "wrong_view": "not measurable from this camera",
    "no_movement": "no rep found",
    "both_legs_move": "both legs move",
    "wrong_movement": "the movement differs",
}


def _why(c: dict[str, Any]) -> str:
    return "matches" if c["matches"] else REASONS.get(c["reason"], c["reason"] or "no match")


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


def _fits(track: PoseTrack, exercise_id: str | None) -> tuple[bool, float]:
    """(matches, fit) of one person's track as `exercise_id`, or as its best match (None: auto)."""
    try:
        prep = prepare(track)
    except UserError:
        return False, float("-inf")
    if exercise_id is None:
        moves = [movement(prep, ex) for ex in load_specs()]
    else:
        moves = [movement(prep, exercise_id)]
    best = max(moves, key=lambda m: (m.mismatch is None, m.fit))
    return best.mismatch is None, best.fit


def follow_exerciser(people: list[PoseTrack], exercise_id: str | None) -> tuple[PoseTrack, dict[str, Any]]:
    """With several people in view: the track of the one doing `exercise_id` (None: whichever exercise
    fits best), and what was decided (meta["followed"]). Each person seen without a break is scored by
    whether their movement is accepted as the exercise and how well it fits its signature, then by how
    much they move (a helper holding the exerciser still barely moves); segments of the same exerciser
    found again after a break are joined, someone seen at the same time never is."""
    from hipcoach.motion.person import merge_segments, motion_amount

    seen = [p for p in people if p.detected.sum() >= 5]
    if not seen:
        raise UserError(
            "Nobody was found in this clip.",
            "Film with the whole body in view, head to feet, in good light, and try again.",
        )
    keys = []
    for p in seen:
        matches, fit = _fits(p, exercise_id)
        keys.append((matches, fit if matches else 0.0, motion_amount(p.landmarks)))
    order = sorted(range(len(seen)), key=lambda i: keys[i], reverse=True)
    matching = [i for i in order if keys[i][0]] or order[:1]
    pick = merge_segments([p.detected.astype(np.int32) - 1 for p in seen], matching)
    arrays = ("landmarks", "presence", "world")
    lms, pres, world = (np.full_like(getattr(seen[0], a), np.nan) for a in arrays)
    for i in set(pick[pick >= 0].tolist()):
        rows = pick == i
        lms[rows], pres[rows], world[rows] = (getattr(seen[i], a)[rows] for a in arrays)
    followed = {
        "people": len(seen),
        "segments": [
            {
                "frames": int(p.detected.sum()),
                "matches": keys[i][0],
                "motion": round(keys[i][2], 3),
                "followed": bool((pick == i).any()),
            }
            for i, p in enumerate(seen)
        ],
    }
    from hipcoach.motion.person import person_jumps

    meta = dict(seen[0].meta) | {"followed": followed, "person_jumps": person_jumps(lms, seen[0].timestamps)}
    return replace(seen[0], landmarks=lms, presence=pres, world=world, meta=meta), followed
