"""Video upload in a real browser: a real clip is analysed in the background while the page shows its
progress, then the report shows the rep count; a file that is not a video ends with its message."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.web.browser_steps import sign_up
from tests.web.conftest import screenshot

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
