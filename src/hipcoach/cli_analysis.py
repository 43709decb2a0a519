"""`hipcoach analyse VIDEO --exercise ID` (the video coach) and `hipcoach screen VIDEO --test TEST`.

Both write a report folder (report.json, reps.csv, signal.png, annotated.mp4) and print a readable
summary; `--json` prints the JSON report to stdout instead, with progress on stderr.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from hipcoach.cli_support import err, friendly_errors, out

if TYPE_CHECKING:
    from rich.table import Table

# rich's bars and tables and the analysis itself are imported where they are used: other commands,
# and `hipcoach --help`, start without them.

STAGES = {"pose": "finding the pose", "analyse": "analysing", "video": "drawing the video"}

# The options `analyse` and `screen` share.
VideoOpt = typer.Option(None, "--video", help="With a .npz track: the video to annotate.")
JsonOpt = typer.Option(False, "--json", help="Print the JSON report to stdout.")
NoVideoOpt = typer.Option(False, "--no-video", help="Skip the annotated video (faster).")
ThreadsOpt = typer.Option(None, "--threads", min=1, max=8, help="Pose inference threads.")


class _StageBars:
    """One bar per stage on stderr (stdout stays clean for --json)."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.bars = Progress(
            TextColumn("{task.description:18s}"),
            BarColumn(bar_width=28),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeRemainingColumn(),
            console=err,
        )
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, fraction: float) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.bars.add_task(STAGES.get(stage, stage), total=1.0)
        self.bars.update(self.tasks[stage], completed=fraction)


def _rep_table(report: dict[str, Any]) -> Table:
    from rich.table import Table

    view = report["view"].get("description") or report["view"]["view"]
    table = Table(title=f"{report['exercise']['name']}: filmed {view}", title_justify="left")
    for col in ("rep", "side", "start s", "end s", "range °", "hold s", "faults"):
        table.add_column(col, justify="left" if col in ("side", "faults") else "right")
    for r in report["reps"]:
        faults = ", ".join(f"{f['name']} ({f['value']:g} vs {f['limit']:g} {f['unit']})" for f in r["faults"])
        unmeasured = ", ".join(dict.fromkeys(f"{m['name']} not measured" for m in r.get("not_measured", [])))
        faults = "; ".join(x for x in (faults, unmeasured) if x)
        counted = "" if r["counted"] else f" partial, {r['shortfall_pct']:.0f}% short"
        table.add_row(
            f"{r['index']}{counted}",
            r["side"],
            f"{r['start_s']:.1f}",
            f"{r['end_s']:.1f}",
            "-" if r["range_deg"] is None else f"{r['range_deg']:.0f}",
            f"{r['hold_s']:.1f}",
            faults or "-",
        )
    return table


def _print_recognition(rec: dict[str, Any]) -> None:
    """What `--exercise auto` recognised (or a chosen exercise's warning), with the top candidates."""
    from rich.table import Table

    from hipcoach.analysis.recognise import REASONS

    if rec.get("mode") == "chosen" and not rec.get("warning"):
        return
    table = Table(title=rec["note"], title_justify="left")
    for col in ("candidate", "score", "matches", "reps"):
        table.add_column(col, justify="left" if col == "candidate" else "right")
    for c in rec["candidates"]:
        matches = "yes" if c["matches"] else REASONS.get(c.get("reason"), "no")
        table.add_row(c["name"], f"{c['score']:.2f}", matches, str(c["reps"]))
    out.print(table)
    if rec.get("warning"):
        err.print(f"Warning: {rec['warning']}", highlight=False, markup=False)


def _print_analysis(report: dict[str, Any], folder: Path) -> None:
    if report.get("recognition"):
        _print_recognition(report["recognition"])
    s = report["summary"]
    out.print(_rep_table(report))
    parts = [f"{side} {s[f'reps_{side}']}" for side in ("left", "right") if s[f"reps_{side}"]]
    out.print(f"Full reps: {s['reps_total']}" + (f" ({', '.join(parts)})" if parts else ""))
    out.print(s["note"], highlight=False)
    for r in report["reps"]:
        for m in r.get("not_measured", []):
            text = f"Rep {r['index']}: {m['name']} not measured: {m['reason']}."
            out.print(text, highlight=False, markup=False)
    for n in report.get("not_checked", []):
        text = f"Not checked from this view: {n['name']}. {n['reason']} {n['camera']}"
        out.print(text, highlight=False, markup=False)
    _print_files(report, folder)


