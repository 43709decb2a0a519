"""`hipcoach serve` (the web app with its embedded worker) and `hipcoach worker` (extra workers)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import typer

from hipcoach.cli_plans import demo_profile, next_monday
from hipcoach.cli_support import friendly_errors, out

# The web stack (SQLAlchemy, FastAPI, Huey) is imported inside the commands: other commands stay quick.

DEMO_EMAIL = "demo@hipcoach.local"


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "hipcoach"


DataOpt = typer.Option(
    None, "--data", help="data folder (database, uploads, results); default ~/.local/share/hipcoach"
)
DbOpt = typer.Option(
    None, "--database-url", help="e.g. postgresql://user:pw@host/db; default: SQLite in the data folder"
)
RedisOpt = typer.Option(
    None, "--redis-url", help="share the job queue through Redis (several workers/machines)"
)


def offer_demo(database) -> str | None:
    """On a database with no users, create a demo runner with a programme; returns its password."""
    from hipcoach.store import accounts, training
    from hipcoach.store.models import User

    with database.transaction() as db:
        if db.query(User.id).first() is not None:
            return None
        password = secrets.token_urlsafe(9)
        user = accounts.create_user(db, DEMO_EMAIL, password, "Demo runner", "runner")
        profile = demo_profile(next_monday(dt.date.today()))
        training.save_profile(db, user, profile.model_dump(mode="json"))
        training.create_programme(db, user)
    return password


def register(app: typer.Typer) -> None:
    @app.command()
    @friendly_errors
    def serve(
        host: str = typer.Option("127.0.0.1", help="address to listen on (127.0.0.1: this machine only)"),
        port: int = typer.Option(8000, min=1, max=65535),
        data: Path | None = DataOpt,
        database_url: str | None = DbOpt,
        redis_url: str | None = RedisOpt,
        upload_limit_mb: int = typer.Option(
            500, min=1, help="largest video upload, MiB (the web settings default)"
        ),
        demo: bool = typer.Option(True, help="create a demo runner when the database has no users"),
        embedded_worker: bool = typer.Option(True, help="analyse videos inside this process"),
        secure_cookies: bool = typer.Option(
            False, help="served behind HTTPS: Secure session cookie and Strict-Transport-Security"
        ),
        max_active_requests: int | None = typer.Option(
            None,
            min=1,
            help="requests handled at once; past them and the waiting ones, 503 (default: 4 a core)",
        ),
        max_waiting_requests: int | None = typer.Option(
            None, min=0, help="requests waiting for a turn, at most 2 s each (default: 8 a core)"
        ),
    ):
        """Start the web app and API (OpenAPI at /openapi.json); the first start sets up the database."""
        from hipcoach.settings import Settings
        from hipcoach.web.app import create_app
        from hipcoach.web.mail import smtp_from_env
        from hipcoach.web.serving import serve as serve_app

        settings = Settings(
            data_dir=data or default_data_dir(),
            database_url=database_url,
            redis_url=redis_url,
            upload_limit_bytes=upload_limit_mb * 2**20,
            embedded_worker=embedded_worker,
            secure_cookies=secure_cookies,
            max_active_requests=max_active_requests,
            max_waiting_requests=max_waiting_requests,
            smtp=smtp_from_env(os.environ),  # the HIPCOACH_SMTP_* variables (see hipcoach.web.mail)
            public_url=os.environ.get("HIPCOACH_PUBLIC_URL") or None,
        )
        app = create_app(settings)
        out.print(f"Data folder: {settings.data_dir}")
        if demo and (password := offer_demo(app.state.database)):
            out.print(f"Demo runner created: sign in as {DEMO_EMAIL} with password {password}")
        out.print(f"hipcoach on http://{host}:{port}/  (OpenAPI: http://{host}:{port}/openapi.json)")
        if settings.smtp is None:
            out.print(
                "No HIPCOACH_SMTP_HOST: forgotten passwords are reset with `hipcoach reset-link EMAIL`."
            )
        serve_app(app, host, port)

    @app.command()
    @friendly_errors
    def worker(
        data: Path | None = DataOpt,
        database_url: str | None = DbOpt,
        redis_url: str | None = RedisOpt,
        threads: int = typer.Option(1, min=1, max=16, help="analyses run at once"),
        lease_seconds: float = typer.Option(
            60.0, min=1.0, help="a job whose worker is silent this long is handed to another worker"
        ),
    ):
        """Analyse uploaded videos from the shared queue until stopped (Ctrl-C finishes the job in hand)."""
        from hipcoach.jobs.standalone import run_worker
        from hipcoach.settings import Settings

        settings = Settings(
            data_dir=data or default_data_dir(),
            database_url=database_url,
            redis_url=redis_url,
            lease_s=lease_seconds,
        )
        out.print(f"hipcoach worker on {settings.redis_url or settings.data_dir / 'queue.sqlite3'}")
        run_worker(settings, workers=threads)
