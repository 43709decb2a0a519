"""A JSON body's values must have the types OpenAPI documents: `"reps": "5"` or `"pain": false` is a 422.

The request models are shared with the web pages, whose forms send every value as text, so the
models themselves read leniently (a "5" becomes 5, a false becomes 0). An API client writes JSON,
where a number, a boolean and a string are different things, and the OpenAPI document promises
exactly that; so for every JSON body one app-wide dependency checks it again, strictly, against the
route's own model before the route runs. The one leniency kept is JSON Schema's own: 5.0 is an
integer. Errors name each field the same way FastAPI's do.
"""

from __future__ import annotations

import json
from functools import cache

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, TypeAdapter, ValidationError
from starlette.requests import HTTPConnection

from hipcoach.web.body_text import sends_json


@cache
def _strict(model: type) -> TypeAdapter | None:
    return TypeAdapter(model) if isinstance(model, type) and issubclass(model, BaseModel) else None


def _whole_floats_as_ints(value):
    """JSON Schema counts 5.0 as an integer; pydantic's strict mode does not, and a number field
    takes an int as it is."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_floats_as_ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_floats_as_ints(v) for v in value]
    return value


async def refuse_loose_types(request: HTTPConnection) -> None:
    """App-wide dependency: a JSON body whose values have the wrong JSON types is a 422 naming them."""
    if not sends_json(request):
        return
    field = getattr(request.scope.get("route"), "body_field", None)
    adapter = _strict(field.field_info.annotation) if field is not None else None
    if adapter is None:
        return  # no body, a form, or a route that reads its own
    try:
        data = await request.json()  # the parse FastAPI made and kept
    except ValueError:
        return  # not JSON at all: FastAPI's own answer for that stands
    try:
        adapter.validate_json(json.dumps(_whole_floats_as_ints(data)), strict=True)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        raise RequestValidationError(errors[:20]) from None
    except (ValueError, RecursionError):
        return  # text nothing can encode: refuse_lone_surrogates answers for it
