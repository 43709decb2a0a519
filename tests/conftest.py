"""Shared fixtures: where ../shared lives, and a typical runner's profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from hipcoach.catalog import load_catalog
from hipcoach.plans.profile import parse_profile
from hipcoach.plans.rules import load_rules
from tests.factories import profile_dict

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: the shared data and evidence sit beside the repository in CI")
    return SHARED


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def rules():
    return load_rules()


@pytest.fixture(scope="session")
def profile():
    return parse_profile(profile_dict())
