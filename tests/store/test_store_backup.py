"""Importing a backup: checked whole before any write, then written in batches that let others in."""

from __future__ import annotations

import copy
import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from hipcoach.errors import UserError
from hipcoach.store import training
from hipcoach.store.backup import import_backup, import_backup_in_batches
from hipcoach.store.errors import Conflict
from hipcoach.store.inputs import SetLogIn
from hipcoach.store.models import CheckIn, Programme, RunnerProfile, SetLog
from tests.factories import backup_dict, set_log_dict

START = dt.date.today() - dt.timedelta(days=30)


def _set(n: int, **kw) -> dict:
    return set_log_dict(n, START, **kw)


def backup_file(n_sets: int) -> dict:
    return backup_dict(n_sets, START)


def _count(database, model, user) -> int:
    with database.transaction(write=False) as db:
        return db.scalar(select(func.count()).select_from(model).where(model.user_id == user.id))


def _nothing_saved(database, user) -> bool:
    return all(_count(database, m, user) == 0 for m in (RunnerProfile, Programme, SetLog, CheckIn))


def test_a_batched_import_adds_everything_once_and_again_adds_nothing(database, people):
    a = people["runner_a"]
    done: list[int] = []
    counts = import_backup_in_batches(database, a, backup_file(1234), batch_size=100, on_batch=done.append)
    assert (counts.profile, counts.programmes, counts.set_logs, counts.checkins) == (1, 1, 1234, 1)
    assert done == [*range(100, 1234, 100), 1234]
    again = import_backup_in_batches(database, a, backup_file(1234), batch_size=100)
    assert (again.profile, again.programmes, again.set_logs, again.checkins) == (0, 0, 0, 0)
    assert _count(database, SetLog, a) == 1234
    with database.transaction(write=False) as db:
        saved = training.list_set_logs(db, a, a.id)
    assert sorted(s.client_key for s in saved) == [f"import-{n:06d}" for n in range(1234)]


def test_other_writers_get_their_turn_between_batches(database, people):
    """A set logged while an import is under way is saved at once, and the import, reaching the same
    client key later, keeps it rather than adding a second copy or failing."""
    a = people["runner_a"]
    first_batch, go_on = threading.Event(), threading.Event()

    def after_batch(done: int) -> None:
        if done == 100:
            first_batch.set()
            assert go_on.wait(30)

    result: dict = {}

    def run_import() -> None:
        result["counts"] = import_backup_in_batches(
            database, a, backup_file(600), batch_size=100, on_batch=after_batch
        )

    importer = threading.Thread(target=run_import)
    importer.start()
    try:
        assert first_batch.wait(60)
        logged: dict = {}

        def log_one() -> None:
            with database.transaction() as db:
                logged["row"], logged["created"] = training.log_set(db, a, SetLogIn.model_validate(_set(450)))

        writer = threading.Thread(target=log_one)
        writer.start()
        writer.join(20)
        assert not writer.is_alive(), "the import held the writers' turn between its batches"
        assert logged["created"] and importer.is_alive()
    finally:
        go_on.set()
        importer.join(60)
    assert result["counts"].set_logs == 599  # import-000450 was saved meanwhile
    assert _count(database, SetLog, a) == 600


def _with_unknown_exercise(backup: dict) -> dict:
    broken = copy.deepcopy(backup)
    item = broken["programmes"][0]["plan"]["weeks"][1]["sessions"][0]["items"][0]
    item["exercise_id"] = "moonwalk"
    return broken


@pytest.mark.parametrize("batched", [True, False])
def test_a_plan_naming_an_unknown_exercise_is_refused_and_nothing_is_imported(database, people, batched):
    a = people["runner_a"]
    broken = _with_unknown_exercise(backup_file(700))
    with pytest.raises(UserError) as refused:
        if batched:
            import_backup_in_batches(database, a, broken, batch_size=100)
        else:
            with database.transaction() as db:
                import_backup(db, a, broken)
    message = refused.value.message
    assert "unknown exercise 'moonwalk'" in message and "programmes.0.plan" in message
    assert "clamshell" in refused.value.hint
    assert _nothing_saved(database, a)


