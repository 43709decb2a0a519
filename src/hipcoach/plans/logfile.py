"""Read a TOML file of logged sessions ([[log]] tables) into validated ExerciseLog records."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from hipcoach.errors import UserError, shorten
from hipcoach.plans.progress import ExerciseLog
from hipcoach.tomlfile import read_user_toml


def load_logs(path: str | Path) -> list[ExerciseLog]:
    raw = read_user_toml(path, "Log", "A log file holds [[log]] entries; see the README.")
    unknown = sorted(set(raw) - {"log"})
    if unknown:
        keys = shorten(unknown, 200)
        raise UserError(f"{path}: unknown top-level keys {keys}", "A log file holds only [[log]] entries.")
    entries = raw.get("log", [])
    if not isinstance(entries, list):
        raise UserError(f"{path}: log must be a list of [[log]] tables, not {type(entries).__name__}", _HELP)
    logs = []
    for n, entry in enumerate(entries, 1):
        try:
            logs.append(ExerciseLog.model_validate(entry))
        except ValidationError as exc:
            problems = "; ".join(
                f"{shorten('.'.join(map(str, e['loc'])))}: {shorten(e['msg'], 200)}"
                for e in exc.errors()[:10]
            )
            raise UserError(f"{path}: log entry {n} is invalid: {problems}", _HELP) from None
    return logs


_HELP = (
    "Each [[log]] needs date, exercise_id, side (left/right/both), target_sets, target_reps, reps_done "
    "(a list), pain_before and pain_during (0-10); band, pain_next_morning and effort are optional."
)
