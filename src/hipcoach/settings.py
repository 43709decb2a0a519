"""Where hipcoach keeps its data, how big an upload may be, how the job queue runs: one object for the
web app (create_app) and the worker process (jobs/standalone.py) alike.

It lives outside hipcoach.web so the job queue does not import the web package to learn its settings.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hipcoach.errors import UserError
from hipcoach.store.db import sqlite_url

if TYPE_CHECKING:  # a type only: importing it would import the web package
    from hipcoach.web.mail import SmtpSettings

DEFAULT_UPLOAD_LIMIT = 500 * 1024 * 1024  # a few minutes of 1080p phone video
DEFAULT_BACKUP_LIMIT = 20 * 1024 * 1024  # a backup: years of daily logging come to a few MiB


@dataclass
class Settings:
    data_dir: Path
    database_url: str | None = None  # None: an SQLite file in data_dir
    redis_url: str | None = None  # None: the job queue lives in an SQLite file in data_dir
    upload_limit_bytes: int = DEFAULT_UPLOAD_LIMIT
    backup_limit_bytes: int = DEFAULT_BACKUP_LIMIT  # the body of POST /api/v1/backup
    secret: str | None = None  # None: read (or create once) data_dir/secret.key
    secure_cookies: bool = False  # behind HTTPS: a Secure session cookie and Strict-Transport-Security
    embedded_worker: bool = False  # run the job consumer inside the web process
    immediate_jobs: bool = False  # run jobs in the request (tests only)
    lease_s: float = 60.0  # a job whose worker is silent this long is handed out again
    requeue_queued_after_s: float = 600.0  # a queued job not started this long is enqueued again
    smtp: SmtpSettings | None = None  # None: no e-mail; the owner prints reset links (see web/mail.py)
    public_url: str | None = None  # the address people open, for links in e-mails; None: the request's
    # Load shedding (web/load_shed.py): requests run at once and waiting for a turn; None: from the cores
    max_active_requests: int | None = None
    max_waiting_requests: int | None = None
    worker_nice: int = 10  # the embedded worker's process runs this much nicer than the web process

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).expanduser().resolve()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"Cannot use {self.data_dir} as the data folder: {exc.strerror}") from None
        if self.upload_limit_bytes <= 0 or self.backup_limit_bytes <= 0:
            raise UserError("The upload and backup limits must be positive numbers of bytes.")
        if (self.max_active_requests is not None and self.max_active_requests < 1) or (
            self.max_waiting_requests is not None and self.max_waiting_requests < 0
        ):
            raise UserError("At least one request must be let in, and no fewer than none may wait.")
        if not 0 <= self.worker_nice <= 19:
            raise UserError("The worker's nice value is 0 (as the web process) to 19 (the lowest priority).")

    @property
    def db_url(self) -> str:
        return self.database_url or sqlite_url(self.data_dir)

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def analyses_dir(self) -> Path:
        return self.data_dir / "analyses"

    def signing_secret(self) -> str:
        if self.secret:
            return self.secret
        path = self.data_dir / "secret.key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48), "utf-8")
            path.chmod(0o600)
        self.secret = path.read_text("utf-8").strip()
        return self.secret
