"""Schemathesis sends generated requests to every operation in the app's own OpenAPI and runs all of its
checks on each answer (as `st run --checks all`): no server error, and the document is true. Every
status code answered is documented with the body sent, requests the schema allows are accepted,
requests it forbids are refused, and a 405 names in Allow exactly the methods documented.

Both of Schemathesis' generation modes run: positive (requests the schema allows) and negative (ones
it forbids), a bounded number of examples each, derandomized, so CI runs the same cases every time.

A few rules JSON Schema cannot state are in the fields' descriptions, and the generators here follow
them as a client reading the document would: dates are recent (a set or check-in may not be in the
future; a start date at most two years ahead), a runner's long-run and hard days are among their run
days, a pain's side and severity come with a pain site, a set names no analysis (it may name only a
finished one of the runner's own, and the fuzzer has none), and a new password is not an easy one to
guess. Which target suits a video's kind, and which fields a programme change's kind needs, the
document states (oneOf), so the generators need no help there.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance
from schemathesis.specs.openapi.formats import unregister_string_format

from hipcoach.settings import Settings
from hipcoach.store import accounts, training
from hipcoach.web.app import create_app
from tests.factories import profile_dict

# A backup is a file GET /backup wrote: the document states its outline, and that its parts are the API's
# own profile, programme and set formats, each with rules of its own; a generated one that keeps to
# the outline is mostly refused (422) for what is inside. test_web_backup_import.py covers real files.
NOT_CHECKED = {("POST /api/v1/backup", GenerationMode.POSITIVE): [positive_data_acceptance]}
PASSWORD_CHECKED = {"POST /api/v1/session", "DELETE /api/v1/me"}  # a 401 there is a wrong password
EXAMPLES = int(os.environ.get("HIPCOACH_FUZZ_EXAMPLES", "12"))  # per operation and mode


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    data = tmp_path_factory.mktemp("fuzz") / "data"
    application = create_app(Settings(data_dir=data, upload_limit_bytes=64 * 1024))  # jobs queue, none run
    with application.state.database.transaction() as db:
        runner = accounts.create_user(db, "fuzz@example.org", "long enough pw", "Fuzz", "runner")
        training.save_profile(db, runner, profile_dict(start_date="2026-11-30"))
        training.create_programme(db, runner)
        _, application.state.fuzz_token = accounts.create_api_token(db, runner, "fuzz")
    return application


@pytest.fixture
def recent_dates():
    """Dates the fuzzer writes are within the last 400 days: no set or check-in in the future, no start
    date past two years ahead (rules stated in the fields' descriptions, not expressible in a schema)."""
    today = dt.date.today()
    recent = st.dates(today - dt.timedelta(days=400), today)
    schemathesis.openapi.format("date", recent.map(dt.date.isoformat))
    yield
    unregister_string_format("date")  # back to schemathesis' own


def _as_a_client_writes(case):
    """Positive cases follow the rules only descriptions state (see the module's docstring)."""
    body = case.body if isinstance(case.body, dict) else None
    if body is None:
        return case
    running = body.get("running")
    if isinstance(running, dict) and isinstance(running.get("days"), list):
        days = running["days"]
        if isinstance(running.get("hard_days"), list):
            running["hard_days"] = [d for d in running["hard_days"] if d in days]
        if running.get("long_run_day") not in days:
            running["long_run_day"] = None
    if case.operation.label == "POST /api/v1/set-logs":
        body.pop("analysis_id", None)  # only a finished analysis of one's own (test_pages_camera_logs)
    pain = body.get("pain")
    if isinstance(pain, dict) and not pain.get("sites"):  # a side and a severity belong to a pain site
        pain.pop("side", None)
        pain.pop("severity", None)
    if case.operation.label == "POST /api/v1/accounts" and "password" in body:
        body["password"] = f"{random.Random(str(body)).getrandbits(64):x} kestrel meadow"
    return case


def _all_checks():
    load_all_checks()
    return list(CHECKS.get_all())


def _fuzz(operation, mode, headers, checks, seen, failures, refused_credential) -> None:
    """One operation in one mode: every answer through every check, mismatches collected by title."""
    strategy = operation.as_strategy(generation_mode=mode)
    if mode is GenerationMode.POSITIVE:
        strategy = strategy.map(_as_a_client_writes)
    excluded = NOT_CHECKED.get((operation.label, mode), [])

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def conforms(case):
        try:
            response = case.call_and_validate(headers=headers, checks=checks, excluded_checks=excluded)
        except FailureGroup as group:
            for failure in group.exceptions:
                key = (f"{operation.label} ({mode.value})", failure.title)
                failures.setdefault(key, f"{failure.message[:300]}\n{str(group)[-1500:]}")
            return
        seen[response.status_code] += 1
        if response.status_code == 401 and operation.label not in PASSWORD_CHECKED:
            refused_credential.append(operation.label)

    conforms()


def test_the_openapi_document_is_true(app, recent_dates):
    api = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {app.state.fuzz_token}"}
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 30
    # Revoking tokens would revoke the fuzzer's own credential and leave only 401s to test.
    operations = [op for op in operations if op.label != "DELETE /api/v1/tokens/{token_id}"]
    checks = _all_checks()
    assert len(checks) >= 10
    seen: Counter[int] = Counter()
    failures: dict[tuple[str, str], str] = {}
    refused_credential, negative_impossible = [], []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, headers, checks, seen, failures, refused_credential)
            except Unsatisfiable:  # nothing the schema forbids can be sent (no parameters, no body)
                assert mode is GenerationMode.NEGATIVE, operation.label
                negative_impossible.append(operation.label)
    report = "\n".join(f"{op}: {title}: {message}" for (op, title), message in sorted(failures.items()))
    assert not failures, f"{len(failures)} contract mismatches:\n{report}"
    assert not refused_credential, "the fuzzer's token was refused, so those operations were not really tried"
    assert len(negative_impossible) < len(operations) / 2, negative_impossible
    assert seen[200] + seen[201] + seen[202] + seen[204] > 60 and seen[422] > 100, seen


