"""Video upload in a real browser: a real clip is analysed in the background while the page shows its
progress, then the report shows the rep count; a file that is not a video ends with its message; a
clip of an exercise in today's session goes into the training log with one tap on the pain."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.factories import profile_dict
from tests.web.browser_steps import sign_up
from tests.web.conftest import screenshot, sign_up_on_pages

pytestmark = pytest.mark.slow


def _sign_up_and_upload(page, base: str, path, target: str) -> str:
    sign_up(page, base, "Video Runner", "video@example.org")
    page.get_by_role("link", name="Videos").click()
    page.get_by_label("What the video shows").select_option(target)
    page.get_by_label(re.compile("Video file")).set_input_files(str(path))
    page.get_by_role("button", name="Upload and analyse").click()
    expect(page).to_have_url(re.compile(r"/videos/\d+$"))
    page.evaluate("window.notReloaded = true")  # survives only if the page updates itself in place
    return page.locator("#analysis-status").get_attribute("data-status")


def test_a_real_clip_shows_progress_then_its_rep_count(live_server, page, data_dir):
    clip = data_dir / "clips" / "bridge_bilateral_side_1rep.mp4"
    first_status = _sign_up_and_upload(page, live_server, clip, "exercise:bilateral-bridge")
    assert first_status in ("queued", "running")  # the analysis runs in the background, not in the request
    screenshot(page, "5-analysis-progress")
    expect(page.locator("#rep-count")).to_have_text("Bilateral bridge: 1 rep", timeout=120_000)
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("#reps tr")).to_have_count(2)  # the header and the one rep
    expect(page.locator("#coach-note")).to_contain_text("1 full rep")
    video = page.locator("#annotated-video")
    page.wait_for_function("v => v.readyState >= 1 && v.duration > 2", arg=video.element_handle())
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=page.locator("#signal-plot").element_handle()
    )
    screenshot(page, "6-analysis-report")


def test_a_file_that_is_not_a_video_ends_with_its_message(live_server, page, tmp_path):
    notes = tmp_path / "notes.mp4"
    notes.write_text("my training notes, not a video")
    _sign_up_and_upload(page, live_server, notes, "exercise:clamshell")
    expect(page.locator("#analysis-error")).to_contain_text("notes.mp4 is not a video", timeout=60_000)
    expect(page.locator("#rep-count")).to_have_count(0)
    screenshot(page, "7-analysis-failed")
    page.get_by_role("link", name="Upload another").click()
    expect(page.locator("#analyses")).to_contain_text("failed")


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _runner_with_clamshells_today(base: str, email: str) -> httpx.Client:
    """A runner signed in through the pages whose programme has a session today with clamshells on the
    right (the strength days follow the running days, so these are moved until one lands on today)."""
    client = httpx.Client(base_url=base, follow_redirects=True, timeout=60)
    headers = {"X-CSRF-Token": sign_up_on_pages(client, email)}
    today = dt.date.today()
    for shift in range(7):
        run = [DAYS[(today.weekday() + 1 + shift + j) % 7] for j in range(3)]
        running = {"days": run, "long_run_day": run[-1], "hard_days": [run[0]], "km_per_week": 30}
        profile = profile_dict(start_date=(today - dt.timedelta(days=14)).isoformat(), running=running)
        assert client.put("/api/v1/profile", json=profile, headers=headers).is_success
        made = client.post("/api/v1/programmes", json={}, headers=headers)
        assert made.status_code == 201, made.text
        sessions = client.get(f"/api/v1/programmes/{made.json()['id']}/sessions").json()
        todays = [s for s in sessions if s["date"] == today.isoformat()]
        items = {(i["exercise_id"], i["dose"]["side"]) for s in todays for i in s["items"]}
        if ("clamshell", "right") in items:
            return client
    raise AssertionError("no choice of running days gave a session with clamshells today")


def test_an_analysed_clip_goes_into_todays_session_with_one_tap(live_server, page, data_dir):
    client = _runner_with_clamshells_today(live_server, "clip-log@example.org")
    host = live_server.split("//")[1].split(":")[0]
    page.context.add_cookies(
        [{"name": c.name, "value": c.value, "domain": host, "path": "/"} for c in client.cookies.jar]
    )
    page.goto(f"{live_server}/videos")
    page.get_by_label("What the video shows").select_option("exercise:clamshell")
    clip = data_dir / "clips" / "clamshell_band_side_6right.mp4"  # 6 reps with the right (top) leg
    page.get_by_label(re.compile("Video file")).set_input_files(str(clip))
    page.get_by_role("button", name="Upload and analyse").click()
    expect(page.locator("#rep-count")).to_have_text("Side-lying clamshell with band: 6 reps", timeout=180_000)
    form = page.locator("#add-to-session-form")
    expect(form).to_contain_text("right 6 reps")
    screenshot(page, "8-add-to-session")
    form.get_by_role("button", name="pain 2 of 10").click()
    expect(page.locator("#added-sets")).to_contain_text("Added 1 set to today's session")
    expect(page.locator("#counted-sets li")).to_have_count(1)
    expect(page.locator("#counted-sets li")).to_contain_text(
        re.compile(r"right side, set 1: 6 reps, hold [\d.]+ s, pain 2/10")  # the clip's own short holds
    )
    expect(page.locator("#add-to-session-form")).to_have_count(0)  # once: the form is gone
    page.reload()  # a reload logs nothing more
    expect(page.locator("#counted-sets li")).to_have_count(1)
    page.locator("#counted-sets a").first.click()
    mark = page.locator("[data-camera-counted-set]")
    expect(mark).to_have_count(1)
    analysis = re.search(r"/videos/(\d+)", mark.get_attribute("href")).group(1)
    me = client.get("/api/v1/me").json()["id"]
    sets = client.get(f"/api/v1/runners/{me}/set-logs").json()
    logged = [s for s in sets if s["exercise_id"] == "clamshell"]
    assert [(s["side"], s["reps"], s["pain_during"], str(s["analysis_id"])) for s in logged] == [
        ("right", 6, 2, analysis)
    ]
    screenshot(page, "9-session-camera-counted")
