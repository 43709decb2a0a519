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
- At the end the whole track and its offline analysis are kept as the runner's analysis (no video;
  store/live_sets.py), written by the upload pipeline's own folder writer, and the "finished" event
  names it and the guided step whose set form it fills in, where the runner adds pain and effort.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import anyio
import anyio.to_thread
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from hipcoach.errors import UserError
from hipcoach.store import live_sets
from hipcoach.store.accounts import user_for_session
from hipcoach.store.models import User
from hipcoach.web.deps import SESSION_COOKIE
from hipcoach.web.live_protocol import BadMessage, Frame, FrameRate, close_reason, parse_start, read, to_json
from hipcoach.web.pages.live import live_step
from hipcoach.web.pages.session_data import session_context

router = APIRouter()
ANALYSER_THREADS = 2  # this many live sets' frames are worked on at once; the others wait their turn
TRACK_FILE = "track.npz"  # the landmarks as sent, in the live set's analysis folder


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


def save_set_for(app):
    """What stores a finished set (app.state.save_live_set when a test gives another)."""
    return getattr(app.state, "save_live_set", None) or save_live_set


def limiter(app) -> anyio.CapacityLimiter:
    if getattr(app.state, "live_limiter", None) is None:  # made in the event loop, where anyio wants it
        app.state.live_limiter = anyio.CapacityLimiter(ANALYSER_THREADS)
    return app.state.live_limiter


def _step_for(app, raw: str | None, uid: str, number: int):
    """(the runner's user id, the step) or Closing with what to do."""
    with app.state.database.transaction(write=False) as db:
        user = user_for_session(db, raw) if raw else None
        if user is None:
            raise Closing(1008, "Sign in again, then reload this page.")
        if user.role != "runner":
            raise Closing(1008, "Live counting is for a runner's own sessions.")
        try:
            return user.id, live_step(session_context(db, user, uid), number)
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
        user_id, step = await anyio.to_thread.run_sync(
            _step_for, app, websocket.cookies.get(SESSION_COOKIE), uid, number
        )
        await _run_set(websocket, app, user_id, uid, step)
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


async def _run_set(websocket: WebSocket, app, user_id: int, uid: str, step) -> None:
    dose = step.item.dose
    frame_size = parse_start(await _receive(websocket))
    live = live_set_class(app)(dose.exercise_id, dose.side, dose.reps, float(dose.hold_s), frame_size)
    await websocket.send_text(
        to_json({"type": "ready", "side": dose.side, "target_reps": dose.reps, "hold_s": dose.hold_s})
    )
    rate = (getattr(app.state, "live_frame_rate", None) or FrameRate)()  # a test may send a saved track fast
    previous_t, threads = None, limiter(app)
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
    try:
        outcome = await anyio.to_thread.run_sync(live.finish, limiter=threads)
    except UserError as exc:  # nobody was ever in view: nothing counted, nothing to keep
        text = f"{exc.message} {exc.hint}".strip()
        summary = {"type": "finished", "reps_by_side": {}, "hold_s": None, "analysis_id": None, "reps": 0}
        summary |= {"message": text, "next_url": guided_url(uid, step.number, 0, None, None)}
        await websocket.send_text(to_json(summary))
        await websocket.close(code=1000, reason="Set finished.")
        return
    for event in getattr(outcome, "events", []):
        await websocket.send_text(to_json(event))
    analysis_id = await anyio.to_thread.run_sync(
        save_set_for(app), app, user_id, uid, step, outcome, limiter=threads
    )
    reps, hold = step_count(step, outcome)
    summary = {
        "type": "finished",
        "reps_by_side": outcome.reps_by_side,
        "hold_s": outcome.hold_s,
        "analysis_id": analysis_id,
        "reps": reps,
        "next_url": guided_url(uid, step.number, reps, hold, analysis_id),
    }
    await websocket.send_text(to_json(summary))
    await websocket.close(code=1000, reason="Set finished.")


def step_count(step, outcome) -> tuple[int, float | None]:
    """(reps, hold) for the step's set form: the count on the step's side; a step of "both" (a
    two-legged exercise) takes every rep counted."""
    side = step.item.dose.side
    counts = outcome.reps_by_side
    reps = sum(counts.values()) if side == "both" else int(counts.get(side, 0))
    hold = outcome.hold_s if step.item.dose.hold_s else None
    return reps, None if hold is None else round(float(hold), 1)


def guided_url(uid: str, number: int, reps: int, hold_s: float | None, analysis_id: int | None) -> str:
    """The guided step with the set form filled in with what the camera counted."""
    query = {"reps": reps}
    if hold_s is not None:
        query["hold_s"] = f"{hold_s:g}"
    if analysis_id is not None:
        query["analysis"] = analysis_id
    return f"/sessions/{uid}/guided/{number}?{urlencode(query)}"


def save_live_set(app, user_id: int, uid: str, step, outcome) -> int | None:
    """Write the set's analysis folder and row (a worker thread: the plot takes a moment); returns the
    analysis id, or None when there is nothing to keep (nobody counted, not this exercise). The folder is
    the upload pipeline's (analysis/run.py, from the saved track) plus the track itself."""
    from hipcoach.analysis.run import NotMatching, analyse_to_folder

    if outcome.track is None or outcome.report.get("status") != "ok":
        return None
    analyses_dir = Path(app.state.settings.analyses_dir)
    analyses_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="live-", dir=analyses_dir))  # no row names it: swept if left
    try:
        track_file = outcome.track.save(work / TRACK_FILE)
        try:
            report = analyse_to_folder(track_file, step.item.exercise_id, work, draw_video=False)
        except (NotMatching, UserError):
            return None
        with app.state.database.transaction() as db:
            user = db.get(User, user_id)
            analysis = live_sets.add_live_set(
                db, user, session_uid=uid, exercise_id=step.item.exercise_id, report=report, output_dir=""
            )
            final = analyses_dir / str(analysis.id) / "live"
            final.parent.mkdir(parents=True, exist_ok=True)
            work.rename(final)
            analysis.output_dir = str(final)
        return analysis.id
    finally:
        shutil.rmtree(work, ignore_errors=True)  # gone already when it was kept
