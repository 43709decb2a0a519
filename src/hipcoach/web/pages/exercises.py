"""An exercise card page and its animated figure, both straight from the shipped catalogue.

The figure is drawn by `hipcoach.reports.figure_svg` from the package's own synthetic motion. It holds
no one's data and changes only with a new release, so it is served to anyone with a long public cache
lifetime and an ETag from its content hash; a browser that already has it gets 304 and no body. The
card page is for signed-in users, like the rest of the pages. `_figure.html` shows the figure inside any
card: it needs `has_figure`, `figure_alt` and `camera_caption`, which are registered here as template
globals so every template that includes it finds them.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from hipcoach.catalog import load_catalog
from hipcoach.errors import UserError
from hipcoach.reports.evidence_text import evidence_line
from hipcoach.reports.figure_motion import has_figure
from hipcoach.reports.figure_svg import HEIGHT, WIDTH, camera_caption, figure_alt, figure_etag, figure_svg
from hipcoach.store.errors import NotFound
from hipcoach.web.pages.render import PageUser, render, templates

router = APIRouter(include_in_schema=False)
MAX_AGE_S = 86400  # a day: a new release may redraw a figure, and the ETag then changes

templates.env.globals.update(
    has_figure=has_figure,
    figure_alt=figure_alt,
    camera_caption=camera_caption,
    figure_width=WIDTH,
    figure_height=HEIGHT,
)


def _exercise(exercise_id: str):
    try:
        return load_catalog().exercise(exercise_id)
    except UserError as exc:
        raise NotFound(exc.message, exc.hint) from None


def _etag_matches(header: str, etag: str) -> bool:
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


@router.get("/exercises/{exercise_id}/figure.svg")
def figure(request: Request, exercise_id: str) -> Response:
    exercise = _exercise(exercise_id)
    if not has_figure(exercise.id):
        raise NotFound(f"There is no animation of '{exercise.name}' yet.", "The exercise card has its steps.")
    etag = figure_etag(exercise.id)
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={MAX_AGE_S}"}
    if _etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    return Response(figure_svg(exercise.id), media_type="image/svg+xml", headers=headers)


@router.get("/exercises/{exercise_id}")
def exercise_page(request: Request, exercise_id: str, user: PageUser):
    exercise = _exercise(exercise_id)
    catalog = load_catalog()
    evidence = [
        {"line": evidence_line(e, catalog), "citation": catalog.studies[e.study].citation}
        for e in exercise.evidence
    ]
    related = {i: catalog.exercises[i].name for i in (*exercise.regressions, *exercise.progressions)}
    return render(
        request, "exercise.html", user=user, exercise=exercise, evidence=evidence, related=related,
        faults=[catalog.faults[c] for c in exercise.faults],
    )  # fmt: skip
