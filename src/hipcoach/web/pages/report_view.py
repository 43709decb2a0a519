"""Turning an analysis or screen report (the JSON contract) into rows a page can print as they are."""

from __future__ import annotations

from typing import Any

# The screen reports' per-side metric names, in words; unknown ones fall back to the key itself.
METRIC_WORDS = {
    "reps": "squats counted",
    "partial_reps": "squats not deep enough",
    "fppa": "knee angle from the front (FPPA)",
    "pelvic_drop": "pelvic drop",
    "peak_drop": "peak pelvic drop",
    "trunk_lean": "trunk lean",
    "knee_flexion": "knee bend",
    "stances": "stances measured",
    "step_time": "step time",
}
STAT_WORDS = {"mean": "average", "sd": "spread (SD)", "reps_measured": "squats measured"}
UNITS = {"deg": "°", "s": "s", "pct": "%", "spm": "steps/min"}


def metric_label(key: str) -> str:
    """'fppa_mean_deg' -> 'knee angle from the front (FPPA), average (°)'."""
    parts = key.split("_")
    unit = UNITS.get(parts[-1]) if len(parts) > 1 else None
    if unit:
        parts = parts[:-1]
    for cut in range(len(parts), 0, -1):
        head = "_".join(parts[:cut])
        if head in METRIC_WORDS:
            rest = "_".join(parts[cut:])
            words = METRIC_WORDS[head] + (f", {STAT_WORDS.get(rest, rest.replace('_', ' '))}" if rest else "")
            break
    else:
        words = key.replace("_", " ")
    return f"{words} ({unit})" if unit else words


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def screen_rows(report: dict) -> list[tuple[str, str, str]]:
    """(metric, left, right) for every number the screen measured on each leg."""
    per_side = report.get("per_side") or {}
    left, right = per_side.get("left") or {}, per_side.get("right") or {}
    keys = list(left) + [k for k in right if k not in left]
    return [
        (metric_label(k), _shown(left.get(k)), _shown(right.get(k)))
        for k in keys
        if not isinstance(left.get(k, right.get(k)), dict | list)
    ]


def fault_lines(report: dict) -> list[dict]:
    """One line per fault found: which rep, the fault's plain name, what was measured against the limit;
    then (kind "not_measured") each fault a rep could not be judged on, with why, so a misread pose
    is neither hidden nor shown as a fault."""
    lines = []
    for rep in report.get("reps") or []:
        for f in rep.get("faults") or []:
            unit = f.get("unit") or ""
            measured = f"{_shown(f.get('value'))} {unit} against a limit of {_shown(f.get('limit'))} {unit}"
            lines.append(
                {"rep": rep.get("index"), "side": f.get("side") or rep.get("side"), "name": f.get("name"),
                 "measured": measured, "t_s": f.get("t_s"), "kind": "fault"}
            )  # fmt: skip
        for m in rep.get("not_measured") or []:
            lines.append(
                {"rep": rep.get("index"), "side": m.get("side") or rep.get("side"), "name": m.get("name"),
                 "measured": m.get("reason"), "t_s": m.get("t_s"), "kind": "not_measured"}
            )  # fmt: skip
    return lines


def paragraphs(text: str | list | None) -> list[str]:
    if isinstance(text, list):
        return [str(t) for t in text]
    return [p.strip() for p in (text or "").split("\n\n") if p.strip()]
