"""`hipcoach pose VIDEO -o track.npz` and `hipcoach overlay VIDEO track.npz -o annotated.mp4`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from hipcoach.cli_support import err, friendly_errors
from hipcoach.errors import UserError

if TYPE_CHECKING:
    from rich.progress import Progress

# rich.progress, like the model and the video code, is imported inside the commands that draw a bar.


def _progress() -> Progress:
    """A bar on stderr with frames done, frames/s and time left (stdout stays clean for scripts)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class _FramesPerSecond(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(f"{task.speed:5.1f} frames/s" if task.speed else "    - frames/s", style="cyan")

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(bar_width=24),
        MofNCompleteColumn(),
        _FramesPerSecond(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )


def _run_with_bar(description: str, fn, **kwargs):
    with _progress() as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = fn(progress=update, **kwargs)
        bar.update(task, total=bar.tasks[0].completed)
    return result


def register(app: typer.Typer) -> None:
    @app.command("pose")
    @friendly_errors
    def pose(
        video: Path = typer.Argument(..., help="Video file (mp4, mov, webm, avi)."),
        output: Path = typer.Option(None, "-o", "--output", help="Pose track to write [VIDEO.pose.npz]."),
        csv_path: Path = typer.Option(None, "--csv", help="Also write a CSV, a row per frame."),
        trc_path: Path = typer.Option(None, "--trc", help="Also write a TRC marker file (OpenSim/Sports2D)."),
        stride: int = typer.Option(
            1, "--stride", min=1, help="Run the model on every Nth frame, interpolate the rest (faster)."
        ),
        people: int = typer.Option(
            1, "--people", min=1, max=6, help="People the detector looks for; the same one is followed."
        ),
        start: float = typer.Option(0.0, "--start", min=0.0, help="Start at this second."),
        end: float = typer.Option(None, "--end", help="Stop at this second."),
        model: Path = typer.Option(None, "--model", help="A BlazePose .task bundle [built-in full model]."),
        threads: int = typer.Option(
            None, "--threads", min=1, max=8, help="Inference threads [chosen by timing the first frames]."
        ),
        workers: int = typer.Option(
            1, "--workers", min=0, max=64, help="Processes for a long video's time segments (0: one a CPU)."
        ),
        skip_still: bool = typer.Option(
            False, "--skip-still", help="Skip frames while the body is still (faster; can change results)."
        ),
    ) -> None:
        """Find the person's 33 body landmarks in every frame of a video and save them as a pose track."""
        from hipcoach.motion import trackio
        from hipcoach.motion.pose import estimate_video
        from hipcoach.motion.pose_segments import estimate_video_segments
        from hipcoach.motion.quality import check_quality
        from hipcoach.motion.video import probe

        if end is not None and end <= start:
            raise UserError(f"--end ({end}) must be after --start ({start}).", "")
        probe(video)  # a bad file fails here, before the model loads or a bar is drawn
        output = output or video.with_suffix(".pose.npz")
        _check_writable(output)
        common = {"path": video, "skip_still": skip_still, "max_people": people, "model": model}
        if workers != 1 and start == 0 and end is None and stride == 1:  # segments of the whole video
            track = _run_with_bar(
                "pose", estimate_video_segments, workers=workers or None, threads=threads, **common
            )
        else:
            track = _run_with_bar(
                "pose", estimate_video, stride=stride, start=start, end=end, threads=threads, **common
            )
        found = track.detected.mean() if track.n_frames else 0.0
        if not track.detected.any():
            raise UserError(
                f"No person was found in any of the {track.n_frames} frames of {video.name}.",
                "Film with the whole body in view, head to feet, in good light, and try again.",
            )
        track.save(output)
        written = [output]
        if csv_path:
            written.append(trackio.to_csv(track, csv_path))
        if trc_path:
            written.append(trackio.to_trc(track, trc_path))
        typer.echo(
            f"{track.n_frames} frames, {track.duration:.1f} s; person found in {found:.0%} of frames; "
            f"model {track.model}"
        )
        for path in written:
            typer.echo(f"wrote {path}")
        for issue in check_quality(track):
            err.print(f"Warning: {issue.message}", highlight=False, markup=False)
            err.print(f"  {issue.hint}", highlight=False, markup=False)

    @app.command("overlay")
    @friendly_errors
    def overlay(
        video: Path = typer.Argument(..., help="The video the track was made from."),
        track_path: Path = typer.Argument(..., metavar="TRACK", help="Pose track from `hipcoach pose`."),
        output: Path = typer.Option(None, "-o", "--output", help="Annotated mp4 [VIDEO.overlay.mp4]."),
    ) -> None:
        """Draw the skeleton and knee/hip angles onto the video, as an H.264 mp4 that plays in a browser."""
        from hipcoach.motion.overlay import render_overlay
        from hipcoach.motion.posetrack import PoseTrack
        from hipcoach.motion.video import sha256

        track = PoseTrack.load(track_path)
        if video.is_file() and track.source_sha256 and track.source_sha256 != sha256(video):
            err.print(
                f"Warning: {track_path.name} was made from a different file ({track.source_name}); "
                "the drawing may not line up.",
                highlight=False,
            )
        output = output or video.with_suffix(".overlay.mp4")
        _check_writable(output)
        _run_with_bar("overlay", render_overlay, video=video, track=track, output=output)
        typer.echo(f"wrote {output}")


def _check_writable(path: Path) -> None:
    """Fail before the slow part, not after it."""
    if not path.parent.exists():
        raise UserError(f"The folder {path.parent} does not exist.", "Create it or choose another -o path.")
    if path.is_dir():
        raise UserError(f"{path} is a folder.", "Give a file name for -o.")
