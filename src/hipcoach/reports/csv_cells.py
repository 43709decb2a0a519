"""CSV cells that a spreadsheet shows as text instead of running them as formulas.

A coach opens a runner's set-logs.csv in a spreadsheet; a runner-chosen text such as a session uid
of "=HYPERLINK(...)" would otherwise become a live formula there. A text cell starting with = + - @,
a tab or a carriage return gets a leading apostrophe, which spreadsheets hide and read as "this is
text". Numbers are left alone ("-3.5" stays a number), and so is every other text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if not isinstance(value, str) or not value.startswith(FORMULA_START) or _is_number(value):
        return value
    return "'" + value


def safe_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: safe_cell(value) for key, value in row.items()}


def safe_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [safe_row(r) for r in rows]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text  # " -1" with a tab or CR is not a plain number