def test_cases_the_fuzzer_found_stay_fixed(app):
    """Each of these once answered something the document did not say."""
    from fastapi.testclient import TestClient

    bearer = {"Authorization": f"Bearer {app.state.fuzz_token}"}
    client = TestClient(app)
    # a path written out in full is its own resource, though /invitations/{invitation_id} matches it
    r = client.options("/api/v1/invitations/accept", headers=bearer)
    assert r.status_code == 405 and r.headers["Allow"] == "POST"
    r = client.delete("/api/v1/invitations/accept", headers=bearer)  # no invitation id: not that route
    assert r.status_code == 405 and r.headers["Allow"] == "POST"
    r = client.patch("/api/v1/invitations/7", headers=bearer)
    assert r.status_code == 405 and r.headers["Allow"] == "DELETE"
    # a number is not a date (pydantic would read 0 as 1970-01-01)
    r = client.post("/api/v1/programmes", json={"start_date": 0}, headers=bearer)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "start_date"]
    # an empty target is refused as the document says (minLength 1), not "missing"
    files = {"file": ("a.mp4", b"x", "video/mp4")}
    r = client.post("/api/v1/analyses", files=files, data={"kind": "exercise", "target": ""}, headers=bearer)
    assert r.status_code == 422
    # /notes/unread is its own resource too (GET), not a thread of person "unread"
    r = client.post("/api/v1/notes/unread", headers=bearer)
    assert r.status_code == 405 and r.headers["Allow"] == "GET"
    doc = client.get("/openapi.json").json()
    # a note of spaces only is refused, and the document says so (no pattern match) rather than "1 char"
    note = doc["components"]["schemas"]["NoteIn"]["properties"]["body"]
    assert re.fullmatch(note["pattern"], "A few words.\nThanks") and not re.fullmatch(note["pattern"], " \n ")
    assert client.post("/api/v1/notes/5", json={"body": " \n "}, headers=bearer).status_code == 422
    delete_me = doc["paths"]["/api/v1/me"]["delete"]["responses"]
    assert {"400", "503"} <= set(delete_me) and "Retry-After" in delete_me["503"]["headers"]
    assert "404" in doc["paths"]["/api/v1/analyses/{analysis_id}"]["delete"]["responses"]
