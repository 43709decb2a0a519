"""Per-side set logs, next-morning check-ins, and progress summaries."""

from __future__ import annotations

import csv
import datetime as dt
import io

from fastapi import APIRouter, Response
from pydantic import TypeAdapter
from sqlalchemy import Row

from hipcoach.iso_date import IsoDate
from hipcoach.reports.csv_cells import safe_row
from hipcoach.store import training
from hipcoach.store.inputs import CheckInIn, SetCorrectionIn
from hipcoach.store.progress import Progress, progress
from hipcoach.web.deps import DB, Actor, Id, Tx
from hipcoach.web.problems import problems
from hipcoach.web.schemas import CheckInOut, SetLogOut

router = APIRouter(prefix="/api/v1", tags=["logging and progress"])
CSV_FIELDS = list(SetLogOut.model_fields)
SET_LOGS = TypeAdapter(list[SetLogOut])


@router.post(
    "/set-logs",
    status_code=201,
    response_model=SetLogOut,
    responses={
        200: {"description": "this client_key was logged before; the saved set is returned"},
        **problems(
            400,
            401,
            403,
            404,
            409,
            422,
            said={
                409: "This client_key was used for a different set.",
                422: "A field is out of range, or analysis_id names no finished analysis of yours of "
                "this exercise.",
            },
        ),
    },
)
def log_set(entry: training.CountedSetLogIn, actor: Actor, tx: Tx, response: Response) -> SetLogOut:
    """`analysis_id` marks the set camera-counted: it must name a finished analysis of the runner's own
    of the same exercise, else 422. Runs in a worker thread: the write waits for the writers' turn,
    which another request (an import, say) may hold; waiting in the event loop would stall every
    other request meanwhile."""
    with tx() as db:
        row, created = training.log_set(db, actor, entry)
        if not created:
            response.status_code = 200
        return SetLogOut.model_validate(row)


@router.put(
    "/set-logs/{set_id}",
    response_model=SetLogOut,
    responses=problems(400, 401, 403, 404, 422, said={409: "Only a set logged today can be changed."}),
)
def correct_set(set_id: Id, change: SetCorrectionIn, actor: Actor, tx: Tx) -> SetLogOut:
    """Correct a set logged today: the answer is the new set; the old one is kept, marked replaced."""
    with tx() as db:
        return SetLogOut.model_validate(training.correct_set(db, actor, set_id, change, dt.date.today()))


@router.delete(
    "/set-logs/{set_id}",
    status_code=204,
    responses=problems(401, 403, 404, 422, said={409: "Only a set logged today can be removed."}),
)
def remove_set(set_id: Id, actor: Actor, tx: Tx) -> Response:
    """Remove a set logged today (kept, marked replaced, out of every listing and of the doses)."""
    with tx() as db:
        training.remove_set(db, actor, set_id, dt.date.today())
    return Response(status_code=204)


@router.get(
    "/runners/{runner_id}/set-logs", response_model=list[SetLogOut], responses=problems(401, 404, 422)
)
def set_logs(
    runner_id: Id, actor: Actor, db: DB, since: IsoDate | None = None, until: IsoDate | None = None
) -> list[SetLogOut]:
    return _set_logs_out(training.list_set_logs(db, actor, runner_id, since, until))


@router.get(
    "/runners/{runner_id}/set-logs.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **problems(401, 404, 422)},
)
def set_logs_csv(runner_id: Id, actor: Actor, db: DB) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for s in _set_logs_out(training.list_set_logs(db, actor, runner_id)):
        writer.writerow(safe_row(s.model_dump(mode="json")))  # no text runs as a spreadsheet formula
    headers = {"Content-Disposition": f'attachment; filename="hipcoach-sets-{runner_id}.csv"'}
    return Response(out.getvalue(), media_type="text/csv", headers=headers)


def _set_logs_out(rows: list[Row]) -> list[SetLogOut]:
    """One validation for the whole list, of plain dicts: reading each Row's attributes instead cost
    three times as much, and a runner's history runs to hundreds of sets."""
    keys = rows[0]._fields if rows else ()
    return SET_LOGS.validate_python([dict(zip(keys, r, strict=True)) for r in rows])


@router.put("/check-ins/{date}", response_model=CheckInOut, responses=problems(400, 401, 403, 422))
def check_in(date: IsoDate, entry: CheckInIn, actor: Actor, tx: Tx) -> CheckInOut:
    with tx() as db:
        return CheckInOut.model_validate(training.put_checkin(db, actor, date, entry))


@router.get(
    "/runners/{runner_id}/check-ins", response_model=list[CheckInOut], responses=problems(401, 404, 422)
)
def check_ins(runner_id: Id, actor: Actor, db: DB) -> list[CheckInOut]:
    return [CheckInOut.model_validate(c) for c in training.list_checkins(db, actor, runner_id)]


@router.get("/runners/{runner_id}/progress", response_model=Progress, responses=problems(401, 404, 422))
def runner_progress(runner_id: Id, actor: Actor, db: DB) -> Progress:
    return progress(db, actor, runner_id, dt.date.today())
