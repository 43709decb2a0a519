"""A clip's counts added to today's session once, and who may read the sets an analysis counted; on both
databases."""

from __future__ import annotations

import datetime as dt

import pytest

from hipcoach.store import camera_logs, training
from hipcoach.store.errors import NotFound
from hipcoach.store.models import Analysis
from tests.web.test_pages_camera_logs import REPS, _profile_with_clamshells_today


def test_a_clip_logs_once_per_side_and_its_sets_are_read_by_the_linked_coach_only(database, people):
    a, b = people["runner_a"], people["runner_b"]
    today = dt.date.today()
    with database.transaction() as db:
        training.save_profile(db, a, _profile_with_clamshells_today())
        training.create_programme(db, a)
        row = Analysis(user_id=a.id, video_id=None, kind="exercise", target="clamshell", status="done",
                       report={"reps": REPS})  # fmt: skip
        db.add(row)
        db.flush()
        analysis = row.id
    pain = camera_logs.ClipPainIn(pain_during=3, effort=6)
    with database.transaction() as db:
        first = camera_logs.add_to_today(db, a, analysis, pain, today)
        assert sorted((s.side, s.reps, s.hold_s, s.effort) for s in first.logged) == [
            ("left", 3, 2.0, 6), ("right", 2, 1.5, 6)
        ]  # fmt: skip
        assert first.already == [] and first.no_slot == []
    with database.transaction() as db:
        again = camera_logs.add_to_today(db, a, analysis, camera_logs.ClipPainIn(pain_during=8), today)
        assert again.logged == [] and len(again.already) == 2
        with pytest.raises(NotFound):
            camera_logs.add_to_today(db, b, analysis, pain, today)
    with database.transaction(write=False) as db:
        assert len(camera_logs.sets_counted_by(db, people["coach_a"], analysis)) == 2
        sets, reports = camera_logs.camera_counted(db, people["coach_a"], a.id)
        assert {(s.side, s.analysis_id) for s in sets} == {("left", analysis), ("right", analysis)}
        assert reports[analysis]["reps"] == REPS
        for stranger in (people["coach_b"], b):
            with pytest.raises(NotFound):
                camera_logs.sets_counted_by(db, stranger, analysis)
            with pytest.raises(NotFound):
                camera_logs.camera_counted(db, stranger, a.id)
