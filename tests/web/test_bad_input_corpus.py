"""The bad-input corpus: odd JSON bodies and form posts, each answered with a plain 4xx, never a 500.

A lone UTF-16 surrogate ("\\ud800") is valid JSON and decodes into a Python str that nothing can
encode; every route that takes text gets one, in every place text goes, and must name the field.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import io
import json
import re

import pytest
from fastapi.testclient import TestClient

from hipcoach.web.app import create_app
from tests.factories import profile_dict
from tests.web.conftest import make_settings, onboarding_form, sign_up, sign_up_on_pages

LONE = "\\ud800"  # as the JSON escape, inside the body's text
TODAY = dt.date.today()
PAST = (TODAY - dt.timedelta(days=3)).isoformat()


@pytest.fixture(scope="module")
def app_client(tmp_path_factory):
    app = create_app(make_settings(tmp_path_factory.mktemp("corpus")))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def runner(app_client):
    acct = sign_up(app_client, "corpus@example.org", "runner")
    assert acct.put("/api/v1/profile", json=profile_dict(start_date=PAST)).status_code == 200
    assert acct.post("/api/v1/programmes", json={}).status_code == 201
    return acct


def _raw(client, method, url, body: str | bytes, token: str | None = None):
    headers = {"content-type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.request(method, url, content=body, headers=headers)


def _with_lone(data, path: tuple) -> str:
    """`data` as JSON text with the string at `path` replaced by one holding a lone surrogate."""
    marker = "@@LONE@@"
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = f"x{marker}y"
    return json.dumps(data).replace(marker, LONE)


def _set_log(**kw) -> dict:
    return {
        "client_key": "corpus-key-1",
        "date": PAST,
        "exercise_id": "clamshell",
        "side": "left",
        "set_number": 1,
        "reps": 10,
        "pain_during": 2,
        **kw,
    }


SIGNUP = {"email": "new@example.org", "password": "long enough pw", "display_name": "N", "role": "runner"}
JSON_CASES = [
    ("sign-up display name", "POST", "/api/v1/accounts", SIGNUP, ("display_name",), False),
    ("sign-up email", "POST", "/api/v1/accounts", SIGNUP, ("email",), False),
    ("sign-up password", "POST", "/api/v1/accounts", SIGNUP, ("password",), False),
    ("sign-up role", "POST", "/api/v1/accounts", SIGNUP, ("role",), False),
    (
        "sign-in without an account",
        "POST",
        "/api/v1/session",
        {"email": "nobody@example.org", "password": "long enough pw"},
        ("email",),
        False,
    ),
    (
        "sign-in password",
        "POST",
        "/api/v1/session",
        {"email": "corpus@example.org", "password": "long enough pw"},
        ("password",),
        False,
    ),
    ("profile name", "PUT", "/api/v1/profile", profile_dict(start_date=PAST), ("name",), True),
    ("profile band", "PUT", "/api/v1/profile", profile_dict(start_date=PAST), ("strength", "bands", 0), True),
    (
        "profile recent change",
        "PUT",
        "/api/v1/profile",
        profile_dict(start_date=PAST, running={**profile_dict()["running"], "recent_changes": ["hills"]}),
        ("running", "recent_changes", 0),
        True,
    ),
    ("screening name", "POST", "/api/v1/screening", profile_dict(start_date=PAST), ("name",), True),
    ("set log client key", "POST", "/api/v1/set-logs", _set_log(), ("client_key",), True),
    ("set log exercise", "POST", "/api/v1/set-logs", _set_log(), ("exercise_id",), True),
    ("set log session", "POST", "/api/v1/set-logs", _set_log(session_uid="s"), ("session_uid",), True),
    ("check-in note", "PUT", f"/api/v1/check-ins/{PAST}", {"pain": 1, "note": "ok"}, ("note",), True),
    ("token name", "POST", "/api/v1/tokens", {"name": "phone"}, ("name",), True),
    ("invitation code", "POST", "/api/v1/invitations/accept", {"code": "abcdefgh"}, ("code",), True),
    (
        "backup profile name",
        "POST",
        "/api/v1/backup",
        {"schema_version": "hipcoach.backup/1", "profile": profile_dict(start_date=PAST)},
        ("profile", "name"),
        True,
    ),
    (
        "backup set log key",
        "POST",
        "/api/v1/backup",
        {"schema_version": "hipcoach.backup/1", "set_logs": [_set_log()]},
        ("set_logs", 0, "client_key"),
        True,
    ),
]


@pytest.mark.parametrize(
    "method,url,data,path,signed_in", [c[1:] for c in JSON_CASES], ids=[c[0] for c in JSON_CASES]
)
def test_a_lone_surrogate_anywhere_is_a_422_naming_the_field(
    app_client, runner, method, url, data, path, signed_in
):
    r = _raw(app_client, method, url, _with_lone(data, path), runner.token if signed_in else None)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail[0]["loc"] == ["body", *path]
    assert "surrogate" in detail[0]["msg"] and detail[0]["input"] == "x\\ud800y"


def test_a_lone_surrogate_as_a_key_or_as_raw_bytes_is_a_422_too(app_client, runner):
    key = _raw(app_client, "PUT", f"/api/v1/check-ins/{PAST}", '{"pain": 1, "\\udfff": "x"}', runner.token)
    assert key.status_code == 422 and key.json()["detail"][0]["loc"] == ["body", "\\udfff"]
    raw = b'{"pain": 1, "note": "a\xed\xa0\x80b"}'  # the surrogate written as (invalid) UTF-8
    r = _raw(app_client, "PUT", f"/api/v1/check-ins/{PAST}", raw, runner.token)
    assert r.status_code in (400, 422), r.text


def test_a_surrogate_pair_is_an_ordinary_character(app_client, runner):
    r = _raw(
        app_client,
        "PUT",
        f"/api/v1/check-ins/{PAST}",
        '{"pain": 1, "note": "ok \\ud83d\\ude00"}',
        runner.token,
    )
    assert r.status_code == 200 and r.json()["note"] == "ok \U0001f600"


UNREADABLE = [
    ("not JSON", b"{not json"),
    ("invalid UTF-8", b'{"pain": 1, "note": "\xff\xfe"}'),
    ("deeply nested", b"[" * 100_000 + b"]" * 100_000),
    ("a number for an object", b"7"),
    ("null bytes", b'{"pain": 1, "note": "a\\u0000b"}'),
]


@pytest.mark.parametrize("body", [c[1] for c in UNREADABLE], ids=[c[0] for c in UNREADABLE])
def test_unreadable_bodies_are_refused_plainly(app_client, runner, body):
    r = _raw(app_client, "PUT", f"/api/v1/check-ins/{PAST}", body, runner.token)
    assert r.status_code < 500, r.text


@pytest.mark.parametrize(
    "day", ["9999-12-27", "9999-12-31", "0001-01-01", (TODAY.replace(year=TODAY.year + 5))]
)
def test_a_start_date_far_from_today_is_a_422_with_a_message(app_client, runner, day):
    r = runner.post("/api/v1/programmes", json={"start_date": str(day)})
    assert r.status_code == 422, r.text
    (err,) = r.json()["detail"]
    assert err["loc"] == ["body", "start_date"] and "not a sensible start date" in err["msg"]
    profile = runner.put("/api/v1/profile", json=profile_dict(start_date=str(day)))
    assert profile.status_code == 422 and profile.json()["detail"][0]["loc"] == ["body", "start_date"]


def test_a_start_date_within_two_years_still_makes_a_programme(app_client, runner):
    soon = (TODAY + dt.timedelta(days=600)).isoformat()
    assert runner.post("/api/v1/programmes", json={"start_date": soon}).status_code == 201


@pytest.mark.parametrize("name", ["Al\r\nBEGIN:VEVENT\r\nSUMMARY:x", "Al\rx", "Al\nx", "Al\u2028x"])
def test_a_name_with_line_breaks_cannot_break_the_calendar(app_client, name):
    acct = sign_up(app_client, f"ics-{hashlib.sha1(name.encode()).hexdigest()[:8]}@example.org", "runner")
    assert acct.put("/api/v1/profile", json=profile_dict(name=name, start_date=PAST)).status_code == 200
    programme = acct.post("/api/v1/programmes", json={}).json()["id"]
    r = acct.get(f"/api/v1/programmes/{programme}/calendar.ics")
    assert r.status_code == 200, r.text
    lines = r.text.split("\r\n")
    (calname,) = [line for line in lines if line.startswith("X-WR-CALNAME:")]
    assert calname.startswith("X-WR-CALNAME:Hip strength: Al ")
    assert (
        lines.count("BEGIN:VEVENT")
        == lines.count("END:VEVENT")
        == len(acct.get(f"/api/v1/programmes/{programme}/sessions").json())
    )
    assert all(line[:1] == " " or ":" in line for line in lines if line)  # no stray half-lines
    assert "\u2028" not in r.text


def test_page_forms_with_undecodable_bytes_are_not_a_500(app_client):
    """Browsers cannot send a lone surrogate; bytes that would decode to one come in as U+FFFD."""
    c = app_client
    c.cookies.clear()
    r = c.post(
        "/signup",
        content="email=pf%40example.org&password=long+enough+pw&display_name=%ED%A0%80&role=runner",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code < 500
    csrf = sign_up_on_pages(c, "pages@example.org")
    assert c.post("/onboarding", data=onboarding_form(csrf, name="\ufffd")).status_code < 500
    far = c.post("/onboarding", data=onboarding_form(csrf, start_date="9999-12-27"))
    assert far.status_code == 422
    assert 'data-field="start_date">9999-12-27 is not a sensible start date' in far.text
    r = c.post(
        "/onboarding",
        content=f"csrf_token={csrf}&name=%ED%A0%80&start_date=9999-12-27",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code < 500
    c.cookies.clear()


def test_the_set_logs_csv_hands_a_spreadsheet_no_formula(app_client, runner):
    uid = '=HYPERLINK("http://evil.example","open")'
    entry = _set_log(client_key="-2-3-formula", session_uid=uid, date=PAST)
    assert runner.post("/api/v1/set-logs", json=entry).status_code == 201
    text = runner.get(f"/api/v1/runners/{runner.id}/set-logs.csv").text
    rows = {r["client_key"]: r for r in csv.DictReader(io.StringIO(text))}
    row = rows["'-2-3-formula"]
    assert row["session_uid"] == "'" + uid and row["reps"] == "10" and row["exercise_id"] == "clamshell"
    as_json = runner.get(f"/api/v1/runners/{runner.id}/set-logs").json()
    assert uid in [s["session_uid"] for s in as_json]  # only the CSV is changed, not what is saved


def _signup(client, **over):
    body = {"email": "typed@example.org", "password": "long enough pw", "display_name": "Typed", **over}
    return client.post("/api/v1/accounts", json=body)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("display_name", "    ", "only spaces"),
        ("display_name", "\t\n", "only spaces"),
        ("display_name", "Al\x00ex", "control character U+0000"),
        ("display_name", "Al\x1bex", "control character U+001B"),
        ("display_name", "Invoice\u202egpj.exe", "text-direction character U+202E"),
        ("display_name", "x\u2066y", "text-direction character U+2066"),
        ("display_name", "\u200b", "nothing visible"),  # zero-width space
        ("display_name", "\ufeff\u200d\u00ad", "nothing visible"),  # byte-order mark, joiner, soft hyphen
        ("display_name", "\u3164\u3164", "nothing visible"),  # Hangul filler: a letter that shows nothing
        ("display_name", " \u2800 ", "nothing visible"),  # Braille blank
        ("email", "a@b", "not an email address"),
        ("email", "name@", "not an email address"),
        ("email", "@example.org", "not an email address"),
        ("email", "two@@example.org", "not an email address"),
        ("email", "sp ace@example.org", "not an email address"),
    ],
)
def test_names_and_addresses_with_nothing_visible_or_hidden_characters_are_refused(
    app_client, field, value, words
):
    r = _signup(app_client, **{field: value})
    assert r.status_code == 422, r.text
    assert field in r.text and words in r.text


def test_what_is_kept_of_a_name_is_what_shows(app_client):
    """Spaces and line breaks inside a name become one space; joiners that emoji need stay."""
    acct = sign_up(app_client, "shown@example.org", "runner")
    family = "Ana \u200d\U0001f468\u200d\U0001f469\u200d\U0001f467"
    profile = profile_dict(name=f"  {family}\n  Silva  ", start_date=PAST)
    assert acct.put("/api/v1/profile", json=profile).status_code == 200
    assert acct.get(f"/api/v1/runners/{acct.id}/profile").json()["name"] == f"{family} Silva"


def test_a_check_in_note_keeps_its_lines_and_refuses_control_characters(app_client, runner):
    day = (TODAY - dt.timedelta(days=1)).isoformat()
    refused = runner.put(f"/api/v1/check-ins/{day}", json={"pain": 1, "note": "sore\x07"})
    assert refused.status_code == 422 and "note" in refused.text and "U+0007" in refused.text
    kept = runner.put(f"/api/v1/check-ins/{day}", json={"pain": 1, "note": "sore calf  \r\nbetter by noon\n"})
    assert kept.status_code == 200, kept.text
    assert kept.json()["note"] == "sore calf\nbetter by noon"


@pytest.mark.parametrize("body", [" \n ", "\u200b", "\ufeff\n\u3164"])
def test_a_note_with_nothing_visible_is_refused_as_its_pattern_says(app_client, runner, body):
    doc = app_client.get("/openapi.json").json()
    pattern = doc["components"]["schemas"]["NoteIn"]["properties"]["body"]["pattern"]
    assert not re.fullmatch(pattern, body)
    r = runner.post("/api/v1/notes/5", json={"body": body})
    assert r.status_code == 422 and "body" in r.text
