"""The refusals each API route documents in OpenAPI, all in one body shape, so the document is true.

Every 4xx the API answers is a `Problem`: `detail` says what went wrong, either as a sentence (with a
`hint` saying what to do) or, for a body or parameter the API could not read, as a list naming each
field (FastAPI's own list). A route lists the codes it can really answer with `problems(...)`:

    @router.post("/things", responses=problems(401, 403, 404, 422))

and may word one for itself: `problems(401, 422, said={409: "this name is taken"})`. Codes without a
wording of their own use the shared one below.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FieldProblem(BaseModel):
    """One field that could not be read (FastAPI's validation error)."""

    type: str = Field(description="what kind of problem, e.g. missing, int_parsing, value_error")
    loc: list[str | int] = Field(description="where: body, query, path or header, then the field's path")
    msg: str = Field(description="what is wrong with the value")
    input: Any = Field(None, description="the value sent (shortened or null for secrets)")
    ctx: dict[str, Any] | None = None


class Problem(BaseModel):
    """Why a request was refused; nothing was changed."""

    detail: str | list[FieldProblem] = Field(
        description="a sentence saying what went wrong, or for an unreadable request the fields at fault"
    )
    hint: str | None = Field(None, description="what to do about it, when there is more to say")


WORDING: dict[int, str] = {
    400: "The body could not be read at all: not UTF-8 JSON, or a broken multipart form.",
    401: "Not signed in: send 'Authorization: Bearer <token>' (POST /api/v1/tokens) or the session cookie.",
    403: "Not allowed: the wrong kind of account for this, someone else's data, or (signed in with the "
    "cookie) a missing X-CSRF-Token header or a post from another site.",
    404: "Not found among what this account can see (others' data looks the same as missing data).",
    409: "Clashes with what is saved already; nothing was changed.",
    413: "The body is larger than the server's limit for it.",
    422: "A field breaks a rule: `detail` names each field, or says which rule, and `hint` what to do.",
    429: "Too many tries lately; wait the seconds Retry-After gives.",
    503: "The server is busy (more requests in hand than it can serve soon); nothing was changed. Wait "
    "the seconds Retry-After gives and send it again.",
}
RETRY_AFTER = {
    "Retry-After": {"description": "seconds to wait before trying again", "schema": {"type": "integer"}}
}


def problems(*codes: int, said: dict[int, str] | None = None) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the refusals a route can answer, each with the Problem body."""
    said = said or {}
    out: dict[int | str, dict[str, Any]] = {}
    for code in sorted({*codes, *said}):
        out[code] = {"model": Problem, "description": said.get(code, WORDING[code])}
        if code in (429, 503):
            out[code]["headers"] = RETRY_AFTER
    return out


def document_everywhere(openapi: dict) -> dict:
    """What any API operation can answer, whatever the route: 503 when the server sheds load
    (web/load_shed.py, in front of every route), and 400 for a body that is not JSON (or not a form)
    at all and 413 for one over its limit (web/upload_limit.py), for every operation that reads one.
    Added to the generated document, so a route added later cannot leave them out."""
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, operations in openapi.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            wanted = [503] + ([400, 413] if "requestBody" in operation else [])
            for code in wanted:
                responses.setdefault(
                    str(code),
                    {
                        "description": WORDING[code],
                        "content": {"application/json": {"schema": problem}},
                        **({"headers": RETRY_AFTER} if code == 503 else {}),
                    },
                )
    return openapi
