"""A live camera set kept as an analysis of the runner: the report of the whole pose track the browser
sent, with no video.

Why a row of its own kind rather than a fake upload: the landmarks came from the runner's browser and
the analysis was made as the set ended, so there is no file to keep or delete and no job to run; the row
is stored finished (status done, video_id None) and the report page, progress and the set log find it
like any other exercise analysis. Only the runner may store one, and only for a session of their own
latest programme (the page's socket was opened on that session; this checks again where it is written).
The exercise is not checked against the planned session: the adapted session may have swapped it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from hipcoach.store import training
from hipcoach.store.access import require_runner
from hipcoach.store.errors import NotFound
from hipcoach.store.models import Analysis, User
from hipcoach.store.prescriptions import followed_plan
from hipcoach.store.types import utcnow


def add_live_set(
    db: Session, actor: User, *, session_uid: str, exercise_id: str, report: dict[str, Any], output_dir: str
) -> Analysis:
    """Record the finished analysis of a live set of `exercise_id` in the actor's session `session_uid`
    (flushed, so its id is known). Raises NotFound when the session is not in the actor's programme."""
    require_runner(actor, "count sets with the camera")
    programme = training.latest_programme(db, actor, actor.id)
    plan = followed_plan(db, actor, programme) if programme is not None else None
    session = None
    if plan is not None:
        session = next((s for w in plan.weeks for s in w.sessions if s.uid == session_uid), None)
    if session is None:
        raise NotFound(
            f"Your programme has no session {session_uid!r}.", "Open the session from your programme."
        )
    now = utcnow()
    analysis = Analysis(
        user_id=actor.id,
        video_id=None,
        kind="exercise",
        target=exercise_id,
        status="done",
        progress=1.0,
        stage="done",
        attempts=1,
        report=report,
        output_dir=output_dir,
        started_at=now,
        finished_at=now,
    )
    db.add(analysis)
    db.flush()
    return analysis
