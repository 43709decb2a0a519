"""`hipcoach exercises` and `hipcoach exercise ID` (the catalogue and its renderers load inside them)."""

from __future__ import annotations

import json
from enum import StrEnum

import typer

from hipcoach.cli_support import friendly_errors, out


class SortBy(StrEnum):
    catalogue = "catalogue"
    gti = "gti"
    name = "name"


def register(app: typer.Typer) -> None:
    @app.command("exercises")
    @friendly_errors
    def exercises(
        sort: SortBy = typer.Option(
            SortBy.catalogue, "--sort", help="gti: the 2013 study's gluteal-to-TFL ranking (unknowns last)."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print a JSON array instead of a table."),
    ) -> None:
        """List the exercises in the catalogue."""
        from hipcoach.catalog import load_catalog
        from hipcoach.reports.terminal import exercises_table

        catalog = load_catalog()
        items = list(catalog.exercises.values())
        if sort is SortBy.gti:
            items = catalog.ranked_by_gti()
        elif sort is SortBy.name:
            items.sort(key=lambda e: e.name.lower())
        if as_json:
            rows = [
                {
                    "id": e.id,
                    "name": e.name,
                    "gti": e.gti(),
                    "laterality": e.laterality,
                    "equipment": e.equipment,
                }
                for e in items
            ]
            typer.echo(json.dumps(rows, indent=2))
            return
        out.print(exercises_table(items, catalog))
        if sort is SortBy.gti:
            out.print(
                "GTI: gluteal-to-TFL activation index, Selkowitz et al. 2013 "
                "(fine-wire EMG, 20 healthy adults; range 18-115). "
                "'unknown': the study's value for that exercise is not verified.",
                highlight=False,
            )

    @app.command("exercise")
    @friendly_errors
    def exercise(
        exercise_id: str = typer.Argument(..., metavar="ID", help="An id from `hipcoach exercises`."),
        as_json: bool = typer.Option(False, "--json", help="Print the card as JSON."),
    ) -> None:
        """Print one exercise's whole card: steps, cues, faults, dose, camera set-up and evidence."""
        from rich.markdown import Markdown

        from hipcoach.catalog import load_catalog
        from hipcoach.reports.markdown import exercise_markdown

        catalog = load_catalog()
        ex = catalog.exercise(exercise_id)
        if as_json:
            typer.echo(ex.model_dump_json(indent=2))
            return
        out.print(Markdown(exercise_markdown(ex, catalog)))