@pytest.mark.parametrize(
    "where,value",
    [("start_date", "9999-12-27"), ("start_date", "1970-01-01"), ("session_date", "9999-12-27")],
)
def test_a_plan_with_dates_no_programme_could_have_is_refused(database, people, where, value):
    a = people["runner_a"]
    broken = backup_file(3)
    plan = broken["programmes"][0]["plan"]
    if where == "start_date":
        plan["start_date"] = value
    else:
        plan["weeks"][0]["sessions"][0]["date"] = value
    with pytest.raises(UserError, match="Not a hipcoach backup this version can read"):
        import_backup_in_batches(database, a, broken)
    assert _nothing_saved(database, a)


def test_an_invalid_profile_in_the_file_is_refused_before_any_set_is_written(database, people):
    a = people["runner_a"]
    broken = backup_file(700)
    broken["profile"]["weeks"] = 99
    with pytest.raises(UserError, match="weeks"):
        import_backup_in_batches(database, a, broken, batch_size=100)
    assert _nothing_saved(database, a)


def test_a_key_saved_for_another_set_refuses_the_whole_file_first(database, people):
    a = people["runner_a"]
    with database.transaction() as db:
        training.log_set(db, a, SetLogIn.model_validate(_set(650, reps=3)))
    with pytest.raises(Conflict, match="import-000650"):
        import_backup_in_batches(database, a, backup_file(700), batch_size=100)
    assert _count(database, SetLog, a) == 1 and _count(database, RunnerProfile, a) == 0


def test_one_key_for_two_different_sets_in_the_file_is_refused(database, people):
    a = people["runner_a"]
    broken = backup_file(10)
    broken["set_logs"].append(_set(3, reps=4))
    with pytest.raises(UserError, match="import-000003"):
        import_backup_in_batches(database, a, broken)
    assert _nothing_saved(database, a)
    fine = backup_file(10)
    fine["set_logs"].append(_set(3))  # the same set twice: saved once
    assert import_backup_in_batches(database, a, fine).set_logs == 10


def test_notes_are_exported_both_ways_and_only_the_runners_own_come_back_to_a_linked_coach(database, people):
    from hipcoach.store import coaching, notes
    from hipcoach.store.backup import export_backup
    from hipcoach.store.models import Note

    runner, coach = people["runner_a"], people["coach_a"]
    with database.transaction() as db:
        notes.post(db, coach, runner.id, "Ease off the hops")
        notes.post(db, runner, coach.id, "Will do\nthanks")
    with database.transaction(write=False) as db:
        exported = export_backup(db, runner)
    assert [(n["coach_email"], n["author"], n["body"]) for n in exported["notes"]] == [
        ("ca@example.org", "coach", "Ease off the hops"),
        ("ca@example.org", "runner", "Will do\nthanks"),
    ]
    forged = copy.deepcopy(exported)
    forged["notes"].append({**exported["notes"][0], "body": "Coach says: double the dose"})
    forged["notes"].append({**exported["notes"][1], "coach_email": "cb@example.org", "body": "to B"})
    with database.transaction() as db:
        db.query(Note).delete()
    with database.transaction() as db:
        assert import_backup(db, runner, forged).notes == 1  # the runner's note to a linked coach only
    with database.transaction() as db:
        assert import_backup(db, runner, forged).notes == 0  # again: nothing twice
    with database.transaction(write=False) as db:
        assert [(n.author_id, n.body) for n in notes.thread(db, coach, runner.id)] == [
            (runner.id, "Will do\nthanks")
        ]
        assert coaching.coaches(db, runner)[0].id == coach.id
    bad = copy.deepcopy(exported)
    bad["notes"][0]["body"] = "x\x1b"
    with pytest.raises(UserError), database.transaction() as db:
        import_backup(db, runner, bad)
