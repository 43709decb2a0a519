"""The live set: landmarks from the browser, frame by frame, to rep counts, a hold timer, one cue at a
time, pauses and "set done"; at the end the full offline report of everything seen.

Why this shape: there is one implementation of the segmenter, the side rules and the fault rules, and it
is the offline one. Nothing here counts reps itself. The whole upload analysis (coach.analyse_track:
clean, fix left/right, check the view, segment, sides, faults) runs again on the last WINDOW_S of
frames, and each counted rep it reports is announced once when it is settled: it ended MARGIN_S before
the newest frame (the zero-lag filter and the segmenter's return to rest need a few frames after it: with
less, the announced ends of the real clips' reps moved by up to 0.3 s before the whole track's analysis)
and began EDGE_S after the window's first frame (not cut by the window); or, for the newest rep still
going on the newest frame, once two windows running say it has come back (live_window.come_back: back
within the segmenter's leave share of its range, and counted against another rep): knees that drift
slowly shut keep such a rep's end on the newest frame until the next rep begins. Reps are matched by
time with those already announced, so a count never goes back. When the set ends, the reps of the last
MARGIN_S come from the analysis of the whole track, which is also the stored report. A window counts
only when its reps pass the movement-signature check (most of them fit), so reps whose own movement
breaks it wait for the reps after them: the real single-leg squat's first rep, filmed while the phone
tilts (the planted foot rises 0.4 trunk lengths on screen), fails; with its second rep, which fits, it
is one of two, not most, so both are counted once the third rep under way fits too (3.9 and 1.3 s
after their ends). Counting a rep that fits on its own sooner would count a balance on one leg
(single_leg_stance_cam01: one of its two reps fits) as a single-leg squat; and the landmarks alone
cannot tell a tilting camera from a foot that moves (the pixels' background shift,
motion.camera_motion, is not sent by the page).

When the analysis runs (the count's delay): at the latest every STEP_S, or HOLD_STEP_S while a rep of an
exercise with a prescribed hold is under way (so the hold timer and its tone keep time); and early, as
soon as the newest frames say the body came to rest after moving (live_rest.RestWatch: raw landmarks,
no rep rule; after a window that saw a rep still going, a slower movement counts as one), or when the
last analysis saw a rep end that is settled MARGIN_S later (it is analysed again at that frame) or a
rep on its way back (again when an end at the frame before would be settled: later windows put it
there at the earliest); a rep already counted is not looked at again. So a rep's count comes MARGIN_S
after its end, give or take a frame, instead of up to STEP_S later. Early analyses are held to
EARLY_PER_S a second of footage on average (EARLY_BURST in a row), which bounds a session's CPU. As
windows run often, a rep ending where an earlier window had already judged (and not counted it) is
counted only when the next window counts it too: one window's resting level and typical rep can be
off. A rep the previous window counted but had not settled is counted by two windows once one settles
it, wherever its end moved.

The pause rules (nobody in view, someone else picked up, turned) are in live_pauses.py, the framing and
view checks in live_framing.py; a rep that overlaps a pause is never counted.

Cost (benchmarks/bench_live.py prints it, with the analyses a second and the sessions a core holds): a
frame that runs no analysis costs a fraction of a millisecond; one that runs the window's analysis costs
what one upload analysis of a short clip costs, almost all of it fixed (a shorter window is hardly
cheaper), less the signature features of reps an earlier window already measured (live_window). The
analysis is skipped where it cannot count anything (paused longer than live_pauses.IDLE_AFTER_S), the
view check runs every TURN_EVERY steps, and a window never tries the other exercises (suggest=False).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hipcoach.analysis.coach import analyse_track, spec_for
from hipcoach.analysis.live_framing import FRAMING_S, TURN_EVERY, TURN_S, TURN_STRIKES, ViewWatch
from hipcoach.analysis.live_pauses import Pauses
from hipcoach.analysis.live_reps import ROUNDING_S, crosses, overlap, rep_span, same_rep
from hipcoach.analysis.live_rest import RestWatch
from hipcoach.analysis.live_window import FeatureCache, come_back, window_report
from hipcoach.catalog import load_catalog
from hipcoach.errors import UserError
from hipcoach.motion.landmarks import N_LANDMARKS
from hipcoach.motion.person import person_jumps
from hipcoach.motion.posetrack import PoseTrack

__all__ = ["CUE_COOLDOWN_S", "STEP_S", "TURN_STRIKES", "LiveOutcome", "LiveSet"]

STEP_S = 1.5  # analyse at the latest after this much new footage ...
HOLD_STEP_S = 0.25  # ... or this much while a rep of an exercise with a hold is under way (the timer)
WINDOW_S = 8.0  # ... on this much of the latest footage (plus the prescribed hold)
RETURN_S = 0.15  # a rep still going on the newest frame that has been coming back this long is looked
# at again MARGIN_S after the frame before it (later windows end such a rep no earlier than that frame)
EARLY_PER_S = 2.5  # early analyses (at rest, to settle a rep) a second of footage, on average ...
EARLY_BURST = 8.0  # ... and in a row (a slow return is looked at every few frames until it ends)
MARGIN_S = 0.2  # a rep is settled once it ended this long before the newest frame
EDGE_S = 0.3  # ... and began this long after the window's first frame
CUE_COOLDOWN_S = 8.0  # at most one form cue per this long
SIDES = ("left", "right", "both")
MODEL = "mediapipe-tasks-vision 0.10.35 (browser, pose_landmarker_full)"


@dataclass
class LiveOutcome:
    track: PoseTrack  # everything fed, timestamps from the first frame
    report: dict[str, Any]  # the upload report.json of the whole track
    reps_by_side: dict[str, int]  # the reps counted live (what the runner saw)
    hold_s: float | None  # median hold of the counted reps, when the exercise prescribes one
    events: list[dict[str, Any]] = field(default_factory=list)  # the last reps and "set_done", at finish


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
        self._view = ViewWatch(self.spec, self.exercise)
        self._pauses = Pauses(self._view.wanted_view())
        self._next_step = STEP_S  # the next framing or view check
        self._steps = 0
        self._next_analysis = STEP_S  # the next analysis at the latest
        self._rest = RestWatch(self.frame_size)  # analyse early: the body came to rest after moving ...
        self._follow: float | None = None  # ... or at this time (a rep seen to end is settled)
        self._early = EARLY_BURST  # early analyses allowed now (EARLY_PER_S a second accrue)
        self._features = FeatureCache()
        self._reps: list[dict[str, Any]] = []  # announced: side, start_s, end_s, range_deg, hold_s
        self._refused: list[tuple[float, float]] = []  # reps that overlapped a pause
        self._held_rep: float | None = None  # start of the rep whose hold was announced as reached
        self._last_cue: float | None = None
        self._done = False
        self._horizon = 0.0  # reps ending before this were judged by the windows
        self._late: list[tuple[float, float]] = []  # reps the last window counted, late or unsettled
        self._drift: dict | None = None  # the last window's newest rep, come back but still going
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
        if self._t:
            self._early = min(EARLY_BURST, self._early + EARLY_PER_S * (now - self._t[-1]))
        self._t.append(now)
        self._lm.append(lm)
        self._world.append(wd)
        events = self._pauses.frame(now, lm)
        rested = self._rest.add(now, lm)
        if now >= self._next_step:  # the framing, then the view, checked every step
            turned = self._pauses.paused("turned") is not None  # check often: resume at once
            self._next_step = now + (HOLD_STEP_S if turned else STEP_S)
            self._steps += 1
            if not self._view.framed:
                events += self._framing(now)
            elif self._steps % TURN_EVERY == 0:
                events += self._turned(now)
        if self._pauses.idle(now):
            return events
        if now >= self._next_analysis:
            events += self._analyse(now)
        elif self._view.framed and (rested or self._followed(now)) and self._early >= 1.0:
            self._early -= 1.0
            events += self._analyse(now)
        return events

    def _followed(self, now: float) -> bool:
        return self._follow is not None and now >= self._follow - 1e-9

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
        """The first frame of the last `seconds` (a bisection of the list: no copy of a long set's times
        at every analysis)."""
        return bisect.bisect_left(self._t, self._t[-1] - seconds)

    def _framing(self, now: float) -> list[dict]:
        return [] if now < FRAMING_S else self._view.framing(self._track(self._since(FRAMING_S)))

    def _turned(self, now: float) -> list[dict]:
        turned = self._view.turned(self._track(self._since(TURN_S)))
        if turned is None:
            return []
        return self._pauses.pause("turned", now - TURN_S) if turned else self._pauses.resume("turned", now)

    # ---- counting ------------------------------------------------------------------------------------
    def _analyse(self, now: float) -> list[dict]:
        self._rest.reset()
        self._follow = None
        self._next_analysis = now + (HOLD_STEP_S if self._rep_going else STEP_S)
        start = self._since(WINDOW_S + self.hold_target)
        window = self._track(start)
        if window.detected.sum() < 3:
            return []
        self._features.slide(start)
        result = window_report(window, self.exercise_id, self._features)
        if result is None or result.report["status"] != "ok":
            return []
        report = result.report
        first = float(window.timestamps[0])
        horizon = now - MARGIN_S + ROUNDING_S
        settled = [
            r
            for r in report["reps"]
            if r["counted"]
            and r["end_s"] <= horizon
            and (r["start_s"] >= first + EDGE_S or start == 0)
            and not crosses(r, report["reps"])
        ]
        # A rep ending where an earlier window had already judged (and not counted it) is counted only
        # when the next window counts it too: one window's rest and typical rep can be off (the turn
        # from one side to the other read as a rep once), and windows run often.
        # A rep this window counted but had not settled (its end still moving, or past the horizon)
        # is counted by that window too: the next window that settles it confirms it, however its end
        # moved (the synthetic squat's rep 4 waited a whole step: the next window ended it 1 ms before
        # the previous horizon).
        late = [r for r in settled if r["end_s"] <= self._horizon]
        confirmed = [r for r in late if any(overlap(rep_span(r), s) for s in self._late)]
        unsettled = [r for r in report["reps"] if r["counted"] and r["end_s"] > horizon]
        self._late = [rep_span(r) for r in late + unsettled]
        settled = [r for r in settled if r["end_s"] > self._horizon or r in confirmed]
        self._horizon = max(self._horizon, horizon)
        reps = report["reps"]
        drifting = come_back(result, now, first + EDGE_S if start else float("-inf"), RETURN_S)
        if drifting is not None and self._drift is not None and same_rep(drifting, self._drift):
            settled.append(drifting)  # come back, and two windows running say so: count it
        self._drift = drifting
        self._rep_going = self.hold_target > 0 and bool(reps) and reps[-1]["end_s"] >= horizon
        self._next_analysis = now + (HOLD_STEP_S if self._rep_going else STEP_S)
        events = self._announce(settled)
        # A rep seen to end before the newest frame (end_s is rounded to the millisecond), not yet
        # settled: analyse again as soon as it is. Reps already counted (or refused) need no more look.
        open_ = [r for r in reps if not self._known(r)]
        ends = [r["end_s"] for r in open_ if horizon < r["end_s"] < now - ROUNDING_S]
        going = open_[-1] if open_ and open_[-1] is reps[-1] else None
        if drifting is not None and going is drifting:
            self._follow = now + ROUNDING_S  # the next frame's window confirms it (or not)
        elif ends:  # end_s is rounded: a frame a fraction of a millisecond short of the margin settles it
            self._follow = min(ends) + MARGIN_S - ROUNDING_S
        elif going and going["end_s"] >= now - ROUNDING_S and going["down_s"] >= RETURN_S:
            # On its way back, still moving: the windows after this one end the rep on this frame or
            # the one before (filter edges), so look again when an end there would be settled.
            self._follow = now - 1.0 / window.fps + MARGIN_S - ROUNDING_S
        # A rep still going: its return, however slow, is a movement whose stop is worth a look.
        self._rest.reset(under_way=going is not None and going["end_s"] >= now - ROUNDING_S)
        return self._hold(report["reps"], now) + events

    def _known(self, rep: dict) -> bool:
        """The same movement as a rep already counted, or refused for overlapping a pause."""
        span = rep_span(rep)
        return any(overlap(span, s) for s in [rep_span(a) for a in self._reps] + self._refused)

    def _announce(self, reps: list[dict]) -> list[dict]:
        events: list[dict] = []
        for r in reps:
            span = rep_span(r)
            if self._known(r):
                continue
            if self._pauses.overlaps(*span):
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
            tail = [
                r
                for r in report["reps"]
                if r["counted"]
                and (r["end_s"] > self._horizon or any(overlap(rep_span(r), s) for s in self._late))
            ]
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
