"""One folder per analysis: report.json (the contract), reps.csv, signal.png and annotated.mp4.

The CLI, the web app's background job and the API all write through here, so they hand out the same
files. report.json is written last and atomically, so a folder with a report in it is complete.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hipcoach.analysis.timeline import Result
from hipcoach.motion.posetrack import PoseTrack
from hipcoach.reports.csv_cells import safe_rows

if TYPE_CHECKING:
    from hipcoach.analysis.prepared import Prepared

REPORT, ROWS, PLOT, VIDEO = "report.json", "reps.csv", "signal.png", "annotated.mp4"


def write_json(data: dict[str, Any], path: Path) -> Path:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_rows(rows: list[dict[str, Any]], path: Path) -> Path:
    fields = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields or ["index"])
        writer.writeheader()
        writer.writerows(safe_rows(rows))  # texts that a spreadsheet would run as formulas are quoted
    return path


def write_folder(
    result: Result,
    out_dir: Path,
    *,
    title: str,
    video: Path | None = None,
    track: PoseTrack | None = None,
    unit: str = "reps",
    progress: Callable[[int, int], None] | None = None,
    prepared: Prepared | None = None,
) -> dict[str, Path]:
    """Write the report folder; the annotated video only when the source video and its track (or the
    `prepared` clip the report was made from: its cleaned, side-resolved track, view and angles are
    drawn, not worked out again) are given. Returns the files written, by kind."""
    from hipcoach.reports.plot import plot_timeline

    out_dir.mkdir(parents=True, exist_ok=True)
    written = {"rows": write_rows(result.rows, out_dir / ROWS)}
    written["plot"] = plot_timeline(result.timeline, out_dir / PLOT, title)
    if video is not None and (track is not None or prepared is not None):
        from hipcoach.motion.overlay import render_overlay
        from hipcoach.reports.annotate import counter_drawer

        drawn = {"view": prepared.view, "kin": prepared.kin} if prepared is not None else {}
        written["video"] = render_overlay(
            video,
            prepared.resolved if prepared is not None else track,
            out_dir / VIDEO,
            progress=progress,
            extra=counter_drawer(result.timeline, unit),
            **drawn,
        )
    files = {kind: path.name for kind, path in written.items()}
    report = result.report | {"files": files | {"report": REPORT}}
    written["report"] = write_json(report, out_dir / REPORT)
    result.report = report
    return written
