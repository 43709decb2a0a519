"""Real clips through the API and the real analysis: the report's rep count, and clear failures.

Runs the pose model on video, so these are marked slow (they still run in `make test`).
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient

from hipcoach.web.app import create_app
from tests.web.conftest import make_settings, sign_up

pytestmark = pytest.mark.slow


@pytest.fixture
def runner(tmp_path):
    with TestClient(create_app(make_settings(tmp_path))) as client:
        yield sign_up(client, "v@example.org", "runner"), tmp_path / "data"


def _upload(acct, path: Path, body: bytes | None = None, **form):
    data = {"kind": "exercise", "target": "bilateral-bridge", **form}
    content = path.read_bytes() if body is None else body
    r = acct.post("/api/v1/analyses", files={"file": (path.name, content, "video/mp4")}, data=data)
    assert r.status_code == 202, r.text
    return acct.get(f"/api/v1/analyses/{r.json()['id']}").json()


def test_real_clip_report_shows_the_rep_count(runner, data_dir):
    acct, data = runner
    analysis = _upload(acct, data_dir / "clips" / "bridge_bilateral_side_1rep.mp4")
    assert analysis["status"] == "done", analysis["error_message"]
    report = acct.get(f"/api/v1/analyses/{analysis['id']}/report").json()
    assert report["schema_version"] == "hipcoach.analysis/1"
    assert report["summary"]["reps_total"] == 1
    video = acct.get(f"/api/v1/analyses/{analysis['id']}/files/annotated.mp4")
    assert video.status_code == 200 and len(video.content) > 10_000
    assert not any((data / "uploads").iterdir())  # not kept: deleted after the analysis


def test_truncated_upload_fails_with_a_message_and_no_report(runner, data_dir):
    acct, data = runner
    clip = data_dir / "clips" / "bridge_bilateral_side_1rep.mp4"
    analysis = _upload(acct, clip, body=clip.read_bytes()[: clip.stat().st_size // 3])
    assert analysis["status"] == "failed" and analysis["error_message"]
    assert acct.get(f"/api/v1/analyses/{analysis['id']}/report").status_code == 409
    assert not any((data / "analyses" / str(analysis["id"])).glob("*/report.json"))


def test_video_with_nobody_in_it_fails_with_a_message(runner, tmp_path):
    acct, _ = runner
    empty = tmp_path / "empty_room.mp4"
    with av.open(str(empty), "w") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        for i in range(50):
            frame = np.full((240, 320, 3), 120 + i % 5, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    analysis = _upload(acct, empty)
    assert analysis["status"] == "failed"
    assert analysis["error_message"].startswith("Nobody was found")


def test_a_text_file_is_not_a_video(runner, tmp_path):
    acct, _ = runner
    text = tmp_path / "notes.mp4"
    text.write_text("these are my notes, not a video")
    analysis = _upload(acct, text)
    assert analysis["status"] == "failed"
    assert analysis["error_message"].startswith("notes.mp4 is not a video")
