"""Progress charts as inline SVG, drawn on the server: no chart library, nothing to download."""

from __future__ import annotations

from markupsafe import Markup, escape

from hipcoach.colours import SIDE_HEX
from hipcoach.store.progress import Progress

W, ROW = 560, 22
LEFT_COLOUR, RIGHT_COLOUR = SIDE_HEX["left"], SIDE_HEX["right"]  # as on the video and report plots


def _svg(height: int, body: list[str], label: str) -> Markup:
    inner = "".join(body)
    return Markup(
        f'<svg role="img" aria-label="{escape(label)}" viewBox="0 0 {W} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12">{inner}</svg>'
    )


def empty_chart(message: str, label: str) -> Markup:
    """A one-line chart that says why there is nothing to draw yet."""
    return _svg(30, [f'<text x="0" y="18">{message}</text>'], label)


def side_reps_chart(summary: Progress, names: dict[str, str]) -> Markup:
    """Reps per exercise, left and right bars side by side under the exercise's name (names are long,
    so they take a line of their own rather than a column beside the bars)."""
    rows = summary.asymmetry
    if not rows:
        return empty_chart("No sets logged yet.", "reps per side")
    top = max(max(a.left_reps, a.right_reps) for a in rows) or 1
    body, y = [], 4
    for a in rows:
        body.append(f'<text x="0" y="{y + 12}">{escape(names.get(a.exercise_id, a.exercise_id))}</text>')
        y += 18
        for i, (side, reps, colour) in enumerate(
            (("left", a.left_reps, LEFT_COLOUR), ("right", a.right_reps, RIGHT_COLOUR))
        ):
            width = round(420 * reps / top)
            yy = y + i * (ROW // 2)
            body.append(
                f'<rect class="bar-{side}" x="0" y="{yy}" width="{width}" '
                f'height="{ROW // 2 - 1}" fill="{colour}"/>'
            )
            body.append(f'<text x="{5 + width}" y="{yy + 10}">{side} {reps}</text>')
        y += ROW + 8
    return _svg(y, body, "reps per side")


def pain_chart(summary: Progress) -> Markup:
    """Worst pain during each day's sets, and the next-morning check-in, on a 0-10 scale."""
    days = summary.pain
    height, plot_h = 168, 110  # the dates under the plot, then the legend on its own line
    if not days:
        return empty_chart("No pain recorded yet.", "pain trend")
    step = (W - 60) / max(len(days) - 1, 1)
    body = []
    for level in (0, 5, 10):
        y = 10 + plot_h * (1 - level / 10)
        body.append(
            f'<line x1="30" y1="{y}" x2="{W}" y2="{y}" stroke="#ddd"/><text x="0" y="{y + 4}">{level}</text>'
        )
    for i, d in enumerate(days):
        if len(days) <= 12 or i % (len(days) // 12 + 1) == 0:
            body.append(
                f'<text x="{30 + i * step:.1f}" y="{plot_h + 32}" text-anchor="middle">'
                f"{d.date.strftime('%d %b')}</text>"
            )  # centred under its point, so the last date stays inside the chart
    for key, colour in (("worst_during", "#b22222"), ("next_morning", "#555")):
        xy = [
            (30 + i * step, 10 + plot_h * (1 - getattr(d, key) / 10))
            for i, d in enumerate(days)
            if getattr(d, key) is not None
        ]
        if len(xy) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
            body.append(f'<polyline class="pain-{key}" fill="none" stroke="{colour}" points="{points}"/>')
        body += [
            f'<circle class="pain-point-{key}" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
            for x, y in xy
        ]
    body.append(
        f'<text x="{W - 230}" y="{height - 2}" fill="#b22222">● worst during</text>'
        f'<text x="{W - 110}" y="{height - 2}" fill="#555">● next morning</text>'
    )
    return _svg(height, body, "pain trend")


def adherence_chart(summary: Progress) -> Markup:
    """Sets done against sets planned so far, per programme week."""
    weeks = [w for w in summary.adherence if w.planned_sets]
    if not weeks:
        return empty_chart("No sessions due yet.", "adherence")
    body, y = [], 4
    for w in weeks:
        share = w.done_sets / w.planned_sets
        body.append(f'<text x="0" y="{y + 14}">week {w.week}</text>')
        body.append(f'<rect x="70" y="{y}" width="300" height="{ROW - 4}" fill="#eee"/>')
        body.append(f'<rect x="70" y="{y}" width="{round(300 * share)}" height="{ROW - 4}" fill="#2e8b57"/>')
        body.append(f'<text x="380" y="{y + 14}">{w.done_sets}/{w.planned_sets} sets</text>')
        y += ROW
    return _svg(y + 4, body, "adherence")


def progress_charts(summary: Progress, names: dict[str, str]) -> dict[str, Markup]:
    """The charts of one runner's progress; `names` are the exercises' names by id."""
    return {
        "sides": side_reps_chart(summary, names),
        "pain": pain_chart(summary),
        "adherence": adherence_chart(summary),
    }
