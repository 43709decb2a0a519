"""Schemathesis sends generated requests to every operation in the app's own OpenAPI: no server error."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.formats import unregister_string_format

from hipcoach.settings import Settings
from hipcoach.store import accounts, training
from hipcoach.web.app import create_app
from tests.factories import profile_dict


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
def dates_near_today():
    """Three dates in four that the fuzzer makes are recent ones, which the API accepts (a start date at
    most two years ahead, sets and check-ins not in the future); the fourth spans years 1 to 9999."""
    today = dt.date.today()
    near = st.dates(today - dt.timedelta(days=400), today).map(dt.date.isoformat)
    anywhen = st.dates().map(dt.date.isoformat)
    schemathesis.openapi.format("date", st.integers(0, 3).flatmap(lambda i: anywhen if i == 0 else near))
    yield
    unregister_string_format("date")  # back to schemathesis' own


def test_no_server_errors(app, dates_near_today):
    api = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {app.state.fuzz_token}"}
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 30
    # Revoking tokens would revoke the fuzzer's own credential and leave only 401s to test.
    operations = [op for op in operations if op.label != "DELETE /api/v1/tokens/{token_id}"]
    seen: Counter[int] = Counter()
    refused_credential = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def no_server_error(case):
            response = case.call(headers=headers)
            seen[response.status_code] += 1
            label = f"{case.method} {case.path}"
            if response.status_code == 401 and label != "POST /api/v1/session":  # wrong password there
                refused_credential.append(label)
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:500]}"

        no_server_error()
    assert not refused_credential, "the fuzzer's token was refused, so those operations were not really tried"
    # sign-up refuses most random passwords as easy to guess (422), so fewer fuzzed calls succeed
    assert seen[200] + seen[201] + seen[202] + seen[204] > 80 and seen[422] > 100
