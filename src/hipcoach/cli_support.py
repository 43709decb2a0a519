"""What every command shares: consoles and turning UserError into a message and exit status 2."""

from __future__ import annotations

import functools
from collections.abc import Callable

import typer
from rich.console import Console
from rich.markup import escape

from hipcoach.errors import UserError

out = Console()
err = Console(stderr=True)


def friendly_errors(fn: Callable) -> Callable:
    """Print a UserError as 'Error: ...' with its hint and exit 2, never a traceback. The message may
    quote the user's own text, so it is printed as text: "[/x]" in a name is not Rich markup."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            err.print(f"[bold red]Error:[/] {escape(exc.message)}", highlight=False, markup=True)
            if exc.hint:
                err.print(exc.hint, highlight=False, markup=False)
            raise typer.Exit(2) from None

    return wrapper
