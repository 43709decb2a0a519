"""The `hipcoach` command line."""

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False, help="A hip-strength coach for runners.")
