"""A printable PDF handout: the weekly plan, then each exercise's steps and cues."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from hipcoach.catalog import Catalog
from hipcoach.plans.programme import Plan
from hipcoach.reports.evidence_text import evidence_line

_STYLES = getSampleStyleSheet()


def _p(text: str, style: str = "BodyText") -> Paragraph:
    return Paragraph(escape(text), _STYLES[style])


def plan_pdf(plan: Plan, catalog: Catalog) -> bytes:
    buf = BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        title=f"Hip-strength programme: {plan.runner}",
        author="hipcoach",
        leftMargin=15 * mm,
    )
    story = [
        _p(f"Hip-strength programme for {plan.runner}", "Title"),
        _p(
            f"{len(plan.weeks)} weeks from {plan.start_date.isoformat()}. Strength days: "
            + ", ".join(d.title() for d in plan.strength_days)
            + "."
        ),
        *[_p(n) for n in plan.schedule_notes],
        _p("Pain rules", "Heading2"),
        ListFlowable([_p(r) for r in plan.rules], bulletType="bullet"),
    ]
    for week in plan.weeks:
        story.append(_p(f"Week {week.number}: {week.phase}", "Heading2"))
        story.append(
            _p(week.focus + " Sessions: " + ", ".join(f"{s.weekday.title()} {s.date}" for s in week.sessions))
        )
        if week.sessions:
            rows = [["Exercise", "Side", "Dose"]] + [
                [_p(it.name), it.dose.side, _p(it.dose.describe())] for it in week.sessions[0].items
            ]
            table = Table(rows, colWidths=[85 * mm, 20 * mm, 70 * mm], repeatRows=1)
            table.setStyle(
                TableStyle(
                    [
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
                        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
    story.append(_p("Exercises", "Heading1"))
    for ex_id in plan.exercise_ids():
        ex = catalog.exercise(ex_id)
        story.append(
            KeepTogether(
                [
                    _p(ex.name, "Heading2"),
                    _p(ex.summary, "Italic"),
                    _p("Start: " + ex.starting_position),
                    _p("Band: " + (ex.band_placement or "no band")),
                    _p("Steps", "Heading4"),
                    ListFlowable([_p(s) for s in ex.steps], bulletType="1"),
                    _p("Cues", "Heading4"),
                    ListFlowable([_p(c) for c in ex.cues], bulletType="bullet"),
                    _p("Watch for", "Heading4"),
                    ListFlowable(
                        [_p(f"{catalog.faults[c].name}: {catalog.faults[c].correction}") for c in ex.faults],
                        bulletType="bullet",
                    ),
                ]
            )
        )
        story += [
            _p("Evidence", "Heading4"),
            *[_p(evidence_line(e, catalog)) for e in ex.evidence],
            Spacer(1, 4 * mm),
        ]
    doc.build(story)
    return buf.getvalue()
