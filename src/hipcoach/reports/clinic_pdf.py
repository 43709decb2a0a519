"""A progress report for a clinic file: one athlete, the days a coach chose, as a PDF.

What a physio files after a block of rehab: the screen results, the dose and pain per side week by
week, the sets done against the plan, and the notes exchanged. The figures are worked out here from
plain records (`ClinicRecord`, gathered by store/clinic.clinic_record), so this module reads no
database and the same record always gives the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from io import BytesIO
from typing import NamedTuple
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from hipcoach.plans.programme import Plan
from hipcoach.tracking.summary import LoggedSet, window_adherence


class ScreenLine(NamedTuple):
    date: dt.date
    test: str
    measure: str
    left: float | None
    right: float | None
    needs_work_side: str | None


class NoteLine(NamedTuple):
    written: dt.datetime
    author: str  # the writer's name
    body: str


class ClinicRecord(NamedTuple):
    """Everything the report shows, already limited to the athlete and the days asked for."""

    athlete: str
    coach: str
    since: dt.date
    until: dt.date
    screens: list[ScreenLine]
    sets: list[LoggedSet]  # the days' sets (current versions only)
    mornings: dict[dt.date, int]  # next-morning pain by session day
    plan: Plan | None  # the latest programme, if any
    notes: list[NoteLine]
    referral: str | None  # the latest screening's referral in the days, in words


class WeekSide(NamedTuple):
    week_start: dt.date  # a Monday
    side: str
    sets: int
    reps: int
    hold_s: float
    mean_pain: float | None
    worst_pain: int | None


class WeekLine(NamedTuple):
    week_start: dt.date
    planned_sets: int
    done_sets: int
    percent: int | None
    morning_worst: int | None


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weeks_of(since: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The Monday-to-Sunday weeks the days touch, each cut to the days asked for."""
    out, start = [], _monday(since)
    while start <= until:
        out.append((max(start, since), min(start + dt.timedelta(days=6), until)))
        start += dt.timedelta(days=7)
    return out


def per_side(sets: list[LoggedSet]) -> list[WeekSide]:
    """Dose and pain during the sets, per week and side (left, right, or both legs at once)."""
    groups: dict[tuple[dt.date, str], list[LoggedSet]] = defaultdict(list)
    for s in sets:
        groups[(_monday(s.date), s.side)].append(s)
    order = {"left": 0, "right": 1, "both": 2}
    out = []
    for (week, side), group in sorted(groups.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 3))):
        pains = [s.pain_during for s in group]
        held = sum(s.hold_s * s.reps for s in group)
        out.append(WeekSide(week, side, len(group), sum(s.reps for s in group), held,
                            sum(pains) / len(pains), max(pains)))  # fmt: skip
    return out


def per_week(record: ClinicRecord) -> list[WeekLine]:
    """Sets done against the plan for each week's sessions (due ones only: up to the report's last
    day), and the worst next-morning pain of the week."""
    out = []
    for start, end in weeks_of(record.since, record.until):
        planned = done = 0
        percent = None
        if record.plan is not None:
            got = window_adherence(record.plan, record.sets, start, end)
            planned, done, percent = got.planned_sets, got.done_sets, got.percent
        mornings = [p for d, p in record.mornings.items() if start <= d <= end]
        out.append(WeekLine(_monday(start), planned, done, percent, max(mornings) if mornings else None))
    return out


_STYLES = getSampleStyleSheet()
_GRID = TableStyle(
    [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _p(text: str, style: str = "BodyText") -> Paragraph:
    """Text as typed: escaped for reportlab's markup, line breaks kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), _STYLES[style])


def _num(value: float | None, fmt: str = "{:.1f}") -> str:
    return "-" if value is None else fmt.format(value)


def _table(rows: list[list], widths: list[float]) -> Table:
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(_GRID)
    return table


def clinic_pdf(record: ClinicRecord, made_on: dt.date) -> bytes:
    buf = BytesIO()
    span = f"{record.since.isoformat()} to {record.until.isoformat()}"
    doc = SimpleDocTemplate(buf, pagesize=A4, title=f"Progress report: {record.athlete}, {span}",
                            author=record.coach, leftMargin=15 * mm, rightMargin=15 * mm)  # fmt: skip
    story = [
        _p(f"Progress report: {record.athlete}", "Title"),
        _p(f"From {span}. Coach: {record.coach}. Made on {made_on.isoformat()} by hipcoach."),
    ]
    if record.referral:
        story.append(_p(f"Referral at screening: {record.referral}"))

    story.append(_p("Screen results", "Heading2"))
    if record.screens:
        rows = [["Date", "Test", "Measure", "Left", "Right", "Needs work"]]
        rows += [[s.date.isoformat(), _p(s.test), _p(s.measure), _num(s.left), _num(s.right),
                  s.needs_work_side or "-"] for s in record.screens]  # fmt: skip
        story.append(_table(rows, [22, 38, 52, 18, 18, 24]))
    else:
        story.append(_p("No screen in these days."))

    story.append(_p("Dose and pain per side, week by week", "Heading2"))
    sides = per_side(record.sets)
    if sides:
        rows = [["Week of", "Side", "Sets", "Reps", "Hold (s)", "Pain mean", "Pain worst"]]
        rows += [[w.week_start.isoformat(), w.side, str(w.sets), str(w.reps), _num(w.hold_s, "{:.0f}"),
                  _num(w.mean_pain), _num(w.worst_pain, "{}")] for w in sides]  # fmt: skip
        story.append(_table(rows, [24, 18, 16, 18, 22, 26, 26]))
        story.append(_p("Pain during the sets, 0-10; hold is the seconds held over all reps."))
    else:
        story.append(_p("No sets logged in these days."))

    story.append(_p("Adherence", "Heading2"))
    weeks = per_week(record)
    if record.plan is None:
        story.append(_p("No programme: nothing was planned."))
    planned = sum(w.planned_sets for w in weeks)
    done = sum(w.done_sets for w in weeks)
    if record.plan is not None:
        overall = f"{done} of {planned} planned sets done" + (
            f" ({round(100 * done / planned)}%)" if planned else ""
        )
        story.append(_p(f"Sets done against the plan over these days: {overall}."))
    rows = [["Week of", "Planned sets", "Done", "%", "Worst next-morning pain"]]
    rows += [[w.week_start.isoformat(), str(w.planned_sets), str(w.done_sets), _num(w.percent, "{}"),
              _num(w.morning_worst, "{}")] for w in weeks]  # fmt: skip
    story.append(_table(rows, [26, 28, 20, 16, 50]))

    story.append(_p("Notes", "Heading2"))
    if record.notes:
        for n in record.notes:
            story.append(_p(f"{n.written.strftime('%Y-%m-%d %H:%M')} UTC, {n.author}:", "Heading5"))
            story.append(_p(n.body))
    else:
        story.append(_p("No notes in these days."))
    story.append(Spacer(1, 4 * mm))
    doc.build(story)
    return buf.getvalue()
