"""The live camera page and its WebSocket through a test client: the guided step links to it for
exercises the camera can count, the page names its model, files and socket, and the socket takes only
the runner's own session from this site's pages, refuses bad frames with a reason, hands good ones to
the streaming analyser and sends its events back. The analyser here is a small recording fake: the
real one (analysis/live.py) has its own tests, and the browser test runs it end to end."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import numpy as np
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from hipcoach.analysis.specs import load_specs
from hipcoach.web import live_assets
from hipcoach.web.app import create_app
from hipcoach.web.live_protocol import FrameRate
from tests.factories import profile_dict
from tests.web.conftest import make_settings, sign_up_on_pages

TODAY = dt.date.today()
ORIGIN = {"origin": "http://testserver"}
PERSON = [[0.5, 0.5, 0.0, 0.9]] * 33
WORLD = [[0.0, 0.1, 0.0]] * 33


class FakeLiveSet:
    """Counts a rep every 3 frames with a person in them, pauses on an empty frame; remembers all."""

    made: ClassVar[list[FakeLiveSet]] = []

    def __init__(self, exercise_id, side, target_reps, hold_s, frame_size):
        self.args = (exercise_id, side, target_reps, hold_s, frame_size)
        self.fed: list[tuple[float, np.ndarray, np.ndarray | None]] = []
        self.reps = 0
        FakeLiveSet.made.append(self)

    def feed(self, t, landmarks, world):
        self.fed.append((t, landmarks, world))
        if np.isnan(landmarks).all():
            return [{"type": "paused", "text": "Step back into view."}]
        if len(self.fed) % 3 == 0:
            self.reps += 1
            return [{"type": "rep", "side": self.args[1], "count": np.int64(self.reps), "range_deg": np.nan}]
        return []

    def finish(self):
        return SimpleNamespace(reps_by_side={self.args[1]: self.reps}, hold_s=None, report={}, track=None)


def _past_sessions(client) -> list[dict]:
    sessions = client.get("/api/v1/programmes/1/sessions").json()
    return [s for s in sessions if dt.date.fromisoformat(s["date"]) < TODAY]


@pytest.fixture
def runner(tmp_path):
    """A runner with a programme begun two weeks ago: (client, uid, step number the camera counts,
    its dose, a step number it cannot count or None)."""
    FakeLiveSet.made.clear()
    app = create_app(make_settings(tmp_path))
    app.state.live_set = FakeLiveSet
    with TestClient(app) as client:
        csrf = sign_up_on_pages(client, "live@example.org")
        headers = {"X-CSRF-Token": csrf}
        start = (TODAY - dt.timedelta(days=14)).isoformat()
        assert client.put("/api/v1/profile", json=profile_dict(start_date=start), headers=headers).is_success
        assert client.post("/api/v1/programmes", json={}, headers=headers).status_code == 201
        session = _past_sessions(client)[0]
        counted = [n for n, i in enumerate(session["items"], 1) if i["exercise_id"] in load_specs()]
        other = [n for n, i in enumerate(session["items"], 1) if i["exercise_id"] not in load_specs()]
        n = counted[0]
        yield client, session["uid"], n, session["items"][n - 1], (other[0] if other else None)


def test_the_guided_step_links_to_the_camera_page_which_names_its_files(runner):
    client, uid, n, item, other = runner
    step = client.get(f"/sessions/{uid}/guided/{n}").text
    assert f'href="/sessions/{uid}/live/{n}" data-live-link' in step
    if other is not None:
        assert "data-live-link" not in client.get(f"/sessions/{uid}/guided/{other}").text
        refused = client.get(f"/sessions/{uid}/live/{other}")
        assert refused.status_code == 409 and "cannot count" in refused.text
    page = client.get(f"/sessions/{uid}/live/{n}")
    assert page.status_code == 200
    assert f'data-socket="/sessions/{uid}/live/{n}/ws"' in page.text
    assert f'data-model="{live_assets.model_url()}"' in page.text
    dose = item["dose"]
    assert f'data-reps="{dose["reps"]}"' in page.text and f'data-side="{dose["side"]}"' in page.text
    assert '<script type="module" src="/static/live.js"></script>' in page.text


def test_without_the_npm_files_the_page_says_what_to_run(runner, monkeypatch, tmp_path):
    client, uid, n, _, _ = runner
    monkeypatch.setenv(live_assets.VENDOR_ENV, str(tmp_path / "absent"))
    page = client.get(f"/sessions/{uid}/live/{n}").text
    assert "data-live-missing" in page and "npm ci --ignore-scripts" in page
    assert 'href="/videos"' in page and 'data-ready="no"' in page


def test_the_camera_count_fills_in_the_set_form(runner):
    client, uid, n, item, _ = runner
    page = client.get(f"/sessions/{uid}/guided/{n}?reps=7&hold_s=2.5").text
    assert "Counted with the camera: 7" in page
    assert 'name="reps" type="number" inputmode="numeric" min="0" max="200" value="7"' in page
    assert 'value="2.5"' in page
    if item["dose"]["band"]:  # the prescribed band stays chosen
        assert f"<option selected>{item['dose']['band']}</option>" in page
    junk = client.get(f"/sessions/{uid}/guided/{n}?reps=lots&hold_s=-3").text
    assert "Counted with the camera" not in junk


def _socket(client, uid, n, **kw):
    return client.websocket_connect(f"/sessions/{uid}/live/{n}/ws", headers=kw.pop("headers", ORIGIN))


def test_frames_reach_the_analyser_and_its_events_come_back(runner):
    client, uid, n, item, _ = runner
    dose = item["dose"]
    with _socket(client, uid, n) as ws:
        ws.send_text(json.dumps({"type": "start", "frame": [640, 360]}))
        ready = ws.receive_json()
        assert ready == {
            "type": "ready", "side": dose["side"], "target_reps": dose["reps"], "hold_s": dose["hold_s"]
        }  # fmt: skip
        ws.send_text(json.dumps({"t": 0.0, "lm": PERSON, "world": WORLD}))
        ws.send_text(json.dumps({"t": 0.07, "lm": None}))
        assert ws.receive_json() == {"type": "paused", "text": "Step back into view."}
        ws.send_text(json.dumps({"t": 0.13, "lm": PERSON, "world": None}))
        assert ws.receive_json() == {"type": "rep", "side": dose["side"], "count": 1, "range_deg": None}
        ws.send_text(json.dumps({"type": "end"}))
        finished = ws.receive_json()
        assert ws.receive()["code"] == 1000
    assert finished == {
        "type": "finished",
        "reps_by_side": {dose["side"]: 1},
        "hold_s": None,
        "analysis_id": None,
        "reps": 1,
        "next_url": f"/sessions/{uid}/guided/{n}?reps=1",
    }  # fmt: skip  (the fake's outcome has no track: nothing is stored)
    (live,) = FakeLiveSet.made
    assert live.args == (item["exercise_id"], dose["side"], dose["reps"], float(dose["hold_s"]), (640, 360))
    times = [t for t, _, _ in live.fed]
    assert times == pytest.approx([0.0, 0.07, 0.13])
    assert live.fed[0][1].shape == (33, 4) and live.fed[0][1].dtype == np.float32
    assert live.fed[0][2].shape == (33, 3)
    assert np.isnan(live.fed[1][1]).all() and live.fed[1][2] is None  # nobody in view: NaN, never zeros


def _closed_with(ws) -> tuple[str, int, str]:
    error = ws.receive_json()
    closed = ws.receive()
    assert closed["type"] == "websocket.close"
    return error["text"], closed["code"], closed.get("reason", "")


@pytest.mark.parametrize(
    ("message", "code", "says"),
    [
        ("not json", 1007, "JSON"),
        (json.dumps({"t": 1.0, "lm": [[0.5, 0.5, 0.0]] * 33}), 1007, "33 lists of 4 numbers"),
        (json.dumps({"t": 1.0, "lm": PERSON[:30]}), 1007, "33 points"),
        (json.dumps({"t": 1.0, "lm": [[0.5, 0.5, 0.0, 2.0]] * 33}), 1007, "visibility"),
        (json.dumps({"t": "soon", "lm": PERSON}), 1007, "time in seconds"),
        (json.dumps({"t": 1.0, "lm": [["a", 0.5, 0.0, 0.9]] * 33}), 1007, "numbers"),
        (json.dumps({"t": 99999.0, "lm": None}), 1007, "at most 20 minutes"),
        (json.dumps({"type": "dance"}), 1007, "Unknown message type"),
        ("x" * 20_000, 1007, "at most 16000 characters"),
    ],
)
def test_bad_frames_close_the_socket_with_a_reason(runner, message, code, says):
    client, uid, n, _, _ = runner
    with _socket(client, uid, n) as ws:
        ws.send_text(json.dumps({"type": "start", "frame": [640, 360]}))
        ws.receive_json()
        ws.send_text(message)
        text, got, reason = _closed_with(ws)
    assert got == code and says in text and reason and len(reason.encode()) <= 123


def test_times_must_increase_and_the_start_must_come_first(runner):
    client, uid, n, _, _ = runner
    with _socket(client, uid, n) as ws:
        ws.send_text(json.dumps({"t": 0.0, "lm": None}))
        text, code, _ = _closed_with(ws)
    assert code == 1007 and '"start"' in text
    with _socket(client, uid, n) as ws:
        ws.send_text(json.dumps({"type": "start", "frame": [640, 360]}))
        ws.receive_json()
        ws.send_text(json.dumps({"t": 1.0, "lm": None}))
        ws.receive_json()  # paused
        ws.send_text(json.dumps({"t": 1.0, "lm": None}))
        text, code, _ = _closed_with(ws)
    assert code == 1007 and "must increase" in text


def test_a_flood_of_frames_is_refused(runner):
    client, uid, n, _, _ = runner
    with _socket(client, uid, n) as ws:
        ws.send_text(json.dumps({"type": "start", "frame": [640, 360]}))
        ws.receive_json()
        for i in range(200):  # far more than 30 a second, sent at once
            ws.send_text(json.dumps({"t": i / 1000, "lm": PERSON}))
        while (message := ws.receive_json())["type"] != "error":
            assert message["type"] == "rep"
        assert "30 frames a second" in message["text"] and ws.receive()["code"] == 1008
    assert 40 <= len(FakeLiveSet.made[0].fed) <= 60  # the burst allowance, then no more


def test_another_site_cannot_open_the_socket(runner):
    client, uid, n, _, _ = runner
    for headers in ({"origin": "http://evil.example"}, {"origin": "https://testserver"}, {}):
        with pytest.raises(WebSocketDisconnect), _socket(client, uid, n, headers=headers) as ws:
            ws.receive_json()
    assert not FakeLiveSet.made


def test_only_the_signed_in_runner_on_a_session_of_their_own(runner):
    client, uid, n, _, other = runner
    with _socket(client, "no-such-session", n) as ws:
        text, code, _ = _closed_with(ws)
    assert code == 1008 and "no session" in text
    if other is not None:
        with _socket(client, uid, other) as ws:
            text, code, _ = _closed_with(ws)
        assert code == 1008 and "cannot count" in text
    client.cookies.clear()
    with _socket(client, uid, n) as ws:
        text, code, _ = _closed_with(ws)
    assert code == 1008 and "Sign in again" in text
    assert not FakeLiveSet.made


def _send_track(ws, track) -> list[dict]:
    """Every frame of `track` as the page sends it, then "end"; all the messages until the close."""
    ws.send_text(json.dumps({"type": "start", "frame": list(track.frame_size)}))
    assert ws.receive_json()["type"] == "ready"
    for i, t in enumerate(track.timestamps):
        lm = track.landmarks[i]
        frame = {"t": float(t), "lm": None if np.isnan(lm).all() else lm.tolist()}
        ws.send_text(json.dumps(frame))
    ws.send_text(json.dumps({"type": "end"}))
    messages = []
    while (message := ws.receive())["type"] != "websocket.close":
        messages.append(json.loads(message["text"]))
    return messages


def test_a_finished_set_is_stored_as_the_runners_analysis_without_video(runner, monkeypatch):
    """The real analyser and store: the whole track and its upload report are kept (report.json, plot,
    track; no video), and the finished event names the analysis and the step whose form it fills."""
    from hipcoach.analysis.live import LiveSet
    from hipcoach.motion.posetrack import PoseTrack
    from hipcoach.motion.synthetic import generate
    from hipcoach.store.models import Analysis

    client, uid, n, item, _ = runner
    client.app.state.live_set = LiveSet
    monkeypatch.setattr(FakeLiveSet, "made", [])
    dose = item["dose"]
    client.app.state.live_frame_rate = lambda: FrameRate(rate=1e6, burst=1e6)  # a saved track, sent at once
    sides = {} if dose["side"] == "both" else {"sides": dose["side"]}
    track, _ = generate(item["exercise_id"], reps=3, fps=15.0, **sides)
    with _socket(client, uid, n) as ws:
        messages = _send_track(ws, track)
    finished = messages[-1]
    assert finished["type"] == "finished" and finished["analysis_id"] is not None
    reps = sum(finished["reps_by_side"].values())
    assert reps == finished["reps"] > 0
    assert finished["next_url"].startswith(f"/sessions/{uid}/guided/{n}?reps={reps}")
    assert finished["next_url"].endswith(f"analysis={finished['analysis_id']}")
    with client.app.state.database.transaction(write=False) as db:
        row = db.get(Analysis, finished["analysis_id"])
        kept_as = (row.video_id, row.kind, row.target, row.status)
        assert kept_as == (None, "exercise", item["exercise_id"], "done")
        folder = Path(row.output_dir)
        report = row.report
    assert folder.parent.name == str(finished["analysis_id"])
    assert json.loads((folder / "report.json").read_text()) == report
    assert report["files"] == {"rows": "reps.csv", "plot": "signal.png", "report": "report.json"}
    assert (folder / "signal.png").stat().st_size > 0 and not (folder / "annotated.mp4").exists()
    kept = PoseTrack.load(folder / "track.npz")
    assert kept.n_frames == track.n_frames
    assert sum(r["counted"] for r in report["reps"]) == reps
    assert not [p for p in folder.parent.parent.iterdir() if p.name.startswith("live-")]  # no leftovers


def test_a_set_with_nobody_in_view_stores_nothing(runner):
    client, uid, n, _, _ = runner
    with _socket(client, uid, n) as ws:
        ws.send_text(json.dumps({"type": "start", "frame": [640, 360]}))
        ws.receive_json()
        ws.send_text(json.dumps({"type": "end"}))
        finished = ws.receive_json()
    assert finished["analysis_id"] is None and finished["reps"] == 0


def test_only_the_runner_whose_session_it_is_stores_a_live_set(runner):
    from sqlalchemy import select

    from hipcoach.store.errors import Forbidden, NotFound
    from hipcoach.store.live_sets import add_live_set
    from hipcoach.store.models import User

    client, uid, _, item, _ = runner
    sign_up_on_pages(client, "other@example.org")
    sign_up_on_pages(client, "coach@example.org", role="coach")
    kw = {"exercise_id": item["exercise_id"], "report": {"status": "ok"}, "output_dir": ""}
    with client.app.state.database.transaction() as db:
        users = {u.email: u for u in db.scalars(select(User))}
        with pytest.raises(NotFound):
            add_live_set(db, users["other@example.org"], session_uid=uid, **kw)  # not their programme
        with pytest.raises(NotFound):
            add_live_set(db, users["live@example.org"], session_uid="no-such-session", **kw)
        with pytest.raises(Forbidden):
            add_live_set(db, users["coach@example.org"], session_uid=uid, **kw)
        kept = add_live_set(db, users["live@example.org"], session_uid=uid, **kw)
        assert (kept.video_id, kept.status, kept.user_id) == (None, "done", users["live@example.org"].id)
