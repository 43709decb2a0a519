"""Notes between a runner and their linked coach: only the pair reads and writes the thread, the text
is checked and limited, and each reader has their own unread marks; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from hipcoach.store import coaching, erasure, notes
from hipcoach.store.errors import NotFound
from hipcoach.store.models import Note
from hipcoach.store.models.notes import NOTE_MAX_CHARS


def test_runner_and_linked_coach_write_one_thread_and_each_has_their_own_unread(database, people):
    runner, coach = people["runner_a"], people["coach_a"]
    with database.transaction() as db:
        notes.post(db, coach, runner.id, "How did the hops feel?\nAny pain the morning after?")
        notes.post(db, runner, coach.id, "  Fine, pain 1.  ")
        notes.post(db, coach, runner.id, "Good: carry on.")
    with database.transaction(write=False) as db:
        seen_by_runner = notes.thread(db, runner, coach.id)
        seen_by_coach = notes.thread(db, coach, runner.id)
        assert [n.body for n in seen_by_runner] == [
            "How did the hops feel?\nAny pain the morning after?",
            "Fine, pain 1.",
            "Good: carry on.",
        ]
        assert [n.id for n in seen_by_coach] == [n.id for n in seen_by_runner]
        assert [notes.is_unread(n, runner) for n in seen_by_runner] == [True, False, True]
        assert notes.unread_counts(db, runner) == {coach.id: 2}
        assert notes.unread_counts(db, coach) == {runner.id: 1}
    with database.transaction() as db:
        assert notes.mark_read(db, runner, coach.id) == 2
    with database.transaction(write=False) as db:
        assert notes.unread_counts(db, runner) == {}
        assert notes.unread_counts(db, coach) == {runner.id: 1}  # the coach's own marks are untouched


def test_an_unlinked_coach_and_another_runner_are_refused(database, people):
    runner, coach, stranger = people["runner_a"], people["coach_a"], people["coach_b"]
    with database.transaction() as db:
        notes.post(db, coach, runner.id, "private")
    other_runner = people["runner_b"]
    for actor, other in ((stranger, runner.id), (other_runner, coach.id), (other_runner, runner.id)):
        with pytest.raises(NotFound), database.transaction() as db:
            notes.post(db, actor, other, "let me in")
        with pytest.raises(NotFound), database.transaction(write=False) as db:
            notes.thread(db, actor, other)
        with pytest.raises(NotFound), database.transaction() as db:
            notes.mark_read(db, actor, other)
    with database.transaction(write=False) as db:
        assert notes.unread_counts(db, stranger) == {}
        assert db.query(Note).count() == 1


def test_an_ended_link_closes_the_thread_for_both(database, people):
    runner, coach = people["runner_a"], people["coach_a"]
    with database.transaction() as db:
        notes.post(db, runner, coach.id, "before")
        coaching.unlink(db, runner, coach.id)
    with database.transaction(write=False) as db:
        with pytest.raises(NotFound):
            notes.thread(db, coach, runner.id)
        assert notes.unread_counts(db, coach) == {}


@pytest.mark.parametrize(
    "body", ["", "   \n  ", "x" * (NOTE_MAX_CHARS + 1), "bell \x07", "right-to-left \u202e override"]
)
def test_empty_overlong_and_hidden_characters_are_refused(database, people, body):
    with pytest.raises(ValidationError), database.transaction() as db:
        notes.post(db, people["coach_a"], people["runner_a"].id, body)


def test_markup_is_stored_as_typed_for_templates_to_escape(database, people):
    with database.transaction() as db:
        note = notes.post(db, people["coach_a"], people["runner_a"].id, "<script>alert(1)</script> & co")
    assert note.body == "<script>alert(1)</script> & co"


def test_notes_in_range_keeps_the_days_asked_for(database, people):
    runner, coach = people["runner_a"], people["coach_a"]
    today = dt.date.today()
    with database.transaction() as db:
        old = notes.post(db, coach, runner.id, "a month ago")
        old.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        notes.post(db, coach, runner.id, "today")
    with database.transaction(write=False) as db:
        week = notes.in_range(db, coach, runner.id, today - dt.timedelta(days=7), today)
        assert [n.body for n in week] == ["today"]
        both = notes.in_range(db, coach, runner.id, today - dt.timedelta(days=40), today)
        assert [n.body for n in both] == ["a month ago", "today"]


def test_deleting_the_runners_account_removes_the_thread(database, people):
    runner, coach = people["runner_a"], people["coach_a"]
    with database.transaction() as db:
        notes.post(db, coach, runner.id, "note for you")
        notes.post(db, runner, coach.id, "reply")
    with database.transaction() as db:
        erasure.delete_account(db, runner)
    with database.transaction(write=False) as db:
        assert db.query(Note).count() == 0
