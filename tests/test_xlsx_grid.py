"""Reading a council's sheet as a grid: the header found after title rows and a colour key,
its repeats, merged banners and parents, and cell fills (the RAG colours); a long sheet
read, and written, with progress and a Cancel that leaves nothing behind."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill

from asbdesk.desk import Desk
from asbdesk.json_io import import_plan
from asbdesk.xlsx_grid import Cell, Grid, clean_text, find_header, read_grid
from asbdesk.xlsx_open import WorkbookError, open_workbook

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


def test_hidden_columns_grouped_together_are_each_known(tmp_path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append([f"c{c}" for c in range(1, 7)])
    sheet.column_dimensions.group("B", "D", hidden=True)
    path = tmp_path / "grouped.xlsx"
    book.save(path)
    assert read_grid(open_workbook(path).active).hidden_columns == {2, 3, 4}
    assert read_grid(sheet).hidden_columns == {2, 3, 4}


@pytest.mark.parametrize(
    ("name", "sheet"),
    [
        ("welwyn-hatfield-2019.xlsx", "Action Plan"),
        ("broxtowe-2019-20.xlsx", "Action Plan"),
        ("broxtowe-2019-20.xlsx", "Performance"),
    ],
)
def test_a_sheet_read_from_the_file_is_the_sheet_openpyxl_loads_whole(
    name: str, sheet: str
) -> None:
    """The importer reads a sheet's XML in one pass; what it reads (texts, dates, fills,
    merges) is what openpyxl's full load of the workbook holds."""
    whole = read_grid(load_workbook(DATA / name, data_only=True)[sheet])
    streamed = read_grid(open_workbook(DATA / name)[sheet])
    assert (streamed.height, streamed.hidden_rows, streamed.hidden_columns) == (
        whole.height,
        whole.hidden_rows,
        whole.hidden_columns,
    )
    width = max(whole.width, streamed.width)  # rows may stop at their last cell

    def cells(grid: Grid) -> list[list[Cell]]:
        return [[grid.cell(r, c) for c in range(1, width + 1)] for r in range(1, grid.height + 1)]

    assert cells(streamed) == cells(whole)


def _as_excel_saves_it(path: Path, rich: str) -> None:
    """Texts moved into a shared table (xl/sharedStrings.xml), as Excel saves them
    (openpyxl writes each into its cell), and the first one replaced by `rich`: a text in
    several styles, as Excel writes it."""
    with zipfile.ZipFile(path) as src:
        parts = {item.filename: src.read(item) for item in src.infolist()}
    texts: list[str] = []

    def share(m: re.Match[str]) -> str:
        texts.append(f'<si><t xml:space="preserve">{m[3]}</t></si>')
        return f'<c r="{m[1]}"{m[2] or ""} t="s"><v>{len(texts) - 1}</v></c>'

    inline = r'<c r="([A-Z]+\d+)"( s="\d+")? t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>'
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(inline, share, parts[sheet].decode(), flags=re.S).encode()
    texts[0] = rich
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{main}">{"".join(texts)}</sst>'.encode()
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/>'
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace("</Types>", override + "</Types>").encode()
    with zipfile.ZipFile(path, "w") as dst:
        for name, data in parts.items():
            dst.writestr(name, data)


