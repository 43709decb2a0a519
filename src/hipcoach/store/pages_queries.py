"""Queries only the web pages need: screen results as the progress page plots them.

Each stored Screen row keeps the screen report's headline (hipcoach.analysis.screen_compare.headline):
its main measure per leg and the side that needs work.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy.orm import Session

from hipcoach.store.models import User
from hipcoach.store.videos import list_screens


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
    return [
        ScreenResult(
            analysis_id=s.analysis_id,
            test=s.test,
            date=s.created_at.date(),
            measure=s.summary.get("measure", s.test),
            left=s.summary.get("left"),
            right=s.summary.get("right"),
            needs_work_side=s.summary.get("needs_work_side"),
        )
        for s in list_screens(db, actor, runner_id)
    ]
