"""Video upload (queued for analysis in the background), job status, and the analysis report."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse

from hipcoach.catalog import load_catalog
from hipcoach.errors import UserError
from hipcoach.store import erasure, videos
from hipcoach.store.errors import Conflict, NotFound
from hipcoach.web.deps import DB, Actor, Id, Tx
from hipcoach.web.problems import problems
from hipcoach.web.schemas import AnalysisOut

router = APIRouter(prefix="/api/v1", tags=["videos and analyses"])
UPLOAD_PATH = "/api/v1/analyses"
RESULT_FILES = {"annotated.mp4": "video/mp4", "reps.csv": "text/csv", "signal.png": "image/png"}


def _targets() -> list[str]:
    """Every target a kind can take (exercise ids, then the screens); check_target pairs them."""
    return [
        *sorted(load_catalog().exercises),
        *(t for t in videos.SCREEN_TESTS if t not in load_catalog().exercises),
    ]


# The pairing check_target enforces, stated in the document: which targets each kind takes. Added
# beside the form's own schema (which lists every target), so a client reading it sends a pair the
# server accepts.
_PAIRS = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "oneOf": [
                        {
                            "properties": {
                                "kind": {"const": "exercise"},
                                "target": {"enum": ["auto", *sorted(load_catalog().exercises)]},
                            }
                        },
                        {
                            "properties": {
                                "kind": {"const": "screen"},
                                "target": {"enum": list(videos.SCREEN_TESTS)},
                            }
                        },
                    ]
                }
            }
        }
    }
}
# What a form may send for yes and no (a checkbox, curl, or a client library writing its booleans):
# exactly these, so anything else is refused rather than read as one or the other. Empty is no, as
# left out is (FastAPI reads an empty form field as one not sent).
KEEP_YES = ("true", "True", "1", "yes", "on")
KEEP_NO = ("false", "False", "0", "no", "off", "")


@router.post(
    "/analyses",
    status_code=202,
    response_model=AnalysisOut,
    responses=problems(400, 401, 403, 422, said={413: "The video is larger than the server's upload limit."}),
    openapi_extra=_PAIRS,
)
def upload(
    request: Request,
    background: BackgroundTasks,
    actor: Actor,
    tx: Tx,
    file: Annotated[
        UploadFile, File(description="a phone or webcam video", json_schema_extra={"minLength": 1})
    ],
    kind: Annotated[Literal["exercise", "screen"], Form()],
    target: Annotated[
        str,
        Form(
            min_length=1,
            description="an exercise id (auto: recognise it from the video) for kind exercise; "
            "single-leg-squat or running for kind screen",
            json_schema_extra={"enum": ["auto", *_targets()]},
        ),
    ],
    keep_video: Annotated[
        Literal[KEEP_YES + KEEP_NO],
        Form(
            description="keep the uploaded video after the analysis: true/1/yes/on, or false/0/no/off/empty"
        ),
    ] = "false",
) -> AnalysisOut:
    """Store the upload and queue its analysis; poll GET /analyses/{id} for progress. An exercise's
    target is an exercise id or auto, a screen's a screen name (the body's oneOf)."""
    check_target(kind, target)
    settings = request.app.state.settings
    stored, size, digest = save_upload(file, settings.uploads_dir, settings.upload_limit_bytes)
    try:
        with tx() as db:  # the copy above stays outside the writers' turn
            analysis = videos.add_video_for_analysis(
                db,
                actor,
                original_name=file.filename or "video",
                stored_path=str(stored),
                size_bytes=size,
                sha256=digest,
                keep_video=keep_video in KEEP_YES,
                kind=kind,
                target=target,
            )
    except BaseException:
        stored.unlink(missing_ok=True)
        raise
    # Queued once the response is out, after this request's transaction has committed.
    background.add_task(request.app.state.jobs.enqueue, analysis.id)
    return AnalysisOut.model_validate(analysis)


@router.get(
    "/runners/{runner_id}/analyses", response_model=list[AnalysisOut], responses=problems(401, 404, 422)
)
def analyses(runner_id: Id, actor: Actor, db: DB) -> list[AnalysisOut]:
    return [AnalysisOut.model_validate(a) for a in videos.list_analyses(db, actor, runner_id)]


@router.get("/analyses/{analysis_id}", response_model=AnalysisOut, responses=problems(401, 404, 422))
def analysis_status(analysis_id: Id, actor: Actor, db: DB) -> AnalysisOut:
    return AnalysisOut.model_validate(videos.get_analysis(db, actor, analysis_id))


@router.get(
    "/analyses/{analysis_id}/report",
    responses=problems(401, 404, 422, said={409: "The analysis is not done (queued, running or failed)."}),
)
def analysis_report(analysis_id: Id, actor: Actor, db: DB) -> dict:
    """The same JSON report the CLI writes (schema hipcoach.analysis/1)."""
    analysis = videos.get_analysis(db, actor, analysis_id)
    if analysis.status != "done":
        raise Conflict(
            f"Analysis {analysis_id} is {analysis.status}, so it has no report.", analysis.error_message or ""
        )
    return analysis.report


@router.get(
    "/analyses/{analysis_id}/files/{name}",
    response_class=FileResponse,
    responses={
        200: {"content": {t: {} for t in RESULT_FILES.values()}, "description": "the file"},
        **problems(401, 404, 422),
    },
)
def analysis_file(analysis_id: Id, name: str, actor: Actor, db: DB) -> FileResponse:
    analysis = videos.get_analysis(db, actor, analysis_id)
    if name not in RESULT_FILES or analysis.status != "done" or not analysis.output_dir:
        raise NotFound(f"Analysis {analysis_id} has no file {name!r}; files: {', '.join(RESULT_FILES)}.")
    path = Path(analysis.output_dir) / name
    if not path.is_file():
        raise NotFound(f"Analysis {analysis_id} did not write {name}.")
    return FileResponse(path, media_type=RESULT_FILES[name])


@router.delete("/analyses/{analysis_id}", status_code=204, responses=problems(401, 403, 404, 422))
def delete_analysis(request: Request, analysis_id: Id, actor: Actor, tx: Tx) -> None:
    """The runner's own video, its analysis, files and screen result; a job still running stops."""
    with tx() as db:
        leftovers = erasure.delete_analysis(db, actor, analysis_id)
    settings = request.app.state.settings
    erasure.remove_files(leftovers, settings.uploads_dir, settings.analyses_dir)


def check_target(kind: str, target: str) -> None:
    if kind == "screen" and target not in videos.SCREEN_TESTS:
        raise UserError(f"target must be one of {', '.join(videos.SCREEN_TESTS)} for a screen.")
    if kind == "exercise" and target != "auto" and target not in load_catalog().exercises:
        raise UserError(f"target {target!r} is not an exercise id; `hipcoach exercises` lists them.")


def save_upload(file: UploadFile, folder: Path, limit: int) -> tuple[Path, int, str]:
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(file.filename or "").suffix.lower()[:8] or ".bin"
    path = folder / f"{uuid.uuid4().hex}{suffix}"
    digest, size = hashlib.sha256(), 0
    with path.open("wb") as out:
        while chunk := file.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                out.close()
                path.unlink(missing_ok=True)
                raise HTTPException(413, f"The upload is larger than the limit of {limit / 2**20:.0f} MiB.")
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        path.unlink(missing_ok=True)
        raise UserError("The uploaded file is empty; choose the video again.")
    return path, size, digest.hexdigest()
