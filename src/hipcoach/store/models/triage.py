"""The triage items a coach has marked seen, one row per coach, athlete and item.

Triage items themselves are computed from the logs each time (tracking/triage.py); only the coach's
"seen" is stored. The row keeps the item's words as the coach saw them, so the athlete's history can
still show what was seen and when after the item has left the dashboard's window.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hipcoach.store.models.base import Base
from hipcoach.store.models.training import SetLog
from hipcoach.store.types import UTCDateTime, utcnow


class TriageSeen(Base):
    __tablename__ = "triage_seen"
    __table_args__ = (UniqueConstraint("coach_id", "athlete_id", "item_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    item_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    item_date: Mapped[dt.date] = mapped_column(Date)  # the day of the evidence (set, check-in, session)
    title: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(200))  # the evidence, as a path in the app
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# The dashboard reads the last four weeks of sets of every linked athlete at once, counted per day,
# exercise and side; with only the user_id index the database walks each athlete's whole history to
# find them. The index holds every column that read uses (0009; 0005 had only user_id and date), so
# the database answers from the index alone, already in group order, without visiting the table: half
# the dashboard's read time with 50 athletes on SQLite. Declared here so the triage's needs stay in
# one place.
Index(
    "ix_set_logs_dashboard",
    SetLog.user_id, SetLog.date, SetLog.exercise_id, SetLog.side, SetLog.replaced_at, SetLog.pain_during,
    SetLog.id,
)  # fmt: skip
