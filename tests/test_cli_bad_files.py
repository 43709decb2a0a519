"""The CLI's bad-file corpus: every odd profile, log or report exits 2 with a plain message, quickly.

run_cli fails the test on any traceback; the memory and time cases are bounded by what is read.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
from pathlib import Path

import pytest
import tomli_w

from tests.factories import profile_dict, run_cli

RECENT = dt.date.today() - dt.timedelta(days=7)


def _profile(tmp_path: Path, **over) -> Path:
    path = tmp_path / "me.toml"
    data = profile_dict(start_date=RECENT, **over)
    path.write_text(tomli_w.dumps(data), "utf-8")
    return path


def _write(tmp_path: Path, content: str | bytes, name: str = "odd.toml") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    return path


def _assert_refused(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Error:" in result.text
    for word in words:
        assert word in result.text, result.text


def test_a_profile_linked_to_dev_zero_is_refused_without_reading_it_all(tmp_path):
    if not Path("/dev/zero").exists():
        pytest.skip("/dev/zero is absent")
    link = tmp_path / "zero.toml"
    link.symlink_to("/dev/zero")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = run_cli("plan", "--profile", link)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    _assert_refused(result, "larger than 1024 KiB")
    assert grown_kib < 64 * 1024  # read 1 MiB and a byte, not the endless file


def test_a_20_mib_profile_is_refused_at_once_without_quoting_it(tmp_path):
    path = _write(tmp_path, 'name = "' + "x" * (20 * 2**20) + '"\n')
    result = run_cli("plan", "--profile", path)
    _assert_refused(result, "larger than 1024 KiB")
    assert len(result.output) < 2000


def test_a_long_value_is_cut_in_the_message(tmp_path):
    text = tomli_w.dumps(profile_dict(start_date=RECENT, name="y" * 500_000))
    result = run_cli("plan", "--profile", _write(tmp_path, text))
    _assert_refused(result, "name")
    unwrapped = result.output.replace("\n", "")  # Rich wraps the long word; the cut is what matters
    assert "'" + "y" * 79 + "…" in unwrapped and "y" * 80 not in unwrapped and len(result.output) < 3000


def test_many_unknown_keys_make_a_short_message(tmp_path):
    data = profile_dict(start_date=RECENT)
    data.update({f"extra_{n}_{'k' * 100}": n for n in range(5000)})
    result = run_cli("plan", "--profile", _write(tmp_path, tomli_w.dumps(data)))
    _assert_refused(result, "unknown field", "more")
    assert len(result.output) < 5000


NESTED = "name = " + "[" * 5000 + "]" * 5000 + "\n"


@pytest.mark.parametrize(
    "content,expected",
    [
        (NESTED, "too deeply"),
        ("weeks = [" + "{a = [" * 3000 + "]}" * 3000 + "]\n", "too deeply"),
        (b"name = '\xff\xfe'\n", "not UTF-8"),
        ("name = 'x\n", "not valid TOML"),
        ('name = "\\ud800"\n', "not valid TOML"),  # TOML forbids surrogate escapes
        ("", "required field is missing"),
        ('name = "[/bold] [red]"\nweeks = "[/]"\n', "[/]"),  # Rich markup in a value is text
    ],
    ids=["5000-deep array", "deep inline tables", "not UTF-8", "broken", "surrogate", "empty", "markup"],
)
def test_odd_profiles_exit_2_with_a_message(tmp_path, content, expected):
    result = run_cli("plan", "--profile", _write(tmp_path, content))
    _assert_refused(result, expected)


@pytest.mark.parametrize("start", ["9999-12-27", "1900-01-01"])
def test_a_start_date_far_from_today_exits_2(tmp_path, start):
    in_file = run_cli("plan", "--profile", _write(tmp_path, tomli_w.dumps(profile_dict(start_date=start))))
    _assert_refused(in_file, "start_date", "not a sensible start date")
    override = run_cli("plan", "--profile", _profile(tmp_path), "--start", start)
    _assert_refused(override, "not a sensible start date")
    demo = run_cli("plan", "--demo", "--start", start)
    _assert_refused(demo, "not a sensible start date")


@pytest.mark.parametrize("name", ["Al\nBEGIN:VEVENT", "Al\r\nX-INJECTED:1", "Al\rB"])
def test_a_newline_in_the_name_gives_a_sound_calendar(tmp_path, name):
    ics = tmp_path / "plan.ics"
    profile = _profile(tmp_path, name=name)
    result = run_cli("plan", "--profile", profile, "--ics", ics, "-o", tmp_path / "p.md")
    assert result.exit_code == 0, result.output
    lines = ics.read_bytes().decode().split("\r\n")
    (calname,) = [line for line in lines if line.startswith("X-WR-CALNAME:")]
    assert calname.startswith("X-WR-CALNAME:Hip strength: Al ")
    assert not any(line.startswith("X-INJECTED") for line in lines)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") > 0


def test_a_directory_or_an_unreadable_file_exits_2(tmp_path):
    _assert_refused(run_cli("plan", "--profile", tmp_path), "not found")
    locked = _write(tmp_path, "name = 'x'\n", "locked.toml")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: permissions do not stop reading")
        _assert_refused(run_cli("plan", "--profile", locked), "Cannot read")
    finally:
        locked.chmod(0o600)


@pytest.mark.parametrize(
    "content,expected",
    [
        ("log = 5\n", "log must be a list"),
        ("log = ['x']\n", "log entry 1 is invalid"),
        ("[[log]]\n" + "k = " + "[" * 5000 + "]" * 5000 + "\n", "too deeply"),
        ("[[log]]\nexercise_id = '" + "z" * 100_000 + "'\n", "log entry 1 is invalid"),
    ],
    ids=["not a list", "not tables", "deep", "long value"],
)
def test_odd_log_files_exit_2(tmp_path, content, expected):
    log = _write(tmp_path, content, "log.toml")
    result = run_cli("next", "--profile", _profile(tmp_path), "--log", log)
    _assert_refused(result, expected)
    assert len(result.output) < 5000


def test_a_log_linked_to_dev_zero_exits_2(tmp_path):
    if not Path("/dev/zero").exists():
        pytest.skip("/dev/zero is absent")
    link = tmp_path / "log.toml"
    link.symlink_to("/dev/zero")
    _assert_refused(run_cli("next", "--profile", _profile(tmp_path), "--log", link), "larger than")


@pytest.mark.parametrize(
    "content,expected",
    [
        ("[" * 100_000 + "]" * 100_000, "not a JSON screen report"),
        ('{"schema_version": "hipcoach.screen/1", "needs_work_side": "' + "q" * 9999 + '"}', "work_side"),
        ("[]", "not a hipcoach screen report"),
    ],
    ids=["deep", "long side", "a list"],
)
def test_odd_screen_reports_exit_2(tmp_path, content, expected):
    report = _write(tmp_path, content, "report.json")
    result = run_cli("plan", "--profile", _profile(tmp_path), "--screen", report)
    _assert_refused(result, expected)
    assert len(result.output) < 3000 and "q" * 80 not in result.output.replace("\n", "")
