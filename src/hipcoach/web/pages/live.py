"""The live camera page of one guided-session step: pose runs in the runner's browser, only landmarks
travel (over web/live_socket.py's WebSocket), and the server counts reps, times holds and picks cues.

The page is a shell that static/live.js drives: it is given, in data- attributes, where the model, the
MediaPipe files and the socket are, and the step's dose. Without the npm folder the page says which
command installs it and points to uploading a clip instead (which needs none of it). An exercise with no
camera analyser gets no live page: its guided step shows no camera link and this URL explains why.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from hipcoach.analysis.specs import load_specs
from hipcoach.store.errors import Conflict, NotFound
from hipcoach.web import live_assets
from hipcoach.web.pages.render import RunnerUser, render
from hipcoach.web.pages.session_data import Step, session_context

router = APIRouter(include_in_schema=False)


def counts_with_camera(step: Step) -> bool:
    """The analyser tables know this exercise (the same ones an upload uses)."""
    return step.item.exercise_id in load_specs()


def live_step(ctx: dict, number: int) -> Step:
    """Step `number` of the session, refused (with what to do) when the camera cannot count it."""
    steps = ctx["steps"]
    if not 1 <= number <= len(steps):
        raise NotFound(f"This session has steps 1 to {len(steps)}.", "Open the session from your programme.")
    step = steps[number - 1]
    if not counts_with_camera(step):
        raise Conflict(
            f"The camera cannot count {step.exercise.name} yet.",
            "Log this set on the step page; the timer there times holds and rests.",
        )
    if ctx["is_future"]:
        raise Conflict(
            f"This session is on {ctx['session'].date:%A %d %b}.", "Count it with the camera on the day."
        )
    return step


@router.get("/sessions/{uid}/live/{number}")
def live_page(request: Request, uid: str, number: int, user: RunnerUser):
    with request.app.state.database.transaction(write=False) as db:
        ctx = session_context(db, user, uid)
    step = live_step(ctx, number)
    return render(
        request, "live.html", user=user, step=step, camera=step.exercise.camera,
        ready=live_assets.vendor_ready(), setup_command=live_assets.SETUP_COMMAND,
        vendor_url=live_assets.VENDOR_URL, model_url=live_assets.model_url(),
        socket_path=f"/sessions/{uid}/live/{number}/ws", **ctx,
    )  # fmt: skip
