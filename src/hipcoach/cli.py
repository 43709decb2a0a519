"""The `hipcoach` command line: each group of commands lives in its own cli_* module."""

import typer

from hipcoach import cli_account, cli_analysis, cli_catalog, cli_intake, cli_motion, cli_plans, cli_web

app = typer.Typer(no_args_is_help=True, add_completion=False, help="A hip-strength coach for runners.")
for module in (cli_catalog, cli_intake, cli_plans, cli_motion, cli_analysis, cli_web, cli_account):
    module.register(app)
