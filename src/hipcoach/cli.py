"""The `hipcoach` command line: each group of commands lives in its own cli_* module."""

import inspect

import typer

from hipcoach import cli_account, cli_analysis, cli_catalog, cli_intake, cli_motion, cli_plans, cli_web

app = typer.Typer(no_args_is_help=True, add_completion=False, help="A hip-strength coach for runners.")
for module in (cli_catalog, cli_intake, cli_plans, cli_motion, cli_analysis, cli_web, cli_account):
    module.register(app)


def _reflowed(doc: str | None) -> str | None:
    """A command's docstring as help text: each paragraph one line, for the terminal to wrap (typer
    keeps the docstring's line breaks after the first paragraph, which broke lines mid-sentence)."""
    if not doc:
        return doc
    return "\n\n".join(" ".join(p.split()) for p in inspect.cleandoc(doc).split("\n\n"))


for command in app.registered_commands:
    command.help = _reflowed(command.help or inspect.getdoc(command.callback))
