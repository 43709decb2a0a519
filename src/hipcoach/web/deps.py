"""Per-request plumbing: a database transaction, the signed-in user, and CSRF for cookie sessions.

API clients send 'Authorization: Bearer <token>'. Browsers carry an HttpOnly SameSite=Lax session
cookie; any change made with that cookie must also carry the session's CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, Response
from fastapi.security import APIKeyCookie, HTTPBearer
from sqlalchemy.orm import Session

from hipcoach.store.accounts import SESSION_DAYS, user_for_api_token, user_for_session
from hipcoach.store.models import User

SESSION_COOKIE = "hipcoach_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MAX_ID = 2**31 - 1

Id = Annotated[int, Path(ge=1, le=MAX_ID, description="a positive id")]


async def get_db(request: Request) -> AsyncIterator[Session]:
    """A read-only view for the request (GET routes). Opened and closed in the event loop, which costs
    microseconds (the connection is taken at the first query, in the route's thread); a plain generator
    would cost two more trips through the thread pool per request, each a wait in line under load."""
    with request.app.state.database.transaction(write=False) as db:
        yield db


# scope="function": closed before the response leaves.
DB = Annotated[Session, Depends(get_db, scope="function")]


async def write_transaction(request: Request) -> Callable[[], AbstractContextManager[Session]]:
    """Routes that change data open this in their own body: the whole transaction, SQLite's writers'
    turn included, then runs in one thread and commits before the response is sent, so a client
    never sees success for unsaved data and its next request finds what this one saved.
    async only so FastAPI calls it in the event loop rather than through the thread pool."""
    return request.app.state.database.transaction


Tx = Annotated[Callable[[], AbstractContextManager[Session]], Depends(write_transaction)]


def csrf_token(request: Request, session_token: str) -> str:
    secret = request.app.state.settings.signing_secret().encode()
    return hmac.new(secret, session_token.encode(), hashlib.sha256).hexdigest()


def set_session_cookie(request: Request, response: Response, raw: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        raw,
        max_age=SESSION_DAYS * 86400,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        path="/",
    )


def _refuse(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


# Only so that OpenAPI documents the two ways to sign in (either will do); _identify reads both.
_BEARER = HTTPBearer(auto_error=False, description="an API token: POST /api/v1/tokens makes one")
_COOKIE = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description=f"the browser session; changes also need {CSRF_HEADER}"
)


async def current_user(
    request: Request,
    _bearer: Annotated[object, Depends(_BEARER)],
    _cookie: Annotated[object, Depends(_COOKIE)],
) -> User:
    """Who is asking. Two indexed lookups, done in the event loop: a hop to a worker thread would cost
    more than the query, and under load a queue for threads is where the latency piles up."""
    with request.app.state.database.transaction(write=False) as db:
        return _identify(request, db)


def _identify(request: Request, db: Session) -> User:
    auth = request.headers.get("authorization", "")
    if auth:
        scheme, _, raw = auth.partition(" ")
        user = user_for_api_token(db, raw.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise _refuse("That API token is not valid; make one with POST /api/v1/tokens.")
        return user
    raw = request.cookies.get(SESSION_COOKIE)
    user = user_for_session(db, raw) if raw else None
    if user is None:
        raise _refuse("Sign in first (or send an API token).")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent, csrf_token(request, raw)):
            raise HTTPException(403, f"Missing or wrong {CSRF_HEADER}; reload the page and try again.")
    return user


Actor = Annotated[User, Depends(current_user)]
