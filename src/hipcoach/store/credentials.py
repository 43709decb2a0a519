"""Passwords (argon2id) and random tokens, of which the database keeps only SHA-256 hashes.

Signing in must take as long for an email nobody uses as for a real account, or the time alone says
which emails have accounts; so an unknown email is checked against a dummy hash made with the same
argon2 parameters. New passwords are judged by zxcvbn (Dropbox's estimator, which knows common
passwords, names, keyboard patterns and repeats) rather than by a list of our own.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()

# zxcvbn's scores run 0-4; 3 is "safely unguessable: moderate protection from offline slow-hash
# scenario" (about 10^8 guesses or more), the level its authors suggest for a sign-up form.
MIN_SCORE = 3
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; a strong first 72 characters make a strong password


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def dummy_hash() -> str:
    """A hash of a random secret nobody knows, made once per process with the hasher's parameters."""
    return _hasher.hash(secrets.token_urlsafe(24))


def verify_or_dummy(password_hash: str | None, password: str) -> bool:
    """As verify_password, and just as slow when there is no account (password_hash None): False."""
    if password_hash is None:
        verify_password(dummy_hash(), password)
        return False
    return verify_password(password_hash, password)


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why this password is too easy to guess, in plain words; None when it will do."""
    plain = password.strip().casefold()
    if not plain:
        return "A password of only spaces is easy to guess; use a few uncommon words."
    own = {email.strip().casefold(), email.strip().casefold().partition("@")[0], name.strip().casefold()}
    if plain in own - {""}:
        return "Your password must not be your email or your name."
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=_own_words(email, name))
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result["feedback"]
    words = [feedback.get("warning") or "This password is easy to guess.", *feedback.get("suggestions", [])]
    return " ".join(w for w in words if w)


def _own_words(email: str, name: str) -> list[str]:
    """What zxcvbn should treat as known words: the email, its parts and the name, whole and run together."""
    words = {email, name, *re.split(r"[\s@._+-]+", f"{email} {name}")}
    local = email.partition("@")[0]
    words |= {"".join(name.split()), local, re.sub(r"[._+-]", "", local)}
    return sorted(w.casefold() for w in words if len(w) > 1)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token(prefix: str) -> tuple[str, str]:
    """A fresh secret for the user (shown once) and the hash to store."""
    raw = f"{prefix}_{secrets.token_urlsafe(32)}"
    return raw, token_hash(raw)
