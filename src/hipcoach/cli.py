"""The `hipcoach` command line: each group of commands lives in its own cli_* module."""

import typer

from hipcoach import cli_catalog, cli_intake, cli_plans

app = typer.Typer(no_args_is_help=True, add_completion=False, help="A hip-strength coach for runners.")
for module in (cli_catalog, cli_intake, cli_plans):
    module.register(app)
from hipcoach.cli_motion import register as _register_motion  # noqa: E402

_register_motion(app)
from hipcoach.cli_web import register as _register_web  # noqa: E402

_register_web(app)
