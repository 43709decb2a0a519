"""Turning refusals into HTTP answers with the same plain message the CLI would print."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from hipcoach.errors import UserError
from hipcoach.store.errors import Conflict, Forbidden, NotFound


def _body(exc: UserError) -> dict:
    return {"detail": exc.message, "hint": exc.hint}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> JSONResponse:
        status = 422
        if isinstance(exc, NotFound):
            status = 404
        elif isinstance(exc, Forbidden):
            status = 403
        elif isinstance(exc, Conflict):
            status = 409
        return JSONResponse(_body(exc), status_code=status)
