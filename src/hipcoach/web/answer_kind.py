"""Whom a refusal is for: a program on the API reads JSON, a person reads a page, and htmx wants the
message alone to show on the page it was sent from. The one rule the error handlers and the upload
limit share, so the API's JSON bodies cannot drift from one of them to the other."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Answer = Literal["json", "page", "fragment"]
API_ROOT = "/api"


def answer_kind(path: str, headers: Mapping[str, str]) -> Answer:
    """`headers` must look names up without regard to case, as Starlette's Headers do."""
    if path == API_ROOT or path.startswith(API_ROOT + "/"):
        return "json"
    # htmx restoring history asks for the whole page, though it sends HX-Request too
    if headers.get("hx-request") == "true" and headers.get("hx-history-restore-request") != "true":
        return "fragment"
    return "page"
