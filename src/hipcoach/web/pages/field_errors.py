"""Validation errors as short sentences for the message printed under each form field."""

from __future__ import annotations

from pydantic import ValidationError


def _sentence(error: dict) -> str:
    ctx, kind = error.get("ctx") or {}, error["type"]
    if kind in ("less_than_equal", "less_than"):
        return f"Too high: at most {ctx.get('le', ctx.get('lt'))}."
    if kind in ("greater_than_equal", "greater_than"):
        return f"Too low: at least {ctx.get('ge', ctx.get('gt'))}."
    if kind in ("int_parsing", "int_type"):
        return "Type a whole number."
    if kind == "float_parsing":
        return "Type a number."
    if kind == "missing":
        return "Fill this in."
    return error["msg"].removeprefix("Value error, ")


def field_errors(exc: ValidationError) -> dict[str, str]:
    """{field: message}, the first problem of each field."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        errors.setdefault(str(error["loc"][0]) if error["loc"] else "form", _sentence(error))
    return errors