def test_a_workbook_saved_by_excel_with_shared_texts_reads_the_same(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Red key", "Action", "Target date", "Count"])
    sheet.append(["1.1 Patrols", "a) Patrol\n b)  Lights ", datetime(2020, 3, 31), 20.0])
    sheet.append(["1.2 Patrols", "a) Patrol\n b)  Lights ", "31.03.2020", 7])
    sheet.cell(1, 1).fill = PatternFill("solid", fgColor="FF0000")
    path = tmp_path / "excel.xlsx"
    book.save(path)
    _as_excel_saves_it(
        path,
        '<si><r><rPr><b/></rPr><t>Red</t></r><r><t xml:space="preserve"> – well below</t>'
        '</r><rPh sb="0" eb="1"><t>guide</t></rPh></si>',
    )
    assert b't="s"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    grid = read_grid(open_workbook(path).active)
    assert grid == read_grid(load_workbook(path, data_only=True).active)
    assert (grid.cell(1, 1).text, grid.cell(1, 1).fill) == ("Red – well below", "FF0000")
    assert grid.texts(2) == ["1.1 Patrols", "a) Patrol\nb) Lights", "31/03/2020", "20"]
    assert grid.cell(3, 4).value == 7


def _long_plan_sheet(tmp_path: Path, rows: int) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["Objective", "Action", "Outcome", "Accountable Officer", "Status"])
    green = PatternFill("solid", fgColor="00B050")
    for r in range(2, rows + 1):
        sheet.append([f"1.{r} Patrols", "a) Patrol\nb) Lights", "Safer streets", "ASB Team"])
        sheet.cell(r, 5).fill = green
    path = tmp_path / "long.xlsx"
    book.save(path)
    return path


class Cancelled(ValueError):
    """The officer's Cancel; a ValueError, as a damaged sheet's errors are, and passed on
    as it is all the same."""


def _cancel_at(row: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        if done >= row:
            raise Cancelled

    return report


@pytest.mark.parametrize("whole", [False, True], ids=["from the file", "loaded whole"])
def test_reading_a_long_sheet_reports_progress_to_the_end(tmp_path: Path, whole: bool) -> None:
    path = _long_plan_sheet(tmp_path, 1234)
    sheet = load_workbook(path).active if whole else open_workbook(path).active
    calls: list[tuple[int, int]] = []
    grid = read_grid(sheet, lambda done, total: calls.append((done, total)))
    assert grid.height == 1234 and grid.cell(1234, 5).fill == "00B050"
    assert len(calls) >= 3 and calls[-1] == (1234, 1234)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert all(done <= total for done, total in calls)


@pytest.mark.parametrize("whole", [False, True], ids=["from the file", "loaded whole"])
def test_a_cancel_while_reading_stops_it(tmp_path: Path, whole: bool) -> None:
    path = _long_plan_sheet(tmp_path, 1234)
    sheet = load_workbook(path).active if whole else open_workbook(path).active
    with pytest.raises(Cancelled):
        read_grid(sheet, _cancel_at(500))


def test_a_sheet_whose_xml_is_broken_is_named_when_it_is_read(tmp_path: Path) -> None:
    good = _long_plan_sheet(tmp_path, 10)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"</sheetDat>")
            dst.writestr(item, data)
    book = open_workbook(broken)
    with pytest.raises(WorkbookError, match=r"The sheet 'Sheet' could not be read \(ParseError"):
        read_grid(book["Sheet"])


def _long_plan(nodes: int) -> dict[str, object]:
    return {
        "title": "Long plan",
        "children": [
            {"ref": f"{i}", "title": f"Action {i}", "lead": ["ASB Team"]} for i in range(nodes)
        ],
    }


def test_writing_a_long_plan_reports_progress_and_a_cancel_writes_nothing(desk: Desk) -> None:
    calls: list[tuple[int, int]] = []
    with desk.transaction() as s:
        import_plan(s, _long_plan(1234), 0, lambda done, total: calls.append((done, total)))
    assert calls == [(500, 1234), (1000, 1234), (1234, 1234)]
    before = [desk.reader.execute(f"SELECT count(*) FROM {t}").fetchone() for t in _TABLES]
    with pytest.raises(Cancelled), desk.transaction() as s:
        import_plan(s, _long_plan(1234), 1, _cancel_at(1000))
    after = [desk.reader.execute(f"SELECT count(*) FROM {t}").fetchone() for t in _TABLES]
    assert after == before == [(1,), (1234,), (1,), (1234,)]


_TABLES = ("plan", "node", "officer", "node_officer")
