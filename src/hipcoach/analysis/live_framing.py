"""The live set's checks of the camera picture: the framing check before the set, the view check during it.

Why its own module: these judge the picture, not the movement, and they reuse what uploads use (the
quality checks of motion.quality, the view classifier of motion.views and the analyser's view and
posture check), so a live set is refused or paused for the same reasons an upload is. The framing check
looks at the last FRAMING_S and words its advice from the catalogue's camera set-up; the view check
looks at the last TURN_S and calls the runner turned only when TURN_STRIKES checks running say so (a
single check can misjudge a moving body). live.py decides when each runs (every STEP_S; more often while
paused for a turn, so the count resumes as soon as the runner is back).
"""

from __future__ import annotations

from hipcoach.analysis.matching import check_view_and_posture
from hipcoach.analysis.specs import ExerciseSpec
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.quality import VIEW_WORDS, check_quality
from hipcoach.motion.views import classify_view

FRAMING_S = 1.0  # the framing check looks at this much footage
FRAMING_CODES = (
    "no_person", "head_out_of_frame", "feet_out_of_frame", "person_too_small", "low_visibility", "wrong_view",
)  # fmt: skip
TURN_S = 1.5  # the view is judged on this much of the latest footage ...
TURN_STRIKES = 2  # ... and must be wrong this many checks running to pause
TURN_EVERY = 1  # ... checked every this many steps (the view changes slowly; each check costs)


class ViewWatch:
    """The framing and view checks of one live set of `exercise` (its catalogue entry) by `spec`."""

    def __init__(self, spec: ExerciseSpec, exercise):
        self.spec, self.exercise = spec, exercise
        self.framed = False
        self._message: str | None = None
        self._strikes = 0

    def wanted_view(self) -> str:
        """The catalogue's camera set-up for the exercise, in words."""
        view = self.exercise.camera.view
        return VIEW_WORDS.get(view, view)

    def framing(self, recent: PoseTrack) -> list[dict]:
        """The framing check on the last FRAMING_S (`recent`): "ok" once, or what to change, each piece of
        advice once until it changes."""
        issues = [i for i in check_quality(recent, self.spec.views) if i.code in FRAMING_CODES]
        if not issues:
            self.framed = True
            return [{"type": "framing", "ok": True, "message": "You are in view: start when ready."}]
        first = issues[0]
        message = first.hint
        if first.code == "wrong_view":
            height = self.exercise.camera.height
            message = f"Turn so the camera sees you {self.wanted_view()}; camera {height}."
        if message == self._message:
            return []
        self._message = message
        return [{"type": "framing", "ok": False, "code": first.code, "message": message}]

    def turned(self, recent: PoseTrack) -> bool | None:
        """The view check on the last TURN_S (`recent`): True once the runner has been seen from a view
        the analyser cannot measure TURN_STRIKES checks running, False when the view is right (or cannot
        be told), None when too little of the runner was seen to judge."""
        if recent.detected.sum() < 3:
            return None
        view = classify_view(recent)
        wrong = view.view != "unknown" and check_view_and_posture(self.spec, self.exercise, view) is not None
        self._strikes = self._strikes + 1 if wrong else 0
        if self._strikes >= TURN_STRIKES:
            return True
        return None if wrong else False
