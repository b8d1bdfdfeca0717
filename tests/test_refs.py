"""A new item gets the next ref in its siblings' style, as an officer numbering by hand would."""

import pytest

from asbdesk.refs import next_ref


@pytest.mark.parametrize(
    ("parent", "siblings", "depth", "levels", "expected"),
    [
        ("1", ["1.1", "1.2", "1.3"], 1, 3, "1.4"),
        ("1.3", ["a)", "b)"], 2, 3, "c)"),
        ("1.1", ["a)", "b)", "c)", "d)", "e)"], 2, 3, "f)"),
        ("1.1", [f"{chr(97 + i)})" for i in range(26)], 2, 3, "aa)"),
        ("", ["R1", "R4", "R2"], 0, 2, "R5"),
        ("", ["1", "2", "3", "4", "5"], 0, 2, "6"),
        ("2", ["2.1", "2.10", "2.9"], 1, 2, "2.11"),
        ("1.3", [], 2, 3, "a)"),  # the lowest level of a three-level plan is lettered
        ("4", [], 1, 2, "4.1"),
        ("", [], 0, 2, "1"),
        ("1", ["Intro", "Other"], 1, 2, ""),  # no pattern to continue: left for the officer
    ],
)
def test_next_ref(parent, siblings, depth, levels, expected) -> None:
    assert next_ref(parent, siblings, depth, levels) == expected
