"""Video pages: upload a clip, watch the background analysis progress, then read its report."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from hipcoach.catalog import load_catalog
from hipcoach.errors import UserError
from hipcoach.store import camera_logs, videos
from hipcoach.store.errors import Conflict
from hipcoach.web.api_videos import check_target, save_upload
from hipcoach.web.deps import Id
from hipcoach.web.pages.field_errors import field_errors
from hipcoach.web.pages.render import CheckedForm, PageUser, RunnerUser, render
from hipcoach.web.pages.report_view import fault_lines, paragraphs, screen_rows

router = APIRouter(include_in_schema=False)
UPLOAD_PAGE_PATH = "/videos"
SCREEN_NAMES = {
    "single-leg-squat": "Single-leg squat, filmed from the front",
    "running": "Running, from behind",
}


def _choices() -> list[tuple[str, str, str]]:
    """(group, value, label) for the one select: exercises the video coach knows, then the screens."""
    from hipcoach.analysis.specs import load_specs  # the analyser specs pull in the kinematics module

    exercises = load_catalog().exercises
    rows = [("Exercise", "exercise:auto", "Recognise it from the video")]
    rows += [("Exercise", f"exercise:{i}", exercises[i].name) for i in load_specs() if i in exercises]
    return rows + [("Hip stability screen", f"screen:{t}", name) for t, name in SCREEN_NAMES.items()]


def _videos_page(request: Request, user, values: dict, errors: dict, status: int = 200, deleted=False):
    with request.app.state.database.transaction(write=False) as db:
        mine = videos.list_analyses(db, user, user.id, 20)
    return render(
        request, "videos.html", status, user=user, choices=_choices(), analyses=mine, values=values,
        errors=errors, deleted=deleted, limit_bytes=request.app.state.settings.upload_limit_bytes,
    )  # fmt: skip


@router.get(UPLOAD_PAGE_PATH)
def videos_page(request: Request, user: PageUser, deleted: str = "", exercise: str = ""):
    """`?exercise=ID` (the link on a session step) pre-selects that exercise; otherwise the default is to
    recognise the exercise from the video."""
    choice = f"exercise:{exercise}"
    from_step = any(value == choice for _, value, _ in _choices()) and exercise != "auto"
    values = {"keep_video": "", "target": choice if from_step else "exercise:auto", "from_step": from_step}
    return _videos_page(request, user, values, {}, deleted=deleted == "1")


@router.post(UPLOAD_PAGE_PATH)
def upload(request: Request, user: PageUser, form: CheckedForm):
    """Store the clip and queue it; a refused upload comes back with the reason next to its field."""
    choice = str(form.get("target", ""))
    values = {"target": choice, "keep_video": form.get("keep_video", "")}
    kind, _, target = choice.partition(":")
    errors: dict[str, str] = {}
    try:
        check_target(kind if kind in ("exercise", "screen") else "exercise", target)
    except UserError as exc:
        errors["target"] = "Choose what the video shows." if not choice else exc.message
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        errors["file"] = "Choose a video file."
    if errors:
        return _videos_page(request, user, values, errors, 422)
    settings = request.app.state.settings
    try:
        stored, size, digest = save_upload(file, settings.uploads_dir, settings.upload_limit_bytes)
    except HTTPException as exc:
        return _videos_page(request, user, values, {"file": exc.detail}, exc.status_code)
    except UserError as exc:
        return _videos_page(request, user, values, {"file": exc.message}, 422)
    try:
        with request.app.state.database.transaction() as db:
            analysis = videos.add_video_for_analysis(
                db, user, original_name=file.filename, stored_path=str(stored), size_bytes=size,
                sha256=digest, keep_video=bool(values["keep_video"]), kind=kind, target=target,
            )  # fmt: skip
            analysis_id = analysis.id
    except BaseException:
        stored.unlink(missing_ok=True)
        raise
    request.app.state.jobs.enqueue(analysis_id)  # after the commit, so the worker finds the row
    return RedirectResponse(f"/videos/{analysis_id}", status_code=303)


def _report_context(db, user, analysis) -> dict:
    """What _analysis_status.html reads: the report as rows and paragraphs, where its files are, and
    the sets it counted (or, for the runner's own finished exercise clip, the form adding it to today's
    session)."""
    report = analysis.report or {}
    done_exercise = analysis.status == "done" and analysis.kind == "exercise"
    counted = camera_logs.sets_counted_by(db, user, analysis.id) if done_exercise else []
    return {
        "analysis": analysis,
        "live": analysis.video_id is None,
        "counted_sets": counted,
        "offer_session": done_exercise and user.id == analysis.user_id and not counted,
        "per_side": camera_logs.counted_per_side(report) if done_exercise else {},
        "added": None,
        "add_errors": {},
        "add_values": {},
        "report": report,
        "faults": fault_lines(report) if analysis.kind == "exercise" else [],
        "screen_rows": screen_rows(report) if analysis.kind == "screen" else [],
        "interpretation": paragraphs(report.get("interpretation", "")),
        "files": f"/api/v1/analyses/{analysis.id}/files",
    }


def _analysis_page(request: Request, user, analysis_id: int, status: int = 200, **over):
    """The report page; a live camera set's analysis has no video, so no name, player or delete."""
    with request.app.state.database.transaction(write=False) as db:
        analysis = videos.get_analysis(db, user, analysis_id)
        video_name = None
        if analysis.video_id is not None:
            video_name = videos.get_video(db, user, analysis.video_id).original_name
        context = _report_context(db, user, analysis) | over
    return render(request, "analysis.html", status, user=user, video_name=video_name, **context)


@router.get("/videos/{analysis_id}")
def analysis_page(request: Request, analysis_id: Id, user: PageUser):
    return _analysis_page(request, user, analysis_id)


@router.post("/videos/{analysis_id}/add-to-session")
def add_to_session(request: Request, analysis_id: Id, user: RunnerUser, form: CheckedForm):
    """The clip's reps per side become today's sets, with the pain (and effort) typed beside the
    button; sent again it logs nothing more (the sets' keys come from the analysis and side). The
    answer is the page itself with what was logged, so a reload changes nothing either."""
    values = {k: str(form.get(k, "")) for k in ("pain_during", "effort")}
    try:
        pain = camera_logs.ClipPainIn(**{k: v for k, v in values.items() if v != ""})
    except ValidationError as exc:
        return _analysis_page(
            request, user, analysis_id, 422, add_errors=field_errors(exc), add_values=values
        )
    try:
        with request.app.state.database.transaction() as db:
            added = camera_logs.add_to_today(db, user, analysis_id, pain, dt.date.today())
            added = {"logged": len(added.logged), "already": len(added.already), "no_slot": added.no_slot,
                     "session_uid": added.session_uid}  # fmt: skip
    except Conflict as exc:
        errors = {"session": f"{exc.message} {exc.hint}".strip()}
        return _analysis_page(request, user, analysis_id, 409, add_errors=errors, add_values=values)
    return _analysis_page(request, user, analysis_id, added=added)


@router.get("/videos/{analysis_id}/status")
def analysis_status(request: Request, analysis_id: Id, user: PageUser):
    """The part of the page htmx polls (every second while the job runs): a progress bar until the job
    ends, then the report or its message. The video's name is only in the page's heading, so it is not
    read here."""
    with request.app.state.database.transaction(write=False) as db:
        analysis = videos.get_analysis(db, user, analysis_id)
        context = _report_context(db, user, analysis)
    return render(request, "_analysis_status.html", user=user, **context)
