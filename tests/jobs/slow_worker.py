"""A real worker process for the kill test: the production worker loop with a slow, steady analyser.

Run as: python tests/jobs/slow_worker.py DATA_DIR DATABASE_URL [REDIS_URL]
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from hipcoach.jobs.standalone import run_worker
from hipcoach.settings import Settings

STEPS, STEP_S = 20, 0.15


def slow_analyser(kind: str):
    def analyse(video: Path, target: str, out_dir: Path, progress) -> dict:
        for i in range(STEPS):
            progress("pose", i / STEPS)
            time.sleep(STEP_S)
        report = {
            "schema_version": "hipcoach.analysis/1",
            "worker_pid": os.getpid(),
            "summary": {"target": target},
        }
        (out_dir / "report.json").write_text(json.dumps(report))
        return report

    return analyse


if __name__ == "__main__":
    data, db_url, redis_url = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else None)
    settings = Settings(data_dir=Path(data), database_url=db_url, redis_url=redis_url, lease_s=1.0)
    run_worker(settings, analyser_for=slow_analyser)
