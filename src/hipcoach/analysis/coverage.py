"""Which of an exercise's faults a clip could not check, and why, in words the user can act on.

Why: silence about a fault reads as a clean bill. A fault goes unchecked for one of three reasons, and
each calls for a different answer: this camera view does not show it, or shows it only obliquely (film
from where it is measured, square-on, as the catalogue's camera set-up says), no camera the coach reads
can show it truthfully (the analyser's own reason, e.g. the only measure was the pose model's depth
guess), or every rep's value was a misread pose ("not measured", with what was read).
"""

from __future__ import annotations

from typing import Any

from hipcoach.analysis.specs import ExerciseSpec
from hipcoach.catalog.models import Exercise
from hipcoach.motion.quality import VIEW_WORDS
from hipcoach.motion.views import ALIASES


def camera_setup(exercise: Exercise) -> str:
    cam = exercise.camera
    distance = f"{cam.distance_m[0]:g}-{cam.distance_m[1]:g} m away"
    return f"camera {cam.height}, {distance}, {cam.in_frame}"


def _views_words(views: tuple[str, ...]) -> str:
    if {"left_side", "right_side"} <= set(views):
        views = tuple(v for v in views if v != "right_side")
        views = tuple("side" if v == "left_side" else v for v in views)
    return " or ".join(dict.fromkeys(VIEW_WORDS.get(v, v) for v in views))


def why_unchecked(
    code: str,
    spec: ExerciseSpec,
    exercise: Exercise,
    view: str,
    misread: list[dict[str, Any]],
    off_square: str | None = None,
) -> dict[str, str]:
    """{"reason", "camera"} for one fault this clip did not check. `misread`: its not-measured entries;
    `off_square`: where the camera stood, when it was oblique or end-on and so saw no plane square-on."""
    checking = spec.views_checking(code)
    if off_square is not None and checking:
        return {
            "reason": f"This camera films {off_square}, so it sees no body plane square-on and would misread "
            "the angle; it is not checked rather than guessed.",
            "camera": f"Film {_views_words(checking)}, square-on: {camera_setup(exercise)}.",
        }
    if view in checking and misread:
        return {
            "reason": f"Not measured in any rep: {misread[0]['reason']}.",
            "camera": f"Film {_views_words((view,))} as the exercise card says: {camera_setup(exercise)}.",
        }
    if view in checking:
        return {
            "reason": "It could not be seen in any rep: the body part was hidden or out of the picture.",
            "camera": f"Film with {exercise.camera.in_frame}: {camera_setup(exercise)}.",
        }
    if checking:
        catalogue_views = ALIASES.get(exercise.camera.view, (exercise.camera.view,))
        setup = (
            f" as the exercise card says: {camera_setup(exercise)}"
            if set(catalogue_views) & set(checking)
            else ""
        )
        return {
            "reason": f"This camera view does not show it; it is measured {_views_words(checking)}.",
            "camera": f"Film {_views_words(checking)}{setup}.",
        }
    return {
        "reason": spec.why_not_checked(code) or "No camera position lets the video coach measure it yet.",
        "camera": "No camera position lets the video coach check it yet.",
    }
