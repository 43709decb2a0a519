"""Showing an ErrorView: the whole page for a browser, the message alone for htmx.

htmx puts the message in the page's #page-error box (HX-Retarget), not in the form's own target, so a
refusal never replaces the form it came from; base.html's htmx config lets these statuses swap.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from hipcoach.store.models import User
from hipcoach.web.answer_kind import Answer
from hipcoach.web.pages.error_view import ErrorView, backup_too_large_view, server_error_view, too_large_view
from hipcoach.web.pages.render import page_user, render

HTMX_TARGET = {"HX-Retarget": "#page-error", "HX-Reswap": "innerHTML"}
BARE_500 = (
    "<!doctype html><title>Something went wrong · hipcoach</title><h1>Something went wrong on our side</h1>"
    "<p>Nothing you saved before was lost. Go back, reload the page and try again.</p>"
)


async def viewer(request: Request) -> User | None:
    """The signed-in user for the navigation and the way on, if the database still answers."""
    try:
        return await page_user(request)
    except Exception:
        return None


def show(request: Request, view: ErrorView, user: User | None, kind: Answer, headers=None) -> Response:
    extra = dict(headers or {}) | (HTMX_TARGET if kind == "fragment" else {})
    name = "_error.html" if kind == "fragment" else "error.html"
    response = render(request, name, view.status, user=user, view=view)
    response.headers.update(extra)
    return response


async def error_answer(
    request: Request, kind: Answer, build: Callable[[str | None], ErrorView], headers=None
) -> Response:
    """`build` makes the view from the viewer's role (None when signed out)."""
    user = await viewer(request)
    return show(request, build(user.role if user else None), user, kind, headers)


async def server_error_answer(request: Request, kind: Answer) -> Response:
    """Never fails in turn: if even the template cannot be shown, a bare page says the same."""
    try:
        return await error_answer(request, kind, server_error_view)
    except Exception:
        return HTMLResponse(BARE_500, status_code=500)


async def too_large_answer(request: Request, limit_bytes: int, kind: Answer) -> Response:
    """The upload form's own address shows the form again (GET), so that is the way back."""
    user = await viewer(request)
    return show(request, too_large_view(limit_bytes, request.scope["path"]), user, kind)


async def too_large_backup_answer(request: Request, limit_bytes: int, kind: Answer) -> Response:
    """The data page's import form, sent a file over the backup limit."""
    user = await viewer(request)
    return show(request, backup_too_large_view(limit_bytes), user, kind)
