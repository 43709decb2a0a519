"""A runner's progress summary: gathers what was logged and hands it to hipcoach.tracking.summary."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from hipcoach.store.camera_logs import CountedSet, camera_counted
from hipcoach.store.models import User
from hipcoach.store.prescriptions import followed_plan
from hipcoach.store.training import latest_programme, list_checkins, logged_sets
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


class SideQuality(BaseModel):
    """How one side moved in one week's camera-counted sets of one exercise, from their analyses'
    counted reps. None where nothing was measured (no range read, no rep whose faults could be judged)."""

    week_start: dt.date
    exercise_id: str
    side: str
    reps: int = Field(description="counted reps the figures are from")
    range_deg: float | None = Field(description="mean range of motion of the counted reps, degrees")
    hold_s: float | None = Field(description="mean hold at the top of the counted reps, seconds")
    fault_pct: float | None = Field(
        description="share of judged reps with at least one form fault, percent; a rep without faults "
        "but with a fault the camera could not measure is not judged"
    )
    judged_reps: int
    faulty_reps: int


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def movement_quality(sets: list[CountedSet], reports: dict[int, dict]) -> list[SideQuality]:
    """Per week (from Monday), exercise and side: the counted reps of that side in the analyses that
    counted the week's sets, each analysis once however many sets name it."""
    groups: dict[tuple[dt.date, str, str], set[int]] = defaultdict(set)
    for s in sets:
        groups[(s.date - dt.timedelta(days=s.date.weekday()), s.exercise_id, s.side)].add(s.analysis_id)
    out = []
    for (week, exercise_id, side), ids in sorted(groups.items()):
        reps = [
            r
            for i in sorted(ids)
            for r in (reports.get(i) or {}).get("reps") or []
            if r.get("side") == side and r.get("counted")
        ]
        judged = [r for r in reps if r.get("faults") or not r.get("not_measured")]
        faulty = sum(1 for r in judged if r.get("faults"))
        quality = SideQuality(
            week_start=week, exercise_id=exercise_id, side=side, reps=len(reps),
            range_deg=_mean([r["range_deg"] for r in reps if r.get("range_deg") is not None]),
            hold_s=_mean([r["hold_s"] for r in reps if r.get("hold_s") is not None]),
            fault_pct=round(100 * faulty / len(judged), 0) if judged else None, judged_reps=len(judged),
            faulty_reps=faulty,
        )  # fmt: skip
        out.append(quality)
    return out


class Progress(BaseModel):
    runner_id: int
    programme_id: int | None
    adherence: list[WeekAdherence]
    pain: list[DayPain]
    dose_per_side: list[SideDose]
    asymmetry: list[Asymmetry]
    screens: list[ScreenPoint]
    movement_quality: list[SideQuality] = Field(
        default_factory=list, description="per week and side, from the camera-counted sets' analyses"
    )


def progress(db: Session, actor: User, runner_id: int, today: dt.date) -> Progress:
    sets = logged_sets(db, actor, runner_id)
    morning = {c.date: c.pain for c in list_checkins(db, actor, runner_id)}
    programme = latest_programme(db, actor, runner_id)
    weeks = adherence(followed_plan(db, actor, programme), sets, today) if programme else []
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
        movement_quality=movement_quality(*camera_counted(db, actor, runner_id)),
    )
