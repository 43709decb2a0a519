"""Queries only the web pages need: screen results as the progress page plots them.

A stored Screen row keeps the report's `summary` block, which the screen reports (hipcoach.screen/1)
do not have; the per-side numbers and the side that needs work live in the analysis report itself.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from hipcoach.store.access import require_read
from hipcoach.store.models import Analysis, User

# The one number per leg each screen is judged by (see hipcoach.analysis.screen_*).
MAIN_MEASURE = {
    "single-leg-squat": ("fppa_mean_deg", "knee angle from the front (FPPA), °"),
    "running": ("peak_drop_mean_deg", "peak pelvic drop, °"),
}


class ScreenResult(BaseModel):
    analysis_id: int
    test: str
    date: dt.date
    measure: str
    left: float | None
    right: float | None
    needs_work_side: str | None


def screen_results(db: Session, actor: User, runner_id: int) -> list[ScreenResult]:
    """The runner's finished screens, oldest first, each with its main measure per leg."""
    require_read(db, actor, runner_id)
    rows = db.execute(
        select(Analysis.id, Analysis.target, Analysis.created_at, Analysis.report)
        .where(Analysis.user_id == runner_id, Analysis.kind == "screen", Analysis.status == "done")
        .order_by(Analysis.created_at, Analysis.id)
    )
    results = []
    for analysis_id, test, created_at, report in rows:
        key, label = MAIN_MEASURE.get(test, ("", test))
        per_side = (report or {}).get("per_side") or {}
        results.append(
            ScreenResult(
                analysis_id=analysis_id,
                test=test,
                date=created_at.date(),
                measure=label,
                left=(per_side.get("left") or {}).get(key),
                right=(per_side.get("right") or {}).get(key),
                needs_work_side=(report or {}).get("needs_work_side"),
            )
        )
    return results
