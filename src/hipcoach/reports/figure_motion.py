"""One rep of an exercise's synthetic motion, looped, and the viewpoint to draw it from: the motion
half of the exercise cards' figures (reports/figure_svg.py draws it).

The synthetic generators (`hipcoach.motion.synthetic`) perform every catalogue exercise with the
proportions and joint angles the video coach is tested against, so a figure sampled from them shows the
movement the coach expects. One rep (two steps, out and back, for the side-step) is sampled at FRAMES
key frames, starting and ending at rest so that the loop joins up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipcoach.catalog.models import Exercise
from hipcoach.motion.synthetic import EXERCISES
from hipcoach.motion.synthetic.skeleton import Body
from hipcoach.motion.synthetic.timeline import Tempo, make_timeline

FRAMES = 32  # key frames per loop
WORKING_SIDE = "right"  # the side a one-sided figure works (the side nearest a side-on camera)
MAX_HOLD_S = 2.0  # a long hold would only make the loop stand still
LEAD_S = 0.5  # rest before and after the rep, so the loop joins up at rest
SETTLE_S = 0.5  # the generators' first moments (a standing person shifting onto one leg) are left out


def has_figure(exercise_id: str) -> bool:
    """Whether the synthetic generators can perform this exercise (otherwise: no animation yet)."""
    return exercise_id in EXERCISES


def working_sides(exercise: Exercise) -> tuple[str, ...]:
    """The legs drawn as working: one for a per-side exercise, both when both legs work together."""
    return (WORKING_SIDE,) if exercise.laterality == "per_side" else ("left", "right")


@dataclass(frozen=True)
class Motion:
    """Room positions [frames, 33, 3] of one looped rep, how long the loop lasts, and how to view it."""

    positions: np.ndarray
    duration_s: float
    toward_camera: np.ndarray  # horizontal unit vector from the person to the camera
    facing: np.ndarray  # horizontal unit vector of the person's front at the start
    turn: np.ndarray  # horizontal unit vector the drawing's viewpoint is turned towards
    view: str  # the synthetic camera's view: front, back, lying, left_side, right_side
    turn_deg: tuple[float, float]  # how far the drawing is turned round and raised from the camera's line
    seat_height: float | None  # top of the seat under the hips of a seated exercise


# How far the drawing's viewpoint is turned (degrees about the vertical) and raised (degrees looking
# down) from the camera's own line of sight: a little, so depth shows (knees forward in a squat, the
# thighs of a seated person, the bent knees of a clamshell) while it stays the camera's side of the body.
VIEW_TURN = {"front": (35.0, 12.0), "back": (35.0, 12.0), "lying": (0.0, 35.0)}
SIDE_TURN = (20.0, 10.0)
# A squat is a movement seen best side on; from the front camera's own line the knees and arms come
# straight at the viewer, so these two are drawn from further round.
EXERCISE_TURN = {"squat": (55.0, 12.0), "single-leg-squat": (55.0, 12.0)}
SEATED = {"seated-band-hip-external-rotation"}


def motion(exercise: Exercise, frames: int = FRAMES) -> Motion:
    """One rep of the exercise's synthetic motion at `frames` key frames, first and last at rest."""
    builder, views, _, _ = EXERCISES[exercise.id]
    t = exercise.dose.tempo
    tempo = Tempo(up=t.up_s, hold=min(t.hold_s, MAX_HOLD_S), down=t.down_s, rest=LEAD_S)
    if exercise.laterality == "bilateral":
        sides, reps = "bilateral", 1
    elif exercise.laterality == "alternating":
        sides, reps = "both", 1  # one step each way: the figure ends where it started
    else:
        sides, reps = WORKING_SIDE, 1
    lead = LEAD_S + SETTLE_S
    tl = make_timeline(reps, sides, tempo, None, fps=60.0, lead=lead, side_change=0.0, jitter=0.0)
    skel = builder(Body(1.75), tl)
    pos, _ = skel.landmarks()
    first = int(np.searchsorted(tl.t, SETTLE_S - 1e-9))
    last = int(np.searchsorted(tl.t, tl.t[-1] - SETTLE_S + 1e-9))
    pick = np.round(np.linspace(first, last, frames)).astype(int)
    view = views[0]
    if view == "working_side":
        view = f"{WORKING_SIDE}_side"
    left, up, ant = skel.pelvis[0].T
    direction = {"front": ant, "lying": ant, "back": -ant, "left_side": left, "right_side": -left}[view]
    turn = {"front": -left, "back": -left, "lying": up}.get(view, ant)
    seat = None
    if exercise.id in SEATED:
        seat = float(skel.hip_mid[0, 1] - 0.07)
    return Motion(
        positions=pos[pick],
        duration_s=float(tl.t[last] - tl.t[first]),
        toward_camera=flat(direction),
        facing=flat(ant),
        turn=flat(turn),
        view=view,
        turn_deg=EXERCISE_TURN.get(exercise.id, VIEW_TURN.get(view, SIDE_TURN)),
        seat_height=seat,
    )


def flat(v: np.ndarray) -> np.ndarray:
    v = np.array([v[0], 0.0, v[2]])
    return v / np.linalg.norm(v)
