"""What guards signing in and up before anyone has a session: another site's posts, guessing, deep links.

Login CSRF: another site could post our sign-in form with the attacker's own password, so the victim
works (and uploads videos) in the attacker's account. The forms are refused when the browser says they
come from another origin (Origin, or Referer when there is no Origin), and unless they carry a token
bound to a random pre-session cookie (a signed double-submit: the cookie is HttpOnly and the token an
HMAC of it under the server's secret, so neither can be made elsewhere).

Guessing: every attempt counts against the client's address and against the account, or instead of the
account against a device cookie that a correct password once set on this browser. An attacker who keeps
failing on someone's email then locks out other strangers, never the owner on their own browser.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from fastapi import HTTPException, Request, Response

from hipcoach.store import accounts
from hipcoach.store.models import User
from hipcoach.web.login_throttle import throttle_of

PRESESSION_COOKIE = "hipcoach_presession"
DEVICE_COOKIE = "hipcoach_device"
PRESESSION_S = 86400  # a sign-in page left open longer than a day is sent again with a fresh token
DEVICE_S = 400 * 86400  # the longest a browser keeps a cookie
_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
OTHER_SITE = (
    "This form was sent from another site, so it was refused. Open this site's own page and try again."
)


def _sign(request: Request, purpose: str, value: str) -> str:
    secret = request.app.state.settings.signing_secret().encode()
    return hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def _set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        path="/",
    )


# --- the pre-session token on the sign-in and sign-up forms ----------------------------------------


def presession_token(request: Request) -> str:
    """The token for this page's form, bound to the browser's pre-session cookie (a new one if it has
    none); keep_presession then sets that cookie on the response."""
    value = getattr(request.state, "presession", None) or request.cookies.get(PRESESSION_COOKIE, "")
    if not _COOKIE_VALUE.match(value):
        value = secrets.token_urlsafe(24)
    request.state.presession = value
    return _sign(request, "presession", value)


def keep_presession(request: Request, response: Response) -> None:
    value = getattr(request.state, "presession", None)
    if value:
        _set_cookie(request, response, PRESESSION_COOKIE, value, PRESESSION_S)


def presession_ok(request: Request, sent: str) -> bool:
    value = request.cookies.get(PRESESSION_COOKIE, "")
    return bool(_COOKIE_VALUE.match(value)) and hmac.compare_digest(sent, _sign(request, "presession", value))


def same_origin(request: Request) -> bool:
    """False when Origin (or, without it, Referer) names another host than the one asked; True when the
    browser sent neither (the token then decides). Only the host and port are compared: behind a TLS
    proxy the browser's scheme is https while this server may see http."""
    host = request.headers.get("host", "").lower()
    origin = request.headers.get("origin")
    if origin is None:
        origin = request.headers.get("referer")
        if origin is None:
            return True
    if origin == "null":  # a sandboxed frame or a redirect across sites: no origin to trust
        return False
    return bool(host) and urlsplit(origin).netloc.lower() == host


def refuse_other_sites(request: Request) -> None:
    if not same_origin(request):
        raise HTTPException(403, OTHER_SITE)


# --- where to go after signing in --------------------------------------------------------------------


def safe_next(target: str | None) -> str:
    """A path on this site to go to after signing in; anything else (another site, a scheme, "//host",
    backslashes that browsers read as slashes, control characters) gives the home page."""
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def login_url_for(request: Request) -> str:
    """Where a signed-out visitor to this page is sent: the sign-in form, which returns here after."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET" or safe_next(target) == "/":
        return "/login"
    return "/login?next=" + quote(target, safe="/")


# --- the guessing limits ---------------------------------------------------------------------------


@dataclass
class Attempt:
    user: User | None  # signed in as this account when not None
    retry_after_s: int = 0  # > 0: refused without checking, too many failures lately


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _device_key(request: Request, user: User | None) -> tuple | None:
    """The bucket of a browser where this account signed in before, when its cookie proves so."""
    if user is None:
        return None
    user_id, _, rest = request.cookies.get(DEVICE_COOKIE, "").partition(".")
    device, _, mac = rest.partition(".")
    if user_id != str(user.id) or not _COOKIE_VALUE.match(device):
        return None
    if not hmac.compare_digest(mac, _sign(request, "device", f"{user_id}.{device}")):
        return None
    return ("device", user.id, device)


def remember_device(request: Request, response: Response, user: User) -> None:
    """After a correct password: this browser gets its own bucket for this account from now on."""
    device = secrets.token_urlsafe(18)
    mac = _sign(request, "device", f"{user.id}.{device}")
    _set_cookie(request, response, DEVICE_COOKIE, f"{user.id}.{device}.{mac}", DEVICE_S)


def attempt_sign_in(request: Request, email: str, password: str) -> Attempt:
    """Check the password unless this address or account is throttled; count a failure on both. An
    unknown email costs the same argon2 verification and counts just like a known one."""
    throttle = throttle_of(request.app)
    with request.app.state.database.transaction(write=False) as db:
        user = accounts.find_user(db, email)
    account_key = _device_key(request, user) or ("account", email.strip().lower())
    keys = [("address", client_address(request)), account_key]
    wait = throttle.wait_s(keys)
    if wait:
        return Attempt(None, wait)
    if not accounts.password_matches(user, password):
        throttle.failed(keys)
        return Attempt(None)
    throttle.forget(account_key)  # the address keeps its count: one's own account must not reset it
    return Attempt(user)
