"""What the progress figures need on a page: the runner's own /progress and the coach's athlete page
show the same summary, charts and screens, made here once."""

from __future__ import annotations

from hipcoach.catalog import load_catalog
from hipcoach.store.progress import Progress, SideQuality, screen_results
from hipcoach.web.pages.charts import progress_charts
from hipcoach.web.pages.dose_and_screen_charts import dose_chart, screen_chart


def progress_view(summary: Progress) -> dict:
    """The context templates/_progress_figures.html reads: summary, charts, screens and the movement
    quality of camera-counted sets."""
    screens = screen_results(summary.screens)
    names = {i: ex.name for i, ex in load_catalog().exercises.items()}
    charts = progress_charts(summary, names) | {
        "dose": dose_chart(summary.dose_per_side),
        "screens": screen_chart(screens),
    }
    quality = [quality_row(q) for q in summary.movement_quality]
    return {"summary": summary, "charts": charts, "screens": screens, "quality": quality, "names": names}


NOT_MEASURED = "not measured"


def quality_row(q: SideQuality) -> dict:
    """One week and side of movement quality in words; what nothing measured says "not measured"
    rather than a zero, so an unknown is never read as a bad (or a clean) result."""
    exercises = load_catalog().exercises
    name = exercises[q.exercise_id].name if q.exercise_id in exercises else q.exercise_id
    faults = NOT_MEASURED
    if q.fault_pct is not None:
        faults = f"{q.fault_pct:g} % ({q.faulty_reps} of {q.judged_reps} reps)"
    return {
        "week_start": q.week_start, "name": name, "side": q.side, "reps": q.reps,
        "range": NOT_MEASURED if q.range_deg is None else f"{q.range_deg:g}°",
        "hold": NOT_MEASURED if q.hold_s is None else f"{q.hold_s:g} s",
        "faults": faults,
    }  # fmt: skip
