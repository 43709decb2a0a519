"""A runner's own account pages: linking to a coach with an invitation code, and their data
(exports, and importing a JSON backup back in)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile

from hipcoach.errors import UserError
from hipcoach.store import coaching, training
from hipcoach.store.backup import import_backup_in_batches
from hipcoach.store.errors import NotFound
from hipcoach.web.deps import Id
from hipcoach.web.pages.confirm import confirm_page, confirmed
from hipcoach.web.pages.render import CheckedForm, PageUser, render

router = APIRouter(include_in_schema=False)
IMPORT_PAGE_PATH = "/data/import"  # its body's limit: settings.backup_limit_bytes (web/upload_limit.py)


def _coaches_page(
    request, user, errors: dict, linked: bool = False, stopped: str | None = None, status: int = 200
):
    with request.app.state.database.transaction(write=False) as db:
        mine = coaching.coaches(db, user) if user.role == "runner" else []
    return render(
        request,
        "coaches.html",
        status,
        user=user,
        coaches=mine,
        errors=errors,
        linked=linked,
        stopped=stopped,
    )


@router.get("/coaches")
def coaches_page(request: Request, user: PageUser, linked: str = ""):
    return _coaches_page(request, user, {}, linked=linked == "1")


@router.post("/coaches")
def accept_invitation(request: Request, user: PageUser, form: CheckedForm):
    code = str(form.get("code", "")).strip()
    if not code:
        return _coaches_page(request, user, {"code": "Type the code your coach gave you."}, status=422)
    try:
        with request.app.state.database.transaction() as db:
            coaching.accept_invitation(db, user, code)
    except UserError as exc:
        return _coaches_page(request, user, {"code": f"{exc.message} {exc.hint}".strip()}, status=422)
    return _coaches_page(request, user, {}, linked=True)


@router.post("/coaches/{coach_id}/remove")
def stop_sharing(request: Request, coach_id: Id, user: PageUser, form: CheckedForm):
    """Ends the link to one coach: they no longer see anything; the data stays with the runner."""
    with request.app.state.database.transaction(write=confirmed(form)) as db:
        coach = next((c for c in coaching.coaches(db, user) if c.id == coach_id), None)
        if coach is None:
            raise NotFound(f"No coach {coach_id} can see your data.")
        if not confirmed(form):
            name = coach.display_name
            return confirm_page(
                request, user, title="Stop sharing", question=f"Stop sharing your training with {name}?",
                details=(f"{name} will no longer see your programme, logs or videos. Your data stays with "
                         "you; a new invitation links you again.",),
                action=f"/coaches/{coach_id}/remove", button=f"Stop sharing with {name}", cancel="/coaches",
            )  # fmt: skip
        coaching.unlink(db, user, coach_id)
    return _coaches_page(request, user, {}, stopped=coach.display_name)


def _data_page(request, user, errors: dict, counts=None, status: int = 200):
    with request.app.state.database.transaction(write=False) as db:
        programme = training.latest_programme(db, user, user.id) if user.role == "runner" else None
    return render(request, "data.html", status, user=user, programme=programme, errors=errors, counts=counts)


@router.get("/data")
def data_page(request: Request, user: PageUser):
    return _data_page(request, user, {})


@router.post(IMPORT_PAGE_PATH)
def import_backup_file(request: Request, user: PageUser, form: CheckedForm):
    """Adds what the file holds and the account lacks; a bad file is refused whole and changes nothing."""
    file = form.get("backup")
    if not isinstance(file, UploadFile) or not file.filename:
        return _data_page(
            request, user, {"backup": "Choose the backup file (hipcoach-backup.json)."}, status=422
        )
    limit = request.app.state.settings.backup_limit_bytes
    raw = file.file.read(limit + 1)
    if len(raw) > limit:
        return _data_page(request, user, {"backup": "That file is far larger than any backup."}, status=413)
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        message = f"{file.filename} is not a JSON file ({exc.__class__.__name__}); choose the backup file."
        return _data_page(request, user, {"backup": message}, status=422)
    if not isinstance(data, dict):
        return _data_page(request, user, {"backup": f"{file.filename} is not a hipcoach backup."}, status=422)
    try:
        counts = import_backup_in_batches(
            request.app.state.database, user, data
        )  # other writers between batches
    except UserError as exc:
        return _data_page(request, user, {"backup": exc.message}, status=422)
    return _data_page(request, user, {}, counts=counts)
