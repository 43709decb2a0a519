"""While a video's pose is found, the process holds the pose model and little else: the analysers and
scipy (about 60 MiB resident) load after it. Imported first, they stayed resident beside the model and
took `hipcoach analyse`'s peak from 445 to 493 MiB on a minute of 1080p (issue 14 asks under 500 MB)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CODE = """
import sys
from pathlib import Path
from hipcoach.analysis import run

def pose_step(source, progress=None, threads=None, refollow=False):
    print(sorted({m.split(".")[0] for m in sys.modules} & {"scipy", "matplotlib", "sklearn"}))
    raise SystemExit(0)

run.load_or_estimate = pose_step
getattr(run, sys.argv[1])(Path("clip.mp4"), sys.argv[2], Path(sys.argv[3]))
"""


@pytest.mark.parametrize(
    ("entry", "what"),
    [
        ("analyse_to_folder", "clamshell"),
        ("analyse_to_folder", "auto"),
        ("screen_to_folder", "single-leg-squat"),
        ("screen_to_folder", "running"),
    ],
)
def test_the_pose_step_runs_before_the_analysers_load(tmp_path, entry, what):
    done = subprocess.run(
        [sys.executable, "-c", CODE, entry, what, str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
