"""The runner's whole record as one JSON file, and importing it back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from hipcoach.store.backup import ImportCounts, export_backup, import_backup
from hipcoach.web.deps import DB, Actor, Tx

router = APIRouter(prefix="/api/v1", tags=["backup"])


@router.get("/backup")
def backup(actor: Actor, db: DB) -> dict:
    """Profile, programmes, set logs, check-ins and analysis reports (schema hipcoach.backup/1)."""
    return export_backup(db, actor)


@router.post("/backup", response_model=ImportCounts)
def restore(data: Annotated[dict, Body()], actor: Actor, tx: Tx) -> ImportCounts:
    """Adds what the file has and the account lacks; changes nothing already saved; safe to repeat."""
    with tx() as db:
        return import_backup(db, actor, data)
