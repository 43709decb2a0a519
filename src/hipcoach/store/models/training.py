"""A runner's intake, programmes, per-side set logs and next-morning check-ins.

Set logs carry a client-generated key, unique per runner, so a form or request sent twice logs once.
A corrected or removed set stays, marked replaced, so a change is never a silent overwrite.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hipcoach.store.models.base import Base
from hipcoach.store.types import UTCDateTime, utcnow


class RunnerProfile(Base):
    """The latest validated profile (see hipcoach.plans.profile); programmes keep their own snapshot."""

    __tablename__ = "runner_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    data: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Programme(Base):
    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[str] = mapped_column(String(32))
    start_date: Mapped[dt.date] = mapped_column(Date)
    # Loaded only when asked for: listings and access checks need not parse the whole plan.
    profile_snapshot: Mapped[dict] = mapped_column(JSON, deferred=True)
    plan: Mapped[dict] = mapped_column(JSON, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SetLog(Base):
    __tablename__ = "set_logs"
    __table_args__ = (
        UniqueConstraint("user_id", "client_key"),
        CheckConstraint("side IN ('left', 'right', 'both')", name="side"),
        CheckConstraint("reps >= 0 AND reps <= 200", name="reps"),
        CheckConstraint("pain_during >= 0 AND pain_during <= 10", name="pain_during"),
        CheckConstraint("effort IS NULL OR (effort >= 0 AND effort <= 10)", name="effort"),
        CheckConstraint("hold_s >= 0", name="hold_s"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL"), nullable=True, index=True
    )
    session_uid: Mapped[str | None] = mapped_column(String(120), nullable=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    exercise_id: Mapped[str] = mapped_column(String(60))
    side: Mapped[str] = mapped_column(String(5))
    set_number: Mapped[int] = mapped_column(Integer)
    reps: Mapped[int] = mapped_column(Integer)
    hold_s: Mapped[float] = mapped_column(Float, default=0.0)
    band: Mapped[str | None] = mapped_column(String(20), nullable=True)
    pain_during: Mapped[int] = mapped_column(Integer)
    effort: Mapped[int | None] = mapped_column(Integer, nullable=True)
    client_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A correction is a new row naming the one it replaces; a removal only marks the row replaced.
    replaced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("set_logs.id", ondelete="SET NULL"), nullable=True
    )
    # The analysis (live camera set or uploaded clip) the reps and hold were counted by, if any.
    analysis_id: Mapped[int | None] = mapped_column(
        ForeignKey("analyses.id", ondelete="SET NULL"), nullable=True, index=True
    )


class CheckIn(Base):
    """Pain the morning after a session: one per runner per day; a later answer for the day replaces it."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("user_id", "date"),
        CheckConstraint("pain >= 0 AND pain <= 10", name="pain"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    pain: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
