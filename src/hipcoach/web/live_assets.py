"""The files the live camera page needs, all from this server: MediaPipe's JS bundle and WASM, and the model.

Why this way (issue 12):
- `@mediapipe/tasks-vision` is pinned to 0.10.35 in web-assets/package-lock.json (registry integrity
  hash): 1.x sends usage metrics to Google. `make setup` unpacks it with `npm ci --ignore-scripts` into
  web-assets/node_modules/ (ignored by git, never committed, never a CDN); this module serves the bundle
  and the wasm folder from there under /static/vendor/tasks-vision/. Without the folder those URLs are
  404 and the live page tells the runner which command installs them; uploads do not need them.
- The model is the offline pipeline's own `.task` bundle (motion.pose_bundle.wheel_bundle: the wheel's
  tflite files with the normalisation metadata the browser needs), served at a URL carrying its content
  hash so browsers keep it for a year and fetch it again only when it changes.
- `.wasm` must go out as application/wasm (browsers refuse to stream-compile anything else), whatever
  the machine's mime table says.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import os
import zipfile
from functools import cache
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

REPO = Path(__file__).resolve().parents[3]
VENDOR_ENV = "HIPCOACH_TASKS_VISION_DIR"  # another unpacked @mediapipe/tasks-vision folder
VENDOR_URL = "/static/vendor/tasks-vision"
MODEL_PREFIX = "/models/pose-"
SETUP_COMMAND = "make setup (or: cd web-assets && npm ci --ignore-scripts --no-audit --no-fund)"
YEAR = "public, max-age=31536000, immutable"

mimetypes.add_type("application/wasm", ".wasm")
mimetypes.add_type("text/javascript", ".mjs")


def vendor_dir() -> Path:
    """Where the unpacked @mediapipe/tasks-vision package is (it may not exist)."""
    given = os.environ.get(VENDOR_ENV)
    if given:
        return Path(given)
    return REPO / "web-assets" / "node_modules" / "@mediapipe" / "tasks-vision"


def vendor_ready(folder: Path | None = None) -> bool:
    folder = folder or vendor_dir()
    return (folder / "vision_bundle.mjs").is_file() and (folder / "wasm").is_dir()


class _Vendor(StaticFiles):
    """The package's files, cached for a day (they change only with the pinned version, and the page
    names them with that version), and only the bundle and the wasm folder."""

    ALLOWED = ("vision_bundle.mjs", "wasm/")

    async def check_config(self) -> None:
        if Path(self.directory).is_dir():  # absent until `make setup`: every file is a 404 meanwhile
            await super().check_config()

    async def get_response(self, path, scope):
        if not path.replace(os.sep, "/").startswith(self.ALLOWED):
            raise HTTPException(404, "Not a file the live page uses.")
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["cache-control"] = "public, max-age=86400"
        return response


def content_hash(bundle: bytes) -> str:
    """12 hex of the sha256 of the bundle's files (names and bytes): the zip itself also holds the time
    it was built, which changes at every start of the server and must not change the URL."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        for name in sorted(zf.namelist()):
            digest.update(name.encode() + b"\0" + zf.read(name))
    return digest.hexdigest()[:12]


@cache
def model_bundle() -> tuple[bytes, str]:
    """The `.task` bytes and their content hash (the model's URL carries it)."""
    from hipcoach.motion.pose_bundle import wheel_bundle

    data, _ = wheel_bundle()
    return data, content_hash(data)


def model_url() -> str:
    return f"{MODEL_PREFIX}{model_bundle()[1]}.task"


def install_live_assets(app: FastAPI) -> None:
    """Mount the vendor folder (checked on each request, so running `make setup` later needs no restart)
    and the model route. Call before the /static mount so /static/vendor wins."""
    app.mount(VENDOR_URL, _Vendor(directory=str(vendor_dir()), check_dir=False), "tasks-vision")

    @app.get(MODEL_PREFIX + "{digest}.task", include_in_schema=False)
    def pose_model(digest: str) -> Response:
        data, current = model_bundle()
        if digest != current:  # an old page after an upgrade: it reloads and gets the new URL
            raise HTTPException(404, "This model version is no longer served; reload the page.")
        headers = {"cache-control": YEAR, "etag": f'"{current}"'}
        return Response(data, media_type="application/octet-stream", headers=headers)
