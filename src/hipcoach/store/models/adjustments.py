"""A coach's changes to a runner's programme, one row per change, never edited: undoing one is another
change (a resume after a pause, a dose back). The plan itself stays as made; plans/adjust.py applies
these rows to it, each from its start date, whenever the programme is read.

The row names the runner (user_id, so the access rules read it like the runner's other rows), the coach
who made it and the coach's name as it was then: the history still says who, should the coach's
account go.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hipcoach.store.models.base import Base
from hipcoach.store.types import UTCDateTime, utcnow


class ProgrammeAdjustment(Base):
    __tablename__ = "programme_adjustments"
    __table_args__ = (
        CheckConstraint("kind IN ('swap', 'dose', 'pause', 'resume', 'note', 'sessions')", name="kind"),
        CheckConstraint("side IS NULL OR side IN ('left', 'right', 'both')", name="side"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    coach_name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    start_date: Mapped[dt.date] = mapped_column(Date)
    exercise_id: Mapped[str | None] = mapped_column(String(60), nullable=True)
    side: Mapped[str | None] = mapped_column(String(5), nullable=True)  # None: every side
    new_exercise_id: Mapped[str | None] = mapped_column(String(60), nullable=True)
    sets: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reps: Mapped[int | None] = mapped_column(Integer, nullable=True)
    hold_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    band: Mapped[str | None] = mapped_column(String(20), nullable=True)
    sessions_per_week: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    reason: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
