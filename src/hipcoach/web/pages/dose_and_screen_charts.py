"""Two more progress charts as inline SVG: weekly dose per side, and screen results over time."""

from __future__ import annotations

from collections import defaultdict

from markupsafe import escape

from hipcoach.store.progress import ScreenResult
from hipcoach.tracking.summary import SideDose
from hipcoach.web.pages.charts import LEFT_COLOUR, RIGHT_COLOUR, ROW, W, _svg, empty_chart

BOTH_COLOUR = "#888"
COLOURS = {"left": LEFT_COLOUR, "right": RIGHT_COLOUR, "both": BOTH_COLOUR}


def dose_chart(doses: list[SideDose]):
    """Reps done each week on each side (all exercises together), with the sets behind them."""
    weeks: dict = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for d in doses:
        weeks[d.week_start][d.side][0] += d.sets
        weeks[d.week_start][d.side][1] += d.reps
    if not weeks:
        return empty_chart("No sets logged yet.", "dose per side")
    top = max(reps for sides in weeks.values() for _, reps in sides.values()) or 1
    body, y = [], 4
    for week_start in sorted(weeks):
        sides = weeks[week_start]
        body.append(f'<text x="0" y="{y + 14}">week of {week_start.strftime("%d %b")}</text>')
        for side in (s for s in ("left", "right", "both") if s in sides):
            sets, reps = sides[side]
            set_word = "set" if sets == 1 else "sets"
            width = round(300 * reps / top)
            body.append(
                f'<rect class="dose-{side}" x="130" y="{y}" width="{width}" height="{ROW // 2 - 1}" '
                f'fill="{COLOURS[side]}"/>'
                f'<text x="{135 + width}" y="{y + 10}">{side} {reps} reps, {sets} {set_word}</text>'
            )
            y += ROW // 2
        y += 10
    return _svg(y, body, "dose per side")


def screen_chart(results: list[ScreenResult]):
    """Each screen's main measure for the left and the right leg, one column per screen, oldest first."""
    shown = [r for r in results if r.left is not None or r.right is not None]
    if not shown:
        return empty_chart("No screens yet: film one on the Videos page.", "screens")
    values = [v for r in shown for v in (r.left, r.right) if v is not None]
    low, high = min(*values, 0.0), max(*values, 0.0)
    span = (high - low) or 1.0
    height, plot_h, step = 170, 120, (W - 80) / max(len(shown), 1)

    def y_of(v: float) -> float:
        return 10 + plot_h * (high - v) / span

    body = [f'<line x1="40" y1="{y_of(0):.1f}" x2="{W}" y2="{y_of(0):.1f}" stroke="#ccc"/>']
    body.append(
        f'<text x="0" y="{y_of(high) + 4:.1f}">{high:g}°</text>'
        f'<text x="0" y="{y_of(low):.1f}">{low:g}°</text>'
    )
    for i, r in enumerate(shown):
        x = 60 + i * step
        body.append(f'<text x="{x - 20:.1f}" y="{plot_h + 30}">{r.date.strftime("%d %b")}</text>')
        body.append(f'<text x="{x - 20:.1f}" y="{plot_h + 44}">{escape(r.test)}</text>')
        for side, value in (("left", r.left), ("right", r.right)):
            if value is not None:
                body.append(
                    f'<circle class="screen-{side}" cx="{x:.1f}" cy="{y_of(value):.1f}" r="5" '
                    f'fill="{COLOURS[side]}"><title>{side} {value:g}°</title></circle>'
                )
    body.append(
        f'<text x="{W - 150}" y="{height - 2}" fill="{LEFT_COLOUR}">● left</text>'
        f'<text x="{W - 80}" y="{height - 2}" fill="{RIGHT_COLOUR}">● right</text>'
    )
    return _svg(height, body, "screen results")
