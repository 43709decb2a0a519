"""What the annotated video adds on top of the skeleton: a live rep counter per side and fault cues.

The counter goes up when a counted rep ends; a fault's plain-language name stays on screen for a
moment after the frame where it was at its worst, so it can be read at normal speed.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from hipcoach.analysis.timeline import Mark, Timeline

WHITE, RED, PANEL = (255, 255, 255), (255, 80, 80), (20, 20, 20)
SIDE_NAMES = {"left": "Left", "right": "Right", "both": "Reps"}


def _text(image: np.ndarray, text: str, org: tuple[int, int], scale: float, colour) -> None:
    thick = max(1, round(scale * 2))
    cv2.putText(image, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thick + 2, cv2.LINE_AA)
    cv2.putText(image, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thick, cv2.LINE_AA)


def _cue(mark: Mark) -> tuple[str, tuple[int, int, int]]:
    """A fault in red with "!" and its side; a measured value in white. OpenCV's font is ASCII only."""
    label = mark.label.replace("°", " deg")
    if not mark.code:
        return label, WHITE
    return (f"! {label} ({mark.side})" if mark.side != "both" else f"! {label}"), RED


def counter_drawer(timeline: Timeline, unit: str = "reps") -> Callable[[np.ndarray, float], None]:
    """draw(image, t): the counter (bottom left) and the fault cues above it, for frame time `t`."""
    sides = [s for s in ("left", "right", "both") if any(sp.side == s for sp in timeline.spans)]

    def draw(image: np.ndarray, t: float) -> None:
        h, w = image.shape[:2]
        scale = max(0.5, h / 900)
        step = int(34 * scale)
        counts = timeline.counts_at(t)
        words = [f"{SIDE_NAMES[s] if s != 'both' else unit.capitalize()} {counts[s]}" for s in sides]
        lines = [(" | ".join(words), WHITE)] if words else []
        lines += [_cue(m) for m in timeline.marks_near(t)]
        if not lines:
            return
        top = h - 12 - step * len(lines)
        widths = [cv2.getTextSize(s, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)[0][0] for s, _ in lines]
        overlay = image.copy()
        cv2.rectangle(overlay, (0, top - step // 2 - 4), (min(w, max(widths) + 24), h), PANEL, -1)
        cv2.addWeighted(overlay, 0.55, image, 0.45, 0, dst=image)
        for n, (line, colour) in enumerate(lines):
            _text(image, line, (10, top + n * step + step // 3), scale, colour)

    return draw
