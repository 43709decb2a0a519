"""The summary a runner reads after a set: counts per side, left/right asymmetry, consistency, and a short
coaching note built from the faults seen, in the catalogue's own words."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from hipcoach.catalog.models import Exercise, Fault

ASYMMETRY_NOTE_PCT = 15.0  # a left/right difference in range or hold worth mentioning
HOLD_SHORT = 0.5  # holds shorter than this share of the prescribed hold are mentioned
SIDE_WORDS = {"left": "left", "right": "right", "both": ""}


def _mean(values: list[float]) -> float | None:
    return round(float(np.mean(values)), 2) if values else None


def _cv_pct(values: list[float]) -> float | None:
    """Coefficient of variation: how alike the reps were (lower is steadier)."""
    if len(values) < 2 or np.mean(values) == 0:
        return None
    return round(float(100 * np.std(values, ddof=1) / abs(np.mean(values))), 1)


def _asymmetry(left: float | None, right: float | None) -> float | None:
    """(left − right) / larger, in percent: + = the left did more."""
    if left is None or right is None or max(abs(left), abs(right)) == 0:
        return None
    return round(100 * (left - right) / max(abs(left), abs(right)), 1)


def per_side(reps: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for side in ("left", "right", "both"):
        full = [r for r in reps if r["side"] == side and r["counted"]]
        if not full and not any(r["side"] == side for r in reps):
            continue
        ranges = [r["range_deg"] for r in full if r["range_deg"] is not None]
        out[side] = {
            "reps": len(full),
            "partial": sum(1 for r in reps if r["side"] == side and not r["counted"]),
            "range_deg_mean": _mean(ranges),
            "range_cv_pct": _cv_pct(ranges),
            "hold_s_mean": _mean([r["hold_s"] for r in full]),
            "faulty_reps": sum(1 for r in full if r["faults"]),
        }
    return out


def summarise(
    reps: list[dict[str, Any]], exercise: Exercise, faults: dict[str, Fault], unchecked: list[str] = ()
) -> dict[str, Any]:
    """`unchecked`: fault codes this clip's view could not show (named in the note so silence is not
    mistaken for a clean bill)."""
    sides = per_side(reps)
    count = {s: sides.get(s, {}).get("reps", 0) for s in ("left", "right", "both")}
    summary: dict[str, Any] = {
        "reps_left": count["left"],
        "reps_right": count["right"],
        "reps_both": count["both"],
        "reps_total": sum(count.values()),
        "partial_reps": sum(1 for r in reps if not r["counted"]),
        "per_side": sides,
        "faults": dict(Counter(f["code"] for r in reps if r["counted"] for f in r["faults"])),
        "not_measured": dict(
            Counter(c for r in reps if r["counted"] for c in {m["code"] for m in r.get("not_measured", [])})
        ),
    }
    if "left" in sides and "right" in sides:
        summary["asymmetry_pct"] = {
            "count": _asymmetry(count["left"], count["right"]),
            "range": _asymmetry(sides["left"]["range_deg_mean"], sides["right"]["range_deg_mean"]),
            "hold": _asymmetry(sides["left"]["hold_s_mean"], sides["right"]["hold_s_mean"]),
        }
    summary["note"] = coaching_note(reps, summary, exercise, faults, unchecked)
    return summary


def coaching_note(
    reps: list[dict[str, Any]],
    summary: dict[str, Any],
    exercise: Exercise,
    faults: dict[str, Fault],
    unchecked: list[str] = (),
) -> str:
    """A few plain sentences: what was done, the most frequent faults with their corrections, then
    partial reps, short holds and left/right differences."""
    sides = summary["per_side"]
    done = [f"{v['reps']} on the {s}" if s != "both" else "" for s, v in sides.items()]
    plural = "s" if summary["reps_total"] != 1 else ""
    where = " and ".join(d for d in done if d) if "both" not in sides else ""
    lines = [f"You did {summary['reps_total']} full rep{plural}" + (f": {where}." if where else ".")]
    counted = [r for r in reps if r["counted"]]
    for code, _ in Counter(f["code"] for r in counted for f in r["faults"]).most_common():
        where = []
        for side in ("left", "right", "both"):
            of_side = [r for r in counted if r["side"] == side]
            hit = sum(1 for r in of_side if any(f["code"] == code for f in r["faults"]))
            if hit:
                where.append(f"{hit} of {len(of_side)} {SIDE_WORDS[side]} reps".replace("  ", " "))
        lines.append(f"{faults[code].name} ({', '.join(where)}): {faults[code].correction}")
    partial = [r for r in reps if not r["counted"]]
    if partial:
        short = [r["shortfall_pct"] for r in partial if r["shortfall_pct"] is not None]
        how = f", about {np.mean(short):.0f}% short of your full range" if short else ""
        lines.append(
            f"{len(partial)} partial rep{'s were' if len(partial) != 1 else ' was'} not counted{how}: "
            "go through the whole range, or use a lighter band."
        )
    hold = exercise.dose.tempo.hold_s
    holds = [r["hold_s"] for r in counted]
    if hold > 0 and holds and np.mean(holds) < HOLD_SHORT * hold:
        lines.append(f"Hold the top for about {hold:g} s; your holds averaged {np.mean(holds):.1f} s.")
    asym = summary.get("asymmetry_pct", {})
    if asym.get("range") is not None and abs(asym["range"]) >= ASYMMETRY_NOTE_PCT:
        less = "left" if asym["range"] < 0 else "right"
        lines.append(f"Your {less} side moved through {abs(asym['range']):.0f}% less range than the other.")
    if len(lines) == 1 and counted:
        lines.append("No form faults seen in the reps that could be checked from this view.")
    for code, n in summary.get("not_measured", {}).items():
        if code in unchecked:
            continue  # said below, with the other faults this clip could not check
        lines.append(
            f"{faults[code].name} was not measured in {n} of {len(counted)} reps: the camera's picture gave "
            "a value no body can reach there, so those reps were not judged on it."
        )
    if unchecked:
        names = ", ".join(faults[c].name.lower() for c in unchecked)
        lines.append(f"Not checked from this camera view: {names}.")
    return " ".join(lines)
