"""The automatic reading of the councils' sheets, before any correction by the officer."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from asbdesk.xlsx_grid import read_grid
from asbdesk.xlsx_open import open_workbook
from asbdesk.xlsx_reading import ReadingError, field_of, propose_reading

DATA = Path(__file__).parent / "data"


def _reading(name: str):
    return propose_reading(read_grid(open_workbook(DATA / name)["Action Plan"]))


def test_broxtowe_targets_then_actions() -> None:
    reading = _reading("broxtowe-2019-20.xlsx")
    assert reading.header_row == 4
    assert reading.columns == {
        1: "level",
        2: "title",
        3: "outcome",
        4: "lead",
        5: "milestones",
        6: "target_date",
        7: "update",
    }
    assert reading.level_columns == [1]
    assert reading.banner_rows == []  # the targets are merged down, not banners
    assert reading.level_names == ["Target", "Action"]


def test_welwyn_commitment_banners_objectives_and_actions() -> None:
    reading = _reading("welwyn-hatfield-2019.xlsx")
    assert reading.header_row == 10
    assert reading.columns == {
        1: "level",
        2: "title",
        3: "outcome",
        4: "update",
        5: "lead",
        6: "status",
    }
    # Commitment One sits just above the first header; the others follow their repeats.
    assert reading.banner_rows == [9, 15, 19, 23, 27, 32]
    assert reading.level_names == ["Commitment", "Objective", "Action"]


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Target Date", "target_date"),
        ("Target", "level"),
        ("How it will be achieved", "title"),
        ("Lead Dept / Officer", "lead"),
        ("Accountable Officer", "lead"),
        ("Progress Update – March 2017", "update"),
        ("RAG", "status"),
        ("Recommendation", "level"),
        ("Council comment", "extra"),
        ("", "extra"),
    ],
)
def test_field_of_a_heading(heading: str, field: str) -> None:
    assert field_of(heading) == field


def test_a_sheet_without_a_header_is_refused_with_what_to_do() -> None:
    sheet = Workbook().active
    sheet["A1"] = "Minutes of the CSP board"
    with pytest.raises(ReadingError, match="No header row was found"):
        propose_reading(read_grid(sheet))
