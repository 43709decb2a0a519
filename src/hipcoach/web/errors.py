"""Turning refusals into HTTP answers with the same plain message the CLI would print.

The API answers JSON, as it always has; a person in a browser gets a page with the same words and a
way to carry on (answer_kind decides which). Unexpected errors keep their traceback in the server log.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException

from hipcoach.errors import UserError
from hipcoach.store.errors import Conflict, Forbidden, NotFound
from hipcoach.web.answer_kind import answer_kind
from hipcoach.web.body_text import is_unicode, printable
from hipcoach.web.pages.error_page import error_answer, server_error_answer
from hipcoach.web.pages.error_view import error_view, http_error_words, validation_words


def _body(exc: UserError) -> dict:
    return {"detail": exc.message, "hint": exc.hint}


def _printable(value):
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    return value


def user_error_status(exc: UserError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, Conflict):
        return 409
    return 422


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path: Starlette's 405 names only the first route's,
    and FastAPI makes one route per method (GET and DELETE on the same path are two routes). Where a
    route's path is this very path, only such routes count."""
    path, root = request.scope["path"], request.scope.get("root_path", "")
    path = path[len(root) :] if root and path.startswith(root + "/") else path
    by_path: dict[str, set[str]] = {}
    for route in iter_route_contexts(request.app.routes):
        regex = getattr(route, "path_regex", None)
        if route.methods and regex is not None and regex.match(path):
            by_path.setdefault(route.path, set()).update(route.methods)
    # A path written out in full is its own resource: /invitations/accept (POST) is not one of the
    # /invitations/{invitation_id} (DELETE), though that pattern matches it too (as OpenAPI reads it)
    methods = by_path.get(path) or set().union(*by_path.values())
    order = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
    return ", ".join(sorted(methods, key=lambda m: (order.index(m) if m in order else len(order), m)))


def _kind(request: Request):
    return answer_kind(request.scope["path"], request.headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> Response:
        status, kind = user_error_status(exc), _kind(request)
        if kind == "json":
            return JSONResponse(_body(exc), status_code=status)
        return await error_answer(request, kind, lambda role: error_view(status, exc.message, exc.hint, role))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        kind = _kind(request)
        if exc.status_code == 405:
            exc = HTTPException(405, exc.detail, {**(exc.headers or {}), "Allow": allowed_methods(request)})
        if kind == "json":
            return await http_exception_handler(request, exc)
        words = http_error_words(exc.status_code, exc.detail)
        return await error_answer(
            request, kind, lambda role: error_view(exc.status_code, *words, role), exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def unreadable(request: Request, exc: RequestValidationError) -> Response:
        kind = _kind(request)
        if kind == "json":
            if not is_unicode(repr(exc.errors())):  # an echoed input nothing could encode
                exc = RequestValidationError(_printable(exc.errors()), body=None)
            return await request_validation_exception_handler(request, exc)
        status, message, hint = validation_words(exc.errors())
        return await error_answer(request, kind, lambda role: error_view(status, message, hint, role))

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        """Starlette's last resort calls this, answers, then raises exc again for the server's log."""
        kind = _kind(request)
        if kind == "json":  # what Starlette answers without a handler
            return PlainTextResponse("Internal Server Error", status_code=500)
        return await server_error_answer(request, kind)
