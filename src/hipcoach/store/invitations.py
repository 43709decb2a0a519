"""Coach invitations: a link and a short code a person can type, with an expiry, that a coach can revoke.

The database keeps only the SHA-256 hash of the code (as for every secret, see models/accounts.py),
so accepting needs no secret. So that the coach can copy a pending invitation's link again later,
the code is not random itself: it is an HMAC of a random per-invitation nonce under the server's
signing secret. The nonce alone, as found in the database, does not give the code.

Codes are CODE_LENGTH characters from an alphabet without 0/O, 1/I/L (31 symbols, about 49.6 bits):
shown grouped as ABCDE-FGHJK; typing is forgiving (case, spaces and dashes do not matter).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from hipcoach.store.access import require_coach, require_runner
from hipcoach.store.credentials import token_hash
from hipcoach.store.errors import Conflict, NotFound
from hipcoach.store.models import CoachLink, Invitation, User
from hipcoach.store.types import utcnow

INVITATION_DAYS = 14
CODE_LENGTH = 10
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: a code read aloud or copied by hand
_ASK_AGAIN = "Ask your coach for a new invitation."


def derive_code(secret: str, nonce: str) -> str:
    """The invitation's code: the nonce's HMAC under the server secret, written in ALPHABET."""
    digest = hmac.new(secret.encode(), f"hipcoach-invitation:{nonce}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, rest = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[rest])
    return "".join(chars)


def normalise(code: str) -> str:
    """What was typed or pasted, as stored: letters and digits, upper case. Codes of the older
    47-character form (hci_...) are kept as they are."""
    code = code.strip()
    if code.startswith("hci_"):
        return code
    return re.sub(r"[^A-Za-z0-9]", "", code).upper()


def shown(code: str) -> str:
    """ABCDEFGHJK as ABCDE-FGHJK, easier to read out."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if len(code) == CODE_LENGTH else code


def create_invitation(db: Session, actor: User, note: str = "", secret: str = "") -> tuple[Invitation, str]:
    """A new invitation and its code. `secret` is the server's signing secret (the web app passes it);
    an empty one leaves the code derivable from the database alone, which only tests should do."""
    require_coach(actor, "invite athletes")
    nonce = secrets.token_hex(16)
    code = derive_code(secret, nonce)
    invitation = Invitation(
        coach_id=actor.id,
        code_hash=token_hash(code),
        nonce=nonce,
        note=note.strip()[:120],
        expires_at=utcnow() + dt.timedelta(days=INVITATION_DAYS),
    )
    db.add(invitation)
    db.flush()
    return invitation, code


class Pending(NamedTuple):
    invitation: Invitation
    code: str | None  # None for an invitation made before codes could be derived again


def pending(db: Session, actor: User, secret: str = "") -> list[Pending]:
    """The coach's invitations not yet accepted, revoked or expired, newest first, with their codes."""
    require_coach(actor, "list invitations")
    query = (
        select(Invitation)
        .where(
            Invitation.coach_id == actor.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.id.desc())
    )
    return [Pending(i, derive_code(secret, i.nonce) if i.nonce else None) for i in db.scalars(query)]


def revoke(db: Session, actor: User, invitation_id: int) -> Invitation:
    """Revoke one of the coach's pending invitations: its link and code are refused from now on."""
    require_coach(actor, "revoke invitations")
    invitation = db.get(Invitation, invitation_id)
    if invitation is None or invitation.coach_id != actor.id:
        raise NotFound(f"No invitation {invitation_id} among yours.")
    if invitation.accepted_at is not None:
        raise Conflict(
            "That invitation was already accepted.", "Remove the athlete from their page to end the link."
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.flush()
    return invitation


def find(db: Session, code: str) -> Invitation:
    """The usable invitation with this code, or a refusal (404, as before) saying why in words: unknown,
    used, withdrawn or expired. Only someone who holds the code learns which."""
    invitation = db.scalar(select(Invitation).where(Invitation.code_hash == token_hash(normalise(code))))
    if invitation is None:
        raise NotFound(
            "That invitation code is not known.", "Check it for typos, or ask your coach for a new one."
        )
    if invitation.revoked_at is not None:
        raise NotFound("Your coach has withdrawn this invitation.", _ASK_AGAIN)
    if invitation.accepted_at is not None:
        raise NotFound("This invitation has already been used.", _ASK_AGAIN)
    if invitation.expires_at < utcnow():
        day = invitation.expires_at.date().isoformat()
        raise NotFound(f"This invitation expired on {day}.", _ASK_AGAIN)
    return invitation


def inviting_coach(db: Session, actor: User, code: str) -> User:
    """Who invites the signed-in runner with this code (for the page that asks them to accept)."""
    require_runner(actor, "accept a coach's invitation")
    return db.get_one(User, find(db, code).coach_id)


def accept_invitation(db: Session, actor: User, code: str) -> CoachLink:
    require_runner(actor, "accept a coach's invitation")
    invitation = find(db, code)
    invitation.accepted_by, invitation.accepted_at = actor.id, utcnow()
    link = db.scalar(
        select(CoachLink).where(CoachLink.coach_id == invitation.coach_id, CoachLink.athlete_id == actor.id)
    )
    if link is None:
        link = CoachLink(coach_id=invitation.coach_id, athlete_id=actor.id)
        db.add(link)
        db.flush()
    return link
