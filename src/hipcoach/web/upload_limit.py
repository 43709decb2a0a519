"""Refuse oversized bodies while they stream in, before they fill the disk (HTTP 413).

Uploads and backups have limits of their own; every other body (forms, JSON) gets BODY_LIMIT, far
above anything a person types, so that no request, signed in or not, can make the form parser spool
an endless "file" to disk before a route refuses it.

The API gets its JSON; a browser that posted the upload page's form without JavaScript (which would
have stopped the file before sending) gets the page `page` makes, saying the limit and what to do.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response

from hipcoach.web.answer_kind import Answer, answer_kind

PageAnswer = Callable[[Request, int, Answer], Awaitable[Response]]


BODY_LIMIT = 2**20  # any body without a limit of its own: the largest profile or note is a few KiB
WITH_BODY = ("POST", "PUT", "PATCH", "DELETE")


class UploadTooLarge(Exception):
    pass


class UploadLimit:
    """ASGI middleware: bodies of POSTs to `paths` may not exceed `limit` bytes (plus form overhead).
    `what` names the body in the message ("upload", "backup"). With `paths` None, the limit is on
    every body (`WITH_BODY` methods) sent anywhere but `except_paths`."""

    FORM_OVERHEAD = 64 * 1024

    def __init__(
        self,
        app,
        limit: int,
        paths: tuple[str, ...] | None,
        page: PageAnswer | None = None,
        what: str = "upload",
        overhead: int = FORM_OVERHEAD,
        except_paths: tuple[str, ...] = (),
    ) -> None:
        self.app, self.limit, self.paths, self.page, self.what = app, limit, paths, page, what
        self.max_body, self.except_paths = limit + overhead, except_paths

    def _applies(self, scope) -> bool:
        if scope["type"] != "http":
            return False
        if self.paths is None:
            return scope["method"] in WITH_BODY and scope["path"] not in self.except_paths
        return scope["method"] == "POST" and scope["path"] in self.paths

    async def __call__(self, scope, receive, send):
        if not self._applies(scope):
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            return await self._refuse(scope, receive, send)
        seen, started, refused = 0, False, False

        async def counting_receive():
            # Over the limit: the 413 is sent here and now, and the app is told the client left, so
            # nothing it does with a body cut short (FastAPI answers 400 when reading one fails) is sent.
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    if started:
                        raise UploadTooLarge
                    refused = True
                    await self._refuse(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message):
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except UploadTooLarge:
            pass  # the answer had begun (a route answering while the body still came): it just ends
        except Exception:
            if not refused:
                raise

    async def _refuse(self, scope, receive, send) -> None:
        kind = answer_kind(scope["path"], Headers(scope=scope))
        if kind != "json" and self.page is not None:
            response = await self.page(Request(scope), self.limit, kind)
            return await response(scope, receive, send)
        mib = self.limit / 2**20
        body = json.dumps({"detail": f"The {self.what} is larger than the limit of {mib:.0f} MiB."}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
