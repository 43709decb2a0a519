"""Rendering pages: templates, the signed-in user from the cookie, and CSRF for form posts."""

from __future__ import annotations

import hmac
from importlib import resources
from typing import Annotated

import jinja2
from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from hipcoach.store.accounts import user_for_session
from hipcoach.store.errors import Forbidden
from hipcoach.store.models import User
from hipcoach.web.deps import SESSION_COOKIE, csrf_token

# Templates ship inside the package and never change while the app runs, so Jinja need not check each
# file's modification time on every render (its default, which cost a few percent of every page).
templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("hipcoach.web").joinpath("templates"))),
        autoescape=jinja2.select_autoescape(),
        auto_reload=False,
    )
)


class SignInFirst(Exception):
    """A page that needs an account was asked for without one: the handler redirects to /login."""


async def page_user(request: Request) -> User | None:
    """Looked up in the event loop, as the API's user is: one indexed query costs less than a hop to a
    worker thread, and under load the wait for a thread is where latency piles up."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    with request.app.state.database.transaction(write=False) as db:
        return user_for_session(db, raw)


async def signed_in(request: Request) -> User:
    user = await page_user(request)
    if user is None:
        raise SignInFirst
    return user


async def checked_form(request: Request) -> dict:
    """The posted form, refused unless it carries this session's CSRF token."""
    form = await request.form()
    raw = request.cookies.get(SESSION_COOKIE, "")
    sent = str(form.get("csrf_token", "")) or request.headers.get("X-CSRF-Token", "")
    if not raw or not hmac.compare_digest(sent, csrf_token(request, raw)):
        raise HTTPException(403, "This form has expired; reload the page and send it again.")
    return {k: (form.getlist(k) if len(form.getlist(k)) > 1 else form.get(k)) for k in form}


async def signed_in_runner(request: Request) -> User:
    """The training pages are a runner's own; a coach who opens one is told where their pages are."""
    user = await signed_in(request)
    if user.role != "runner":
        raise Forbidden(
            "These pages are for a runner's own training.", "Follow your athletes on the Athletes page."
        )
    return user


PageUser = Annotated[User, Depends(signed_in)]
RunnerUser = Annotated[User, Depends(signed_in_runner)]
CheckedForm = Annotated[dict, Depends(checked_form)]


def is_htmx(request: Request) -> bool:
    """An htmx request wants the part of the page it swaps; a plain post gets a redirect or a page."""
    return request.headers.get("HX-Request") == "true"


def render(request: Request, name: str, status_code: int = 200, **context):
    user = context.pop("user", None)
    raw = request.cookies.get(SESSION_COOKIE)
    context |= {"user": user, "csrf": csrf_token(request, raw) if raw else ""}
    return templates.TemplateResponse(request, name, context, status_code=status_code)
