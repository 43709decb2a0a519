"""Compare two screens of the same runner (before and after the programme): which changes are real.

Why: a screen repeated a few weeks later always reads a little differently. Only a change larger than
the measurement can produce by chance is reported as a change: for the knee angle (FPPA) that is the
verified smallest detectable difference (Munro 2012, 7.5-8.9°); pelvic drop has no verified published
figure, so it uses this screen's own error against motion capture.
"""

from __future__ import annotations

from hipcoach.analysis import screen_evidence as ev
from hipcoach.errors import UserError

MEASURES = {
    "single-leg-squat": {"fppa_mean_deg": "knee angle from the front", "pelvic_drop_mean_deg": "pelvic drop"},
    "running": {"peak_drop_mean_deg": "pelvic drop in stance"},
}


# The one number per leg each screen is judged by first, as progress charts plot it.
HEADLINE = {
    "single-leg-squat": ("fppa_mean_deg", "knee angle from the front (FPPA), °"),
    "running": ("peak_drop_mean_deg", "peak pelvic drop, °"),
}


def headline(report: dict, test: str) -> dict:
    """A `test` screen report's main measure per leg and the side that needs work (what a progress chart
    plots); missing parts stay None."""
    key, label = HEADLINE.get(test, ("", test))
    per_side = report.get("per_side") or {}
    return {
        "measure": label,
        "left": (per_side.get("left") or {}).get(key),
        "right": (per_side.get("right") or {}).get(key),
        "needs_work_side": report.get("needs_work_side"),
    }


def _verdict(change: float, measure: str) -> tuple[str, float]:
    if measure == "fppa_mean_deg":
        low, high = ev.FPPA_SDD_DEG
        if abs(change) < low:
            return "within measurement error", high
        if abs(change) < high:
            return "borderline: at the smallest detectable difference", high
        return ("worse" if change > 0 else "better"), high
    limit = ev.PELVIC_DROP_RESOLUTION_DEG
    if abs(change) < limit:
        return "within measurement error", limit
    return ("worse" if change > 0 else "better"), limit


def check_comparable(report: dict, test: str, name: str = "earlier") -> None:
    """A screen report of `test`, or a UserError saying what it is instead."""
    if not str(report.get("schema_version", "")).startswith("hipcoach.screen/"):
        raise UserError(f"The {name} report is not a hipcoach screen report.", "Pass two screen JSON files.")
    if report.get("test") != test:
        raise UserError(
            f"Cannot compare a {report.get('test')} screen with a {test} screen.",
            "Compare two screens of the same test.",
        )


def compare_screens(before: dict, after: dict) -> dict:
    """Per side and measure: before, after, change and whether it exceeds measurement error. Both are
    screen reports (the JSON of `screen_single_leg_squat` or `screen_running`) of the same test."""
    for name, report in (("before", before), ("after", after)):
        check_comparable(report, after["test"], name)
    changes = []
    sentences = []
    for measure, words in MEASURES[before["test"]].items():
        for side in ("left", "right"):
            a, b = before["per_side"][side].get(measure), after["per_side"][side].get(measure)
            if a is None or b is None:
                continue
            change = round(b - a, 1)
            verdict, threshold = _verdict(change, measure)
            changes.append(
                {"side": side, "measure": measure, "before_deg": a, "after_deg": b, "change_deg": change,
                 "threshold_deg": threshold, "verdict": verdict}
            )  # fmt: skip
            sentences.append(f"{side.capitalize()} {words}: {a:.0f}° → {b:.0f}° ({change:+.0f}°), {verdict}.")
    if before["test"] == "single-leg-squat":
        sentences.append(
            f"A knee-angle change smaller than about {ev.FPPA_SDD_DEG[0]:.1f}-{ev.FPPA_SDD_DEG[1]:.1f}° is "
            "within measurement error (Munro 2012)."
        )
    return {
        "test": before["test"],
        "changes": changes,
        "needs_work_side": {"before": before.get("needs_work_side"), "after": after.get("needs_work_side")},
        "summary": " ".join(sentences),
        "evidence": ev.cite("fppa_error") if before["test"] == "single-leg-squat" else [],
    }
