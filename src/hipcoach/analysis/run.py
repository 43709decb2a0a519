"""From a video (or a saved pose track) to a finished report folder: the one entry point the CLI, the
web app's background job and the API share.

This is the glue around the pure analysers: find the pose (or load it), prepare the clip once
(analysis.prepared: cleaned, sides resolved, view measured), hand that one preparation to recognition,
the analyser or screen and the report folder (annotated video included), write the folder.
Progress is reported as (stage, fraction) with stages "pose", "analyse" and "video".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hipcoach.analysis.timeline import Result
from hipcoach.errors import UserError
from hipcoach.motion.posetrack import PoseTrack

if TYPE_CHECKING:
    from hipcoach.analysis.prepared import Prepared
    from hipcoach.analysis.recognise import Recognition

Progress = Callable[[str, float], None]
TESTS = ("single-leg-squat", "running")


class NotMatching(UserError):
    """The clip does not show the chosen exercise; the report (status "not_matching") is kept."""

    def __init__(self, report: dict[str, Any]):
        problem = report["problem"]
        super().__init__(problem["message"], problem["hint"])
        self.report = report


class NotRecognised(UserError):
    """`--exercise auto` on a clip that is none of the catalogue's exercises; the recognition is kept."""

    def __init__(self, recognition: Recognition, report: dict[str, Any]):
        super().__init__(*recognition.no_match_message())
        self.recognition = recognition
        self.report = report


def load_or_estimate(
    source: Path, progress: Progress | None = None, threads: int | None = None, *, refollow: bool = False
) -> tuple[PoseTrack, Path | None]:
    """(the pose track, the video it was made from or None): a .npz is loaded, a folder is read as
    OpenPose keypoints, anything else is a video. refollow: the caller finds the pose again keeping
    everyone when several people are seen (`_follow_exerciser`), so from the moment they are the
    one-person run only counts people (pose.estimate_video's count_only_once_several)."""
    if source.suffix == ".npz":
        return PoseTrack.load(source), None
    if source.is_dir():
        from hipcoach.motion.trackio import from_openpose

        return from_openpose(source), None
    from hipcoach.motion.pose import estimate_video

    # estimate_video probes the file first: a bad file fails with its own message before the model loads
    report = (lambda done, total: progress("pose", done / max(total, 1))) if progress else None
    track = estimate_video(source, progress=report, threads=threads, count_only_once_several=refollow)
    return track, source


def _follow_exerciser(
    source: Path, track: PoseTrack, exercise_id: str | None, progress: Progress | None, threads: int | None
) -> PoseTrack:
    """Several people were seen: find the pose again keeping everyone, and follow the one doing the
    exercise (analysis.recognise.follow_exerciser) rather than whoever the one-person tracker locked on."""
    from hipcoach.analysis.recognise import follow_exerciser
    from hipcoach.motion.pose import estimate_video

    report = (lambda done, total: progress("pose", done / max(total, 1))) if progress else None
    people: list[PoseTrack] = []
    seen = min(int(track.meta["people_seen"]), 3)
    estimate_video(source, progress=report, threads=threads, max_people=seen, people=people)
    followed, _ = follow_exerciser(people, exercise_id)
    followed.meta["people_seen"] = max(seen, int(followed.meta.get("people_seen") or 0))
    return followed


def _finish(
    result: Result, out_dir: Path, title: str, video, prep: Prepared, unit: str, progress
) -> dict[str, Any]:
    from hipcoach.reports.folder import write_folder

    if progress:
        progress("analyse", 1.0)
    step = (lambda done, total: progress("video", done / max(total, 1))) if progress else None
    write_folder(result, out_dir, title=title, video=video, prepared=prep, unit=unit, progress=step)
    return result.report


def _title(report: dict[str, Any]) -> str:
    s = report["summary"]
    sides = [f"{side} {s[f'reps_{side}']}" for side in ("left", "right") if s[f"reps_{side}"]]
    count = f"{s['reps_total']} full reps" + (f" ({', '.join(sides)})" if sides else "")
    return f"{report['exercise']['name']}: {count if report['status'] == 'ok' else 'not this exercise'}"


