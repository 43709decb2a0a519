"""Profiles are validated with errors that name the field and the allowed values; red flags refer."""

from __future__ import annotations

import pytest

from hipcoach.errors import UserError
from hipcoach.plans.profile import load_profile, parse_profile, save_profile
from hipcoach.plans.red_flags import RED_FLAG_IDS
from tests.factories import profile_dict


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"shoe_size": 42}, "shoe_size: unknown field"),
        ({"pain": {"sites": ["knee"], "side": "right", "severity": 11}}, "pain.severity"),
        ({"pain": {"sites": ["elbow"]}}, "'knee', 'foot', 'ankle', 'shin', 'hip' or 'back'"),
        ({"weeks": "six"}, "weeks"),
        ({"weeks": 30}, "weeks"),
        ({"sessions_per_week": 5}, "sessions_per_week"),
        ({"running": {"days": ["tue"], "km_per_week": -3}}, "running.km_per_week"),
        (
            {"running": {"days": ["tue"], "long_run_day": "sun", "km_per_week": 20}},
            "must be among running.days",
        ),
        ({"red_flags": {}}, "missing: ['hip_groin_pain_on_loading'"),
    ],
)
def test_invalid_profiles_name_the_field(change, expected):
    with pytest.raises(UserError) as info:
        parse_profile(profile_dict(**change))
    assert expected in str(info.value)


def test_missing_file_and_bad_toml_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="not found"):
        load_profile(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n")
    with pytest.raises(UserError, match="not valid TOML"):
        load_profile(bad)


def test_profile_round_trips_through_toml(tmp_path, profile):
    assert load_profile(save_profile(profile, tmp_path / "me.toml")) == profile


def test_no_red_flag_no_referral(profile):
    assert profile.referral() is None


@pytest.mark.parametrize("flag", RED_FLAG_IDS)
def test_every_red_flag_refers(flag):
    flags = {f: f == flag for f in RED_FLAG_IDS}
    referral = parse_profile(profile_dict(red_flags=flags)).referral()
    assert referral is not None
    assert "no programme" in referral.message() or "not make a programme" in referral.message()


def test_urgent_flags_say_today():
    flags = {f: f == "calf_swelling" for f in RED_FLAG_IDS}
    assert "today" in parse_profile(profile_dict(red_flags=flags)).referral().message()


def test_pain_above_five_refers():
    profile = parse_profile(profile_dict(pain={"sites": ["knee"], "side": "left", "severity": 7}))
    assert "7/10" in profile.referral().message()
