"""Reading a council's sheet as a grid: the header found after title rows and a colour key,
its repeats, merged banners and parents, and cell fills (the RAG colours)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from asbdesk.xlsx_grid import clean_text, find_header, read_grid
from asbdesk.xlsx_open import open_workbook

DATA = Path(__file__).parent / "data"


def _grid(name: str, sheet: str = "Action Plan"):
    return read_grid(open_workbook(DATA / name)[sheet])


def test_broxtowe_header_and_a_target_merged_down_over_its_actions() -> None:
    grid = _grid("broxtowe-2019-20.xlsx")
    header = find_header(grid)
    assert header is not None and header.row == 4  # after the title and the period
    assert grid.texts(4)[:2] == ["Target", "How it will be achieved"]
    assert header.repeats == ()
    # "Raise awareness and improve reporting" is merged down A5:A14 over its ten actions.
    for row in (5, 9, 14):
        cell = grid.cell(row, 1)
        assert cell.text == "Raise awareness and improve reporting"
        assert cell.merge == (5, 1, 14, 1)
    assert grid.cell(5, 1).is_merge_origin and not grid.cell(6, 1).is_merge_origin
    assert grid.cell(5, 6).text == "31/03/2020"  # a real Excel date
    assert grid.cell(6, 6).text == "31.03.2020"  # a date typed as text


def test_welwyn_header_after_the_colour_key_repeated_before_each_commitment() -> None:
    grid = _grid("welwyn-hatfield-2019.xlsx")
    header = find_header(grid)
    assert header is not None and header.row == 10
    assert grid.texts(10) == [
        "Objective",
        "Action",
        "Outcome",
        "Progress",
        "Accountable Officer",
        "Status",
    ]
    assert header.repeats == (16, 20, 24, 28, 33)
    banner = grid.cell(9, 3)  # "Commitment One …" merged across A9:F9
    assert banner.text.startswith("Commitment One")
    assert banner.merge == (9, 1, 9, 6)
    assert grid.cell(4, 1).fill == "FF0000"  # the colour key's Red swatch
    assert grid.cell(11, 6).fill == "00B050"  # objective 1.1 is Green
    assert grid.cell(11, 2).text.splitlines()[1].startswith("b) Draft an ASB procedure")


def test_text_is_cleaned_but_keeps_its_lines() -> None:
    assert clean_text("  Community     celebration \u00a0event  ") == "Community celebration event"
    assert clean_text("a) one\n\n  b)  two ") == "a) one\nb) two"
    assert clean_text(12.0) == "12"
    assert clean_text(None) == ""


def test_no_header_is_found_in_a_sheet_of_notes(tmp_path) -> None:
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "Notes from the JAG meeting"
    sheet["A2"] = "Nothing to report this month"
    assert find_header(read_grid(sheet)) is None


def test_hidden_rows_and_columns_are_known(tmp_path) -> None:
    book = Workbook()
    sheet = book.active
    for r in range(1, 4):
        sheet.append([f"r{r}c{c}" for c in range(1, 4)])
    sheet.row_dimensions[2].hidden = True
    sheet.column_dimensions["C"].hidden = True
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    grid = read_grid(open_workbook(path).active)
    assert grid.hidden_rows == {2}
    assert grid.hidden_columns == {3}
