"""Bad workbooks are named with what to do, before anything is read: the first step of
importing a council's Excel plan. Every case leaves the file as it was."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from asbdesk.xlsx_grid import read_grid
from asbdesk.xlsx_open import WorkbookError, open_workbook

DATA = Path(__file__).parent / "data"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize("name", ["broxtowe-2019-20.xlsx", "welwyn-hatfield-2019.xlsx"])
def test_the_councils_workbooks_open(name: str) -> None:
    book = open_workbook(DATA / name)
    assert book.sheetnames
    assert book.active is not None and book.active.max_row > 5


def _refused(path: Path, content: bytes, expected: str) -> None:
    path.write_bytes(content)
    with pytest.raises(WorkbookError, match=expected) as caught:
        open_workbook(path)
    assert path.name in str(caught.value)
    assert path.read_bytes() == content  # looked at, never changed


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (OLE2 + b"\0" * 600, r"old \.xls file.*save it as \.xlsx"),
        (OLE2 + b"\0" * 200 + "EncryptedPackage".encode("utf-16-le"), "protected with a password"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "is a PDF"),
        (b"Target,Action,Lead\nRaise awareness,Drop-ins,Communities Officer\n", "CSV"),
        (b"", "is empty"),
        (bytes(range(256)) * 4, r"not an Excel workbook"),
    ],
    ids=["xls", "password", "pdf", "csv", "empty", "binary"],
)
def test_files_that_are_not_workbooks_are_named(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    _refused(tmp_path / "plan.xlsx", content, expected)


def test_an_ods_spreadsheet_is_named(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    _refused(path, path.read_bytes(), "OpenDocument")


def test_a_damaged_workbook_is_named(tmp_path: Path) -> None:
    whole = (DATA / "broxtowe-2019-20.xlsx").read_bytes()
    _refused(tmp_path / "plan.xlsx", whole[: len(whole) // 2], "is damaged")


def test_a_zip_that_is_not_a_workbook_is_named(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("photos/drop-in.jpg", b"\xff\xd8\xff")
    _refused(path, path.read_bytes(), "not an Excel workbook")


def _rewrite(source: Path, target: Path, part: str, change) -> None:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:
                data = change(data.decode()).encode()
            dst.writestr(item, data)


def test_an_xml_entity_bomb_is_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    path = tmp_path / "plan.xlsx"
    _rewrite(
        DATA / "broxtowe-2019-20.xlsx",
        path,
        "xl/workbook.xml",
        lambda xml: bomb + (xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml),
    )
    _refused(path, path.read_bytes(), "entity definitions")


def test_an_xml_entity_bomb_in_a_sheet_is_refused_before_anything_is_read(
    tmp_path: Path,
) -> None:
    """A sheet's XML is parsed only when the sheet is read; the bomb is found at opening."""
    prolog = '<?xml version="1.0"?><!--' + " " * 8000 + '--><!DOCTYPE x [<!ENTITY a "aaa">]>'
    path = tmp_path / "plan.xlsx"
    _rewrite(
        DATA / "broxtowe-2019-20.xlsx",
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: prolog + xml.split("?>", 1)[-1],
    )
    _refused(path, path.read_bytes(), "entity definitions")


def test_the_workbook_is_read_from_memory_so_excel_can_save_it_meanwhile(
    tmp_path: Path,
) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes((DATA / "broxtowe-2019-20.xlsx").read_bytes())
    book = open_workbook(path)
    path.write_bytes(b"saved again in Excel meanwhile")  # the file, not what was opened
    assert read_grid(book["Action Plan"]).texts(4)[:2] == ["Target", "How it will be achieved"]


def test_formulas_give_the_values_excel_last_calculated(tmp_path: Path) -> None:
    plain = tmp_path / "plain.xlsx"
    book = Workbook()
    book.active["A1"] = 40
    book.save(plain)
    with_formula = tmp_path / "formula.xlsx"
    _rewrite(
        plain,
        with_formula,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("<v>40</v>", "<f>20+20</f><v>40</v>"),
    )
    assert "<f>20+20</f>" in zipfile.ZipFile(with_formula).read("xl/worksheets/sheet1.xml").decode()
    assert open_workbook(with_formula).active["A1"].value == 40
    assert read_grid(open_workbook(with_formula).active).cell(1, 1).value == 40


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="There is no file"):
        open_workbook(tmp_path / "nowhere.xlsx")
