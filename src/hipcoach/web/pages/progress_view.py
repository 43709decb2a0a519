"""What the progress figures need on a page: the runner's own /progress and the coach's athlete page
show the same summary, charts and screens, made here once."""

from __future__ import annotations

from hipcoach.store.progress import Progress, screen_results
from hipcoach.web.pages.charts import progress_charts
from hipcoach.web.pages.dose_and_screen_charts import dose_chart, screen_chart


def progress_view(summary: Progress) -> dict:
    """The context templates/_progress_figures.html reads: summary, charts and screens."""
    screens = screen_results(summary.screens)
    charts = progress_charts(summary) | {
        "dose": dose_chart(summary.dose_per_side),
        "screens": screen_chart(screens),
    }
    return {"summary": summary, "charts": charts, "screens": screens}
