"""The programme takes a hip-stability screen's weaker side: it gets the extra set when no one side hurts."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from hipcoach.analysis.screen_running import screen_running
from hipcoach.cli import app
from hipcoach.errors import UserError
from hipcoach.motion.synthetic import generate_running
from hipcoach.plans.profile import load_screen_side, parse_profile, save_profile
from hipcoach.plans.programme import build_plan
from tests.factories import profile_dict

PAIN_FREE = {"sites": [], "side": "none", "severity": 0}


def _first_week_sets(plan) -> dict[tuple[str, str], int]:
    return {(it.exercise_id, it.dose.side): it.dose.sets for it in plan.weeks[0].sessions[0].items}


def test_weaker_side_gets_the_extra_set_and_goes_first_without_one_sided_pain(catalog, rules):
    profile = parse_profile(profile_dict(pain=PAIN_FREE))
    plain = build_plan(profile, catalog, rules)
    screened = build_plan(profile, catalog, rules, weaker_side="right")
    before, after = _first_week_sets(plain), _first_week_sets(screened)
    one_sided = [ex for ex, side in after if side == "right"]
    assert one_sided
    for ex in one_sided:
        assert after[(ex, "right")] == before[(ex, "right")] + rules.extra_sets_affected_side
        assert after[(ex, "left")] == before[(ex, "left")]
    items = screened.weeks[0].sessions[0].items
    first = next(it for it in items if it.dose.side != "both")
    assert first.dose.side == "right" and "hip-stability screen" in first.why
    assert screened.weaker_side == "right" and plain.weaker_side is None


def test_a_painful_side_keeps_the_extra_set(catalog, rules):
    profile = parse_profile(profile_dict())  # right knee pain
    screened = _first_week_sets(build_plan(profile, catalog, rules, weaker_side="left"))
    assert screened == _first_week_sets(build_plan(profile, catalog, rules))


def test_plans_without_a_screen_keep_their_id(catalog, rules):
    profile = parse_profile(profile_dict(pain=PAIN_FREE))
    assert (
        build_plan(profile, catalog, rules).plan_id
        == build_plan(profile, catalog, rules, weaker_side=None).plan_id
    )
    assert (
        build_plan(profile, catalog, rules, weaker_side="left").plan_id
        != build_plan(profile, catalog, rules).plan_id
    )


@pytest.fixture(scope="module")
def screen_report(tmp_path_factory):
    track, _ = generate_running(duration=10.0, drop_deg={"left": 8.0, "right": 3.0})
    path = tmp_path_factory.mktemp("screen") / "report.json"
    path.write_text(json.dumps(screen_running(track).report))
    return path


def test_a_screen_report_gives_its_side(screen_report, tmp_path):
    assert load_screen_side(screen_report) == "left"
    not_screen = tmp_path / "plan.json"
    not_screen.write_text(json.dumps({"schema_version": "hipcoach.plan/1"}))
    with pytest.raises(UserError, match="not a hipcoach screen report"):
        load_screen_side(not_screen)
    with pytest.raises(UserError, match="No screen report"):
        load_screen_side(tmp_path / "absent.json")


def test_cli_plan_takes_the_screen(screen_report, tmp_path):
    profile = tmp_path / "me.toml"
    save_profile(parse_profile(profile_dict(pain=PAIN_FREE)), profile)
    result = CliRunner().invoke(
        app, ["plan", "--profile", str(profile), "--screen", str(screen_report), "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan["weaker_side"] == "left"
    first = next(it for it in plan["weeks"][0]["sessions"][0]["items"] if it["dose"]["side"] != "both")
    assert first["dose"]["side"] == "left"
