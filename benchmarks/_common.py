"""What several benchmarks share: real clips' pose tracks cached between runs, and `hipcoach serve`
started in a temporary data folder. Not a benchmark itself (no figures)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from hipcoach.motion.posetrack import PoseTrack

TRACK_CACHE = Path(tempfile.gettempdir()) / "hipcoach-bench-tracks"  # the benchmarks' --cache default


def cached_track(cache: Path, clip: Path) -> PoseTrack:
    """The pose track of a video, from `cache` (`<clip name>.npz`) or made once and kept there."""
    path = cache / f"{clip.name}.npz"
    if not path.exists():
        from hipcoach.motion.pose import estimate_video

        estimate_video(clip).save(path)
    return PoseTrack.load(path)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def on_cores(cores: set[int] | None):
    return (lambda: os.sched_setaffinity(0, cores)) if cores else None


def start_server(
    data: Path, port: int, options: Sequence[str] = (), cores: set[int] | None = None, tries: int = 300
) -> subprocess.Popen:
    """`hipcoach serve --no-demo [options]` on `data`, once it answers (up to `tries` looks, 0.1 s apart);
    its output goes to server.log beside `data`."""
    exe = Path(sys.executable).with_name("hipcoach")
    cmd = [str(exe), "serve", "--data", str(data), "--port", str(port), "--no-demo", *options]
    log = (data.parent / "server.log").open("wb")  # a file, not a pipe: a full pipe would stall the server
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, preexec_fn=on_cores(cores))
    for _ in range(tries):
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("server did not start: " + server_log(data)[-2000:])


def server_log(data: Path) -> str:
    return (data.parent / "server.log").read_text(errors="replace")
