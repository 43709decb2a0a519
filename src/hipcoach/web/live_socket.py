"""The live camera page's WebSocket: landmarks in, the streaming analyser's events out (protocol in
web/live_protocol.py).

Kept thin on purpose: it checks who is asking and what they send, hands frames to analysis/live.py's
LiveSet, and passes its events back. Why each check:
- Only the runner's own session (the sign-in cookie, as the pages) and only from this site's pages: a
  browser sends cookies with a WebSocket opened by any site, and no CORS guards it, so the Origin
  header must name this server (a mismatch is refused at the handshake, before anything is read).
- Messages of at most 16,000 characters, at most 30 frames a second on average, strictly increasing
  times, at most 20 minutes a set: anything else closes the socket with a reason saying what to do
  (policy violation 1008, bad data 1007, too big 1009), after an {"type": "error"} message saying it
  in full.
- The analyser's work runs in worker threads (a limiter of its own, so live sets never wait behind page
  renders nor starve them): a frame usually costs well under a millisecond, but the end of a set makes
  the full offline analysis, and a slow frame must not stall every other socket and page.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import anyio
import anyio.to_thread
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from hipcoach.errors import UserError
from hipcoach.store.accounts import user_for_session
from hipcoach.web.deps import SESSION_COOKIE
from hipcoach.web.live_protocol import BadMessage, Frame, FrameRate, close_reason, parse_start, read, to_json
from hipcoach.web.pages.live import live_step
from hipcoach.web.pages.session_data import session_context

router = APIRouter()
ANALYSER_THREADS = 2  # this many live sets' frames are worked on at once; the others wait their turn


class Closing(Exception):
    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code, self.text = code, text


def same_origin(websocket: WebSocket) -> bool:
    """The Origin header names the host the socket was opened on (scheme http for ws, https for wss)."""
    origin, host = websocket.headers.get("origin"), websocket.headers.get("host")
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    want = "https" if websocket.url.scheme == "wss" else "http"
    return parts.scheme == want and parts.netloc.lower() == host.lower()


def live_set_class(app):
    """The streaming analyser (app.state.live_set when a test gives another)."""
    given = getattr(app.state, "live_set", None)
    if given is not None:
        return given
    try:
        from hipcoach.analysis.live import LiveSet
    except ImportError:
        raise Closing(1011, "Live counting is not installed on this server; upload a clip instead.") from None
    return LiveSet


def limiter(app) -> anyio.CapacityLimiter:
    if getattr(app.state, "live_limiter", None) is None:  # made in the event loop, where anyio wants it
        app.state.live_limiter = anyio.CapacityLimiter(ANALYSER_THREADS)
    return app.state.live_limiter


def _step_for(app, raw: str | None, uid: str, number: int):
    with app.state.database.transaction(write=False) as db:
        user = user_for_session(db, raw) if raw else None
        if user is None:
            raise Closing(1008, "Sign in again, then reload this page.")
        if user.role != "runner":
            raise Closing(1008, "Live counting is for a runner's own sessions.")
        try:
            return live_step(session_context(db, user, uid), number)
        except UserError as exc:
            raise Closing(1008, f"{exc.message} {exc.hint}".strip()) from None


@router.websocket("/sessions/{uid}/live/{number}/ws")
async def live_socket(websocket: WebSocket, uid: str, number: int) -> None:
    if not same_origin(websocket):
        await websocket.close(code=1008)  # before accept: the handshake is refused (HTTP 403)
        return
    await websocket.accept()
    app = websocket.app
    try:
        step = await anyio.to_thread.run_sync(
            _step_for, app, websocket.cookies.get(SESSION_COOKIE), uid, number
        )
        await _run_set(websocket, app, step)
    except Closing as exc:
        await _close(websocket, exc.code, exc.text)
    except BadMessage as exc:
        await _close(websocket, 1007, str(exc))
    except WebSocketDisconnect:
        return  # the runner left the page: the set is dropped, nothing was saved


async def _close(websocket: WebSocket, code: int, text: str) -> None:
    try:
        await websocket.send_text(to_json({"type": "error", "text": text}))
        await websocket.close(code=code, reason=close_reason(text))
    except (WebSocketDisconnect, RuntimeError):  # already gone
        pass


async def _receive(websocket: WebSocket) -> str:
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    if message.get("text") is None:
        raise BadMessage("Messages must be JSON text; reload the page.")
    return message["text"]


async def _run_set(websocket: WebSocket, app, step) -> None:
    dose = step.item.dose
    frame_size = parse_start(await _receive(websocket))
    live = live_set_class(app)(dose.exercise_id, dose.side, dose.reps, float(dose.hold_s), frame_size)
    await websocket.send_text(
        to_json({"type": "ready", "side": dose.side, "target_reps": dose.reps, "hold_s": dose.hold_s})
    )
    rate, previous_t, threads = FrameRate(), None, limiter(app)
    while True:
        got = read(await _receive(websocket), previous_t)
        if got == "end":
            break
        if not rate.allow(time.monotonic()):
            raise Closing(1008, "More than 30 frames a second were sent; reload the page.")
        assert isinstance(got, Frame)
        previous_t = got.t
        events = await anyio.to_thread.run_sync(live.feed, got.t, got.landmarks, got.world, limiter=threads)
        for event in events:
            await websocket.send_text(to_json(event))
    outcome = await anyio.to_thread.run_sync(live.finish, limiter=threads)
    summary = {"type": "finished", "reps_by_side": outcome.reps_by_side, "hold_s": outcome.hold_s}
    await websocket.send_text(to_json(summary))
    await websocket.close(code=1000, reason="Set finished.")
