"""`hipcoach reset-link EMAIL`: the server's owner makes a one-time password-reset link and hands it over.

No e-mail server is needed: the link is printed, to give to the person by whatever way the owner
trusts. Only its hash is stored; it works once, until it expires.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from hipcoach.cli_support import friendly_errors, out
from hipcoach.cli_web import DataOpt, DbOpt, default_data_dir


def register(app: typer.Typer) -> None:
    @app.command("reset-link")
    @friendly_errors
    def reset_link(
        email: str = typer.Argument(..., help="the email of the account"),
        data: Path | None = DataOpt,
        database_url: str | None = DbOpt,
        public_url: str | None = typer.Option(
            None, help="the address people open; default $HIPCOACH_PUBLIC_URL, else http://127.0.0.1:8000"
        ),
        hours: float = typer.Option(24.0, min=0.1, max=168.0, help="how long the link works"),
    ):
        """Print a one-time link that lets the account's owner choose a new password."""
        from hipcoach.settings import Settings
        from hipcoach.store import password_reset
        from hipcoach.store.database import Database

        settings = Settings(data_dir=data or default_data_dir(), database_url=database_url)
        base = public_url or os.environ.get("HIPCOACH_PUBLIC_URL") or "http://127.0.0.1:8000"
        database = Database.open(settings.db_url)
        try:
            with database.transaction() as db:
                user = password_reset.require_user(db, email)
                raw, expires = password_reset.create_reset(db, user.email, hours)
        finally:
            database.close()
        plain = {"markup": False, "highlight": False}
        until = f"{expires:%Y-%m-%d %H:%M} UTC"
        out.print(f"Password-reset link for {user.email} (works once, until {until}):", **plain)
        out.print(f"{base.rstrip('/')}/reset/{raw}", soft_wrap=True, **plain)
        out.print("Give it to them privately: whoever opens it can set the account's password.", **plain)
