"""The exports on /data in a real browser (Debian's Chromium via Playwright) against a real server: each
link downloads a file a runner can use, and the JSON backup imported into a fresh account brings the
logged set back."""

from __future__ import annotations

import csv
import io
import json
import re

from icalendar import Calendar
from playwright.sync_api import expect

from tests.web.browser_steps import log_a_set_in_the_first_session, sign_up, sign_up_and_get_a_programme
from tests.web.conftest import screenshot


def _download(page, link_name: str, folder) -> tuple[str, bytes]:
    """Clicks the export link on /data and returns (suggested file name, content)."""
    with page.expect_download() as info:
        page.locator("#exports").get_by_role("link", name=link_name).click()
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path.read_bytes()


def _csv_sets(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def _logged(rows: list[dict]) -> list[tuple]:
    return [
        (r["date"], r["exercise_id"], r["side"], r["set_number"], r["reps"], r["pain_during"]) for r in rows
    ]


def test_every_export_downloads_and_the_backup_restores_the_set_elsewhere(live_server, page, tmp_path):
    sign_up_and_get_a_programme(page, live_server)
    session_uids = [
        re.search(r"/sessions/(.+)$", href).group(1)
        for href in page.locator("#calendar a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    ]
    exercise, side = log_a_set_in_the_first_session(page, reps=11, pain=2)
    expect(page.locator("#step .logged-sets li")).to_have_text(re.compile(r"set 1: 11 reps.*pain 2/10"))

    page.get_by_role("link", name="Your data").click()
    name, content = _download(page, "Every logged set (CSV)", tmp_path)
    assert name.endswith(".csv")
    header = content.decode().splitlines()[0].split(",")
    assert {"date", "exercise_id", "side", "set_number", "reps", "pain_during"} <= set(header)
    sets = _csv_sets(content)
    assert [(r["exercise_id"], r["side"], r["set_number"], r["reps"], r["pain_during"]) for r in sets] == [
        (exercise, side, "1", "11", "2")
    ]

    name, content = _download(page, "Calendar (iCalendar)", tmp_path)
    assert name.endswith(".ics")
    events = Calendar.from_ical(content).walk("VEVENT")
    assert sorted(str(e["uid"]) for e in events) == sorted(session_uids)  # one event per session

    name, content = _download(page, "Printable programme (PDF)", tmp_path)
    assert name.endswith(".pdf") and content.startswith(b"%PDF")

    name, backup = _download(page, "Everything, as a backup (JSON)", tmp_path)
    assert name == "hipcoach-backup.json" and len(json.loads(backup)["set_logs"]) == 1
    screenshot(page, "9-data-exports")

    page.get_by_role("button", name="Sign out").click()
    sign_up(page, live_server, "Second Runner", "second@example.org")
    expect(page.get_by_role("heading", name="Screening questions")).to_be_visible()  # a fresh account
    page.goto(f"{live_server}/data")
    page.get_by_label("Backup file").set_input_files(str(tmp_path / name))
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-result")).to_have_text(
        "Imported: 1 profile, 1 programme, 1 set, 0 check-ins, 0 notes, 0 programme changes by a coach."
    )
    screenshot(page, "10-data-imported")
    _, restored = _download(page, "Every logged set (CSV)", tmp_path)
    assert _logged(_csv_sets(restored)) == _logged(sets)
