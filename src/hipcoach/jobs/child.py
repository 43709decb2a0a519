"""Each analysis job in a fresh process of its own, which ends with the job.

Why: an analysis loads the pose model, the video decoder and the analysers (scipy), and a Python process
does not give such memory back. In the long-lived worker, the first job of 60 s of 1080p peaked at 499
MiB, and a 4K clip after it at 643 MiB, over the 500 MB an accepted upload may cost; one process per job
peaks at what that job needs, the worker itself stays at its imports, and a crash of the model (or the
kernel's OOM killer) ends the job's process, not the worker.

The child is `python -m hipcoach.jobs.child` (a plain interpreter, not multiprocessing: spawn would load
the parent's __main__, the whole command line, into every job). It reads its job as JSON on stdin and
writes JSON lines on a pipe of its own (fd given on its command line; stdout and stderr stay the
worker's log): progress, then the report, or a UserError's message and hint. The parent turns them back
into calls of `progress` and into the same return value or exception as an analysis in-process, so
jobs.analysis.run_job works the same either way; a progress call that raises (the lease is lost) stops
the child. A parent that dies closes the pipe, and the child's next write ends it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hipcoach.errors import UserError

KINDS = ("exercise", "screen")
STOP_S = 5.0  # a child asked to stop (SIGTERM) gets this long before it is killed


class ChildFailed(RuntimeError):
    """The job's process ended without a report or a message for the user (killed, or a crash)."""


class InChild:
    """An analyser (kind "exercise" or "screen") that runs each call in a process of its own: called
    as jobs.analysis run_job calls an analyser, `(source, target, out_dir, progress)`. Picklable, so the
    embedded worker process (spawned) can be given it."""

    def __init__(self, kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown analysis kind {kind!r}")
        self.kind = kind

    def __call__(
        self, source: Path, target: str, out_dir: Path, progress: Callable[[str, float], None] | None
    ) -> dict[str, Any]:
        job = {"kind": self.kind, "source": str(source), "target": target, "out_dir": str(out_dir)}
        read_fd, write_fd = os.pipe()
        try:
            child = subprocess.Popen(
                [sys.executable, "-m", "hipcoach.jobs.child", str(write_fd)],
                stdin=subprocess.PIPE,
                pass_fds=(write_fd,),
            )
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        with os.fdopen(read_fd, encoding="utf-8") as messages:
            try:
                child.stdin.write(json.dumps(job).encode())
                child.stdin.close()
                outcome = None
                for line in messages:
                    message = json.loads(line)
                    if "progress" in message:
                        if progress is not None:
                            progress(*message["progress"])
                    else:
                        outcome = message
                        break
            except BaseException:
                _stop(child)
                raise
        code = child.wait()
        return _outcome(outcome, code)


def _stop(child: subprocess.Popen) -> None:
    child.terminate()
    try:
        child.wait(STOP_S)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _outcome(message: dict[str, Any] | None, code: int) -> dict[str, Any]:
    if message is None:
        raise ChildFailed(f"the analysis process ended with code {code} before it finished")
    if "report" in message:
        return message["report"]
    if "user_error" in message:
        raise UserError(*message["user_error"])
    raise ChildFailed(message["error"])


def in_process(kind: str):
    """The analysis of `kind` itself, in the calling process: what each job's process runs (and a test
    that patches the analysis must run, as a patch does not reach another process)."""
    from hipcoach.analysis import run  # the heavy stack loads here, in the job's own process

    return run.analyse_to_folder if kind == "exercise" else run.screen_to_folder


def _run(job: dict[str, Any], send: Callable[[dict[str, Any]], None]) -> None:
    """The child's side: run the job's analysis, sending progress, then the report or the error."""
    try:
        report = in_process(job["kind"])(
            Path(job["source"]),
            job["target"],
            Path(job["out_dir"]),
            lambda stage, fraction: send({"progress": [stage, fraction]}),
        )
    except UserError as exc:
        send({"user_error": [exc.message, exc.hint]})
        return
    except BrokenPipeError:
        raise
    except Exception as exc:  # the worker retries it; the traceback is already on this process's stderr
        import traceback

        traceback.print_exc()
        send({"error": f"{type(exc).__name__}: {exc}"})
        return
    send({"report": report})


def _die_with_parent() -> None:
    """A worker killed with -9 takes its job's process with it (Linux: PR_SET_PDEATHSIG), so the job
    cannot go on writing into its attempt's folder after another worker has taken the job over."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux: the closed pipe still ends it
        return
    if os.getppid() == 1:  # the worker died before the call
        os._exit(1)


def main(argv: list[str]) -> int:
    # Ctrl-C in the terminal reaches the whole process group: the worker decides whether the job in
    # hand finishes (it stops gracefully), so the job's process does not die of it half-way.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    pipe = os.fdopen(int(argv[0]), "w", encoding="utf-8")

    def send(message: dict[str, Any]) -> None:
        pipe.write(json.dumps(message) + "\n")
        pipe.flush()

    try:
        _run(json.loads(sys.stdin.read()), send)
        pipe.close()
    except BrokenPipeError:  # the worker is gone: nobody waits for this job any more
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
