"""Sign-up, sign-in and sign-out pages.

Sign-up never says whether an email has an account: a new email gets an account, a taken one is left
as it was, and both answer with the sign-in form and the same words, so the person carries on by
signing in (with the password they just chose, or with their old one if they had an account).
Sign-in is throttled and both forms refuse other sites' posts (see login_guard).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from hipcoach.store import accounts
from hipcoach.store.credentials import hash_password, password_problem
from hipcoach.web.deps import SESSION_COOKIE, set_session_cookie
from hipcoach.web.login_guard import (
    attempt_sign_in,
    keep_presession,
    presession_ok,
    presession_token,
    refuse_other_sites,
    remember_device,
    safe_next,
)
from hipcoach.web.login_throttle import too_many_message
from hipcoach.web.pages.render import CheckedForm, render
from hipcoach.web.schemas import SignupIn

router = APIRouter(include_in_schema=False)

SIGNED_UP = (
    "Thank you. Now sign in with the email and password you chose. If that email had an account "
    "already, nothing about it was changed: sign in with its own password, or sign up with another email."
)
EXPIRED = "This form had expired, so nothing was sent. Please fill it in and send it again."
WRONG = "Wrong email or password."


def _form_page(request: Request, name: str, status: int = 200, headers: dict | None = None, **context):
    context.setdefault("errors", {})
    context.setdefault("values", {})
    response = render(request, name, status, form_token=presession_token(request), **context)
    keep_presession(request, response)
    response.headers.update(headers or {})
    return response


def _login_page(request: Request, status=200, email="", next_="/", headers: dict | None = None, **context):
    values = {"email": email, "next": next_}
    return _form_page(request, "login.html", status, headers, values=values, **context)


@router.get("/signup")
def signup_page(request: Request, next: str = ""):
    return _form_page(request, "signup.html", values={"next": safe_next(next)})


@router.post("/signup")
def signup(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "runner",
    csrf_token: Annotated[str, Form()] = "",
    next_: Annotated[str, Form(alias="next")] = "",
):
    refuse_other_sites(request)
    target = safe_next(next_)  # an invitation link, say: sign-in goes there afterwards
    values = {"email": email, "display_name": display_name, "role": role, "next": target}
    if not presession_ok(request, csrf_token):
        return _form_page(request, "signup.html", 403, errors={"form": EXPIRED}, values=values)
    try:
        body = SignupIn(email=email, password=password, display_name=display_name, role=role)
    except ValidationError as exc:
        errors = {str(e["loc"][0]): e["msg"] for e in exc.errors()}
        return _form_page(request, "signup.html", 422, errors=errors, values=values)
    problem = password_problem(body.password, body.email, body.display_name)
    if problem:
        return _form_page(request, "signup.html", 422, errors={"password": problem}, values=values)
    password_hash = hash_password(body.password)  # slow on purpose: kept out of the writers' turn
    with request.app.state.database.transaction() as db:
        accounts.request_account(db, body.email, password_hash, body.display_name, body.role)
    return _login_page(request, email=body.email, next_=target, notice=SIGNED_UP)


@router.get("/login")
def login_page(request: Request, next: str = ""):
    return _login_page(request, next_=safe_next(next))


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next_: Annotated[str, Form(alias="next")] = "",
):
    refuse_other_sites(request)
    target = safe_next(next_)
    if not presession_ok(request, csrf_token):
        return _login_page(request, 403, email, target, error=EXPIRED)
    attempt = attempt_sign_in(request, email, password)
    if attempt.retry_after_s:
        message, wait = too_many_message(attempt.retry_after_s), str(attempt.retry_after_s)
        return _login_page(request, 429, email, target, {"Retry-After": wait}, error=message)
    if attempt.user is None:
        return _login_page(request, 401, email, target, error=WRONG)
    with request.app.state.database.transaction() as db:
        raw = accounts.start_login_session(db, attempt.user)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(request, response, raw)
    remember_device(request, response, attempt.user)
    return response


@router.post("/logout")
def logout(request: Request, form: CheckedForm):
    with request.app.state.database.transaction() as db:
        accounts.end_login_session(db, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
