"""The next-morning pain check-in (on a session page or on Today), saved under the session's date.

The progress summary and the progression engine pair each day's pain during the sets with the
check-in of that date, so the answer given the morning after a session is filed under the session
day. Sending again corrects it. A plain form post is answered with a redirect back to the page it
came from; htmx gets the check-in block alone.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from hipcoach.errors import UserError
from hipcoach.store import training
from hipcoach.store.inputs import CheckInIn
from hipcoach.web.pages.field_errors import field_errors
from hipcoach.web.pages.render import CheckedForm, RunnerUser, is_htmx, render
from hipcoach.web.pages.session_data import checkin_on, session_context

router = APIRouter(include_in_schema=False)


@router.post("/sessions/{uid}/checkin")
def check_in(request: Request, uid: str, user: RunnerUser, form: CheckedForm):
    values = {"pain": str(form.get("pain", "")), "note": str(form.get("note", ""))}
    errors: dict[str, str] = {}
    with request.app.state.database.transaction(write=False) as db:
        ctx = session_context(db, user, uid)
    day = ctx["session"].date
    try:
        entry = CheckInIn(pain=values["pain"] or None, note=values["note"])
    except ValidationError as exc:
        errors = field_errors(exc)
    if not errors:
        try:
            with request.app.state.database.transaction() as db:
                training.put_checkin(db, user, day, entry)
        except UserError as exc:
            errors = {"pain": exc.message}
    back = str(form.get("next", ""))
    htmx = is_htmx(request)
    if not errors and not htmx:
        safe = back.startswith("/") and not back.startswith("//") and "\\" not in back
        return RedirectResponse(back if safe else f"/sessions/{uid}", status_code=303)
    with request.app.state.database.transaction(write=False) as db:
        checkin = checkin_on(db, user, day)
    return render(
        request, "_checkin_form.html" if htmx else "checkin_page.html", 422 if errors else 200, user=user,
        checkin_errors=errors, checkin_values=values if errors else {}, checkin=checkin, back=back, **ctx,
    )  # fmt: skip
