"""What the clinic report (reports/clinic_pdf) shows of one athlete over a block of days, gathered for
their linked coach: screens, sets, next-morning pain, the plan followed, the latest referral and the
pair's notes. Apart from the dashboard's batch reads (store/coaching): one athlete, read once, for a
file the clinic keeps.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from hipcoach.errors import UserError
from hipcoach.reports.clinic_pdf import ClinicRecord, NoteLine, ScreenLine
from hipcoach.store import notes
from hipcoach.store.coaching import athlete
from hipcoach.store.models import User
from hipcoach.store.prescriptions import followed_plan
from hipcoach.store.screening import list_screenings
from hipcoach.store.training import latest_programme, list_checkins, logged_sets
from hipcoach.store.videos import list_screens

REPORT_MAX_DAYS = 366  # a clinic report covers a block of rehab, not a whole history at once


def clinic_record(db: Session, actor: User, athlete_id: int, since: dt.date, until: dt.date):
    """What the clinic report (reports/clinic_pdf) shows for one linked athlete over the days asked
    for: screens, sets, next-morning pain, the latest plan, the referral and the pair's notes. Only the
    athlete's linked coach may ask; the days must be in order and at most REPORT_MAX_DAYS long."""
    user = athlete(db, actor, athlete_id)
    if until < since or (until - since).days >= REPORT_MAX_DAYS:
        raise UserError(
            f"A report covers 1 to {REPORT_MAX_DAYS} days, the first on or before the last.",
            "Choose the dates again.",
        )
    sets = [s for s in logged_sets(db, actor, athlete_id, since=since) if s.date <= until]
    mornings = {c.date: c.pain for c in list_checkins(db, actor, athlete_id, since=since) if c.date <= until}
    programme = latest_programme(db, actor, athlete_id)
    screens = [
        ScreenLine(s.created_at.date(), s.test, s.summary.get("measure", s.test), s.summary.get("left"),
                   s.summary.get("right"), s.summary.get("needs_work_side"))
        for s in list_screens(db, actor, athlete_id)
        if since <= s.created_at.date() <= until
    ]  # fmt: skip
    referral = None
    for s in list_screenings(db, actor, athlete_id):
        if since <= s.created_at.date() <= until and s.referral:
            kind = "urgent" if s.urgent else "routine"
            referral = f"{s.created_at.date().isoformat()} ({kind}): {' '.join(s.reasons)}"
            break  # newest first: the latest in the days
    names = {user.id: user.display_name, actor.id: actor.display_name}
    thread = [
        NoteLine(n.created_at, names[n.author_id], n.body)
        for n in notes.in_range(db, actor, athlete_id, since, until)
    ]
    return ClinicRecord(
        athlete=user.display_name, coach=actor.display_name, since=since, until=until, screens=screens,
        sets=sets, mornings=mornings, plan=followed_plan(db, actor, programme) if programme else None,
        notes=thread, referral=referral,
    )  # fmt: skip
