"""Notes between a runner and one of their coaches: one short thread per (runner, coach) pair.

A thread is per pair, not per runner: a runner with two coaches writes to each apart, and a coach
sees only what was said between the two of them. Each note has one reader (the other person of the
pair), so "unread" is a column on the note rather than a table of read marks.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hipcoach.store.models.base import Base
from hipcoach.store.types import UTCDateTime, utcnow

NOTE_MAX_CHARS = 1000  # a short message, not a document: the thread is read on a phone


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(String(NOTE_MAX_CHARS))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)  # by the other one


# A thread is read by its pair, oldest first; the dashboard counts unread notes of all a coach's pairs.
Index("ix_notes_athlete_id_coach_id", Note.athlete_id, Note.coach_id, Note.id)
