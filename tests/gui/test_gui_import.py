"""File ▸ Import plan from Excel…: the officer picks the council's workbook, checks and
corrects the reading, previews the plan and writes it as one undoable step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QWizard

from asbdesk.gui.import_wizard import ImportWizard
from asbdesk.gui.main_window import MainWindow
from asbdesk.info import desk_info

from .helpers import GUI_MARKS

pytestmark = GUI_MARKS

DATA = Path(__file__).parent.parent / "data"
WELWYN_TITLE = "Appendix B | Draft Anti-Social Behaviour Strategy Action Plan 2019"


def _open_wizard(
    window: MainWindow, qtbot, path: Path, mapping: Path | None = None
) -> ImportWizard:
    """File ▸ Import plan from Excel…, the path typed and Enter pressed: the workbook is
    opened, its plan sheet chosen and, when it reads, the reading page shown."""
    action = next(a for a in window.findChildren(QAction) if "Excel" in a.text())
    action.trigger()
    wizard = window.findChild(ImportWizard)
    assert wizard is not None
    qtbot.waitExposed(wizard)
    page = wizard.source_page
    if mapping is not None:
        page.use_mapping(mapping)
    page.file_edit.setFocus()
    qtbot.keyClicks(page.file_edit, str(path))
    qtbot.keyClick(page.file_edit, Qt.Key.Key_Return)  # opens it, and on to the reading
    return wizard


def _combo_for(wizard: ImportWizard, heading: str) -> QComboBox:
    table = wizard.reading_page.columns
    for row in range(table.rowCount()):
        if heading in table.item(row, 0).text():
            widget = table.cellWidget(row, 2)
            assert isinstance(widget, QComboBox)
            return widget
    raise AssertionError(f"no column {heading!r}")


def _plans(window: MainWindow) -> list[str]:
    return [p["title"] for p in desk_info(window.desk, window.model.today)["plans"]]


def test_import_welwyn_hatfield_through_the_wizard_then_undo_and_redo(
    window: MainWindow, qtbot
) -> None:
    before = _plans(window)
    wizard = _open_wizard(window, qtbot, DATA / "welwyn-hatfield-2019.xlsx")
    assert wizard.source_page.sheet_list.currentItem().text() == "Action Plan"
    assert wizard.currentPage() is wizard.reading_page
    reading = wizard.reading_page
    assert reading.header_spin.value() == 10
    assert reading.levels_edit.text() == "Commitment > Objective > Action"
    assert _combo_for(wizard, "Accountable Officer").currentData() == "lead"
    assert _combo_for(wizard, "Status").currentData() == "status"
    assert "6 banner rows" in reading.info.text()
    wizard.next()
    preview = wizard.preview_page
    assert preview.summary.text() == (
        f"'{WELWYN_TITLE}': 6 commitments, 16 objectives, 38 actions."
    )
    assert preview.tree.topLevelItemCount() == 6
    first = preview.tree.topLevelItem(0)
    assert (first.text(0), first.child(0).text(1)) == ("1", "Policies and Procedures")
    assert first.child(0).child(0).text(4) == "Green"
    assert preview.notes.item(0).text().startswith("A 'Objective' → the objective level")
    wizard.button(QWizard.WizardButton.FinishButton).click()

    assert _plans(window) == [*before, WELWYN_TITLE]
    assert window.plan_combo.currentText() == WELWYN_TITLE  # the new plan is shown
    assert window.model.rowCount() == 6
    assert "Imported" in window.statusBar().currentMessage()
    window.ops.undo_stack.undo()
    assert _plans(window) == before
    assert window.statusBar().currentMessage() == ""  # "Imported …" is no longer true
    window.ops.undo_stack.redo()
    assert _plans(window) == [*before, WELWYN_TITLE]


def test_correct_the_reading_then_add_to_an_existing_plan(window: MainWindow, qtbot) -> None:
    existing = window.plan_combo.itemText(0)
    rows_before = window.model.rowCount() if window.plan_combo.currentIndex() == 0 else None
    wizard = _open_wizard(window, qtbot, DATA / "broxtowe-2019-20.xlsx")
    as_at = wizard.reading_page.as_at_edit
    assert as_at.text() == "15/11/2019"  # the file was saved after 'today': today
    as_at.setText("31/09/2019")
    wizard.next()
    assert wizard.currentPage() is wizard.reading_page
    assert "30 days" in wizard.reading_page.info.text()
    as_at.setText("30.9.2019")
    wizard.next()
    first = wizard.prepared.plan["children"][0]["children"][0]
    assert [(u["date"], u["period"]) for u in first["updates"]] == [("2019-09-30", "Q2 2019/20")]
    wizard.back()
    _combo_for(wizard, "Update").setCurrentIndex(_combo_for(wizard, "Update").findData("extra"))
    wizard.next()
    preview = wizard.preview_page
    notes = [preview.notes.item(i).text() for i in range(preview.notes.count())]
    assert "G 'Update' → an extra field 'Update' (16 cells)" in notes, "\n".join(notes)
    assert preview.indicators.isVisible()
    assert preview.indicators.text() == "Also import the 7 indicators from the sheet 'Performance'"
    preview.indicators.setChecked(False)
    preview.existing.setChecked(True)
    preview.plan_combo.setCurrentIndex(0)
    command = wizard.import_command()
    assert command.into_plan_id == window.plan_combo.itemData(0)
    assert all("Update" in a["extra"] for t in command.data["children"] for a in t["children"])
    wizard.button(QWizard.WizardButton.FinishButton).click()

    plan = desk_info(window.desk, window.model.today)["plans"][0]
    assert plan["title"] == existing
    assert window.plan_combo.currentIndex() == 0
    if rows_before is not None:
        assert window.model.rowCount() == rows_before + 5
    window.ops.undo_stack.undo()
    after_undo = desk_info(window.desk, window.model.today)["plans"][0]
    assert after_undo["levels"] != plan["levels"]


def test_a_file_that_is_not_a_workbook_is_named_and_goes_no_further(
    window: MainWindow, qtbot, tmp_path: Path
) -> None:
    old = tmp_path / "plan.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    wizard = _open_wizard(window, qtbot, old)
    assert "old .xls file" in wizard.source_page.message.text()
    wizard.next()  # Next tries again, and stays
    assert wizard.currentPage() is wizard.source_page
    wizard.reject()


def test_a_saved_mapping_reads_next_quarters_sheet_the_same_way(
    window: MainWindow, qtbot, tmp_path: Path
) -> None:
    wizard = _open_wizard(window, qtbot, DATA / "broxtowe-2019-20.xlsx")
    _combo_for(wizard, "Outcomes").setCurrentIndex(_combo_for(wizard, "Outcomes").findData("skip"))
    mapping = tmp_path / "broxtowe.json"
    wizard.reading_page.save_mapping(str(mapping))
    wizard.reject()
    qtbot.waitUntil(lambda: window.findChild(ImportWizard) is None)  # closed and gone
    assert json.loads(mapping.read_text())["columns"]["Outcomes"] == "skip"

    # Next quarter's sheet: the columns in another order, a column added.
    book = Workbook()
    sheet = book.active
    sheet.title = "Q3"
    sheet.append(["Broxtowe ASB Action Plan Q3"])
    sheet.append(["Lead Dept / Officer", "Target", "How it will be achieved", "Outcomes", "New"])
    sheet.append(["Communities Officer", "Raise awareness", "Hold drop-ins", "Awareness", "x"])
    quarter = tmp_path / "q3.xlsx"
    book.save(quarter)
    wizard = _open_wizard(window, qtbot, quarter, mapping)
    assert wizard.source_page.mapping_check.isChecked()
    assert _combo_for(wizard, "Outcomes").currentData() == "skip"
    assert _combo_for(wizard, "Lead Dept").currentData() == "lead"
    assert wizard.reading_page.levels_edit.text() == "Target > Action"
    wizard.next()
    action = wizard.prepared.plan["children"][0]["children"][0]
    assert (action["title"], action["outcome"], action["extra"]) == (
        "Hold drop-ins",
        "",
        {"New": "x"},
    )
    wizard.reject()


def test_cancelling_a_long_import_writes_nothing(
    window: MainWindow, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Objective", "Action", "Lead", "Status"])
    for i in range(1, 1201):
        sheet.append([f"{i} Objective {i}", f"Action {i}", "ASB Team", "Green"])
    big = tmp_path / "big.xlsx"
    book.save(big)
    before = _plans(window)
    wizard = _open_wizard(window, qtbot, big)
    wizard.next()
    assert "1,200 objectives, 1,200 actions" in wizard.preview_page.summary.text()
    from PySide6.QtWidgets import QProgressDialog

    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert _plans(window) == before
    assert "nothing was written" in window.statusBar().currentMessage()
    assert not window.ops.undo_stack.canUndo()
