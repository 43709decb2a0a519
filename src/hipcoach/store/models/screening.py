"""The red-flag screenings a runner answered, each kept with its date and outcome.

The profile holds only the latest answers; these rows say when a referral was given, so changing an
answer later cannot quietly erase it, and the runner's coach can see it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hipcoach.store.models.base import Base
from hipcoach.store.types import UTCDateTime, utcnow

SCREENING_SOURCES = ("web", "api")


class Screening(Base):
    __tablename__ = "screenings"
    __table_args__ = (
        CheckConstraint("source IN ('web', 'api')", name="source"),
        CheckConstraint("urgent = false OR referral = true", name="urgent_is_a_referral"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    answers: Mapped[dict] = mapped_column(JSON)  # red-flag id -> answered yes
    referral: Mapped[bool] = mapped_column(Boolean)
    urgent: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list] = mapped_column(JSON)  # the referral's reasons, as the runner was shown them
    # The runner confirmed that a clinician has seen them about the referral before this screening.
    cleared_after_referral: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(10), default="web")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
