"""Sign-up, sign-in (cookie session), sign-out, and API tokens.

Sign-up answers 202 and the same words whether or not the email had an account (a taken email's
account is left as it was), and does not sign in: the client signs in next with POST /session, which
is throttled (429 with Retry-After). Posts that a browser marks as coming from another site are
refused (403), as on the sign-in pages.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from hipcoach.store import accounts, erasure
from hipcoach.store.credentials import hash_password, password_problem
from hipcoach.web.deps import DB, SESSION_COOKIE, Actor, Id, Tx, csrf_token, set_session_cookie
from hipcoach.web.login_guard import OTHER_SITE, attempt_sign_in, refuse_other_sites, remember_device
from hipcoach.web.login_throttle import too_many_message
from hipcoach.web.problems import problems
from hipcoach.web.schemas import LoginIn, NewTokenOut, SessionOut, SignupIn, TokenIn, TokenOut, UserOut

router = APIRouter(prefix="/api/v1", tags=["accounts"])

SIGNED_UP = (
    "Account requested: sign in with POST /api/v1/session. If the email had an account already, "
    "nothing about it was changed and its own password still signs in."
)


class SignupOut(BaseModel):
    detail: str


_OTHER_SITE = {403: OTHER_SITE}


@router.post(
    "/accounts",
    status_code=202,
    response_model=SignupOut,
    responses=problems(
        400,
        422,
        said={
            **_OTHER_SITE,
            422: "A field breaks a rule, or the password is easy to guess (detail says why).",
        },
    ),
)
def sign_up(body: SignupIn, request: Request, tx: Tx) -> SignupOut:
    refuse_other_sites(request)
    problem = password_problem(body.password, body.email, body.display_name)
    if problem:
        error = {"type": "weak_password", "loc": ("body", "password"), "msg": problem, "input": None}
        raise RequestValidationError([error])
    password_hash = hash_password(body.password)  # slow on purpose: kept out of the writers' turn
    with tx() as db:
        accounts.request_account(db, body.email, password_hash, body.display_name, body.role)
    return SignupOut(detail=SIGNED_UP)


@router.post(
    "/session",
    response_model=SessionOut,
    responses=problems(
        400,
        422,
        said={
            401: "Wrong email or password.",
            429: "Too many wrong passwords lately; Retry-After says how many seconds to wait.",
            **_OTHER_SITE,
        },
    ),
)
def sign_in(body: LoginIn, request: Request, response: Response, tx: Tx) -> SessionOut:
    refuse_other_sites(request)
    attempt = attempt_sign_in(request, body.email, body.password)  # slow on purpose, known email or not
    if attempt.retry_after_s:
        wait = attempt.retry_after_s
        raise HTTPException(429, too_many_message(wait), headers={"Retry-After": str(wait)})
    if attempt.user is None:
        raise HTTPException(401, "Wrong email or password.")
    with tx() as writer:
        signed = _signed_in(request, response, writer, attempt.user)
    remember_device(request, response, attempt.user)
    return signed


@router.delete("/session", status_code=204, responses=problems(401, 403))
def sign_out(request: Request, response: Response, actor: Actor, tx: Tx) -> None:
    with tx() as db:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            accounts.end_login_session(db, raw)
        response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me", response_model=UserOut, responses=problems(401))
def me(actor: Actor) -> UserOut:
    return UserOut.model_validate(actor)


class DeleteAccountIn(BaseModel):
    password: str = Field(max_length=1000, description="the account's password, to confirm")


@router.delete(
    "/me",
    status_code=204,
    responses=problems(401, 422, 429),
)
def delete_me(body: DeleteAccountIn, request: Request, response: Response, actor: Actor, tx: Tx) -> None:
    """Delete the account and everything in it (rows, videos, coach links, sessions, tokens)."""
    attempt = attempt_sign_in(request, actor.email, body.password)  # throttled like signing in
    if attempt.retry_after_s:
        wait = attempt.retry_after_s
        raise HTTPException(429, too_many_message(wait), headers={"Retry-After": str(wait)})
    if attempt.user is None or attempt.user.id != actor.id:
        raise HTTPException(401, "That is not this account's password; nothing was deleted.")
    with tx() as db:
        leftovers = erasure.delete_account(db, actor)
    settings = request.app.state.settings
    erasure.remove_files(leftovers, settings.uploads_dir, settings.analyses_dir)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.post("/tokens", status_code=201, response_model=NewTokenOut, responses=problems(400, 401, 403, 422))
def new_token(body: TokenIn, actor: Actor, tx: Tx) -> NewTokenOut:
    with tx() as db:
        token, raw = accounts.create_api_token(db, actor, body.name)
        return NewTokenOut(id=token.id, name=token.name, created_at=token.created_at, token=raw)


@router.get("/tokens", response_model=list[TokenOut], responses=problems(401))
def tokens(actor: Actor, db: DB) -> list[TokenOut]:
    return [TokenOut.model_validate(t) for t in accounts.list_api_tokens(db, actor)]


@router.delete("/tokens/{token_id}", status_code=204, responses=problems(401, 403, 404, 422))
def revoke_token(token_id: Id, actor: Actor, tx: Tx) -> None:
    with tx() as db:
        accounts.revoke_api_token(db, actor, token_id)


def _signed_in(request: Request, response: Response, db: DB, user) -> SessionOut:
    raw = accounts.start_login_session(db, user)
    set_session_cookie(request, response, raw)
    return SessionOut(user=UserOut.model_validate(user), csrf_token=csrf_token(request, raw))
