"""Notes between a runner and a linked coach, for API clients: read a thread, write to it, mark it
read, and the unread counts. The pages (Today, the coach's athlete page) use the same store functions.

Reading a thread does not mark it read (a GET changes nothing); a client marks it read when its user
has seen it. `other_id` is the other person of the pair: the coach for a runner, the athlete for a
coach; an unlinked pair is 404 like any data the actor cannot see.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from hipcoach.store import notes
from hipcoach.store.models import Note, User
from hipcoach.web.deps import DB, Actor, Id, Tx
from hipcoach.web.problems import problems
from hipcoach.web.schemas import UserOut

router = APIRouter(prefix="/api/v1", tags=["notes"])


class NoteOut(BaseModel):
    id: int
    author: Literal["runner", "coach"]
    body: str
    created_at: dt.datetime
    unread: bool  # for the signed-in reader: written by the other person and not yet marked read


class ThreadOut(BaseModel):
    other: UserOut
    notes: list[NoteOut]


class ReadOut(BaseModel):
    marked: int


class UnreadOut(BaseModel):
    user_id: int
    unread: int


def _out(note: Note, reader: User) -> NoteOut:
    author = "runner" if note.author_id == note.athlete_id else "coach"
    return NoteOut(id=note.id, author=author, body=note.body, created_at=note.created_at,
                   unread=notes.is_unread(note, reader))  # fmt: skip


@router.get("/notes/unread", response_model=list[UnreadOut], responses=problems(401))
def unread(actor: Actor, db: DB) -> list[UnreadOut]:
    """Per linked person with notes the actor has not read: how many."""
    return [UnreadOut(user_id=k, unread=n) for k, n in sorted(notes.unread_counts(db, actor).items())]


@router.get("/notes/{other_id:int}", response_model=ThreadOut, responses=problems(401, 404, 422))
def thread(other_id: Id, actor: Actor, db: DB) -> ThreadOut:
    """The newest notes of the pair, oldest first."""
    found = notes.thread(db, actor, other_id)
    other = notes.pair(db, actor, other_id)
    who = other.coach if actor.role == "runner" else other.athlete
    return ThreadOut(other=UserOut.model_validate(who), notes=[_out(n, actor) for n in found])


@router.post(
    "/notes/{other_id:int}", status_code=201, response_model=NoteOut, responses=problems(401, 404, 422)
)
def write(other_id: Id, body: notes.NoteIn, actor: Actor, tx: Tx) -> NoteOut:
    with tx() as db:
        return _out(notes.post(db, actor, other_id, body), actor)


@router.post("/notes/{other_id:int}/read", response_model=ReadOut, responses=problems(401, 404, 422))
def mark_read(other_id: Id, actor: Actor, tx: Tx) -> ReadOut:
    with tx() as db:
        return ReadOut(marked=notes.mark_read(db, actor, other_id))
