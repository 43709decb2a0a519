"""Sign-up, sign-in and sign-out pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from hipcoach.store import accounts
from hipcoach.store.credentials import hash_password
from hipcoach.store.errors import Conflict
from hipcoach.web.deps import SESSION_COOKIE, set_session_cookie
from hipcoach.web.pages.render import CheckedForm, render
from hipcoach.web.schemas import SignupIn

router = APIRouter(include_in_schema=False)


@router.get("/signup")
def signup_page(request: Request):
    return render(request, "signup.html", errors={}, values={})


@router.post("/signup")
def signup(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "runner",
):
    values = {"email": email, "display_name": display_name, "role": role}
    try:
        body = SignupIn(email=email, password=password, display_name=display_name, role=role)
    except ValidationError as exc:
        errors = {str(e["loc"][0]): e["msg"] for e in exc.errors()}
        return render(request, "signup.html", 422, errors=errors, values=values)
    password_hash = hash_password(body.password)
    try:
        with request.app.state.database.transaction() as db:
            user = accounts.create_user_hashed(db, body.email, password_hash, body.display_name, body.role)
            raw = accounts.start_login_session(db, user)
    except Conflict as exc:
        return render(request, "signup.html", 409, errors={"email": exc.message}, values=values)
    response = RedirectResponse("/onboarding" if body.role == "runner" else "/coach", status_code=303)
    set_session_cookie(request, response, raw)
    return response


@router.get("/login")
def login_page(request: Request):
    return render(request, "login.html", error="")


@router.post("/login")
def login(request: Request, email: Annotated[str, Form()] = "", password: Annotated[str, Form()] = ""):
    with request.app.state.database.transaction(write=False) as db:
        user = accounts.authenticate(db, email, password)
    if user is None:
        return render(request, "login.html", 401, error="Wrong email or password.")
    with request.app.state.database.transaction() as db:
        raw = accounts.start_login_session(db, user)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(request, response, raw)
    return response


@router.post("/logout")
def logout(request: Request, form: CheckedForm):
    with request.app.state.database.transaction() as db:
        accounts.end_login_session(db, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
