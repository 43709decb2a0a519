"""Does the clip show the exercise it is analysed as? If not, say so instead of counting invented reps.

Three checks, cheapest first: the camera view (each analyser reads its angles in certain views), the
posture (standing or seated against lying or on all fours), and the movement (the driver must move by
at least a rep's worth, and a one-legged exercise must move one leg, not both together).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipcoach.analysis.specs import ExerciseSpec
from hipcoach.catalog.models import Exercise
from hipcoach.motion.quality import VIEW_WORDS
from hipcoach.motion.views import ViewResult


@dataclass(frozen=True)
class Mismatch:
    code: str  # wrong_view | wrong_posture | no_movement | both_legs_move
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
