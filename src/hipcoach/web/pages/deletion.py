"""A runner deleting one of their videos, and anyone deleting their own account, from the pages.

Both ask first (pages/confirm.py). Deleting the account also asks for the password, checked under the
sign-in throttle so a borrowed session cannot guess it; then every row and file of the account goes,
the coach links with them, and the browser is signed out.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from hipcoach.store import erasure, videos
from hipcoach.web.deps import SESSION_COOKIE, Id
from hipcoach.web.login_guard import attempt_sign_in
from hipcoach.web.login_throttle import too_many_message
from hipcoach.web.pages.confirm import confirm_page, confirmed
from hipcoach.web.pages.render import CheckedForm, PageUser, RunnerUser, render

router = APIRouter(include_in_schema=False)
ACCOUNT_PATH = "/account/delete"


def erase_files(request: Request, leftovers: erasure.Leftovers) -> None:
    settings = request.app.state.settings
    erasure.remove_files(leftovers, settings.uploads_dir, settings.analyses_dir)


@router.post("/videos/{analysis_id}/delete")
def delete_video(request: Request, analysis_id: Id, user: RunnerUser, form: CheckedForm):
    if not confirmed(form):
        with request.app.state.database.transaction(write=False) as db:
            analysis = videos.get_analysis(db, user, analysis_id)
            if analysis.video_id is None:
                name = "this live camera set's landmarks"
            else:
                name = videos.get_video(db, user, analysis.video_id).original_name
        return confirm_page(
            request, user, title="Delete this video", question=f"Delete {name} and its analysis?",
            details=("The video, its report, the annotated copy and any screen result go for good; "
                     "your coach will no longer see them either.",),
            action=f"/videos/{analysis_id}/delete", button="Delete the video",
            cancel=f"/videos/{analysis_id}",
        )  # fmt: skip
    with request.app.state.database.transaction() as db:
        leftovers = erasure.delete_analysis(db, user, analysis_id)
    erase_files(request, leftovers)
    return RedirectResponse("/videos?deleted=1", status_code=303)


def _account_page(request: Request, user, error: str = "", status: int = 200, headers: dict | None = None):
    what = "your profile, programmes, logged sets, check-ins, screenings and videos"
    if user.role == "coach":
        what = "your invitations, your athlete links and what you marked seen (their data stays theirs)"
    return confirm_page(
        request, user, title="Delete your account",
        question=f"Delete the account {user.email} and everything in it?",
        details=(f"This removes {what}, and signs you out everywhere. It cannot be undone.",
                 "Download a backup first on the Your data page if you may want it later."),
        action=ACCOUNT_PATH, button="Delete my account",
        cancel="/data" if user.role == "runner" else "/coach",
        password=True, error=error, status=status, headers=headers,
    )  # fmt: skip


@router.get(ACCOUNT_PATH)
def account_page(request: Request, user: PageUser):
    return _account_page(request, user)


@router.post(ACCOUNT_PATH)
def delete_account(request: Request, user: PageUser, form: CheckedForm):
    if not confirmed(form):
        return _account_page(request, user)
    attempt = attempt_sign_in(request, user.email, str(form.get("password", "")))  # throttled, slow
    if attempt.retry_after_s:
        wait = attempt.retry_after_s
        return _account_page(request, user, too_many_message(wait), 429, {"Retry-After": str(wait)})
    if attempt.user is None or attempt.user.id != user.id:
        return _account_page(request, user, "That is not your password; nothing was deleted.", 422)
    with request.app.state.database.transaction() as db:
        leftovers = erasure.delete_account(db, user)
    erase_files(request, leftovers)
    response = render(request, "account_deleted.html", user=None, email=user.email)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
