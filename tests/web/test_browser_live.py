"""The live camera page end to end in Debian's Chromium: a fake camera plays a real clip (converted to
.y4m at set-up), MediaPipe finds the pose in the page, the landmarks go over the WebSocket to the real
streaming analyser, and the count per side must equal the offline analysis of the same clip; the set's
step opens with the form filled in. A clip with nobody in it gets the framing message and counts
nothing. The page asks nothing of any other origin (Playwright's request log).

Chromium's fake camera loops its file at the file's frame rate, so the set is ended after one pass. The
.y4m holds the clip's first frame for LEAD_S before it (the set starts a moment after the camera opens,
and the clips start moving at once) and its last for TAIL_S after (the last rep's return to rest);
Its longer side 640 (a portrait clip stays portrait, as a phone held upright films) at 15 frames/s keeps it
small. speechSynthesis is stubbed (headless Chromium has no voices)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from hipcoach.analysis.coach import analyse_track
from tests.analysis.test_live import clip_track, counted  # noqa: F401  (clip_track: the cached tracks)
from tests.factories import profile_dict
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, screenshot, sign_up_on_pages

pytestmark = pytest.mark.slow
LEAD_S, TAIL_S, FPS, WIDTH = 2.0, 1.5, 15, 640
CLIPS = {  # clip → (exercise, the side of the step to count it on)
    "clamshell_band_side_6right.mp4": ("clamshell", "right"),
    "single_leg_squat_front_hyva_ja_paha2.mp4": ("single-leg-squat", "right"),
    "bridge_bilateral_side_1rep.mp4": ("bilateral-bridge", "both"),
}
STUB_SPEECH = """
window.__spoken = [];
class SpeechSynthesisUtterance { constructor(text) { this.text = text; } addEventListener() {} }
window.SpeechSynthesisUtterance = SpeechSynthesisUtterance;
Object.defineProperty(window, "speechSynthesis", { value: {
  getVoices: () => [{ name: "stub" }], cancel() {}, speak(u) { window.__spoken.push(u.text); },
} });
"""


def to_y4m(source: Path | None, out: Path, seconds: float = 4.0) -> float:
    """`source` (None: an empty grey room) as a .y4m for Chromium's fake camera; gives its length in s."""
    long_side = f"scale='if(gt(iw,ih),{WIDTH},-2)':'if(gt(iw,ih),-2,{WIDTH})'"
    scale = f"{long_side},setsar=1,fps={FPS}"
    if source is None:
        cmd = ["-f", "lavfi", "-i", f"color=c=gray:s={WIDTH}x360:r={FPS}:d={seconds}"]
    else:
        pad = f"tpad=start_duration={LEAD_S}:start_mode=clone:stop_duration={TAIL_S}:stop_mode=clone"
        cmd = ["-i", str(source), "-vf", f"{scale},{pad}"]
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        pytest.skip("ffmpeg is absent (apt-get install ffmpeg)")
    subprocess.run([ffmpeg, "-v", "error", "-y", *cmd, "-pix_fmt", "yuv420p", "-an", str(out)], check=True)
    frames = out.read_bytes().count(b"FRAME\n")
    return frames / FPS


def runner_on(base: str, email: str) -> tuple[httpx.Client, list[dict]]:
    """A runner signed in on `base` with a programme begun 40 days ago (so every exercise of the clips
    is in a past session); gives the client and the sessions up to today."""
    client = httpx.Client(base_url=base, follow_redirects=True, timeout=60)
    csrf = sign_up_on_pages(client, email)
    headers = {"X-CSRF-Token": csrf}
    start = (dt.date.today() - dt.timedelta(days=40)).isoformat()
    assert client.put("/api/v1/profile", json=profile_dict(start_date=start), headers=headers).is_success
    made = client.post("/api/v1/programmes", json={}, headers=headers)
    assert made.status_code == 201
    sessions = client.get(f"/api/v1/programmes/{made.json()['id']}/sessions").json()
    return client, [s for s in sessions if dt.date.fromisoformat(s["date"]) <= dt.date.today()]


def step_of(sessions: list[dict], exercise: str, side: str) -> tuple[str, int, dict]:
    for s in sessions:
        for n, item in enumerate(s["items"], 1):
            if item["exercise_id"] == exercise and item["dose"]["side"] == side:
                return s["uid"], n, item["dose"]
    raise AssertionError(f"no session up to today has {exercise} ({side})")