def _print_files(report: dict[str, Any], folder: Path) -> None:
    for issue in report.get("quality", []):
        err.print(f"Warning: {issue['message']} {issue['hint']}", highlight=False, markup=False)
    out.print(f"Report folder: {folder} ({', '.join(report.get('files', {}).values())})", highlight=False)


def _print_screen(report: dict[str, Any], folder: Path) -> None:
    out.print(f"[bold]Hip stability screen: {report['test']}[/] (view {report['view']['view']})")
    out.print(report["interpretation"], highlight=False)
    if report.get("needs_work_side"):
        out.print(f"Side that needs more work: [bold]{report['needs_work_side']}[/]")
    if "compared_with_previous" in report:
        out.print("Since the earlier screen: " + report["compared_with_previous"]["summary"], highlight=False)
    _print_files(report, folder)


def _read_report(path: Path) -> dict[str, Any]:
    from hipcoach.errors import UserError, shorten
    from hipcoach.tomlfile import MAX_USER_FILE, read_user_text

    hint = "Give the report.json of an earlier screen."
    text = read_user_text(path, "Earlier report", hint, limit=16 * MAX_USER_FILE)
    try:
        report = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise UserError(f"Cannot read the earlier report {path}: {shorten(exc, 200)}.", hint) from None
    if not isinstance(report, dict):
        raise UserError(f"{path} is not a screen report.", hint)
    return report


def register(app: typer.Typer) -> None:
    @app.command("analyse")
    @friendly_errors
    def analyse(
        source: Path = typer.Argument(
            ...,
            metavar="VIDEO",
            help="Video of the exercise, a pose track (.npz) or an OpenPose keypoint folder.",
        ),
        exercise: str = typer.Option(
            ...,
            "--exercise",
            "-e",
            help="Catalogue id, e.g. clamshell, or auto: recognise which exercise the clip shows.",
        ),
        output: Path = typer.Option(None, "-o", "--output", help="Report folder [VIDEO.analysis]."),
        video: Path = VideoOpt,
        json_out: bool = JsonOpt,
        no_video: bool = NoVideoOpt,
        threads: int = ThreadsOpt,
    ) -> None:
        """Count reps per side, measure range and holds, and flag form faults, into a report folder.

        With --exercise auto the clip is first recognised (top candidates and their scores are printed)
        and analysed as the exercise it shows; a clip that shows none of them stops with that message."""
        from hipcoach.analysis.run import NotMatching, NotRecognised, analyse_to_folder

        folder = output or source.with_suffix(".analysis")
        bars = _StageBars()
        try:
            with bars.bars:
                report = analyse_to_folder(
                    source, exercise, folder, bars, video=video, draw_video=not no_video, threads=threads
                )
        except NotMatching as exc:
            if json_out:
                typer.echo(json.dumps(exc.report, indent=2))
            raise
        except NotRecognised as exc:
            if json_out:
                typer.echo(json.dumps(exc.report, indent=2))
            else:
                _print_recognition(exc.recognition.summary())
            raise
        if json_out:
            typer.echo(json.dumps(report, indent=2))
        else:
            _print_analysis(report, folder)

    @app.command("screen")
    @friendly_errors
    def screen(
        source: Path = typer.Argument(
            ...,
            metavar="VIDEO",
            help="Video of the test, a pose track (.npz) or an OpenPose keypoint folder.",
        ),
        test: str = typer.Option(
            ..., "--test", "-t", help="single-leg-squat (from the front) or running (from behind)."
        ),
        output: Path = typer.Option(None, "-o", "--output", help="Report folder [VIDEO.screen]."),
        video: Path = VideoOpt,
        json_out: bool = JsonOpt,
        no_video: bool = NoVideoOpt,
        threads: int = ThreadsOpt,
        compare: Path = typer.Option(
            None, "--compare", help="An earlier screen's report.json: say which changes are real."
        ),
    ) -> None:
        """Hip-stability screen: knee and pelvis control in a single-leg squat, or pelvic drop in running."""
        from hipcoach.analysis.run import screen_to_folder

        previous = _read_report(compare) if compare else None
        folder = output or source.with_suffix(".screen")
        bars = _StageBars()
        with bars.bars:
            report = screen_to_folder(
                source,
                test,
                folder,
                bars,
                video=video,
                draw_video=not no_video,
                threads=threads,
                previous=previous,
            )
        if json_out:
            typer.echo(json.dumps(report, indent=2))
        else:
            _print_screen(report, folder)
