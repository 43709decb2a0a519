"""iCalendar export: one all-day event per session, with UIDs stable across exports.

Text from the runner (their name) goes in as one line: a CR or LF in it would otherwise end the
content line and let the name write properties or events of its own (or make icalendar refuse).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from icalendar import Calendar, Event

from hipcoach.plans.programme import Plan


def plan_ical(plan: Plan) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//hipcoach//hip-strength programme//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Hip strength: {one_line(plan.runner)}")
    stamp = dt.datetime.combine(plan.start_date, dt.time(), tzinfo=dt.UTC)  # deterministic output
    for week in plan.weeks:
        for n, session in enumerate(week.sessions, 1):
            ev = Event()
            ev.add("uid", session.uid)
            ev.add("dtstamp", stamp)
            ev.add("dtstart", session.date)
            ev.add("dtend", session.date + dt.timedelta(days=1))
            ev.add("summary", f"Hip strength: week {week.number}, session {n} ({week.phase})")
            ev.add(
                "description",
                "\n".join(f"{it.name} ({it.dose.side}): {it.dose.describe()}" for it in session.items),
            )
            cal.add_component(ev)
    return cal.to_ical()


def one_line(text: str) -> str:
    """`text` with line breaks and other whitespace runs made single spaces and control characters
    dropped, so it fits in one iCalendar content line."""
    kept = "".join(c for c in " ".join(text.split()) if unicodedata.category(c) != "Cc")
    return kept or "runner"
