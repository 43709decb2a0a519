"""The live set: landmarks from the browser, frame by frame, to rep counts, a hold timer, one cue at a
time, pauses and "set done"; at the end the full offline report of everything seen.

Why this shape: there is one implementation of the segmenter, the side rules and the fault rules, and it
is the offline one. Nothing here counts reps itself. Every STEP_S of frames (see Cost) the whole upload
analysis (coach.analyse_track: clean, fix left/right, check the view, segment, sides, faults) runs again
on the last WINDOW_S of frames, and each counted rep it reports is announced once when it is settled: it
ended MARGIN_S before the newest frame (the zero-lag filter and the segmenter's return to rest need a
few frames after it) and began EDGE_S after the window's first frame (not cut by the window). Reps are
matched by time with those already announced, so a count never goes back. When the set ends, the reps of
the last MARGIN_S come from the analysis of the whole track, which is also the stored report.

What pauses the count, from the landmarks alone: nobody in view for ABSENT_S; the body jumping further
than a torso between frames (motion.person: someone else was picked up), until the body followed is
back where the runner was (or SETTLE_S without a jump: it was the runner who moved);
the runner turned (the last TURN_S seen from a view the analyser cannot measure, twice running). A rep
that overlaps a pause is never counted. The framing check before the set uses the quality checks of
uploads (motion.quality) on the last FRAMING_S and the catalogue's camera set-up for its advice.

Cost (benchmarks/bench_live.py prints it): a frame that runs no analysis costs a fraction of a
millisecond; one that runs the window's analysis costs what one upload analysis of a short clip costs,
almost all of it fixed (a shorter window is hardly cheaper). So the analysis runs every STEP_S, under
one frame in twenty at 15 frames/s (the 95th percentile of a frame's cost is a frame without it), and
every HOLD_STEP_S only while a rep of an exercise with a prescribed hold is under way, so the hold timer
and its tone keep time, and while paused for a turn (only the view is checked then: the count resumes
as soon as the runner is back); a rep's count comes up to STEP_S later than it could. The analysis is skipped
where it cannot count anything (paused longer than IDLE_AFTER_S), the view check runs every TURN_EVERY
steps, and a window never tries the other exercises (suggest=False).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hipcoach.analysis.coach import analyse_track, spec_for
from hipcoach.analysis.live_rest import RestWatch
from hipcoach.analysis.matching import check_view_and_posture
from hipcoach.catalog import load_catalog
from hipcoach.errors import UserError
from hipcoach.motion.landmarks import N_LANDMARKS
from hipcoach.motion.person import JUMP_TORSOS, person_jumps, torso
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.motion.quality import VIEW_WORDS, check_quality
from hipcoach.motion.views import classify_view

STEP_S = 1.5  # re-run the analysis after this much new footage (under 1 frame in 20 at 15 frames/s) ...
HOLD_STEP_S = 0.25  # ... or this much while a rep of an exercise with a hold is under way (the timer)
WINDOW_S = 8.0  # ... on this much of the latest footage (plus the prescribed hold)
RETURN_S = 0.15  # a rep still going on the newest frame that has been coming back this long ...
MARGIN_S = 0.2  # a rep is settled once it ended this long before the newest frame
EDGE_S = 0.3  # ... and began this long after the window's first frame
ABSENT_S = 0.3  # nobody in view this long: pause
SETTLE_S = 3.0  # after someone else was picked up: resume when the body is back, or this long after
TURN_S = 1.5  # the view is judged on this much of the latest footage ...
TURN_STRIKES = 2  # ... and must be wrong this many checks running to pause
TURN_EVERY = 1  # ... checked every this many steps (the view changes slowly; each check costs)
IDLE_AFTER_S = 0.5  # no analysis while paused longer than this
FRAMING_S = 1.0  # the framing check looks at this much footage
CUE_COOLDOWN_S = 8.0  # at most one form cue per this long
FRAMING_CODES = (
    "no_person", "head_out_of_frame", "feet_out_of_frame", "person_too_small", "low_visibility", "wrong_view",
)  # fmt: skip
SIDES = ("left", "right", "both")
MODEL = "mediapipe-tasks-vision 0.10.35 (browser, pose_landmarker_full)"


@dataclass
class LiveOutcome:
    track: PoseTrack  # everything fed, timestamps from the first frame
    report: dict[str, Any]  # the upload report.json of the whole track
    reps_by_side: dict[str, int]  # the reps counted live (what the runner saw)
    hold_s: float | None  # median hold of the counted reps, when the exercise prescribes one
    events: list[dict[str, Any]] = field(default_factory=list)  # the last reps and "set_done", at finish


@dataclass
class _Pause:
    reason: str  # away | someone | turned
    start: float
    end: float | None = None


class LiveSet:
    """One live set of `exercise_id` on `side` ("left", "right", or "both": each side, or a two-legged
    exercise). feed() frames in time order; finish() once at the end."""

    def __init__(
        self, exercise_id: str, side: str, target_reps: int, hold_s: float, frame_size: tuple[int, int]
    ):
        if side not in SIDES:
            raise UserError(f"Unknown side '{side}'.", "Use left, right or both.")
        if target_reps < 1 or hold_s < 0 or len(frame_size) != 2 or min(frame_size) < 1:
            raise UserError(
                "The live set needs at least one rep, a hold of zero or more seconds and the camera's "
                "frame size.",
                "Start the set again from the session page.",
            )
        self.spec = spec_for(exercise_id)
        self.exercise_id = exercise_id
        self.exercise = load_catalog().exercise(exercise_id)
        self.side, self.target_reps, self.hold_target = side, int(target_reps), float(hold_s)
        self.frame_size = (int(frame_size[0]), int(frame_size[1]))
        self._t: list[float] = []
        self._lm: list[np.ndarray] = []
        self._world: list[np.ndarray] = []
        self._t0: float | None = None
        self._next_step = STEP_S
        self._framed = False
        self._framing_message: str | None = None
        self._pauses: list[_Pause] = []
        self._absent_since: float | None = None
        self._last_seen: int | None = None
        self._last_jump: float | None = None
        self._anchor: tuple[np.ndarray, float] | None = None
        self._turn_strikes = 0
        self._reps: list[dict[str, Any]] = []  # announced: side, start_s, end_s, range_deg, hold_s
        self._refused: list[tuple[float, float]] = []  # reps that overlapped a pause
        self._held_rep: float | None = None  # start of the rep whose hold was announced as reached
        self._last_cue: float | None = None
        self._done = False
        self._horizon = 0.0  # reps ending before this were judged by the windows
        self._steps = 0
        self._rest = RestWatch(self.frame_size)  # when to analyse early: the body came to rest
        self._follow: float | None = None  # ... or when a rep the last analysis saw end is settled
        # The last analysis ended inside a rep of an exercise with a hold; so too before any window
        # made a report (the first rep's hold is timed before a full rep is in view).
        self._rep_going = self.hold_target > 0

    # ---- frames in -------------------------------------------------------------------------------
    def feed(self, t: float, landmarks: np.ndarray | None, world: np.ndarray | None = None) -> list[dict]:
        """Add one frame (landmarks [33, 4]: x, y normalised, z, visibility; None or NaN: nobody) at time
        `t` seconds; returns the events it caused. Frames not after the previous one are ignored."""
        lm = _frame(landmarks, (N_LANDMARKS, 4), "landmarks")
        wd = _frame(world, (N_LANDMARKS, 3), "world")
        if self._t0 is None:
            self._t0 = float(t)
        now = float(t) - self._t0
        if self._t and now <= self._t[-1]:
            return []
        self._t.append(now)
        self._lm.append(lm)
        self._world.append(wd)
        events = self._presence(now, lm)
        rested = self._rest.add(now, lm)
        if now >= self._next_step:
            fast = self._rep_going or self._paused("turned") is not None  # turned: resume at once
            self._next_step = now + (HOLD_STEP_S if fast else STEP_S)
            self._steps += 1
            if not self._framed:
                events += self._framing(now)
            elif self._steps % TURN_EVERY == 0:
                events += self._turned(now)
            if not self._idle(now):
                events += self._analyse(now)
        elif self._framed and not self._idle(now) and (rested or self._followed(now)):
            events += self._analyse(now)
        return events

    def _followed(self, now: float) -> bool:
        return self._follow is not None and now >= self._follow - 1e-9

    def _idle(self, now: float) -> bool:
        """Nothing the analysis could count: paused for a while (a rep overlapping a pause is refused,
        and one that ended just before it is still in the window, or the whole track's, afterwards)."""
        return any(p.end is None and now - p.start > IDLE_AFTER_S for p in self._pauses)

    def _presence(self, now: float, lm: np.ndarray) -> list[dict]:
        events: list[dict] = []
        seen = bool(np.isfinite(lm[:, 0]).any())
        i = len(self._t) - 1
        if not seen:
            self._absent_since = now if self._absent_since is None else self._absent_since
            if now - self._absent_since >= ABSENT_S - 1e-9:
                events += self._pause("away", self._absent_since)
            return events
        self._absent_since = None
        if self._last_seen is not None:
            a = self._last_seen
            pair = np.stack([self._lm[a], lm])
            if person_jumps(pair, np.array([self._t[a], now])):
                self._last_jump = now
                if self._paused("someone") is None:
                    self._anchor = torso(self._lm[a][:, :2])  # where the runner was
                    events += self._pause("someone", now)
        self._last_seen = i
        events += self._resume("away", now)
        if self._paused("someone") and (self._back(lm) or now - (self._last_jump or now) >= SETTLE_S):
            events += self._resume("someone", now)
        return events

    def _back(self, lm: np.ndarray) -> bool:
        """The body followed is where the runner was before someone else was picked up."""
        if self._anchor is None:
            return False
        (centre, length), (here, _) = self._anchor, torso(lm[:, :2])
        return bool(np.linalg.norm(here - centre) < JUMP_TORSOS * length)

    def _paused(self, reason: str) -> _Pause | None:
        return next((p for p in self._pauses if p.end is None and p.reason == reason), None)

    def _pause(self, reason: str, start: float) -> list[dict]:
        if self._paused(reason):
            return []
        self._pauses.append(_Pause(reason, start))
        return [{"type": "paused", "reason": reason, "message": self._pause_message(reason)}]

    def _resume(self, reason: str, now: float) -> list[dict]:
        pause = self._paused(reason)
        if pause is None:
            return []
        pause.end = now
        if any(p.end is None for p in self._pauses):
            return []
        return [{"type": "resumed", "message": "Carrying on: the count goes on from here."}]

    def _pause_message(self, reason: str) -> str:
        if reason == "away":
            return "Nobody is in view: come back into the picture to carry on."
        if reason == "someone":
            return "Someone else came into the picture: only you should be in view."
        return f"You have turned: turn back so the camera sees you {self._wanted_view()}."

    def _wanted_view(self) -> str:
        """The catalogue's camera set-up for the exercise, in words."""
        view = self.exercise.camera.view
        return VIEW_WORDS.get(view, view)

    # ---- checks on the latest footage ---------------------------------------------------------------
    def _track(self, start: int = 0, stop: int | None = None) -> PoseTrack:
        t = np.asarray(self._t[start:stop], dtype=np.float64)
        lm = np.stack(self._lm[start:stop])
        fps = 1.0 / float(np.median(np.diff(t))) if len(t) > 1 else 30.0
        return PoseTrack(
            landmarks=lm,
            presence=np.where(np.isfinite(lm[:, :, 0]), 1.0, 0.0).astype(np.float32),
            world=np.stack(self._world[start:stop]),
            timestamps=t,
            frame_size=self.frame_size,
            fps=fps,
            model=MODEL,
            source_name="live set",
        )

    def _since(self, seconds: float) -> int:
        return int(np.searchsorted(np.asarray(self._t), self._t[-1] - seconds, side="left"))

    def _framing(self, now: float) -> list[dict]:
        if now < FRAMING_S:
            return []
        issues = [
            i
            for i in check_quality(self._track(self._since(FRAMING_S)), self.spec.views)
            if i.code in FRAMING_CODES
        ]
        if not issues:
            self._framed = True
            return [{"type": "framing", "ok": True, "message": "You are in view: start when ready."}]
        first = issues[0]
        message = first.hint
        if first.code == "wrong_view":
            cam = self.exercise.camera
            message = f"Turn so the camera sees you {self._wanted_view()}; camera {cam.height}."
        if message == self._framing_message:
            return []
        self._framing_message = message
        return [{"type": "framing", "ok": False, "code": first.code, "message": message}]

    def _turned(self, now: float) -> list[dict]:
        recent = self._track(self._since(TURN_S))
        if recent.detected.sum() < 3:
            return []
        view = classify_view(recent)
        wrong = view.view != "unknown" and check_view_and_posture(self.spec, self.exercise, view) is not None
        self._turn_strikes = self._turn_strikes + 1 if wrong else 0
        if self._turn_strikes >= TURN_STRIKES:
            return self._pause("turned", now - TURN_S)
        return [] if wrong else self._resume("turned", now)

    # ---- counting ------------------------------------------------------------------------------------
    def _analyse(self, now: float) -> list[dict]:
        self._rest.reset()
        self._follow = None
        start = self._since(WINDOW_S + self.hold_target)
        window = self._track(start)
        if window.detected.sum() < 3:
            return []
        report = _report(window, self.exercise_id)
        if report is None or report["status"] != "ok":
            return []
        first = float(window.timestamps[0])
        horizon = now - MARGIN_S
        settled = [
            r
            for r in report["reps"]
            if r["counted"] and r["end_s"] <= horizon and (r["start_s"] >= first + EDGE_S or start == 0)
        ]
        self._horizon = max(self._horizon, horizon)
        reps = report["reps"]
        self._rep_going = self.hold_target > 0 and bool(reps) and reps[-1]["end_s"] >= horizon
        # A rep seen to end before the newest frame (end_s is rounded to the millisecond), not yet
        # settled: analyse again as soon as it is.
        ends = [r["end_s"] for r in reps if horizon < r["end_s"] < now - 0.005]
        if ends:
            self._follow = min(ends) + MARGIN_S
        elif reps and reps[-1]["end_s"] >= now - 0.005 and reps[-1]["down_s"] >= RETURN_S:
            self._follow = now + 1e-3  # on its way back, still moving: look again at the next frame
        events = self._announce(settled)
        return self._hold(report["reps"], now) + events

    def _announce(self, reps: list[dict]) -> list[dict]:
        events: list[dict] = []
        for r in reps:
            span = (r["start_s"], r["end_s"])
            if any(_overlap(span, (a["start_s"], a["end_s"])) for a in self._reps):
                continue
            if any(_overlap(span, s) for s in self._refused):
                continue
            if any(p.start <= span[1] and (p.end is None or p.end >= span[0]) for p in self._pauses):
                self._refused.append(span)
                continue
            self._reps.append(r)
            count = sum(a["side"] == r["side"] for a in self._reps)
            events.append(
                {
                    "type": "rep",
                    "side": r["side"],
                    "count": count,
                    "range_deg": r["range_deg"],
                    "end_s": r["end_s"],
                }
            )
            events += self._cue(r)
        return events + self._set_done()

    def _hold(self, reps: list[dict], now: float) -> list[dict]:
        """The hold timer of the rep at its top now (the segmenter reports it as an unfinished rep)."""
        if self.hold_target <= 0 or not reps:
            return []
        r = reps[-1]
        if r["end_s"] < now - MARGIN_S or r["hold_s"] <= 0:
            return []
        reached = r["hold_s"] >= self.hold_target
        event = {
            "type": "hold",
            "side": r["side"],
            "elapsed_s": r["hold_s"],
            "target_s": self.hold_target,
            "reached": reached,
        }
        if reached:
            if self._held_rep is not None and abs(self._held_rep - r["start_s"]) < 0.5:
                return []  # reached once is enough; the tone has sounded
            self._held_rep = r["start_s"]
        return [event]

    def _cue(self, rep: dict) -> list[dict]:
        if not rep["faults"]:
            return []
        t = rep["end_s"]
        if self._last_cue is not None and t - self._last_cue < CUE_COOLDOWN_S:
            return []
        self._last_cue = t
        code = rep["faults"][0]["code"]
        return [{"type": "cue", "code": code, "text": load_catalog().faults[code].correction}]

    def _required(self) -> tuple[str, ...]:
        if self.spec.side == "both":
            return ("both",)
        return ("left", "right") if self.side == "both" else (self.side,)

    def _set_done(self) -> list[dict]:
        counts = self.reps_by_side()
        if self._done or any(counts.get(s, 0) < self.target_reps for s in self._required()):
            return []
        self._done = True
        return [{"type": "set_done", "reps_by_side": counts}]

    def reps_by_side(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self._reps:
            counts[r["side"]] = counts.get(r["side"], 0) + 1
        return counts

    # ---- the end -----------------------------------------------------------------------------------
    def finish(self) -> LiveOutcome:
        """The set is over: the last reps from the whole track's analysis, and that analysis as the
        report. Raises UserError when nobody was ever in view."""
        if not self._t:
            raise UserError("No frames arrived from the camera.", "Allow the camera and start the set again.")
        track = self._track()
        track.meta.update({"api": "live", "person_jumps": person_jumps(track.landmarks, track.timestamps)})
        report = analyse_track(track, self.exercise_id).report
        events: list[dict] = []
        if report["status"] == "ok":
            tail = [r for r in report["reps"] if r["counted"] and r["end_s"] > self._horizon]
            events = self._announce(tail)
        holds = [r["hold_s"] for r in self._reps]
        hold = float(np.median(holds)) if holds and self.hold_target > 0 else None
        return LiveOutcome(track, report, self.reps_by_side(), hold, events)


def _frame(values: np.ndarray | None, shape: tuple[int, int], name: str) -> np.ndarray:
    if values is None:
        return np.full(shape, np.nan, dtype=np.float32)
    arr = np.asarray(values, dtype=np.float32)
    if arr.shape != shape:
        raise UserError(
            f"A live frame's {name} has shape {arr.shape}, expected {shape}.",
            "Send BlazePose's 33 landmarks per frame, as the live page does.",
        )
    return arr


def _report(window: PoseTrack, exercise_id: str) -> dict[str, Any] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return analyse_track(window, exercise_id, suggest=False).report  # no other exercise tried
    except UserError:
        return None


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Two reps are the same movement when they share more than half of the shorter one."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter > 0.5 * max(min(a[1] - a[0], b[1] - b[0]), 1e-6)
