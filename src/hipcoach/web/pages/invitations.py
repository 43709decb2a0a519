"""Invitation links: the coach's pending invitations (copy a link, revoke one), and /join/<code>, where
a runner accepts. Signed out, the join page sends them to sign in or sign up and back to it after
(the sign-in form's `next`); accepting is a button (a POST with the form's CSRF token), never the GET.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from hipcoach.errors import UserError
from hipcoach.store import invitations
from hipcoach.store.errors import Forbidden
from hipcoach.web.deps import Id
from hipcoach.web.pages.render import CheckedForm, PageUser, page_user, render

router = APIRouter(include_in_schema=False)


def secret(request: Request) -> str:
    return request.app.state.settings.signing_secret()


def join_link(request: Request, code: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/join/{code}"


def pending_view(request: Request, db, user) -> list[dict]:
    """The coach's pending invitations as the dashboard lists them."""
    return [
        {"id": p.invitation.id, "note": p.invitation.note, "expires": p.invitation.expires_at.date(),
         "made": p.invitation.created_at.date(), "code": invitations.shown(p.code) if p.code else None,
         "link": join_link(request, p.code) if p.code else None}
        for p in invitations.pending(db, user, secret(request))
    ]  # fmt: skip


@router.post("/coach/invitations/{invitation_id}/revoke")
def revoke(request: Request, invitation_id: Id, user: PageUser, form: CheckedForm):
    with request.app.state.database.transaction() as db:
        invitations.revoke(db, user, invitation_id)
    return RedirectResponse("/coach?revoked=1#invitations", status_code=303)


def _join_page(request: Request, code: str, user, status: int = 200, **context):
    return render(request, "join.html", status, user=user, code=code, **context)


@router.get("/join/{code}")
async def join_page(request: Request, code: str):
    """Anyone may open the link; what they see depends on whether it still works and who they are."""
    code = invitations.normalise(code[:100])
    user = await page_user(request)
    try:
        with request.app.state.database.transaction(write=False) as db:
            invitation = invitations.find(db, code)
            coach = invitations.inviting_coach(db, user, code) if user and user.role == "runner" else None
    except UserError as exc:
        return _join_page(request, code, user, 410 if not isinstance(exc, Forbidden) else 403, refused=exc)
    if user is not None and user.role != "runner":
        refused = Forbidden("This invitation is for a runner.", "Sign out and open the link as the runner.")
        return _join_page(request, code, user, 403, refused=refused)
    return _join_page(request, code, user, coach=coach, expires=invitation.expires_at.date())


@router.post("/join/{code}")
def accept(request: Request, code: str, user: PageUser, form: CheckedForm):
    code = invitations.normalise(code[:100])
    try:
        with request.app.state.database.transaction() as db:
            invitations.accept_invitation(db, user, code)
    except UserError as exc:
        return _join_page(request, code, user, 410 if not isinstance(exc, Forbidden) else 403, refused=exc)
    return RedirectResponse("/coaches?linked=1", status_code=303)
