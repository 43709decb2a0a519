"""The app factory: one database, one job queue (its worker a child process), the API routers, error
handling, upload limits and load shedding."""

from __future__ import annotations

from contextlib import asynccontextmanager
from importlib import resources
from typing import Literal

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from hipcoach import __version__
from hipcoach.jobs.analysis import default_analyser
from hipcoach.jobs.queue import make_huey, make_queue
from hipcoach.jobs.standalone import WorkerProcess
from hipcoach.jobs.sweep import Sweeper
from hipcoach.settings import Settings
from hipcoach.store.database import Database
from hipcoach.web import (
    api_accounts,
    api_adjustments,
    api_backup,
    api_coaching,
    api_logs,
    api_notes,
    api_programmes,
    api_videos,
)
from hipcoach.web.body_text import refuse_lone_surrogates
from hipcoach.web.errors import install_error_handlers
from hipcoach.web.json_types import refuse_loose_types
from hipcoach.web.live_assets import install_live_assets
from hipcoach.web.live_socket import router as live_socket_router
from hipcoach.web.load_shed import LoadShed, ShedLimits
from hipcoach.web.login_guard import login_url_for
from hipcoach.web.pages import account, auth, checkins, coach, onboarding, runner, session, today, videos
from hipcoach.web.pages import adjust as adjust_pages
from hipcoach.web.pages import live as live_page
from hipcoach.web.pages.deletion import router as deletion_pages
from hipcoach.web.pages.error_page import too_large_answer, too_large_backup_answer
from hipcoach.web.pages.exercises import router as exercise_pages
from hipcoach.web.pages.invitations import router as invitation_pages
from hipcoach.web.pages.password_reset import router as password_reset_pages
from hipcoach.web.pages.render import SignInFirst
from hipcoach.web.problems import document_everywhere
from hipcoach.web.security_headers import install_security_headers
from hipcoach.web.upload_limit import BODY_LIMIT, UploadLimit


class Health(BaseModel):
    status: Literal["ok"]


def shed_limits(settings: Settings) -> ShedLimits:
    """The settings' limits, each one not given following the cores."""
    default, waiting = ShedLimits.for_cores(), settings.max_waiting_requests
    return ShedLimits(
        max_active=settings.max_active_requests or default.max_active,
        max_waiting=default.max_waiting if waiting is None else waiting,
    )


def document_app_wide(app: FastAPI) -> None:
    """The OpenAPI document with the answers every API operation can give (problems.document_everywhere)."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            document_everywhere(generate())  # FastAPI keeps it in app.openapi_schema
        return app.openapi_schema

    app.openapi = openapi


def create_app(settings: Settings, analyser_for=default_analyser) -> FastAPI:
    """Open (and migrate) the database and wire the queue; the embedded worker runs while the app does."""
    database = Database.open(settings.db_url)
    huey = make_huey(settings.data_dir, settings.redis_url, immediate=settings.immediate_jobs)
    queue = make_queue(huey, database, settings.analyses_dir, settings.lease_s, analyser_for)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        worker, sweeper = None, Sweeper(database, settings.uploads_dir, settings.analyses_dir)
        sweeper.start()
        if settings.embedded_worker and not settings.immediate_jobs:
            worker = WorkerProcess(settings, analyser_for)  # a nicer process: cannot starve the web one
            worker.start()
        app.state.worker = worker
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
            sweeper.stop()
            database.close()

    app = FastAPI(
        title="hipcoach",
        version=__version__,
        description="Hip-strength coaching for runners: profiles, programmes, per-side logs, video analyses.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's docs pages load their scripts from a CDN; nothing may download at run time
        redoc_url=None,
        # no route sees text that is not Unicode, nor a JSON value of another type than documented
        dependencies=[Depends(refuse_lone_surrogates), Depends(refuse_loose_types)],
    )
    app.state.settings, app.state.database, app.state.jobs = settings, database, queue
    for module in (
        api_accounts,
        api_programmes,
        api_logs,
        api_coaching,
        api_videos,
        api_backup,
        api_adjustments,
        api_notes,
    ):
        app.include_router(module.router)
    for router in (
        auth.router, runner.router, today.router, session.router, checkins.router, coach.router,
        videos.router, account.router,
    ):  # fmt: skip
        app.include_router(router)
    app.include_router(exercise_pages)
    app.include_router(deletion_pages)  # deleting a video or the account, each confirmed first
    app.include_router(password_reset_pages)  # forgot password: a one-time link, mailed or printed
    app.include_router(onboarding.router)  # the profile form and the red-flag screening
    app.include_router(live_page.router)  # the live camera page of a guided step, and its socket
    app.include_router(live_socket_router)
    install_live_assets(app)  # before /static: /static/vendor/tasks-vision is the npm folder
    app.include_router(invitation_pages)  # pending invitations and /join/<code>
    app.include_router(adjust_pages.router)  # a coach changing an athlete's programme
    app.mount(
        "/static", StaticFiles(directory=str(resources.files("hipcoach.web").joinpath("static"))), "static"
    )

    @app.get("/health", tags=["health"], summary="The process is up (never shed under load)")
    async def health() -> Health:  # async: never waits for one of the threads busy with requests
        return Health(status="ok")

    @app.exception_handler(SignInFirst)
    async def sign_in_first(request: Request, exc: SignInFirst) -> RedirectResponse:
        return RedirectResponse(login_url_for(request), status_code=303)

    install_error_handlers(app)
    document_app_wide(app)
    app.add_middleware(
        UploadLimit,
        limit=settings.upload_limit_bytes,
        paths=(api_videos.UPLOAD_PATH, videos.UPLOAD_PAGE_PATH),
        page=too_large_answer,
    )
    app.add_middleware(
        UploadLimit,
        limit=settings.backup_limit_bytes,
        paths=(api_backup.BACKUP_PATH,),
        what="backup",
        overhead=0,
    )
    app.add_middleware(
        UploadLimit,
        limit=settings.backup_limit_bytes,
        paths=(account.IMPORT_PAGE_PATH,),
        page=too_large_backup_answer,
        what="backup",
    )
    app.add_middleware(
        UploadLimit,
        limit=BODY_LIMIT,
        paths=None,
        what="request body",
        overhead=0,
        except_paths=(
            api_videos.UPLOAD_PATH,
            videos.UPLOAD_PAGE_PATH,
            api_backup.BACKUP_PATH,
            account.IMPORT_PAGE_PATH,
        ),
    )
    app.add_middleware(LoadShed, limits=shed_limits(settings))  # outside the others: a 503 costs little
    install_security_headers(app, secure=settings.secure_cookies)  # on every answer, 500s included
    return app
