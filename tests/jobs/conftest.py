"""Servers for the job tests: PostgreSQL and Redis for the 'several machines' set-up."""

from __future__ import annotations

import pytest

from tests.servers import postgres_server, redis_server


@pytest.fixture(scope="session")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def redis_url():
    with redis_server() as url:
        yield url
