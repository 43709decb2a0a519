"""Sign-up, sign-in (cookie session), sign-out, and API tokens."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from hipcoach.store import accounts
from hipcoach.store.credentials import hash_password
from hipcoach.web.deps import DB, SESSION_COOKIE, Actor, Id, Tx, csrf_token, set_session_cookie
from hipcoach.web.schemas import LoginIn, NewTokenOut, SessionOut, SignupIn, TokenIn, TokenOut, UserOut

router = APIRouter(prefix="/api/v1", tags=["accounts"])


@router.post("/accounts", status_code=201, response_model=SessionOut)
def sign_up(body: SignupIn, request: Request, response: Response, tx: Tx) -> SessionOut:
    password_hash = hash_password(body.password)  # slow on purpose: kept out of the writers' turn
    with tx() as db:
        user = accounts.create_user_hashed(db, body.email, password_hash, body.display_name, body.role)
        return _signed_in(request, response, db, user)


@router.post("/session", response_model=SessionOut)
def sign_in(body: LoginIn, request: Request, response: Response, db: DB, tx: Tx) -> SessionOut:
    user = accounts.authenticate(db, body.email, body.password)  # read-only, and slow on purpose
    if user is None:
        raise HTTPException(401, "Wrong email or password.")
    with tx() as writer:
        return _signed_in(request, response, writer, user)


@router.delete("/session", status_code=204)
def sign_out(request: Request, response: Response, actor: Actor, tx: Tx) -> None:
    with tx() as db:
        raw = request.cookies.get(SESSION_COOKIE)
        if raw:
            accounts.end_login_session(db, raw)
        response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me", response_model=UserOut)
def me(actor: Actor) -> UserOut:
    return UserOut.model_validate(actor)


@router.post("/tokens", status_code=201, response_model=NewTokenOut)
def new_token(body: TokenIn, actor: Actor, tx: Tx) -> NewTokenOut:
    with tx() as db:
        token, raw = accounts.create_api_token(db, actor, body.name)
        return NewTokenOut(id=token.id, name=token.name, created_at=token.created_at, token=raw)


@router.get("/tokens", response_model=list[TokenOut])
def tokens(actor: Actor, db: DB) -> list[TokenOut]:
    return [TokenOut.model_validate(t) for t in accounts.list_api_tokens(db, actor)]


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: Id, actor: Actor, tx: Tx) -> None:
    with tx() as db:
        accounts.revoke_api_token(db, actor, token_id)


def _signed_in(request: Request, response: Response, db: DB, user) -> SessionOut:
    raw = accounts.start_login_session(db, user)
    set_session_cookie(request, response, raw)
    return SessionOut(user=UserOut.model_validate(user), csrf_token=csrf_token(request, raw))
