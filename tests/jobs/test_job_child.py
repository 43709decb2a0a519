"""Each analysis job runs in a process of its own (jobs.child): the worker gets the same report, the same
message for the user and the same progress as from an analysis in-process, while the analysis stack's
memory (pose model, scipy) never enters the long-lived worker; a job whose process dies fails that
attempt (retried by the queue) instead of taking the worker with it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hipcoach.errors import UserError
from hipcoach.jobs.analysis import LostLease, default_analyser
from hipcoach.jobs.child import ChildFailed
from hipcoach.motion.synthetic import generate


@pytest.fixture
def clamshell_track(tmp_path) -> Path:
    track, _ = generate("clamshell", reps=3, sides="both")
    return track.save(tmp_path / "clam.npz")


def _job_children() -> list[int]:
    """This process's children that run an analysis job (from /proc: Linux, as the worker runs)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"hipcoach.jobs.child" in cmdline:
            found.append(int(entry.name))
    return found


def test_the_worker_gets_the_report_and_the_analysis_stack_stays_out_of_it(clamshell_track, tmp_path):
    # A fresh interpreter stands for the worker: the test process has loaded the analysis long ago.
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from hipcoach.jobs.analysis import default_analyser\n"
        "seen = []\n"
        "report = default_analyser('exercise')(Path(sys.argv[1]), 'clamshell', Path(sys.argv[2]),\n"
        "                                      lambda stage, f: seen.append(stage))\n"
        "heavy = sorted(m for m in ('scipy', 'mediapipe', 'hipcoach.analysis.run') if m in sys.modules)\n"
        "print(json.dumps({'summary': report['summary'], 'stages': sorted(set(seen)), 'heavy': heavy}))\n"
    )
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", code, str(clamshell_track), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert (got["summary"]["reps_left"], got["summary"]["reps_right"]) == (3, 3)
    assert "analyse" in got["stages"]  # the job's progress reached the worker
    assert got["heavy"] == []
    stored = json.loads((out / "report.json").read_text())
    assert stored["summary"] == got["summary"]


def test_a_message_for_the_user_comes_back_whole(tmp_path):
    bad = tmp_path / "holiday.mp4"
    bad.write_bytes(b"this is not a video" * 100)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError) as raised:
        default_analyser("exercise")(bad, "clamshell", out, None)
    assert "holiday.mp4" in raised.value.message and raised.value.hint  # says what to do, too


def test_a_lost_lease_stops_the_job_process(clamshell_track, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    children: list[list[int]] = []

    def progress(stage: str, fraction: float) -> None:
        children.append(_job_children())
        raise LostLease(1)

    with pytest.raises(LostLease):
        default_analyser("exercise")(clamshell_track, "clamshell", out, progress)
    assert children and children[0]  # it ran in a child process ...
    assert _job_children() == []  # ... which is gone once the worker gave the job up
    assert not (out / "report.json").exists()


def test_a_job_process_that_dies_fails_the_attempt_not_the_worker(clamshell_track, tmp_path):
    out = tmp_path / "out"
    out.mkdir()

    def progress(stage: str, fraction: float) -> None:
        for pid in _job_children():  # as the kernel's OOM killer would
            os.kill(pid, signal.SIGKILL)

    with pytest.raises(ChildFailed, match="ended with code -9"):
        default_analyser("exercise")(clamshell_track, "clamshell", out, progress)
    # the worker goes on: the next job runs
    report = default_analyser("exercise")(clamshell_track, "clamshell", out, None)
    assert report["summary"]["reps_total"] == 6


def test_the_screen_runs_in_a_job_process_too(tmp_path):
    track, _ = generate("clamshell", reps=2, sides="right")
    source = track.save(tmp_path / "not-a-squat.npz")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError):  # a side-lying clamshell is no single-leg squat screen
        default_analyser("screen")(source, "single-leg-squat", out, None)
