"""A runner's progress summary: gathers what was logged and hands it to hipcoach.tracking.summary."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy.orm import Session

from hipcoach.store.models import User
from hipcoach.store.training import latest_programme, list_checkins, logged_sets, programme_plan
from hipcoach.store.videos import list_screens
from hipcoach.tracking.summary import (
    Asymmetry,
    DayPain,
    SideDose,
    WeekAdherence,
    adherence,
    asymmetry,
    dose_per_side,
    pain_trend,
)


class ScreenPoint(BaseModel):
    analysis_id: int
    test: str
    date: dt.date
    summary: dict


class ScreenResult(BaseModel):
    """A screen point read for a chart: the headline's main measure per leg and the side that needs work
    (see hipcoach.analysis.screen_compare.headline)."""

    analysis_id: int
    test: str
    date: dt.date
    measure: str
    left: float | None
    right: float | None
    needs_work_side: str | None


def screen_results(points: list[ScreenPoint]) -> list[ScreenResult]:
    return [
        ScreenResult(
            analysis_id=p.analysis_id,
            test=p.test,
            date=p.date,
            measure=p.summary.get("measure", p.test),
            left=p.summary.get("left"),
            right=p.summary.get("right"),
            needs_work_side=p.summary.get("needs_work_side"),
        )
        for p in points
    ]


class Progress(BaseModel):
    runner_id: int
    programme_id: int | None
    adherence: list[WeekAdherence]
    pain: list[DayPain]
    dose_per_side: list[SideDose]
    asymmetry: list[Asymmetry]
    screens: list[ScreenPoint]


def progress(db: Session, actor: User, runner_id: int, today: dt.date) -> Progress:
    sets = logged_sets(db, actor, runner_id)
    morning = {c.date: c.pain for c in list_checkins(db, actor, runner_id)}
    programme = latest_programme(db, actor, runner_id)
    weeks = adherence(programme_plan(db, actor, programme), sets, today) if programme else []
    screens = [
        ScreenPoint(analysis_id=s.analysis_id, test=s.test, date=s.created_at.date(), summary=s.summary)
        for s in list_screens(db, actor, runner_id)
    ]
    return Progress(
        runner_id=runner_id,
        programme_id=programme.id if programme else None,
        adherence=weeks,
        pain=pain_trend(sets, morning),
        dose_per_side=dose_per_side(sets),
        asymmetry=asymmetry(sets),
        screens=screens,
    )
