"""What an analysis hands to the report writer: the JSON report, a CSV row per rep or stride, and a
timeline (signals, spans, marks) that the plot and the annotated video draw.

The video coach and the hip-stability screens both return a `Result`, so one report writer (folder,
plot, annotated video with a live counter and fault cues) serves them all, and the CLI, the web app and
the API hand out the same JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

SIDES = ("left", "right", "both")


@dataclass(frozen=True)
class Signal:
    """A series to plot: `values[i]` at `t[i]` seconds; NaN where it could not be measured."""

    name: str  # machine name, e.g. "thigh_separation"
    label: str  # what a reader sees on the axis, e.g. "knee opening"
    unit: str  # "deg", "s", "body lengths"
    t: np.ndarray
    values: np.ndarray
    side: str = "both"  # whose series it is: drawn orange for left, blue for right


@dataclass(frozen=True)
class Span:
    """A stretch of time the report counts: a rep, a partial rep, a stance phase."""

    start_s: float
    end_s: float
    side: str  # the person's "left", "right", or "both"
    label: str  # "rep 3", "stance 12"
    counted: bool = True  # False for partial reps: drawn, not counted
    hold: tuple[float, float] | None = None  # (start, end) seconds of the hold at the top, if any


@dataclass(frozen=True)
class Mark:
    """A moment worth pointing at: a fault (with its catalogue code) or a peak."""

    t_s: float
    side: str
    label: str  # plain words shown on the plot and the video
    code: str = ""  # catalogue fault code, empty for non-faults


@dataclass
class Timeline:
    signals: list[Signal] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)

    def counts_at(self, t: float) -> dict[str, int]:
        """Counted spans per side finished by time `t` (the annotated video's live counter)."""
        counts = {side: 0 for side in SIDES}
        for span in self.spans:
            if span.counted and span.end_s <= t:
                counts[span.side] += 1
        return counts

    def marks_near(self, t: float, show_s: float = 1.5) -> list[Mark]:
        """Marks that happened within the last `show_s` seconds (cues stay up long enough to read)."""
        return [m for m in self.marks if 0.0 <= t - m.t_s <= show_s]


@dataclass
class Result:
    """An analysis ready to write: `report` is the JSON contract (it carries its own schema_version)."""

    report: dict[str, Any]
    rows: list[dict[str, Any]]  # one CSV row per rep or stride, flat values only
    timeline: Timeline
