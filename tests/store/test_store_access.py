"""Every query refuses data that is not the actor's to see, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from hipcoach.store import training, videos
from hipcoach.store.coaching import athletes, unlink
from hipcoach.store.errors import Forbidden, NotFound
from hipcoach.store.inputs import CheckInIn, SetLogIn
from hipcoach.store.progress import progress
from tests.factories import profile_dict


def _seed_runner_a(database, people):
    with database.transaction() as db:
        a = people["runner_a"]
        training.save_profile(db, a, profile_dict())
        programme = training.create_programme(db, a)
        training.log_set(
            db,
            a,
            SetLogIn(
                client_key="seed-set-1",
                date=dt.date(2026, 12, 1),
                exercise_id="clamshell",
                side="left",
                set_number=1,
                reps=10,
                pain_during=2,
                programme_id=programme.id,
            ),
        )
        training.put_checkin(db, a, dt.date(2026, 12, 2), CheckInIn(pain=1))
        analysis = videos.add_video_for_analysis(
            db,
            a,
            original_name="clip.mp4",
            stored_path="/nowhere/clip.mp4",
            size_bytes=10,
            sha256="0" * 64,
            keep_video=False,
            kind="exercise",
            target="clamshell",
        )
    return programme.id, analysis.id, analysis.video_id


READS = {
    "profile": lambda db, actor, ids, rid: training.get_profile(db, actor, rid),
    "programmes": lambda db, actor, ids, rid: training.list_programmes(db, actor, rid),
    "programme": lambda db, actor, ids, rid: training.get_programme(db, actor, ids[0]),
    "set logs": lambda db, actor, ids, rid: training.list_set_logs(db, actor, rid),
    "check-ins": lambda db, actor, ids, rid: training.list_checkins(db, actor, rid),
    "analysis": lambda db, actor, ids, rid: videos.get_analysis(db, actor, ids[1]),
    "video": lambda db, actor, ids, rid: videos.get_video(db, actor, ids[2]),
    "analyses": lambda db, actor, ids, rid: videos.list_analyses(db, actor, rid),
    "screens": lambda db, actor, ids, rid: videos.list_screens(db, actor, rid),
    "progress": lambda db, actor, ids, rid: progress(db, actor, rid, dt.date(2026, 12, 31)),
}


@pytest.mark.parametrize("what", sorted(READS))
def test_others_cannot_read_a_runners_data(database, people, what):
    ids = _seed_runner_a(database, people)
    rid = people["runner_a"].id
    with database.transaction() as db:
        READS[what](db, people["runner_a"], ids, rid)  # the owner can
        READS[what](db, people["coach_a"], ids, rid)  # the linked coach can
        for stranger in ("runner_b", "coach_b"):
            with pytest.raises(NotFound):
                READS[what](db, people[stranger], ids, rid)


def test_unlinked_coach_loses_access(database, people):
    ids = _seed_runner_a(database, people)
    with database.transaction() as db:
        assert [u.id for u in athletes(db, people["coach_a"])] == [people["runner_a"].id]
        unlink(db, people["runner_a"], people["coach_a"].id)
        assert athletes(db, people["coach_a"]) == []
        with pytest.raises(NotFound):
            training.get_programme(db, people["coach_a"], ids[0])


def test_coaches_do_not_write_and_runners_do_not_log_into_others_programmes(database, people):
    programme_id, *_ = _seed_runner_a(database, people)
    entry = SetLogIn(
        client_key="b-tries-a",
        date=dt.date(2026, 12, 1),
        exercise_id="clamshell",
        side="right",
        set_number=1,
        reps=10,
        pain_during=1,
        programme_id=programme_id,
    )
    with database.transaction() as db:
        with pytest.raises(Forbidden):
            training.log_set(db, people["coach_a"], entry)
        with pytest.raises(NotFound):
            training.log_set(db, people["runner_b"], entry)
        with pytest.raises(Forbidden):
            training.save_profile(db, people["coach_a"], profile_dict())
        assert training.list_set_logs(db, people["runner_b"], people["runner_b"].id) == []


def test_a_login_session_or_api_token_names_its_own_account_and_an_expired_session_none(database, people):
    from sqlalchemy import update

    from hipcoach.store.accounts import (
        create_api_token,
        end_login_session,
        start_login_session,
        user_for_api_token,
        user_for_session,
    )
    from hipcoach.store.credentials import token_hash
    from hipcoach.store.models import LoginSession
    from hipcoach.store.types import utcnow

    a, b = people["runner_a"], people["runner_b"]
    with database.transaction() as db:
        live, stale, ended = (start_login_session(db, a) for _ in range(3))
        _, token_b = create_api_token(db, b, "watch")
        gone = utcnow() - dt.timedelta(seconds=1)
        db.execute(
            update(LoginSession).where(LoginSession.token_hash == token_hash(stale)).values(expires_at=gone)
        )
        end_login_session(db, ended)
    with database.transaction(write=False) as db:
        assert user_for_session(db, live).id == a.id
        assert user_for_session(db, stale) is None
        assert user_for_session(db, ended) is None
        assert user_for_session(db, "hcs_not-a-session") is None
        assert user_for_api_token(db, token_b).id == b.id
        assert user_for_api_token(db, live) is None
