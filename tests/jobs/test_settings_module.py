"""The job queue's settings live outside the web package: a worker process never imports hipcoach.web."""

from __future__ import annotations

import subprocess
import sys


def test_the_worker_process_imports_no_web_module():
    probe = (
        "import sys, hipcoach.jobs.standalone, hipcoach.settings\n"
        "print(sorted(m for m in sys.modules if m.startswith('hipcoach.web')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
