"""Rendering pages: templates, the signed-in user from the cookie, and CSRF for form posts."""

from __future__ import annotations

import hmac
from importlib import resources
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from hipcoach.store.accounts import user_for_session
from hipcoach.store.models import User
from hipcoach.web.deps import SESSION_COOKIE, csrf_token

templates = Jinja2Templates(directory=str(resources.files("hipcoach.web").joinpath("templates")))


class SignInFirst(Exception):
    """A page that needs an account was asked for without one: the handler redirects to /login."""


def page_user(request: Request) -> User | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    with request.app.state.database.transaction(write=False) as db:
        return user_for_session(db, raw)


def signed_in(request: Request) -> User:
    user = page_user(request)
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


PageUser = Annotated[User, Depends(signed_in)]
CheckedForm = Annotated[dict, Depends(checked_form)]


def render(request: Request, name: str, status_code: int = 200, **context):
    user = context.pop("user", None)
    raw = request.cookies.get(SESSION_COOKIE)
    context |= {"user": user, "csrf": csrf_token(request, raw) if raw else ""}
    return templates.TemplateResponse(request, name, context, status_code=status_code)
