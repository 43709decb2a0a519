"""Refuse oversized uploads while they stream in, before they fill the disk (HTTP 413).

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


class UploadTooLarge(Exception):
    pass


class UploadLimit:
    """ASGI middleware: bodies of POSTs to `paths` may not exceed `limit` bytes (plus form overhead).
    `what` names the body in the message ("upload", "backup")."""

    FORM_OVERHEAD = 64 * 1024

    def __init__(
        self,
        app,
        limit: int,
        paths: tuple[str, ...],
        page: PageAnswer | None = None,
        what: str = "upload",
        overhead: int = FORM_OVERHEAD,
    ) -> None:
        self.app, self.limit, self.paths, self.page, self.what = app, limit, paths, page, what
        self.max_body = limit + overhead

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            return await self._refuse(scope, receive, send)
        seen = 0
        started = False

        async def counting_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise UploadTooLarge
            return message

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except UploadTooLarge:
            if not started:
                await self._refuse(scope, receive, send)

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
