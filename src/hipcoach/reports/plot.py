"""The report's plot: the main signal over time with each rep (or stance) shaded and faults marked.

Left is orange and right blue, as on the annotated video; partial reps are grey and hatched, so what
was counted and what was not can be seen at a glance. A hold at the top of a rep is shaded darker
inside its rep, so the time held can be checked against the video. Faults are red; measured peaks are
grey.

The figure is made with matplotlib's object API (`Figure`, saved through the Agg canvas), not pyplot:
nothing is shown on a screen, and pyplot's import (its backends, colormaps, global figure registry) took
0.25 s of the ~1.5 s an analysis spends after the pose.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from hipcoach.analysis.timeline import Timeline
from hipcoach.colours import SIDE_HEX


def plot_timeline(timeline: Timeline, path: str | Path, title: str) -> Path:
    """Write a PNG of the timeline's signals, spans and marks."""
    path = Path(path)
    fig = Figure(figsize=(11, 4.2), dpi=110)
    ax = fig.subplots()
    units = sorted({s.unit for s in timeline.signals})
    for s in timeline.signals:
        ax.plot(s.t, s.values, color=SIDE_HEX.get(s.side, SIDE_HEX["both"]), lw=1.4, label=s.label)
    for span in timeline.spans:
        colour = SIDE_HEX.get(span.side, "#888888") if span.counted else "#999999"
        ax.axvspan(span.start_s, span.end_s, color=colour, alpha=0.12, hatch=None if span.counted else "//")
        if span.hold is not None:
            ax.axvspan(*span.hold, color=colour, alpha=0.3, lw=0, label=_hold_label(ax))
        ax.text(
            0.5 * (span.start_s + span.end_s),
            1.0,
            span.label,
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=7,
            color="#333333",
        )
    ymin, ymax = ax.get_ylim()
    for mark in timeline.marks:
        colour = "#d62728" if mark.code else "#444444"  # faults red, measured peaks grey
        ax.plot([mark.t_s], [ymin + 0.04 * (ymax - ymin)], marker="^", color=colour, ms=7)
        ax.annotate(
            mark.label,
            (mark.t_s, ymin + 0.06 * (ymax - ymin)),
            rotation=90,
            fontsize=7,
            color=colour,
            ha="center",
            va="bottom",
        )
    ax.set_xlabel("time (s)")
    ax.set_ylabel(", ".join(u.replace("deg", "degrees") for u in units) or "")
    ax.set_title(title, fontsize=10, pad=14)
    if timeline.signals:
        ax.legend(loc="upper right", fontsize=8)
    if not timeline.signals and not timeline.spans:
        ax.text(0.5, 0.5, "nothing measured", transform=ax.transAxes, ha="center", color="#666666")
    ax.grid(alpha=0.25)
    ax.set_xlim(left=0, right=max([0.1] + [float(np.nanmax(s.t)) for s in timeline.signals if len(s.t)]))
    fig.tight_layout()
    fig.savefig(path)
    return path


def _hold_label(ax) -> str:
    """'hold' for the legend once; matplotlib leaves out labels starting with an underscore."""
    labels = ax.get_legend_handles_labels()[1]
    return "_hold" if "hold" in labels else "hold"