class LiveRun:
    """Chromium with its fake camera on one .y4m, signed in as `client`'s runner on `base`: count()
    runs one live set on a step and gives what the page logged."""

    def __init__(self, base: str, client: httpx.Client, y4m: Path, profile: Path):
        self.base, self.client, self.y4m, self.profile = base, client, y4m, profile
        self.requests: list[str] = []

    def __enter__(self):
        if not CHROMIUM.exists():
            pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium; .ci/run installs it)")
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
        args += [f"--use-file-for-fake-video-capture={self.y4m}", "--enable-unsafe-swiftshader"]
        args = [a for a in args if a != "--disable-gpu"]  # software WebGL (SwiftShader) is wanted here
        self.context = self._pw.chromium.launch_persistent_context(
            self.profile, executable_path=str(CHROMIUM), args=args, permissions=["camera"]
        )
        self.context.set_default_timeout(30_000)
        host = urlsplit(self.base)
        jar = self.client.cookies.jar
        cookies = [{"name": c.name, "value": c.value, "domain": host.hostname, "path": "/"} for c in jar]
        self.context.add_cookies(cookies)
        self.context.add_init_script(STUB_SPEECH)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        return self

    def __exit__(self, *exc):
        self.context.close()
        self._pw.stop()

    def count(self, uid: str, number: int, seconds: float) -> dict:
        """One set: start the camera, end the set when the clip has played once, wait for the result."""
        page = self.page
        page.goto(f"{self.base}/sessions/{uid}/live/{number}")
        page.get_by_role("button", name="Start the camera").click()
        root = page.locator("[data-live]")
        expect(root).to_have_attribute("data-state", "counting", timeout=180_000)  # the model compiles
        video = page.locator("[data-live-video]").element_handle()
        page.wait_for_function(
            "([v, s]) => v.currentTime >= s || v.closest('[data-live]').dataset.state !== 'counting'",
            arg=[video, seconds - 0.2],
            timeout=int(seconds * 4000) + 60_000,
            polling=50,
        )
        if root.get_attribute("data-state") == "counting":
            page.get_by_role("button", name="End the set").click()
        expect(root).to_have_attribute("data-state", "finished", timeout=120_000)
        screenshot(page, f"live-{number}")
        got = page.evaluate("window.hipcoachLive")
        got["pose_fps"] = float(root.get_attribute("data-pose-fps") or "nan")
        got["framing"] = root.get_attribute("data-framing")
        got["latencies_ms"] = [r["latency_ms"] for r in got["reps"] if r["latency_ms"] is not None]
        got["reps_by_side"] = got["finished"]["reps_by_side"]
        return got

    def foreign(self) -> list[str]:
        """Requests the page made to anywhere but its own origin."""
        own = (self.base + "/", "data:", "blob:")
        return [u for u in self.requests if not u.startswith(own)]


@pytest.mark.parametrize("clip", sorted(CLIPS))
def test_the_live_count_per_side_equals_the_offline_analysis(
    live_server,
    data_dir,
    clip_track,  # noqa: F811  (the fixture imported above)
    tmp_path,
    clip,
):
    exercise, side = CLIPS[clip]
    offline = counted(analyse_track(clip_track(clip), exercise).report)
    y4m = tmp_path / "clip.y4m"
    seconds = to_y4m(data_dir / "clips" / clip, y4m)
    client, sessions = runner_on(live_server, f"live-{exercise}@example.org")
    uid, number, _ = step_of(sessions, exercise, side)
    with LiveRun(live_server, client, y4m, tmp_path / "profile") as run:
        got = run.count(uid, number, seconds)
        fps = got["pose_fps"]  # the streaming analyser matches the offline count from 10 frames/s up
        assert fps >= 10, f"pose ran at {fps} frames/s in the page: too few for the count (a busy machine?)"
        assert got["reps_by_side"] == offline, got
        finished = got["finished"]
        assert finished["analysis_id"] is not None
        want = sum(offline.values()) if side == "both" else offline.get(side, 0)
        assert finished["reps"] == want
        log = run.page.locator("[data-live-log]")
        query = parse_qs(urlsplit(log.get_attribute("href")).query)
        assert query["reps"] == [str(want)] and query["analysis"] == [str(finished["analysis_id"])]
        log.click()
        expect(run.page.get_by_text(f"Counted with the camera: {want}")).to_be_visible()
        expect(run.page.locator('input[name="reps"]')).to_have_value(str(want))
        assert not run.foreign(), run.foreign()


def test_nobody_in_view_gets_the_framing_message_and_counts_nothing(live_server, tmp_path):
    y4m = tmp_path / "empty.y4m"
    seconds = to_y4m(None, y4m, seconds=4.0)
    client, sessions = runner_on(live_server, "live-empty@example.org")
    uid, number, _ = step_of(sessions, "clamshell", "right")
    with LiveRun(live_server, client, y4m, tmp_path / "profile") as run:
        got = run.count(uid, number, seconds)
        framing = run.page.locator("[data-live-framing]")
        assert got["framing"] == "no_person", got
        assert not got["reps"] and got["finished"]["reps"] == 0 and got["finished"]["analysis_id"] is None
        expect(framing).to_be_visible()
        assert framing.text_content().strip()
        assert not run.foreign(), run.foreign()
