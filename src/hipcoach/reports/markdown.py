"""Markdown for an exercise card and for a whole plan (also what the terminal renders)."""

from __future__ import annotations

from hipcoach.catalog import Catalog
from hipcoach.catalog.models import Exercise
from hipcoach.plans.programme import Plan
from hipcoach.reports.evidence_text import evidence_line

_LATERALITY = {"per_side": "one side at a time", "alternating": "alternating sides", "bilateral": "both legs"}


def exercise_markdown(ex: Exercise, catalog: Catalog, heading: str = "#") -> str:
    d = ex.dose
    names = lambda ids: ", ".join(catalog.exercise(i).name for i in ids) or "none"  # noqa: E731
    lines = [
        f"{heading} {ex.name}",
        "",
        f"*{ex.summary}*",
        "",
        f"**Also called:** {', '.join(ex.aliases) or '-'}  ",
        f"**Equipment:** {', '.join(ex.equipment) or 'none'}  ",
        f"**Band:** {ex.band_placement or 'no band'}  ",
        f"**Sides:** {_LATERALITY[ex.laterality]}  ",
        f"**Works:** {', '.join(ex.target_muscles)}  ",
        f"**Default dose:** {d.sets} sets of {d.reps_min}-{d.reps_max} {d.unit}"
        + (" per side" if ex.laterality != "bilateral" else "")
        + f"; {d.tempo.up_s:g} s up, {d.tempo.hold_s:g} s hold, {d.tempo.down_s:g} s down; rest {d.rest_s} s",
        "",
        f"**Start:** {ex.starting_position}",
        "",
        "**Steps**",
        "",
        *[f"{i}. {s}" for i, s in enumerate(ex.steps, 1)],
        "",
        "**Cues**",
        "",
        *[f"- {c}" for c in ex.cues],
        "",
        "**Common faults**",
        "",
        *[f"- {catalog.faults[c].name} (`{c}`): {catalog.faults[c].correction}" for c in ex.faults],
        "",
    ]
    if ex.band_variants:
        lines += ["**Band positions**", "", *[f"- {v.placement}: {v.note}" for v in ex.band_variants], ""]
    cam = ex.camera
    lines += [
        f"**Easier:** {names(ex.regressions)}  ",
        f"**Harder:** {names(ex.progressions)}",
        "",
        f"**Filming it:** {cam.view.replace('_', ' ')} view, camera at {cam.height}, "
        f"{cam.distance_m[0]:g}-{cam.distance_m[1]:g} m away, with {cam.in_frame} in frame."
        + "".join(f" {t}" for t in cam.tips),
        "",
        "**Evidence**",
        "",
        *[f"- {evidence_line(e, catalog)}" for e in ex.evidence],
        "",
    ]
    return "\n".join(lines)


def plan_markdown(plan: Plan, catalog: Catalog) -> str:
    side = f"your {plan.affected_side} side gets an extra set" if plan.affected_side else "both sides equally"
    lines = [
        f"# Hip-strength programme for {plan.runner}",
        "",
        f"{len(plan.weeks)} weeks from {plan.start_date.isoformat()}; strength on "
        f"{', '.join(d.title() for d in plan.strength_days)}; {side}.",
        "",
        *[f"- {n}" for n in plan.schedule_notes],
        "",
        "## Rules",
        "",
        *[f"- {r}" for r in plan.rules],
        "",
    ]
    for week in plan.weeks:
        dates = ", ".join(f"{s.weekday.title()} {s.date.isoformat()}" for s in week.sessions)
        lines += [f"## Week {week.number}: {week.phase}", "", f"{week.focus}", "", f"Sessions: {dates}", ""]
        if week.sessions:
            lines += ["| Exercise | Side | Dose | Why |", "|---|---|---|---|"]
            lines += [
                f"| {it.name} | {it.dose.side} | {it.dose.describe()} | {it.why} |"
                for it in week.sessions[0].items
            ]
            lines.append("")
    lines += ["## Exercises", ""]
    lines += [exercise_markdown(catalog.exercise(i), catalog, heading="###") for i in plan.exercise_ids()]
    return "\n".join(lines)
