"""Text that is not Unicode is refused before any route sees it: 422 naming the field.

JSON can spell a lone UTF-16 surrogate ("\\ud800"), and Python decodes it into a str that nothing
downstream can encode: not the password hash, not SQLite, not even the JSON answer that would say
what was wrong. So one check runs for every request body, as an app-wide dependency, on the body
FastAPI has already parsed (no second parse), rather than each model and route remembering it.

Forms cannot carry one: Starlette decodes url-encoded fields with replacement characters and
multipart fields as UTF-8 or else Latin-1, so only JSON bodies are looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi.exceptions import RequestValidationError
from starlette.requests import HTTPConnection

# A body without any of these cannot hold a lone surrogate: the escape \uD800-\uDFFF, or the same
# code point written raw as (invalid) UTF-8, which Python's json decodes with "surrogatepass".
_MAYBE_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def printable(text: str) -> str:
    """`text` with any lone surrogate written as its escape, so that it can be shown and encoded."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def is_unicode(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def lone_surrogates(value, where: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, text) for each string, key or value, in parsed JSON that is not valid Unicode."""
    if isinstance(value, str):
        if not is_unicode(value):
            yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if not is_unicode(key):
                yield (*where, printable(key)), key
            yield from lone_surrogates(item, (*where, key if is_unicode(key) else printable(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from lone_surrogates(item, (*where, i))


def text_error(where: tuple, text: str) -> dict:
    """One error in FastAPI's 422 shape."""
    return {
        "type": "string_unicode",
        "loc": ("body", *where),
        "msg": "Text must be valid Unicode: a lone UTF-16 surrogate (such as \\ud800) is not a character",
        "input": printable(text[:80]),
    }


def sends_json(request: HTTPConnection) -> bool:
    """An HTTP request that may carry a JSON body (a WebSocket has none: the live socket checks its
    own messages, web/live_protocol.py): what the app-wide body checks look at."""
    if request.scope["type"] != "http" or request.method in SAFE_METHODS:
        return False
    return "json" in request.headers.get("content-type", "")


async def refuse_lone_surrogates(request: HTTPConnection) -> None:
    """App-wide dependency: a JSON body holding a lone surrogate anywhere is a 422 naming where."""
    if not sends_json(request):
        return
    if getattr(request.scope.get("route"), "body_field", True) is None:
        return  # the route takes no body (or reads its own: POST /api/v1/backup checks in its thread)
    raw = await request.body()  # already read (and kept) by FastAPI for routes with a body
    if not _MAYBE_SURROGATE.search(raw):
        return
    try:
        data = await request.json()  # the parse FastAPI made and kept
    except ValueError:
        return  # not JSON at all: FastAPI's own answer for that stands
    errors = [text_error(where, text) for where, text in lone_surrogates(data)]
    if errors:
        raise RequestValidationError(errors[:20])
