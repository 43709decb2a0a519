"""Does the clip show the exercise it is analysed as? If not, say so instead of counting invented reps.

Four checks, cheapest first: the camera view (each analyser reads its angles in certain views), the
posture (standing or seated against lying or on all fours), the movement (the driver must move by
at least a rep's worth, and a one-legged exercise must move one leg, not both together), and the
movement signature (analysers.toml): in most reps, what must move moved and what must stay still did.
The signature's fit is also the score the exercise is recognised by (analysis/recognise.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipcoach.analysis.signature import FEATURE_UNITS, FEATURE_WORDS
from hipcoach.analysis.specs import ExerciseSpec, Signature
from hipcoach.catalog.models import Exercise
from hipcoach.motion.quality import VIEW_WORDS
from hipcoach.motion.views import ViewResult


@dataclass(frozen=True)
class Mismatch:
    code: str  # wrong_view | wrong_posture | no_movement | both_legs_move | wrong_movement
    message: str
    hint: str


def _setup_hint(exercise: Exercise) -> str:
    cam = exercise.camera
    distance = f"{cam.distance_m[0]:g}-{cam.distance_m[1]:g} m away"
    return f"Film it with the camera {cam.height}, {distance}, {cam.in_frame}."


def check_view_and_posture(spec: ExerciseSpec, exercise: Exercise, view: ViewResult) -> Mismatch | None:
    if (spec.posture == "horizontal") != view.horizontal:
        seen = "lying or on all fours" if view.horizontal else "upright (standing or sitting)"
        wanted = "lying or on all fours" if spec.posture == "horizontal" else "upright"
        return Mismatch(
            "wrong_posture",
            f"The person in this clip is {seen}, but a {exercise.name.lower()} is done {wanted}: "
            "the clip does not look like this exercise.",
            f"Check the exercise chosen, or film the {exercise.name.lower()}. " + _setup_hint(exercise),
        )
    if view.view not in spec.views:
        wanted = ", ".join(dict.fromkeys(VIEW_WORDS[v] for v in spec.views))
        return Mismatch(
            "wrong_view",
            f"This clip is filmed {VIEW_WORDS.get(view.view, view.view)}; a {exercise.name.lower()} can only "
            f"be measured {wanted}.",
            _setup_hint(exercise),
        )
    return None


def check_movement(
    exercise: Exercise, driver: np.ndarray, label: str, min_range: float, unit: str, reps: int, together: int
) -> Mismatch | None:
    """No rep-sized movement of the driver, or (one-legged exercises counted per leg) most reps made by
    both legs at once."""
    ok = np.isfinite(driver)
    moved = float(np.percentile(driver[ok], 99) - np.percentile(driver[ok], 5)) if ok.sum() > 2 else 0.0
    if moved < min_range:
        return Mismatch(
            "no_movement",
            f"No {label} movement big enough for a {exercise.name.lower()} rep was found "
            f"(largest {moved:.2f} {unit}; a rep needs at least {min_range:g}).",
            "Check the exercise chosen and that the whole movement is in view. " + _setup_hint(exercise),
        )
    if together and together >= 0.5 * reps:
        return Mismatch(
            "both_legs_move",
            f"Both legs move together in this clip, but a {exercise.name.lower()} works one leg at a time: "
            "the clip does not look like this exercise.",
            "Check the exercise chosen; film one side at a time.",
        )
    return None


MARGIN_CAP = np.log(4.0)  # a feature four times past its bound counts no more than that


def _margins(sig: Signature, feats: dict[str, float]) -> list[tuple[float, str, str, float]]:
    """(log margin, feature, kind, bound) per check: > 0 where the rep keeps to the bound."""
    out = []
    for name, kind, bound in sig.bounds():
        value = feats[name]
        if not np.isfinite(value):
            continue  # never seen (a joint out of view): no evidence either way
        value = max(value, 1e-3 * bound)
        m = np.log(value / bound) if kind == "moves" else np.log(bound / value)
        out.append((float(np.clip(m, -MARGIN_CAP, MARGIN_CAP)), name, kind, bound))
    return out


def signature_fit(sig: Signature, rep_feats: list[dict[str, float]]) -> float:
    """How well the reps keep to the signature: the median over reps of each rep's worst log margin
    (> 0: the clip moves like the exercise; -log 4 .. log 4)."""
    if not rep_feats:
        return -float(MARGIN_CAP)
    worst = [min((m[0] for m in _margins(sig, f)), default=0.0) for f in rep_feats]
    return float(np.median(worst))


def check_signature(
    spec: ExerciseSpec, exercise: Exercise, rep_feats: list[dict[str, float]]
) -> Mismatch | None:
    """Most reps break the movement signature: say which part of the movement did not fit."""
    sig = spec.signature
    if signature_fit(sig, rep_feats) >= 0:
        return None
    broken: dict[str, list[float]] = {}
    for f in rep_feats:
        for m, name, kind, bound in _margins(sig, f):
            if m < 0:
                broken.setdefault(f"{name}|{kind}|{bound}", []).append(f[name])
    key = max(broken, key=lambda k: len(broken[k]))
    name, kind, bound = key.split("|")
    value = float(np.median(broken[key]))
    unit = FEATURE_UNITS.get(name, "trunk lengths")
    wanted = f"at least {float(bound):g}" if kind == "moves" else f"at most {float(bound):g}"
    return Mismatch(
        "wrong_movement",
        f"This clip does not move like a {exercise.name.lower()}, which shows {sig.shows}: in "
        f"{len(broken[key])} of {len(rep_feats)} reps {FEATURE_WORDS[name]} {value:.2f} {unit} "
        f"(the exercise needs {wanted}).",
        "Check the exercise chosen, and that the whole body stays in view. " + _setup_hint(exercise),
    )
