"""The live page's files come from this server: the pinned MediaPipe files (when `make setup` unpacked
them) with the right types, and the pose model at a content-hashed URL browsers may keep."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hipcoach.web import live_assets
from hipcoach.web.app import create_app
from tests.web.conftest import make_settings

LOCK = Path(__file__).resolve().parents[2] / "web-assets" / "package-lock.json"


def test_the_lockfile_pins_tasks_vision_0_10_35_with_the_registry_hash():
    entry = json.loads(LOCK.read_text())["packages"]["node_modules/@mediapipe/tasks-vision"]
    assert entry["version"] == "0.10.35"
    assert entry["integrity"] == (
        "sha512-HOvadwVRE6JC+45nyYhmnywnr5h/J8KZvOeUNVOG9q/0875pZgItznFB9bRTvLc264YSJqiZ1NsIpCStJw/egg=="
    )


@pytest.fixture
def vendored():
    if not live_assets.vendor_ready():
        pytest.skip(f"{live_assets.vendor_dir()} is absent: run {live_assets.SETUP_COMMAND}")
    return live_assets.vendor_dir()


def test_the_bundle_and_wasm_are_served_with_their_types(client, vendored):
    js = client.get(f"{live_assets.VENDOR_URL}/vision_bundle.mjs")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    wasm = client.get(f"{live_assets.VENDOR_URL}/wasm/vision_wasm_internal.wasm")
    assert wasm.status_code == 200 and wasm.headers["content-type"] == "application/wasm"
    assert wasm.content[:4] == b"\0asm"
    assert wasm.content == (vendored / "wasm" / "vision_wasm_internal.wasm").read_bytes()


def test_only_the_files_the_page_uses_are_served(client, vendored):
    assert client.get(f"{live_assets.VENDOR_URL}/package.json").status_code == 404
    assert client.get(f"{live_assets.VENDOR_URL}/../../package-lock.json").status_code == 404


def test_without_the_npm_folder_its_urls_are_404_and_pages_still_work(tmp_path, monkeypatch):
    monkeypatch.setenv(live_assets.VENDOR_ENV, str(tmp_path / "not-installed"))
    with TestClient(create_app(make_settings(tmp_path))) as c:
        assert c.get(f"{live_assets.VENDOR_URL}/vision_bundle.mjs").status_code == 404
        assert c.get("/static/timer.js").status_code == 200
        assert c.get("/login").status_code == 200


def test_the_model_is_the_offline_bundle_at_its_content_hash_kept_a_year(client):
    data, _ = live_assets.model_bundle()
    url = live_assets.model_url()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:  # the landmark model with the metadata browsers need
        assert sorted(zf.namelist()) == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
        members = b"".join(n.encode() + b"\0" + zf.read(n) for n in sorted(zf.namelist()))
    assert url == f"/models/pose-{hashlib.sha256(members).hexdigest()[:12]}.task"
    r = client.get(url)
    assert r.status_code == 200 and r.content == data
    assert "max-age=31536000" in r.headers["cache-control"] and "no-store" not in r.headers["cache-control"]
    stale = client.get("/models/pose-000000000000.task")
    assert stale.status_code == 404 and "reload" in stale.text
