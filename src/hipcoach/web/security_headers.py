"""The headers that keep a browser from being turned against its user, on every answer the app gives.

- Content-Security-Policy: scripts, styles, media and fetches only from this server, so a script that
  slipped into a page (a name shown unescaped, say) would not run or send anything anywhere. WebAssembly
  may compile (`'wasm-unsafe-eval'`, for the in-browser pose model of the camera page); eval may not.
  blob: is for recorded clips and their workers; frame-ancestors 'none' (and X-Frame-Options DENY for
  older browsers) stops another site framing the pages to trick clicks.
- X-Content-Type-Options nosniff: an uploaded file is never run as a script or stylesheet by a guess.
- Referrer-Policy strict-origin-when-cross-origin: another site learns at most this server's origin,
  never a path (session and analysis ids are in the paths). "no-referrer" would be stricter, but it also
  makes browsers send `Origin: null` on the app's own form posts, which is what a check against
  cross-site posts reads.
- Permissions-Policy: the camera for this origin only (the live camera page); everything else a page
  never needs is off, for embedded content too.
- Cache-Control no-store on everything but /static and answers that chose their own caching (the
  exercise figures: public, content-hashed): pages and API answers carry health data, which must not
  stay in a shared computer's cache or a proxy's.
- Behind HTTPS (`secure`, from `hipcoach serve --secure-cookies`, or a request that arrived over TLS,
  which uvicorn also reads from a trusted proxy's X-Forwarded-Proto): every cookie gets Secure and
  Strict-Transport-Security tells the browser to use nothing but HTTPS here for a year.

Pure ASGI rather than BaseHTTPMiddleware: only the start message is touched, bodies stream through
as they come (video files, uploads' answers), and nothing is buffered. `install_security_headers`
wraps the whole stack, Starlette's last-resort error handler included, so 500 pages carry them too.
"""

from __future__ import annotations

from starlette.applications import Starlette

CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
PERMISSIONS = (
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), midi=(), "
    "display-capture=()"
)
HSTS = b"max-age=31536000"  # a year; no includeSubDomains: other services may share the domain
ALWAYS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", PERMISSIONS.encode()),
]
REPLACED = {name for name, _ in ALWAYS} | {b"strict-transport-security"}
CACHED_PATHS = ("/static/",)  # files that are the same for everyone keep their ETag revalidation


def secure_cookie(value: bytes) -> bytes:
    """A Set-Cookie value with the Secure attribute (as it was if it already had one)."""
    attributes = [part.strip().lower() for part in value.split(b";")[1:]]
    return value if b"secure" in attributes else value + b"; Secure"


class SecurityHeaders:
    """ASGI middleware: adds the headers above to each HTTP response's start message."""

    def __init__(self, app, secure: bool = False) -> None:
        self.app, self.secure = app, secure

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        secure = self.secure or scope.get("scheme") == "https"
        cache = not scope["path"].startswith(CACHED_PATHS)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": self.headers(message.get("headers", []), secure, cache)}
            await send(message)

        await self.app(scope, receive, with_headers)

    @staticmethod
    def headers(given, secure: bool, no_store: bool) -> list[tuple[bytes, bytes]]:
        out = []
        for name, value in given:
            lower = name.lower()
            if lower in REPLACED:
                continue
            if lower == b"cache-control":
                no_store = False  # the route chose its caching
            if secure and lower == b"set-cookie":
                value = secure_cookie(value)
            out.append((name, value))
        out += ALWAYS
        if no_store:
            out.append((b"cache-control", b"no-store"))
        if secure:
            out.append((b"strict-transport-security", HSTS))
        return out


def install_security_headers(app: Starlette, secure: bool) -> None:
    """Put SecurityHeaders outside the whole middleware stack. app.add_middleware would place it inside
    Starlette's ServerErrorMiddleware, whose 500 answers would then go out without the headers."""
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build(), secure=secure)
