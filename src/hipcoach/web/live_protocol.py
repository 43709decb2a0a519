"""What the live camera page and the server say to each other over the WebSocket, checked strictly.

JSON text messages, one object each (at 15 frames/s a frame is about 3 KB; binary would save little and
be harder to read and test):

  browser → server
    {"type": "start", "frame": [width, height]}           first, once: the camera's frame size in pixels
    {"t": s, "lm": [[x, y, z, visibility] x 33], "world": [[x, y, z] x 33] | null}
                                                          a frame: t in seconds since the set started,
                                                          strictly increasing; lm normalised to the raw
                                                          (unmirrored) frame, as BlazePose gives them
    {"t": s, "lm": null}                                  a frame in which nobody was found
    {"type": "end"}                                       the runner ended the set (or it is done)
  server → browser
    {"type": "ready", "side", "target_reps", "hold_s"}    the set is open; frames may come
    the analyser's events as they come ({"type": "framing" | "rep" | "hold" | "cue" | "paused" |
    "resumed" | "set_done", ...}; see analysis/live.py)
    {"type": "finished", "reps_by_side": {...}, "hold_s": s | null, "reps": n, "analysis_id": id | null,
     "next_url": "/sessions/<uid>/guided/<n>?reps=..&hold_s=..&analysis=.."}
                                                          after "end" (and the last reps): the set's
                                                          stored analysis and the step to log it on;
                                                          then the socket closes
    {"type": "error", "text": "..."}                      just before a close for bad input; the close
                                                          reason says the same, shortened to fit 123 bytes

A frame with nobody in it becomes NaN landmarks (the PoseTrack convention: missing is NaN, never zero).
Pure: no I/O here, so every refusal is a plain unit test.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np

N = 33
MAX_MESSAGE_CHARS = 16_000  # a frame is ~3,000; a start or end message far less
MAX_SET_S = 20 * 60.0  # no prescribed set lasts this long
MAX_COORD = 10.0  # normalised coordinates stray a little outside 0..1 at the frame's edges, never this far
MAX_WORLD_M = 5.0  # world landmarks are metres from the hips


class BadMessage(ValueError):
    """The browser sent something this protocol does not allow; the text says what to do."""


@dataclass(frozen=True)
class Frame:
    t: float
    landmarks: np.ndarray  # [33, 4] float32, NaN when nobody was found
    world: np.ndarray | None  # [33, 3] float32


def _load(text: str) -> dict:
    if len(text) > MAX_MESSAGE_CHARS:
        raise BadMessage(f"A message may be at most {MAX_MESSAGE_CHARS} characters; reload the page.")
    try:
        message = json.loads(text)
    except ValueError:
        raise BadMessage("Messages must be JSON; reload the page.") from None
    if not isinstance(message, dict):
        raise BadMessage("Each message must be a JSON object; reload the page.")
    return message


def parse_start(text: str) -> tuple[int, int]:
    """The frame size of a start message."""
    message = _load(text)
    frame = message.get("frame")
    if message.get("type") != "start" or not isinstance(frame, list) or len(frame) != 2:
        raise BadMessage('The first message must be {"type": "start", "frame": [width, height]}.')
    if not all(isinstance(v, int) and not isinstance(v, bool) and 16 <= v <= 8192 for v in frame):
        raise BadMessage("The frame size must be two whole numbers of pixels from 16 to 8192.")
    return frame[0], frame[1]


def _array(value, cols: int, limit: float, what: str) -> np.ndarray:
    if not isinstance(value, list) or len(value) != N:
        raise BadMessage(f"{what} must be a list of {N} points.")
    try:
        arr = np.array(value, dtype=np.float32)
    except (TypeError, ValueError):
        raise BadMessage(f"{what} must hold {N} lists of {cols} numbers.") from None
    if arr.shape != (N, cols) or not all(isinstance(v, int | float) for p in value for v in p):
        raise BadMessage(f"{what} must hold {N} lists of {cols} numbers.")
    if not np.isfinite(arr).all() or (np.abs(arr) > limit).any():
        raise BadMessage(f"{what} holds a number out of range.")
    return arr


def parse_frame(message: dict, previous_t: float | None) -> Frame:
    """A frame message (already loaded), checked against the previous frame's time."""
    t = message.get("t")
    if not isinstance(t, int | float) or isinstance(t, bool) or not math.isfinite(t):
        raise BadMessage('A frame needs "t", its time in seconds.')
    if not 0 <= t <= MAX_SET_S:
        raise BadMessage(f"A set lasts at most {MAX_SET_S / 60:g} minutes; start a new set.")
    if previous_t is not None and t <= previous_t:
        raise BadMessage("Frame times must increase; reload the page.")
    lm = message.get("lm")
    if lm is None:
        return Frame(float(t), np.full((N, 4), np.nan, np.float32), None)
    landmarks = _array(lm, 4, MAX_COORD, '"lm"')
    if ((landmarks[:, 3] < 0) | (landmarks[:, 3] > 1)).any():
        raise BadMessage("A landmark's visibility must be from 0 to 1.")
    world = message.get("world")
    return Frame(float(t), landmarks, None if world is None else _array(world, 3, MAX_WORLD_M, '"world"'))


def read(text: str, previous_t: float | None) -> Frame | str:
    """One message after the start: a Frame, or "end"."""
    message = _load(text)
    kind = message.get("type")
    if kind == "end":
        return "end"
    if kind is not None:
        raise BadMessage(f"Unknown message type {str(kind)[:20]!r}; reload the page.")
    return parse_frame(message, previous_t)


def to_json(event: dict) -> str:
    """An analyser event as JSON; numpy numbers become plain ones, NaN becomes null."""

    def plain(value):
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, np.ndarray):
            return value.tolist()
        return value

    def clean(value):
        value = plain(value)
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if isinstance(value, dict):
            return {str(k): clean(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [clean(v) for v in value]
        return value

    return json.dumps(clean(event), allow_nan=False)


def close_reason(text: str) -> str:
    """A WebSocket close reason: at most 123 bytes of UTF-8."""
    raw = text.encode()
    return text if len(raw) <= 123 else raw[:120].decode(errors="ignore") + "..."


class FrameRate:
    """A token bucket over arrival times: `rate` frames a second on average, bursts up to `burst`
    (a browser sends a few at once after a hiccup). allow() is False past that."""

    def __init__(self, rate: float = 30.0, burst: float = 45.0) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.last = burst, None

    def allow(self, now: float) -> bool:
        if self.last is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
