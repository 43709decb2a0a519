"""One clip is prepared once (cleaned, sides resolved, view measured) for the whole report folder: the
analysis or screen, the recognition and the annotated video all use that one preparation."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np
import pytest

from hipcoach.analysis import prepared, run
from hipcoach.analysis.prepared import prepare
from hipcoach.errors import UserError
from hipcoach.motion import kinematics, views
from hipcoach.motion.synthetic import generate
from tests.motion.conftest import write_video

SIZE = (160, 120)


@pytest.fixture
def counted(monkeypatch) -> Counter:
    """How often cleaning, side resolution and kinematics run, wherever they are called from."""
    calls: Counter = Counter()

    def counting(name, f):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return f(*args, **kwargs)

        return wrapper

    for module, name in ((prepared, "clean"), (prepared, "resolve_sides"), (prepared, "kinematics")):
        monkeypatch.setattr(module, name, counting(name, getattr(module, name)))
    # the annotated video would look these up in their own modules
    monkeypatch.setattr(views, "resolve_sides", counting("resolve_sides", views.resolve_sides))
    monkeypatch.setattr(kinematics, "kinematics", counting("kinematics", kinematics.kinematics))
    return calls


@pytest.fixture
def squat_clip(tmp_path):
    track, _ = generate("single-leg-squat", view="front", sides="both", reps=2, frame_size=SIZE)
    video = write_video(tmp_path / "clip.mp4", track.n_frames, size=SIZE, rate=round(track.fps))
    return track.save(tmp_path / "clip.npz"), video


@pytest.mark.parametrize("how", ["exercise", "auto", "screen"])
def test_the_report_and_its_annotated_video_share_one_preparation(how, counted, squat_clip, tmp_path):
    npz, video = squat_clip
    out = tmp_path / "out"
    if how == "screen":
        report = run.screen_to_folder(npz, "single-leg-squat", out, video=video)
    else:
        exercise = "single-leg-squat" if how == "exercise" else "auto"
        report = run.analyse_to_folder(npz, exercise, out, video=video)
    assert (out / "annotated.mp4").is_file() and report["files"]["video"] == "annotated.mp4"
    assert counted == {"clean": 1, "resolve_sides": 1, "kinematics": 1}


def test_a_screen_keeps_a_track_that_was_cleaned_already_and_the_coach_cleans_again():
    track, _ = generate("single-leg-squat", view="front", reps=1, frame_size=SIZE)
    once = prepare(track, cutoff_hz=10.0)
    assert once.cleaning["cutoff_hz"] == 10.0
    kept = prepare(once.resolved, cutoff_hz=6.0, keep_cleaned=True)
    assert kept.cleaning["cutoff_hz"] == 10.0 and kept.resolved.meta["clean"] == once.cleaning
    again = prepare(once.resolved)
    assert again.cleaning["cutoff_hz"] == 6.0


def test_a_track_with_nobody_is_refused_with_the_callers_words():
    track, _ = generate("single-leg-squat", view="front", reps=1, frame_size=SIZE)
    empty = replace(track, landmarks=track.landmarks * np.nan)
    assert not empty.detected.any()
    with pytest.raises(UserError, match="nothing to see"):
        prepare(empty, nobody=("nothing to see", "film someone"))
