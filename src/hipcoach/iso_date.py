"""A calendar day as the API, the backup file and a profile write it: YYYY-MM-DD, and nothing else.

Pydantic's own date also reads a number, or a string of digits, as a Unix timestamp: `start_date: 0`
became 1970-01-01 and `/check-ins/0` a check-in for that day, which no one means and which OpenAPI's
`format: date` (what the API documents) does not allow. A date object (TOML reads its own dates so)
is taken as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

_WRITTEN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _written_as_a_date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _WRITTEN.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:  # 2026-02-30
            raise PydanticCustomError(
                "date_from_datetime_parsing", "Input should be a valid date: {why}", {"why": str(exc)}
            ) from None
    raise PydanticCustomError("date_type", "Input should be a date written YYYY-MM-DD, like 2026-03-01")


IsoDate = Annotated[dt.date, BeforeValidator(_written_as_a_date)]


def json_value(value: Any) -> Any:
    """A date or date-time as its ISO text (what JSON files here hold), anything else as it is."""
    return value.isoformat() if isinstance(value, dt.date) else value
