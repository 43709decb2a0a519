"""Load shedding and the worker's priority: past the limits a request is told at once to come back
(503 with Retry-After), never left to wait; health and static files are always answered; the embedded
worker is a process of its own at a lower priority than the web process.

A "slow request in flight" is one whose body is still arriving: the app has let it in and waits for the
rest, as it would for a client on a slow line. Nothing here measures time.
"""

from __future__ import annotations

import asyncio
import contextlib
import os

import httpx
import pytest
from fastapi.testclient import TestClient

from hipcoach.settings import Settings
from hipcoach.web.app import create_app
from hipcoach.web.load_shed import LoadShed, ShedLimits
from hipcoach.web.problems import Problem
from tests.web.conftest import make_settings


class StalledBody:
    """A JSON body sent in two parts: `inside` is set once the app asks for the second, which then
    waits for `release`."""

    def __init__(self) -> None:
        self.inside, self.release = asyncio.Event(), asyncio.Event()

    async def __aiter__(self):
        yield b'{"email": "slow@example.org", '
        self.inside.set()
        await self.release.wait()
        yield b'"password": "not the password"}'


@contextlib.asynccontextmanager
async def _turn_taken(app, path: str):
    """A client of `app` with a slow POST to `path` in flight, holding a turn until its body is
    released: yields (client, body, the slow request's task)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        body = StalledBody()
        headers = {"Content-Type": "application/json"}
        slow = asyncio.create_task(client.post(path, content=body, headers=headers))
        await body.inside.wait()
        yield client, body, slow


def test_past_the_limit_the_api_a_page_and_htmx_get_503_with_retry_after_health_and_static_do_not(tmp_path):
    app = create_app(make_settings(tmp_path, max_active_requests=1, max_waiting_requests=0))

    async def run():
        async with _turn_taken(app, "/api/v1/session") as (client, body, slow):  # the one turn there is
            answers = {
                "api": await client.get("/api/v1/me"),
                "page": await client.get("/login"),
                "fragment": await client.post("/login", headers={"HX-Request": "true"}),
                "health": await client.get("/health"),
                "static": await client.get("/static/app.css"),
            }
            body.release.set()
            answers["slow"] = await slow
            answers["after"] = await client.get("/login")  # the turn is free again
            return answers

    answers = asyncio.run(run())
    for kind in ("api", "page", "fragment"):
        r = answers[kind]
        assert r.status_code == 503, (kind, r.text)
        assert int(r.headers["Retry-After"]) >= 1
        assert r.headers["Content-Security-Policy"]  # the security headers wrap the shedding too
    problem = Problem.model_validate(answers["api"].json())
    assert "busy" in problem.detail and "again" in problem.hint
    assert answers["page"].headers["content-type"].startswith("text/html")
    assert "try again" in answers["page"].text and "<script" not in answers["page"].text
    assert answers["fragment"].headers["HX-Retarget"] == "#page-error"
    assert answers["health"].status_code == 200 and answers["health"].json() == {"status": "ok"}
    assert answers["static"].status_code == 200
    assert answers["slow"].status_code == 401  # let in, answered in full: wrong password
    assert answers["after"].status_code == 200


async def _hello(scope, receive, send):
    """An endpoint that answers once its body has arrived."""
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"hello"})


def test_one_waits_for_a_turn_the_next_is_refused_and_turns_are_handed_over_in_order():
    shed = LoadShed(_hello, ShedLimits(max_active=1, max_waiting=1, max_wait_s=3600))

    async def run():
        async with _turn_taken(shed, "/api/x") as (client, body, first):
            second = asyncio.create_task(client.get("/api/x"))
            while shed.waiting == 0:  # the second is in line
                await asyncio.sleep(0)
            third = await client.get("/api/x")
            body.release.set()
            return third, await first, await second

    third, first, second = asyncio.run(run())
    assert third.status_code == 503 and third.headers["Retry-After"] == "2"
    assert first.status_code == second.status_code == 200
    assert shed.active == 0 and shed.waiting == 0 and shed.shed == 1


def test_a_wait_past_the_longest_allowed_is_refused_and_leaves_the_line():
    shed = LoadShed(_hello, ShedLimits(max_active=1, max_waiting=5, max_wait_s=0))

    async def run():
        async with _turn_taken(shed, "/api/x") as (client, body, first):
            refused = await client.get("/api/x")
            body.release.set()
            return refused, await first, await client.get("/api/x")

    refused, first, later = asyncio.run(run())
    assert refused.status_code == 503 and first.status_code == later.status_code == 200
    assert shed.active == 0 and shed.waiting == 0


def test_the_default_limits_follow_the_cores():
    assert ShedLimits.for_cores(2) == ShedLimits(max_active=8, max_waiting=16)
    assert ShedLimits.for_cores(8).max_active == 32
    with pytest.raises(ValueError):
        ShedLimits(max_active=0, max_waiting=0)


def test_the_embedded_worker_is_a_process_of_its_own_at_a_lower_priority(tmp_path):
    app = create_app(Settings(data_dir=tmp_path / "data", embedded_worker=True, worker_nice=7))
    with TestClient(app):
        worker = app.state.worker
        assert worker.wait_ready(120), "the worker process did not start"
        assert worker.pid != os.getpid()
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(19, ours + 7)
    assert not worker.process.is_alive()  # stopped with the app
