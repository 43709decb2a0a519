"""Red-flag screenings kept with their date: who was referred, when, how urgently and why.

A referral does not go away because the answers change: after one, a screening with no red flags is
recorded only when the runner confirms that a clinician has seen them about it (`ClearanceNeeded`
otherwise). The web form and the API both go through `screen_and_record`, so the rule is kept once.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hipcoach.plans.profile import Profile
from hipcoach.plans.red_flags import RED_FLAG_IDS, Referral
from hipcoach.store.access import require_read, require_runner
from hipcoach.store.errors import Conflict
from hipcoach.store.models import Screening, User
from hipcoach.store.models.screening import SCREENING_SOURCES


class ClearanceNeeded(Conflict):
    """The latest screening gave a referral and these answers give none: the runner must confirm that
    a clinician has seen them about it before a programme is made."""

    def __init__(self, previous: Screening) -> None:
        kind = "an urgent" if previous.urgent else "a"
        super().__init__(
            f"Your screening on {previous.created_at:%d %b %Y} gave {kind} referral to a clinician.",
            "Confirm that a clinician has seen you about it, then send your answers again.",
        )
        # plain values: the refused transaction rolls back, and its rows go stale with it
        self.referred_at, self.urgent = previous.created_at, previous.urgent
        self.reasons = list(previous.reasons)


def record_screening(
    db: Session,
    actor: User,
    answers: dict[str, bool],
    outcome: Referral | None,
    *,
    cleared_after_referral: bool = False,
    source: str = "web",
) -> Screening:
    """Stores one screening of the actor's own: every question's answer and the outcome shown."""
    require_runner(actor, "answer the screening questions")
    if set(answers) != set(RED_FLAG_IDS):
        raise ValueError(f"a screening answers every red-flag question: {sorted(RED_FLAG_IDS)}")
    if source not in SCREENING_SOURCES:
        raise ValueError(f"source must be one of {SCREENING_SOURCES}, not {source!r}")
    row = Screening(
        user_id=actor.id,
        answers={f: bool(answers[f]) for f in RED_FLAG_IDS},
        referral=outcome is not None,
        urgent=outcome is not None and outcome.urgent,
        reasons=list(outcome.reasons) if outcome else [],
        cleared_after_referral=cleared_after_referral,
        source=source,
    )
    db.add(row)
    db.flush()
    return row


def list_screenings(db: Session, actor: User, runner_id: int) -> list[Screening]:
    """The runner's screenings, newest first (the runner, or a coach linked to them)."""
    require_read(db, actor, runner_id)
    query = select(Screening).where(Screening.user_id == runner_id)
    return list(db.scalars(query.order_by(Screening.id.desc())))


def latest_screening(db: Session, actor: User, runner_id: int) -> Screening | None:
    require_read(db, actor, runner_id)
    query = select(Screening).where(Screening.user_id == runner_id)
    return db.scalar(query.order_by(Screening.id.desc()).limit(1))


def screen_and_record(
    db: Session, actor: User, profile: Profile, *, cleared: bool = False, source: str = "web"
) -> tuple[Screening, Referral | None]:
    """Screens the profile's answers and records the result. Raises ClearanceNeeded, recording
    nothing, when a referral would be lifted without the runner's confirmation."""
    require_runner(actor, "answer the screening questions")
    outcome = profile.referral()
    previous = latest_screening(db, actor, actor.id)
    lifts = outcome is None and previous is not None and previous.referral
    if lifts and not cleared:
        raise ClearanceNeeded(previous)
    row = record_screening(
        db, actor, profile.red_flags, outcome, cleared_after_referral=bool(lifts), source=source
    )
    return row, outcome