def analyse_to_folder(
    source: Path,
    exercise_id: str,
    out_dir: Path,
    progress: Progress | None = None,
    *,
    video: Path | None = None,
    draw_video: bool = True,
    threads: int | None = None,
) -> dict[str, Any]:
    """Analyse `source` (video or .npz track) as `exercise_id` into `out_dir`; returns the JSON report.
    `exercise_id` "auto" analyses it as the exercise it is recognised as. Either way the report carries
    the recognition (`report["recognition"]`, with a warning when a chosen exercise is not the clip's
    best match). Raises NotMatching (after writing the report) when the clip does not show the exercise,
    NotRecognised (after writing the recognition) when with "auto" it shows none of them."""
    from hipcoach.analysis.specs import AUTO, spec_for

    auto = exercise_id == AUTO
    if not auto:
        spec_for(exercise_id)  # an unknown exercise fails before any slow work
    # With several people in view the first run's track is thrown away (_follow_exerciser): it stops
    # following as soon as they are seen and only counts them. On cg_singleLegHip (people_seen 2) that
    # run took 15.0 s and the second 10.3 s.
    track, made_from = load_or_estimate(Path(source), progress, threads, refollow=True)
    # the analysers (and scipy, ~60 MiB resident) load only now: imported before the pose, they stayed
    # resident beside the model and took the process's peak from 445 to 493 MiB on a minute of 1080p
    from hipcoach.analysis.coach import analyse_track, prepare
    from hipcoach.analysis.recognise import recognise

    if made_from is not None and (track.meta.get("people_seen") or 0) > 1:
        track = _follow_exerciser(made_from, track, None if auto else exercise_id, progress, threads)
    video = video or made_from
    prep = prepare(track)
    recognition = recognise(prep)
    if auto and recognition.best is None:
        report = recognition.report(track, prep.view.view)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "recognition.json").write_text(json.dumps(report, indent=2))
        raise NotRecognised(recognition, report)
    result = analyse_track(track, recognition.best if auto else exercise_id, prepared=prep)
    result.report["recognition"] = recognition.summary(None if auto else exercise_id)
    title = _title(result.report)
    matched = result.report["status"] == "ok"
    report = _finish(
        result, out_dir, title, video if draw_video and matched else None, prep, "reps", progress
    )
    if not matched:
        raise NotMatching(report)
    return report


def screen_to_folder(
    source: Path,
    test: str,
    out_dir: Path,
    progress: Progress | None = None,
    *,
    video: Path | None = None,
    draw_video: bool = True,
    threads: int | None = None,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run the hip-stability screen `test` ("single-leg-squat" or "running") into `out_dir`; with a
    `previous` screen report, the report also says which changes since then are beyond measurement error."""
    from hipcoach.analysis.screen_compare import check_comparable, compare_screens

    if test not in TESTS:
        raise UserError(
            f"There is no screen called '{test}'.", "Choose --test single-leg-squat or --test running."
        )
    if previous is not None:  # a wrong earlier report fails before the slow part
        check_comparable(previous, test)
    track, made_from = load_or_estimate(Path(source), progress, threads)
    from hipcoach.analysis import screen_running, screen_squat  # after the pose, as in analyse_to_folder

    video = video or made_from
    if test == "single-leg-squat":
        prepare_clip, screen = screen_squat.prepare_clip, screen_squat.screen_single_leg_squat
    else:
        prepare_clip, screen = screen_running.prepare_clip, screen_running.screen_running
    prep = prepare_clip(track)
    result = screen(track, prepared=prep)
    if previous is not None:
        result.report["compared_with_previous"] = compare_screens(previous, result.report)
    title = f"Hip stability screen: {test.replace('-', ' ')}"
    unit = "reps" if test == "single-leg-squat" else "steps"
    return _finish(result, out_dir, title, video if draw_video else None, prep, unit, progress)
