"""What pauses a live set's count, from the landmarks alone, and the pauses' messages.

Why its own module: these rules are about who is in the picture, not about reps, and they run on every
frame, so they must stay cheap and must not wait for the window analysis (analysis/live.py) to run.
They are: nobody in view for ABSENT_S; the body jumping further than a torso between frames
(motion.person: someone else was picked up), until the body followed is back where the runner was (or
SETTLE_S without a jump: it was the runner who moved); the runner turned (decided by the view check,
live_framing.ViewWatch, and recorded here). A rep that overlaps a pause is never counted (live.py asks
overlaps()), and the window analysis is skipped while a pause has lasted over IDLE_AFTER_S (idle()).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipcoach.motion.person import JUMP_TORSOS, torso

ABSENT_S = 0.3  # nobody in view this long: pause
SETTLE_S = 3.0  # after someone else was picked up: resume when the body is back, or this long after
IDLE_AFTER_S = 0.5  # no analysis while paused longer than this


def jumped(t0: float, torso0: tuple[np.ndarray, float], t1: float, torso1: tuple[np.ndarray, float]) -> bool:
    """motion.person.person_jumps on two frames, from their torsos (hip centre, length): each frame's
    torso is computed once, not twice (it was a third of a frame's cost)."""
    (c0, l0), (c1, l1) = torso0, torso1
    if np.isnan(c0[0]) or np.isnan(c1[0]) or t1 - t0 > 0.25:
        return False
    return bool(np.linalg.norm(c1 - c0) > JUMP_TORSOS * max(l0, l1))


@dataclass
class Pause:
    reason: str  # away | someone | turned
    start: float
    end: float | None = None


class Pauses:
    """The pauses of one live set. `wanted_view`: the catalogue's camera set-up in words, for the
    message asking a runner who turned to turn back."""

    def __init__(self, wanted_view: str):
        self.wanted_view = wanted_view
        self.pauses: list[Pause] = []
        self._absent_since: float | None = None
        # time and torso (hip centre, length) of the last body
        self._last_seen: tuple[float, tuple[np.ndarray, float]] | None = None
        self._last_jump: float | None = None
        self._anchor: tuple[np.ndarray, float] | None = None  # where the runner was

    def frame(self, now: float, lm: np.ndarray) -> list[dict]:
        """One frame's landmarks ([33, 4], NaN: nobody): the pauses and resumptions it causes."""
        events: list[dict] = []
        if not np.isfinite(lm[:, 0]).any():
            self._absent_since = now if self._absent_since is None else self._absent_since
            if now - self._absent_since >= ABSENT_S - 1e-9:
                events += self.pause("away", self._absent_since)
            return events
        self._absent_since = None
        here = torso(lm[:, :2])
        if self._last_seen is not None:
            t, there = self._last_seen
            if jumped(t, there, now, here):
                self._last_jump = now
                if self.paused("someone") is None:
                    self._anchor = there
                    events += self.pause("someone", now)
        self._last_seen = (now, here)
        events += self.resume("away", now)
        if self.paused("someone") and (self._back(lm) or now - (self._last_jump or now) >= SETTLE_S):
            events += self.resume("someone", now)
        return events

    def _back(self, lm: np.ndarray) -> bool:
        """The body followed is where the runner was before someone else was picked up."""
        if self._anchor is None:
            return False
        (centre, length), (here, _) = self._anchor, torso(lm[:, :2])
        return bool(np.linalg.norm(here - centre) < JUMP_TORSOS * length)

    def paused(self, reason: str) -> Pause | None:
        return next((p for p in self.pauses if p.end is None and p.reason == reason), None)

    def idle(self, now: float) -> bool:
        """Nothing the analysis could count: paused for a while (a rep overlapping a pause is refused,
        and one that ended just before it is still in the window, or the whole track's, afterwards)."""
        return any(p.end is None and now - p.start > IDLE_AFTER_S for p in self.pauses)

    def overlaps(self, start_s: float, end_s: float) -> bool:
        return any(p.start <= end_s and (p.end is None or p.end >= start_s) for p in self.pauses)

    def pause(self, reason: str, start: float) -> list[dict]:
        if self.paused(reason):
            return []
        self.pauses.append(Pause(reason, start))
        return [{"type": "paused", "reason": reason, "message": self._message(reason)}]

    def resume(self, reason: str, now: float) -> list[dict]:
        pause = self.paused(reason)
        if pause is None:
            return []
        pause.end = now
        if any(p.end is None for p in self.pauses):
            return []
        return [{"type": "resumed", "message": "Carrying on: the count goes on from here."}]

    def _message(self, reason: str) -> str:
        if reason == "away":
            return "Nobody is in view: come back into the picture to carry on."
        if reason == "someone":
            return "Someone else came into the picture: only you should be in view."
        return f"You have turned: turn back so the camera sees you {self.wanted_view}."
