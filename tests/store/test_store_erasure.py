"""A runner deletes a video, or their whole account: rows in every table, files and coach links go."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, or_, select

from hipcoach.plans.red_flags import RED_FLAG_IDS
from hipcoach.store import accounts, erasure, jobs, password_reset, training, videos
from hipcoach.store.errors import Forbidden, NotFound
from hipcoach.store.inputs import CheckInIn, SetLogIn
from hipcoach.store.models import Base, CoachLink, Invitation, Note, ProgrammeAdjustment, TriageSeen, User
from hipcoach.store.screening import record_screening
from tests.factories import profile_dict


def _fill(db, runner, coach, data_dir, n: int) -> int:
    """A runner with a bit of everything: profile, programme, sets, a check-in, a screening, an upload
    with its analysis folder and screen result, a token, a session, a reset link, a coach's seen mark,
    a note each way."""
    yesterday = dt.date.today() - dt.timedelta(days=1)
    training.save_profile(db, runner, profile_dict(start_date=(yesterday - dt.timedelta(days=7)).isoformat()))
    programme = training.create_programme(db, runner)
    db.add(ProgrammeAdjustment(programme_id=programme.id, user_id=runner.id, coach_id=coach.id,
                               coach_name=coach.display_name, kind="note", start_date=yesterday,
                               exercise_id="clamshell", note="slowly", reason="form"))  # fmt: skip
    for i in range(3):
        entry = SetLogIn(client_key=f"erase-{n}-{i}xx", date=yesterday, exercise_id="clamshell", side="left",
                         set_number=i + 1, reps=10, pain_during=2)  # fmt: skip
        training.log_set(db, runner, entry)
    training.put_checkin(db, runner, yesterday, CheckInIn(pain=1, note="fine"))
    record_screening(db, runner, {f: False for f in RED_FLAG_IDS}, None)
    upload = data_dir / "uploads" / f"clip-{n}.mp4"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"frames")
    analysis = videos.add_video_for_analysis(
        db, runner, original_name="clip.mp4", stored_path=str(upload), size_bytes=6, sha256="0" * 64,
        keep_video=True, kind="screen", target="single-leg-squat",
    )  # fmt: skip
    attempt = jobs.claim(db, analysis.id, 60)
    out = data_dir / "analyses" / str(analysis.id) / f"attempt-{attempt}"
    out.mkdir(parents=True)
    (out / "report.json").write_text("{}")
    jobs.finish(db, analysis.id, attempt, {"screen": {}}, str(out))
    accounts.create_api_token(db, runner, "phone")
    accounts.start_login_session(db, runner)
    password_reset.create_reset(db, runner.email)
    db.add(TriageSeen(coach_id=coach.id, athlete_id=runner.id, item_key=f"pain:{n}", kind="pain",
                      item_date=yesterday, title="Pain 7", link="/coach"))  # fmt: skip
    db.add(Note(athlete_id=runner.id, coach_id=coach.id, author_id=coach.id, body="Ease off the hops"))
    db.add(Note(athlete_id=runner.id, coach_id=coach.id, author_id=runner.id, body="Will do"))
    db.flush()
    return analysis.id


def _rows_naming(db, user_id: int) -> dict[str, int]:
    """For every table with a column that refers to users: how many rows name this user."""
    users = Base.metadata.tables["users"]
    found = {"users": db.scalar(select(func.count()).select_from(users).where(users.c.id == user_id))}
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if any(fk.column.table is users for fk in c.foreign_keys)]
        if columns:
            where = or_(*(c == user_id for c in columns))
            found[table.name] = db.scalar(select(func.count()).select_from(table).where(where))
    return found


def test_deleting_an_account_removes_its_rows_in_every_table_its_files_and_its_links(
    database, people, tmp_path
):
    runner, other, coach = people["runner_a"], people["runner_b"], people["coach_a"]
    with database.transaction() as db:
        mine = _fill(db, runner, coach, tmp_path, 1)
        theirs = _fill(db, other, coach, tmp_path, 2)
        before = _rows_naming(db, runner.id)
    assert before["coach_links"] == 1 and before["set_logs"] == 3 and before["screens"] == 1
    assert all(count > 0 for count in before.values()), before  # the test covers every table

    with database.transaction() as db:
        left = erasure.delete_account(db, runner)
    erasure.remove_files(left, tmp_path / "uploads", tmp_path / "analyses")

    with database.transaction(write=False) as db:
        assert set(_rows_naming(db, runner.id).values()) == {0}
        assert db.scalar(select(CoachLink).where(CoachLink.athlete_id == runner.id)) is None
        assert accounts.find_user(db, "a@example.org") is None
        # the invitation the runner accepted is the coach's record: it stays, no longer naming them
        assert db.scalar(select(func.count()).select_from(Invitation)) == 1
        # nobody else's data was touched
        assert _rows_naming(db, other.id)["set_logs"] == 3
        assert db.get(User, coach.id) is not None
    assert not (tmp_path / "uploads" / "clip-1.mp4").exists()
    assert not (tmp_path / "analyses" / str(mine)).exists()
    assert (tmp_path / "uploads" / "clip-2.mp4").exists() and (tmp_path / "analyses" / str(theirs)).is_dir()


def test_a_coach_deleting_their_account_ends_their_links_and_leaves_the_runners_data(database, people):
    with database.transaction() as db:
        erasure.delete_account(db, people["coach_a"])
    with database.transaction(write=False) as db:
        assert set(_rows_naming(db, people["coach_a"].id).values()) == {0}
        assert db.get(User, people["runner_a"].id) is not None


def test_only_the_runner_deletes_their_video(database, people, tmp_path):
    runner = people["runner_a"]
    with database.transaction() as db:
        analysis_id = _fill(db, runner, people["coach_a"], tmp_path, 1)
    for stranger, refusal in ((people["runner_b"], NotFound), (people["coach_a"], Forbidden)):
        with pytest.raises(refusal), database.transaction() as db:
            erasure.delete_analysis(db, stranger, analysis_id)
    with database.transaction() as db:
        left = erasure.delete_analysis(db, runner, analysis_id)
    erasure.remove_files(left, tmp_path / "uploads", tmp_path / "analyses")
    with database.transaction(write=False) as db:
        counts = _rows_naming(db, runner.id)
        assert counts["videos"] == counts["analyses"] == counts["screens"] == 0
        assert counts["set_logs"] == 3  # the rest of the runner's data stays
        with pytest.raises(NotFound):
            videos.get_analysis(db, runner, analysis_id)
    assert not (tmp_path / "analyses" / str(analysis_id)).exists()
    assert not any((tmp_path / "uploads").iterdir())
