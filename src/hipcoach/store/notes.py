"""Notes between a runner and a linked coach: a short thread per (runner, coach) pair.

Only the two people of a pair read or write their thread, and only while they are linked: a coach
who was never linked, or whose link has ended, is refused as 'not found' like any other data they
cannot see. The text is plain (plaintext.note_text: line breaks kept, hidden characters refused) and
short; templates escape it. A note counts as unread for its one reader (the other person) until that
reader opens the thread.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hipcoach.plaintext import ONE_LINE_PATTERN, NoteText, shows
from hipcoach.store.errors import NotFound
from hipcoach.store.models import CoachLink, Note, User
from hipcoach.store.models.notes import NOTE_MAX_CHARS
from hipcoach.store.types import utcnow

THREAD_LIMIT = 50  # the newest notes a thread shows; older ones stay stored (and in the clinic report)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # The pattern states what _not_empty refuses (it needs something besides spaces and line breaks);
    # no min_length, which would answer an empty note with pydantic's words instead of _not_empty's.
    body: NoteText = Field(
        max_length=NOTE_MAX_CHARS,
        description=f"plain text, 1-{NOTE_MAX_CHARS} chars, not only spaces",
        json_schema_extra={"pattern": ONE_LINE_PATTERN},
    )

    @field_validator("body")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not shows(value):  # empty, or only invisible characters
            raise ValueError("is empty; write a few words")
        return value


class Pair(NamedTuple):
    athlete: User
    coach: User


def pair(db: Session, actor: User, other_id: int) -> Pair:
    """The runner and coach of the actor's thread with `other_id`; NotFound unless the two are linked
    (an unknown id, an unlinked coach and a runner naming another runner all look the same)."""
    athlete_id, coach_id = (actor.id, other_id) if actor.role == "runner" else (other_id, actor.id)
    linked = db.scalar(
        select(CoachLink.id).where(CoachLink.athlete_id == athlete_id, CoachLink.coach_id == coach_id)
    )
    if linked is None or actor.role not in ("runner", "coach"):
        raise NotFound(f"No conversation with user {other_id} among your links.")
    other = db.get_one(User, other_id)
    return Pair(actor, other) if actor.role == "runner" else Pair(other, actor)


def _in_thread(p: Pair):
    return (Note.athlete_id == p.athlete.id, Note.coach_id == p.coach.id)


def thread(db: Session, actor: User, other_id: int, limit: int = THREAD_LIMIT) -> list[Note]:
    """The pair's newest `limit` notes, oldest first (the order a conversation is read in)."""
    p = pair(db, actor, other_id)
    newest = db.scalars(select(Note).where(*_in_thread(p)).order_by(Note.id.desc()).limit(limit))
    return list(reversed(list(newest)))


def post(db: Session, actor: User, other_id: int, body: NoteIn | str) -> Note:
    """A note from the actor to the other person of the pair; unread by them until they open it."""
    text = body.body if isinstance(body, NoteIn) else NoteIn(body=body).body
    p = pair(db, actor, other_id)
    note = Note(athlete_id=p.athlete.id, coach_id=p.coach.id, author_id=actor.id, body=text)
    db.add(note)
    db.flush()
    return note


def mark_read(db: Session, actor: User, other_id: int, now: dt.datetime | None = None) -> int:
    """The actor has read the thread: the other person's unread notes get a read time. Returns how many."""
    p = pair(db, actor, other_id)
    done = db.execute(
        update(Note)
        .where(*_in_thread(p), Note.author_id != actor.id, Note.read_at.is_(None))
        .values(read_at=now or utcnow())
    )
    return done.rowcount


def is_unread(note: Note, reader: User) -> bool:
    return note.author_id != reader.id and note.read_at is None


def unread_counts(db: Session, actor: User) -> dict[int, int]:
    """For each linked person with notes the actor has not read: how many (one query, whatever the
    number of athletes). Keyed by the other person's id."""
    mine, theirs = (
        (Note.athlete_id, Note.coach_id) if actor.role == "runner" else (Note.coach_id, Note.athlete_id)
    )
    linked = select(CoachLink.id).where(
        CoachLink.athlete_id == Note.athlete_id, CoachLink.coach_id == Note.coach_id
    )
    query = (
        select(theirs, func.count(Note.id))
        .where(mine == actor.id, Note.author_id != actor.id, Note.read_at.is_(None), linked.exists())
        .group_by(theirs)
    )
    return {other: n for other, n in db.execute(query)}


def in_range(db: Session, actor: User, other_id: int, since: dt.date, until: dt.date) -> list[Note]:
    """Every note of the pair written between the two days (inclusive, UTC), oldest first: the clinic
    report's notes section, which is not cut to the thread's newest notes."""
    p = pair(db, actor, other_id)
    start = dt.datetime.combine(since, dt.time(), dt.UTC)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
    query = select(Note).where(*_in_thread(p), Note.created_at >= start, Note.created_at < end)
    return list(db.scalars(query.order_by(Note.id)))


class Thread(NamedTuple):
    other: User
    notes: list[Note]
    unread: int


def runner_threads(db: Session, actor: User) -> list[Thread]:
    """A runner's thread with each linked coach (the Today page), coaches in the order they linked."""
    from hipcoach.store.coaching import coaches

    unread = unread_counts(db, actor)
    return [Thread(c, thread(db, actor, c.id), unread.get(c.id, 0)) for c in coaches(db, actor)]
