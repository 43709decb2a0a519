"""Forgotten passwords: the forgot page (mails a one-time link when SMTP is configured, otherwise says
to ask the server's owner for one) and the page the link opens, where a new password is chosen.

The forgot page answers the same words, at the same speed, whether or not the email has an account:
the link is made and mailed after the answer has gone (a background task), and a mail that cannot be
sent goes to the server's log only. Both forms refuse other sites' posts and carry the pre-session
token, as the sign-in form does; the forgot page is throttled per email and per address. Choosing a
new password does not reset the sign-in throttle.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request

from hipcoach.store.credentials import hash_password, password_problem
from hipcoach.store.password_reset import RESET_HOURS, ResetRefused, check_reset, create_reset, use_reset
from hipcoach.web import mail
from hipcoach.web.login_guard import (
    client_address,
    keep_presession,
    presession_ok,
    presession_token,
    refuse_other_sites,
)
from hipcoach.web.login_throttle import throttle_of, too_many_message
from hipcoach.web.pages.render import render

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
EXPIRED = "This form had expired, so nothing was sent. Please fill it in and send it again."
ON_ITS_WAY = (
    f"If an account uses that email, a link to choose a new password is on its way to it. The link works "
    f"once, for {RESET_HOURS} hours. Nothing after a few minutes? Look in the spam folder, or ask the "
    "server's owner for a link."
)
CHANGED = "Your password is changed and you were signed out everywhere. Sign in with the new password."


def _page(request: Request, name: str, status: int = 200, headers: dict | None = None, **context):
    context.setdefault("errors", {})
    response = render(request, name, status, form_token=presession_token(request), **context)
    keep_presession(request, response)
    response.headers.update(headers or {})
    return response


def _forgot(request: Request, status: int = 200, headers: dict | None = None, **context):
    mail_on = request.app.state.settings.smtp is not None
    return _page(request, "forgot.html", status, headers, mail_on=mail_on, hours=RESET_HOURS, **context)


@router.get("/forgot")
def forgot_page(request: Request):
    return _forgot(request)


@router.post("/forgot")
def forgot(
    request: Request,
    background: BackgroundTasks,
    email: Annotated[str, Form(max_length=254)] = "",
    csrf_token: Annotated[str, Form()] = "",
):
    refuse_other_sites(request)
    if request.app.state.settings.smtp is None:
        return _forgot(request)  # nothing to send with: the page says to ask the owner
    if not presession_ok(request, csrf_token):
        return _forgot(request, 403, error=EXPIRED, email=email)
    if "@" not in email:
        return _forgot(request, 422, error="Type the email you signed up with.", email=email)
    throttle = throttle_of(request.app)
    keys = [("forgot-from", client_address(request)), ("forgot", email.strip().lower())]
    wait = throttle.wait_s(keys)
    if wait:
        return _forgot(request, 429, {"Retry-After": str(wait)}, error=too_many_message(wait), email=email)
    throttle.failed(keys)  # every request counts: a mailbox must not be flooded
    background.add_task(_mail_link, request, email)
    return _forgot(request, notice=ON_ITS_WAY)


def _link(request: Request, raw: str) -> str:
    base = request.app.state.settings.public_url or str(request.base_url)
    return f"{base.rstrip('/')}/reset/{raw}"


def _mail_link(request: Request, email: str) -> None:
    settings = request.app.state.settings
    with request.app.state.database.transaction() as db:
        made = create_reset(db, email)
    if made is None:
        return
    raw, expires = made
    try:
        mail.send(
            settings.smtp,
            mail.reset_message(settings.smtp, email.strip().lower(), _link(request, raw), expires),
        )
    except (OSError, mail.smtplib.SMTPException):
        log.exception(
            "could not mail a password-reset link (SMTP %s:%s)", settings.smtp.host, settings.smtp.port
        )


def _reset_page(request: Request, token: str, status: int = 200, **context):
    return _page(request, "reset.html", status, action=f"/reset/{token}", **context)


@router.get("/reset/{token}")
def reset_page(request: Request, token: str):
    try:
        with request.app.state.database.transaction(write=False) as db:
            _, user = check_reset(db, token)
    except ResetRefused as exc:
        return _reset_page(request, token, 410, refused=exc)
    return _reset_page(request, token, email=user.email)


@router.post("/reset/{token}")
def reset(
    request: Request,
    token: str,
    password: Annotated[str, Form()] = "",
    password_again: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
):
    refuse_other_sites(request)
    try:
        with request.app.state.database.transaction(write=False) as db:
            _, user = check_reset(db, token)
    except ResetRefused as exc:
        return _reset_page(request, token, 410, refused=exc)
    if not presession_ok(request, csrf_token):
        return _reset_page(request, token, 403, email=user.email, errors={"form": EXPIRED})
    problem = password_problem(password, user.email, user.display_name)
    if not problem and password != password_again:
        problem = "The two passwords differ; type the same new password twice."
    if problem:
        return _reset_page(request, token, 422, email=user.email, errors={"password": problem})
    password_hash = hash_password(password)  # slow on purpose: kept out of the writers' turn
    try:
        with request.app.state.database.transaction() as db:
            use_reset(db, token, password_hash)
    except ResetRefused as exc:  # used by another request meanwhile
        return _reset_page(request, token, 410, refused=exc)
    values = {"email": user.email, "next": "/"}
    return _page(request, "login.html", values=values, notice=CHANGED)
