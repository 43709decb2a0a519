"""Rich renderables for the terminal: the catalogue table and the plan's weeks."""

from __future__ import annotations

from rich.console import Group
from rich.markdown import Markdown
from rich.table import Table

from hipcoach.catalog import Catalog
from hipcoach.catalog.models import Exercise
from hipcoach.plans.programme import Plan


def exercises_table(exercises: list[Exercise], catalog: Catalog) -> Table:
    table = Table(title="hipcoach exercises", show_lines=False)
    table.add_column("id", no_wrap=True)
    for col in ("name", "sides", "GTI (Selkowitz 2013)"):
        table.add_column(col, overflow="fold")
    for ex in exercises:
        gti = ex.gti()
        table.add_row(
            ex.id,
            ex.name,
            ex.laterality.replace("_", " "),
            f"{gti:g}" if gti is not None else "unknown",
        )
    return table


def plan_view(plan: Plan) -> Group:
    side = f"extra set on your {plan.affected_side} side" if plan.affected_side else "both sides equally"
    parts: list = [
        Markdown(
            f"# Hip-strength programme for {plan.runner}\n\n{len(plan.weeks)} weeks from "
            f"{plan.start_date.isoformat()}, strength on "
            f"{', '.join(d.title() for d in plan.strength_days)}; {side}.\n\n"
            + "\n".join(f"- {n}" for n in plan.schedule_notes)
        )
    ]
    for week in plan.weeks:
        dates = ", ".join(f"{s.weekday.title()} {s.date:%d %b}" for s in week.sessions)
        table = Table(title=f"Week {week.number}: {week.phase}  ({dates})", title_justify="left", expand=True)
        for col, ratio in (("exercise", 3), ("side", 1), ("dose", 3), ("why", 4)):
            table.add_column(col, ratio=ratio, overflow="fold")
        for it in week.sessions[0].items if week.sessions else ():
            table.add_row(it.name, it.dose.side, it.dose.describe(), it.why)
        parts.append(table)
    parts.append(Markdown("## Rules\n\n" + "\n".join(f"- {r}" for r in plan.rules)))
    return Group(*parts)
