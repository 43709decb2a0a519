"""A real app on a temporary data folder, and signed-in clients for two runners and two coaches."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from hipcoach.web.app import create_app
from hipcoach.web.settings import Settings
from tests.factories import profile_dict


@dataclass
class Account:
    client: TestClient
    id: int
    token: str

    def __getattr__(self, verb):  # get/post/put/delete with this account's bearer token
        method = getattr(self.client, verb)

        def call(url, **kw):
            headers = {"Authorization": f"Bearer {self.token}", **kw.pop("headers", {})}
            return method(url, headers=headers, **kw)

        return call


def sign_up(client: TestClient, email: str, role: str) -> Account:
    r = client.post(
        "/api/v1/accounts",
        json={"email": email, "password": "long enough pw", "display_name": email, "role": role},
    )
    assert r.status_code == 201, r.text
    token = client.post(
        "/api/v1/tokens", json={"name": "tests"}, headers={"X-CSRF-Token": r.json()["csrf_token"]}
    ).json()["token"]
    client.cookies.clear()
    return Account(client, r.json()["user"]["id"], token)


def make_settings(tmp_path, **kw) -> Settings:
    return Settings(data_dir=tmp_path / "data", immediate_jobs=True, **kw)


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(make_settings(tmp_path))) as c:
        yield c


@pytest.fixture
def people(client):
    """runner_a (with profile and programme) linked to coach_a; runner_b and coach_b are strangers."""
    p = {
        "runner_a": sign_up(client, "a@example.org", "runner"),
        "runner_b": sign_up(client, "b@example.org", "runner"),
        "coach_a": sign_up(client, "ca@example.org", "coach"),
        "coach_b": sign_up(client, "cb@example.org", "coach"),
    }
    code = p["coach_a"].post("/api/v1/invitations", json={}).json()["code"]
    assert p["runner_a"].post("/api/v1/invitations/accept", json={"code": code}).status_code == 200
    assert p["runner_a"].put("/api/v1/profile", json=profile_dict(start_date="2026-11-30")).status_code == 200
    assert p["runner_a"].post("/api/v1/programmes", json={}).status_code == 201
    return p
