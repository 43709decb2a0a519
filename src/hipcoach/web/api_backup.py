"""The runner's whole record as one JSON file, and importing it back.

An import can hold tens of thousands of sets. Its body is capped (settings.backup_limit_bytes,
413 beyond), read in the event loop without blocking, then parsed, checked and written in a worker
thread, a bounded batch per write transaction, so the server keeps answering everyone meanwhile.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool

from hipcoach.store.backup import ImportCounts, export_backup, import_backup_in_batches
from hipcoach.store.database import Database
from hipcoach.store.models import User
from hipcoach.web.body_text import lone_surrogates, text_error
from hipcoach.web.deps import DB, Actor
from hipcoach.web.problems import problems

router = APIRouter(prefix="/api/v1", tags=["backup"])
BACKUP_PATH = "/api/v1/backup"
_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "a file GET /backup wrote (hipcoach.backup/1): its profile, programmes, "
                    "set_logs and checkins in this API's own formats, checked whole before anything is saved",
                    "required": ["schema_version"],
                    "properties": {
                        "schema_version": {"const": "hipcoach.backup/1"},
                        "profile": {"type": ["object", "null"]},
                        "programmes": {"type": "array", "items": {"type": "object"}},
                        "set_logs": {"type": "array", "items": {"type": "object"}},
                        "checkins": {"type": "array", "items": {"type": "object"}},
                    },
                }
            }
        },
    }
}


@router.get("/backup", responses=problems(401, 403))
def backup(actor: Actor, db: DB) -> dict:
    """Profile, programmes, set logs, check-ins and analysis reports (schema hipcoach.backup/1)."""
    return export_backup(db, actor)


@router.post(
    "/backup",
    response_model=ImportCounts,
    openapi_extra=_BODY,
    responses=problems(401, 403, 422, said={413: "The file is larger than the server's backup limit."}),
)
async def restore(request: Request, actor: Actor) -> ImportCounts:
    """Adds what the file has and the account lacks; changes nothing already saved; safe to repeat."""
    raw = await request.body()
    return await run_in_threadpool(_restore, request.app.state.database, actor, raw)


def _restore(database: Database, actor: User, raw: bytes) -> ImportCounts:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        error = {"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error", "input": {}}
        raise RequestValidationError([{**error, "ctx": {"error": str(exc)[:200]}}]) from None
    if not isinstance(data, dict):
        raise RequestValidationError(
            [
                {
                    "type": "dict_type",
                    "loc": ("body",),
                    "msg": "Input should be a valid dictionary",
                    "input": {},
                }
            ]
        )
    errors = [text_error(where, text) for where, text in lone_surrogates(data)]
    if errors:
        raise RequestValidationError(errors[:20])
    return import_backup_in_batches(database, actor, data)
