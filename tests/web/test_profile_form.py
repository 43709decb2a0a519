"""The onboarding form's reading: an unchosen red-flag answer is never taken as "no"."""

from __future__ import annotations

from hipcoach.plans.red_flags import RED_FLAG_IDS
from hipcoach.web.pages.profile_form import UNANSWERED, flag_answers, profile_to_form, read_form
from tests.factories import profile_dict
from tests.web.conftest import onboarding_form


def test_only_yes_and_no_count_as_answers():
    form = {
        "flag_calf_swelling": "yes",
        "flag_systemic": "no",
        "flag_sudden_onset": "",
        "flag_no_improvement": "on",
    }
    assert flag_answers(form) == {"calf_swelling": True, "systemic": False}


def test_an_unanswered_question_gives_no_profile_and_other_errors_still_show():
    form = onboarding_form("x", flag_systemic=None, weeks="40")
    result = read_form(form)
    assert result.profile is None and [f.id for f in result.unanswered] == ["systemic"]
    assert result.errors["flag_systemic"] == UNANSWERED and "weeks" in result.errors
    assert "profile" not in result.errors  # the summary names the questions, not the model's message


def test_every_question_answered_gives_the_profile():
    result = read_form(onboarding_form("x", flag_bone_tenderness="yes"))
    assert result.errors == {} and result.unanswered == []
    assert result.profile.red_flags == dict.fromkeys(RED_FLAG_IDS, False) | {"bone_tenderness": True}


def test_a_saved_profile_reads_back_as_the_same_form():
    saved = read_form(onboarding_form("x", flag_calf_swelling="yes")).profile.model_dump(mode="json")
    again = read_form(profile_to_form(saved))
    assert again.profile is not None and again.profile.model_dump(mode="json") == saved
    answers = dict.fromkeys(RED_FLAG_IDS, False)
    assert profile_to_form(profile_dict(), answers | {"systemic": True})["flag_systemic"] == "yes"
