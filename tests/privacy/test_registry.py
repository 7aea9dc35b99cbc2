"""Every model that points at a person is exported (or excluded with a reason)."""

from accounts.personal_data import covered_models, export_sources
from privacy.coverage import NOT_EXPORTED, uncovered_person_models


def test_every_model_that_points_at_a_person_is_exported_or_excluded():
    assert uncovered_person_models(covered_models()) == []


def test_the_check_finds_a_model_left_out():
    covered = covered_models() - {"matches.HoursEntry", "caregivers.BurdenCheckIn"}
    assert uncovered_person_models(covered) == ["caregivers.BurdenCheckIn", "matches.HoursEntry"]


def test_the_sources_have_stable_keys_in_order():
    assert [s.key for s in export_sources()] == [
        "account",
        "caregivers",
        "volunteers",
        "matches",
        "vacancy_responses",
        "activity_signups",
        "messages",
        "staff_memberships",
        "notifications",
        "privacy",
    ]


def test_an_exclusion_says_why():
    assert all(reason.strip() for reason in NOT_EXPORTED.values())
