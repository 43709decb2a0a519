"""`hipcoach serve` as a user starts it: first start migrates, offers a demo runner, serves the API."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.servers import free_port


def _start(data, port) -> subprocess.Popen:
    hipcoach = Path(sys.executable).with_name("hipcoach")
    cmd = [str(hipcoach), "serve", "--data", str(data), "--port", str(port)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_up(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("hipcoach serve did not answer within 60 s")


def test_first_start_offers_a_demo_runner_and_a_restart_keeps_it(tmp_path):
    data, port = tmp_path / "data", free_port()
    proc = _start(data, port)
    try:
        _wait_up(port, proc)
        base = f"http://127.0.0.1:{port}/api/v1"
        spec = httpx.get(f"http://127.0.0.1:{port}/openapi.json").json()
        assert "/api/v1/set-logs" in spec["paths"]
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0, output
    password = re.search(r"demo@hipcoach\.local with password (\S+)", output).group(1)

    proc = _start(data, port)
    try:
        _wait_up(port, proc)
        with httpx.Client(base_url=base) as http:
            signed_in = http.post("/session", json={"email": "demo@hipcoach.local", "password": password})
            assert signed_in.status_code == 200
            runner = signed_in.json()["user"]["id"]
            (programme,) = http.get(f"/runners/{runner}/programmes").json()
            assert http.get(f"/programmes/{programme['id']}").json()["schema_version"] == "hipcoach.plan/1"
        for i in range(10):  # what a request saved is there for the very next one
            with httpx.Client(base_url=base) as http:
                body = {"email": f"n{i}@example.org", "password": "long enough pw", "display_name": "N"}
                assert http.post("/accounts", json=body).status_code == 202
                signed = http.post("/session", json={"email": body["email"], "password": body["password"]})
                csrf = signed.json()["csrf_token"]
                made = http.post("/tokens", json={"name": "cli"}, headers={"X-CSRF-Token": csrf})
                assert made.status_code == 201, made.text
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=30)[0]
    assert "Demo runner created" not in output  # offered once, on the first start only
