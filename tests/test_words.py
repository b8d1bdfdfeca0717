"""Level names in counts read as English: no "39 activitys" or "1 actions"."""

import pytest

from asbdesk.words import count, plural


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Action", "Actions"),
        ("Target", "Targets"),
        ("Activity", "Activities"),
        ("Priority", "Priorities"),
        ("Key priority", "Key priorities"),
        ("Survey", "Surveys"),
        ("Outcome", "Outcomes"),
        ("Recommendation", "Recommendations"),
        ("Status", "Statuses"),
        ("Task", "Tasks"),
        ("Branch", "Branches"),
    ],
)
def test_plural(word: str, expected: str) -> None:
    assert plural(word) == expected


def test_count_uses_the_singular_for_one() -> None:
    assert count(1, "action") == "1 action"
    assert count(39, "activity") == "39 activities"
    assert count(0, "objective") == "0 objectives"
