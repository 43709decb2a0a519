"""A video deleted while the worker analyses it: the job stops quietly, stores nothing, leaves no folder."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from hipcoach.jobs.analysis import run_job
from hipcoach.store import erasure, videos
from hipcoach.store.accounts import create_user
from hipcoach.store.database import Database
from hipcoach.store.db import sqlite_url
from hipcoach.store.models import Analysis, Screen, User, Video


@pytest.fixture
def setup(tmp_path):
    database = Database.open(sqlite_url(tmp_path))
    uploads, analyses = tmp_path / "uploads", tmp_path / "analyses"
    uploads.mkdir()
    upload = uploads / "clip.mp4"
    upload.write_bytes(b"frames")
    with database.transaction() as db:
        runner = create_user(db, "del@example.org", "long enough pw", "Del", "runner")
        job = videos.add_video_for_analysis(
            db, runner, original_name="clip.mp4", stored_path=str(upload), size_bytes=6, sha256="0" * 64,
            keep_video=True, kind="screen", target="single-leg-squat",
        ).id  # fmt: skip
    yield database, runner, job, uploads, analyses
    database.close()


def _delete(database, runner, job, uploads, analyses):
    with database.transaction() as db:
        left = erasure.delete_analysis(db, runner, job)
    erasure.remove_files(left, uploads, analyses)


@pytest.mark.parametrize("then", ["reports progress", "returns a report", "raises"])
def test_a_video_deleted_mid_analysis_ends_the_job_without_a_result_or_a_crash(setup, then):
    database, runner, job, uploads, analyses = setup

    def analyser_for(kind):
        def analyse(video, target, out_dir, progress):
            progress("pose", 0.1)
            (out_dir / "annotated.mp4").write_bytes(b"partial")
            _delete(database, runner, job, uploads, analyses)
            if then == "reports progress":
                progress("video", 0.9)
            if then == "raises":
                raise FileNotFoundError(video)  # what reading a removed upload does
            report = {"summary": {"left": 1, "right": 2}}
            (out_dir / "report.json").write_text(json.dumps(report))
            return report

        return analyse

    assert run_job(database, job, analyses, lease_s=30, analyser_for=analyser_for) == "lost"
    assert not (analyses / str(job)).exists() and not any(uploads.iterdir())
    with database.transaction(write=False) as db:
        for model in (Analysis, Video, Screen):
            assert db.scalar(select(func.count()).select_from(model)) == 0
        assert db.scalar(select(func.count()).select_from(User)) == 1  # the runner's account stays


def test_a_job_deleted_before_the_worker_reaches_it_is_skipped(setup):
    database, runner, job, uploads, analyses = setup
    _delete(database, runner, job, uploads, analyses)
    assert run_job(database, job, analyses, lease_s=30) == "skipped"
    assert not analyses.exists()
