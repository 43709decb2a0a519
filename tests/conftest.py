"""Shared fixtures: where ../shared lives, the real data and its pose tracks, a typical runner's profile."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hipcoach.catalog import load_catalog
from hipcoach.plans.profile import parse_profile
from hipcoach.plans.rules import load_rules
from tests.factories import profile_dict

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = SHARED / "data"
CLIPS = DATA / "clips"
# Clips of real people (the cg_* mannequins are excluded from accuracy checks).
REAL_CLIPS = (
    sorted(p.name for p in CLIPS.glob("*.mp4") if not p.name.startswith("cg_")) if CLIPS.is_dir() else []
)


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


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not CLIPS.is_dir():
        pytest.skip(f"real data absent: {DATA} (../shared/data beside the repository, present in CI)")
    return DATA


_real_pose_tracks: dict[str, object] = {}


@pytest.fixture(scope="session")
def real_pose_track(data_dir: Path) -> Callable[[str], object]:
    """real_pose_track("clip.mp4") → its PoseTrack from the real pose model, made once per test session.

    The thread count is fixed: left to choose, the model times both counts on the first frames and may
    switch (or fall back to one thread under load), which restarts its tracker, so two runs of one clip
    differed by up to a fifth of the frame and the tests on real clips passed on one machine and failed
    on another. One thread: two fixed ones collapse when anything else runs (hyva_ja_paha2 took 553 s
    against 25 s with one, beside a niced neighbour), and the suite runs beside a browser."""
    from hipcoach.motion.pose import estimate_video

    def get(name: str):
        if name not in _real_pose_tracks:
            _real_pose_tracks[name] = estimate_video(data_dir / "clips" / name, threads=1)
        return _real_pose_tracks[name]

    return get
