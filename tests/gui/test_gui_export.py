"""File ▸ Export to Excel… and File ▸ Take back partner updates…: the officer sends the police
their actions, the police write their updates into the workbook and send it back, and the
officer reviews what changed, keeps what they accept, credited to whom they say, and can
undo it all in one step."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from asbdesk.desk import Desk
from asbdesk.gui.export_dialog import ExportDialog
from asbdesk.gui.main_window import MainWindow
from asbdesk.gui.takeback_dialog import NOTE, ROW_ROLE, TakebackDialog
from asbdesk.rag import Status
from asbdesk.xlsx_export import HEADER_ROW, ExportOptions, read_table

from .helpers import BROXTOWE, GUI_MARKS, WELWYN, focus, show_plan

pytestmark = GUI_MARKS

POLICE = "Hertfordshire Police SNT"


# -- the officer's steps ----------------------------------------------------------------


def _menu(window: MainWindow, text: str) -> QAction:
    return next(a for a in window.findChildren(QAction) if a.text() == text)


def _shown(window: MainWindow, kind: type[QWidget]) -> QWidget:
    found = [d for d in window.findChildren(kind) if d.isVisible()]
    assert len(found) == 1, f"{len(found)} {kind.__name__} shown"
    return found[0]


def _open_export(window: MainWindow, qtbot) -> ExportDialog:
    _menu(window, "&Export to Excel…").trigger()
    dialog = _shown(window, ExportDialog)
    assert isinstance(dialog, ExportDialog)
    qtbot.waitExposed(dialog)
    return dialog


def _save_as(dialog: ExportDialog, qtbot, path: Path) -> None:
    dialog.file_edit.selectAll()
    qtbot.keyClicks(dialog.file_edit, str(path))


def _choose(combo: QComboBox, text: str) -> None:
    i = combo.findText(text)
    assert i >= 0, f"{text!r} is not offered"
    combo.setCurrentIndex(i)


def _export_for_police(window: MainWindow, qtbot, path: Path) -> Path:
    dialog = _open_export(window, qtbot)
    dialog.partner_radio.click()
    _choose(dialog.partner_combo, POLICE)
    _save_as(dialog, qtbot, path)
    dialog.export_button.click()
    assert path.exists()
    return path


def _take_back(window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """File ▸ Take back partner updates…, the returned file chosen in the file dialog."""
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), ""))
    )
    _menu(window, "&Take back partner updates…").trigger()


def _review(window: MainWindow, qtbot) -> TakebackDialog:
    dialog = _shown(window, TakebackDialog)
    assert isinstance(dialog, TakebackDialog)
    qtbot.waitExposed(dialog)
    return dialog


# -- the workbook, as the partner sees it --------------------------------------------------


def _sheet_rows(path: Path) -> list[dict[str, object]]:
    """The plan sheet's rows under its header, by heading (empty rows at the end left out)."""
    sheet = load_workbook(path)["Plan"]
    rows = list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))
    heads = [str(h) for h in rows[0]]
    return [dict(zip(heads, r, strict=True)) for r in rows[1:] if r[-1]]


def _fill_in(path: Path, edits: dict[str, dict[str, str]]) -> None:
    """Write into the rows whose title starts with each key, as a partner does in Excel."""
    book = load_workbook(path)
    sheet = book["Plan"]
    heads = {c.value: c.column for c in sheet[HEADER_ROW]}
    for title, cells in edits.items():
        (row,) = [
            r[0].row
            for r in sheet.iter_rows(min_row=HEADER_ROW + 1)
            if any(str(c.value or "").startswith(title) for c in r)
        ]
        for heading, value in cells.items():
            sheet.cell(row, heads[heading]).value = value
    book.save(path)


def _node(desk: Desk, title: str) -> int:
    (node,) = desk.reader.execute(
        "SELECT id FROM node WHERE title LIKE ? AND deleted_at IS NULL", (title + "%",)
    ).fetchone()
    return int(node)


def _updates_by(desk: Desk, author: str) -> list[tuple[int, str, str]]:
    return desk.reader.execute(
        "SELECT node_id, text, date FROM progress_update WHERE author = ? AND deleted_at IS NULL",
        (author,),
    ).fetchall()


def _status(desk: Desk, node: int) -> str | None:
    (status,) = desk.reader.execute("SELECT status FROM node WHERE id = ?", (node,)).fetchone()
    return status


def _exports(desk: Desk) -> int:
    (n,) = desk.reader.execute("SELECT count(*) FROM partner_export").fetchone()
    return int(n)


def _change_rows(dialog: TakebackDialog) -> list[QTreeWidgetItem]:
    return [i for i in dialog._rows() if i.data(0, ROW_ROLE)]


# -- export ---------------------------------------------------------------------------------


def test_send_the_police_their_actions_only(welwyn, qtbot, demo_desk, tmp_path):
    dialog = _open_export(welwyn, qtbot)
    assert dialog.whole_radio.isChecked()
    assert not dialog.partner_combo.isEnabled()
    qtbot.waitUntil(
        lambda: (
            dialog.count_label.text()
            == "60 rows will go: 38 actions and the 22 headings above them."
        )
    )
    dialog.partner_radio.click()
    assert dialog.partner_combo.isEnabled()
    _choose(dialog.partner_combo, POLICE)
    qtbot.waitUntil(
        lambda: (
            dialog.count_label.text() == "16 rows will go: 9 actions and the 7 headings above them."
        )
    )
    name = Path(dialog.file_edit.text()).name
    assert name == (
        "Welwyn Hatfield Anti-Social Behaviour Strategy Action Plan 2019 – "
        f"{POLICE} – 15-11-2019.xlsx"
    )
    path = tmp_path / "for the police.xlsx"
    _save_as(dialog, qtbot, path)
    dialog.export_button.click()

    assert not dialog.isVisible()
    assert f"Exported 16 rows (9 actions, actions of {POLICE}) to {path}" in (
        welwyn.statusBar().currentMessage()
    )
    rows = _sheet_rows(path)
    plan = welwyn.current_plan_id()
    expected = read_table(demo_desk.reader, ExportOptions(plan, partner=POLICE), TODAY).rows
    assert [r["asbdesk ID"] for r in rows] == [r.values["id"] for r in expected]
    assert all(POLICE in str(r["Partners"]) for r in rows if r["Partners"])
    assert "Mediation UK" not in " ".join(str(r["Partners"]) for r in rows)
    assert "Your update" in rows[0]
    note = load_workbook(path)["Plan"]["A2"].value
    assert note.startswith(f"For {POLICE}. Exported from asbdesk on 15/11/2019")
    assert _exports(demo_desk) == 1


def test_a_read_only_copy_of_the_red_and_amber_actions(window, qtbot, tmp_path):
    show_plan(window, BROXTOWE)
    dialog = _open_export(window, qtbot)
    assert dialog.indicators_check.isChecked()  # Broxtowe keeps its indicator tables
    qtbot.mouseClick(dialog.findChild(QAbstractButton, "redAmberButton"), Qt.MouseButton.LeftButton)
    assert dialog.statuses() == {Status.RED, Status.AMBER}
    dialog.for_partners_check.setChecked(False)
    dialog.indicators_check.setChecked(False)
    assert "Red and amber" in dialog.file_edit.text()
    path = tmp_path / "red and amber.xlsx"
    _save_as(dialog, qtbot, path)
    dialog.export_button.click()

    book = load_workbook(path)
    assert "Indicators" not in book.sheetnames
    rows = _sheet_rows(path)
    assert "Your update" not in rows[0]
    actions = [r for r in rows if r.get("Action")]
    assert actions and {r["Status"] for r in actions} <= {"Red", "Amber"}


def test_cancel_while_writing_writes_nothing(welwyn, qtbot, demo_desk, tmp_path, monkeypatch):
    dialog = _open_export(welwyn, qtbot)
    path = tmp_path / "cancelled.xlsx"
    _save_as(dialog, qtbot, path)
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    dialog.export_button.click()
    assert dialog.isVisible()  # the choices are still there to try again
    assert dialog.message.text() == "Export cancelled: nothing was written."
    assert not list(tmp_path.glob("cancelled*"))  # neither the workbook nor its .part
    assert _exports(demo_desk) == 0


def test_a_folder_that_is_not_there_is_said_and_nothing_written(welwyn, qtbot, tmp_path):
    dialog = _open_export(welwyn, qtbot)
    _save_as(dialog, qtbot, tmp_path / "no such folder" / "plan.xlsx")
    dialog.export_button.click()
    assert dialog.isVisible()
    assert "does not exist; nothing was written" in dialog.message.text()
    assert not (tmp_path / "no such folder").exists()


def test_no_status_ticked_means_nothing_to_export(welwyn, qtbot):
    dialog = _open_export(welwyn, qtbot)
    dialog.set_statuses(set())
    qtbot.waitUntil(lambda: dialog.count_label.text() == "Tick at least one status.")
    assert not dialog.export_button.isEnabled()


# -- take back ------------------------------------------------------------------------------


def test_take_back_the_polices_update_but_not_their_status(
    welwyn, qtbot, demo_desk, tmp_path, monkeypatch
):
    sent = _export_for_police(welwyn, qtbot, tmp_path / "police.xlsx")
    _fill_in(
        sent,
        {
            "Support existing diversionary": {"Your update": "Joint CID day held 24/10/2019."},
            "Have designated officers": {"Status": "Green"},
        },
    )
    cid = _node(demo_desk, "Support existing diversionary")
    officers = _node(demo_desk, "Have designated officers")
    assert _status(demo_desk, officers) == "amber"
    show_plan(welwyn, BROXTOWE)  # the returned file belongs to the other plan
    welwyn_plan = welwyn.plan_combo.itemData(WELWYN)

    _take_back(welwyn, qtbot, monkeypatch, sent)
    dialog = _review(welwyn, qtbot)
    assert dialog.heading.text() == (
        "Welwyn Hatfield Anti-Social Behaviour Strategy Action Plan 2019"
    )
    assert f"for {POLICE}; returned as police.xlsx" in dialog.details.text()
    assert "belongs to the plan" in dialog.warnings.item(0).text()
    rows = _change_rows(dialog)
    assert [(r.text(1), r.text(3)) for r in rows] == [
        ("Update", "Joint CID day held 24/10/2019."),
        ("Status", "Green"),
    ]
    assert all(r.checkState(0) == Qt.CheckState.Checked for r in rows)
    assert dialog.ticked.text() == "2 of 2 ticked"

    # Untick the status from the keyboard: the selected row, Space.
    focus(qtbot, dialog.tree)
    dialog.tree.setCurrentItem(rows[1])
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Space)
    assert rows[1].checkState(0) == Qt.CheckState.Unchecked
    assert dialog.ticked.text() == "1 of 2 ticked"
    assert dialog.author_combo.currentText() == POLICE
    dialog.author_combo.lineEdit().selectAll()
    qtbot.keyClicks(dialog.author_combo.lineEdit(), "PS Amir Khan")
    dialog.date_edit.setDate(QDate(2019, 11, 8))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    assert welwyn.current_plan_id() == welwyn_plan  # the plan the updates went to is shown
    assert _updates_by(demo_desk, "PS Amir Khan") == [
        (cid, "Joint CID day held 24/10/2019.", "2019-11-08")
    ]
    assert _status(demo_desk, officers) == "amber"  # the unticked status was not taken
    assert welwyn.statusBar().currentMessage() == (
        "Took back 1 change from police.xlsx, credited to PS Amir Khan. Edit ▸ Undo takes it back."
    )
    assert welwyn.ops.undo_stack.undoText() == "Take back partner updates"

    show_plan(welwyn, BROXTOWE)
    welwyn.ops.undo_stack.undo()  # Edit ▸ Undo, from the other plan: one step takes it all back
    assert _updates_by(demo_desk, "PS Amir Khan") == []
    assert welwyn.ops.undo_stack.index() == 0
    assert welwyn.current_plan_id() == welwyn_plan  # the undo is shown where it happened


def test_conflicts_start_unticked_new_rows_can_be_ticked_deleted_rows_are_only_shown(
    welwyn, qtbot, demo_desk, tmp_path, monkeypatch
):
    sent = _export_for_police(welwyn, qtbot, tmp_path / "police.xlsx")
    _fill_in(sent, {"Ensure FPN's": {"Your update": "38 FPNs issued since April."}})
    book = load_workbook(sent)
    sheet = book["Plan"]
    heads = {c.value: c.column for c in sheet[HEADER_ROW]}
    last = max(r[0].row for r in sheet.iter_rows() if r[heads["asbdesk ID"] - 1].value)
    sheet.delete_rows(last)  # 4.2 b), deleted by the partner
    sheet.cell(last + 2, heads["Action"]).value = "Pop-up police surgery at the market"
    book.save(sent)
    fpn = _node(demo_desk, "Ensure FPN's")
    # The officer adds an update to the same action before the file comes back.
    welwyn.ops.run(
        welwyn.ops.commands().AddUpdate(
            fpn, date(2019, 11, 12), "Q3 2019/20", "41 FPNs.", "ASB Team", None
        )
    )

    _take_back(welwyn, qtbot, monkeypatch, sent)
    dialog = _review(welwyn, qtbot)
    rows = dialog._rows()
    by_what = {r.text(1): r for r in rows}
    conflict = by_what["Update"]
    assert conflict.checkState(0) == Qt.CheckState.Unchecked
    assert conflict.text(NOTE).startswith("Conflict: the desk has a newer update (12/11/2019)")
    assert conflict.foreground(NOTE).color() == QColor("#b00000")
    new = by_what["New action"]
    assert new.checkState(0) == Qt.CheckState.Checked
    assert new.text(NOTE).startswith("New action under 4.2 Embed the use of Closure")
    deleted = by_what["Deleted row"]
    assert deleted.data(0, Qt.ItemDataRole.CheckStateRole) is None  # nothing to tick
    assert deleted.text(2).startswith("b) Act quickly")
    assert "1 conflict" in dialog.summary.text()
    assert dialog.ticked.text() == "1 of 2 ticked"
    dialog.accept_all_button.click()
    assert conflict.checkState(0) == Qt.CheckState.Checked
    dialog.reject_all_button.click()
    assert dialog.ticked.text() == "0 of 2 ticked"
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.reject()
    assert welwyn.ops.undo_stack.undoText() == "Add update"  # the take-back added nothing


def test_an_unchanged_workbook_has_nothing_to_take_back(welwyn, qtbot, tmp_path, monkeypatch):
    sent = _export_for_police(welwyn, qtbot, tmp_path / "police.xlsx")
    _take_back(welwyn, qtbot, monkeypatch, sent)
    dialog = _review(welwyn, qtbot)
    assert dialog.summary.text().startswith("Nothing has changed")
    assert not dialog.tree.isVisible()
    assert dialog.buttons.standardButtons() == QDialogButtonBox.StandardButton.Close
    dialog.buttons.button(QDialogButtonBox.StandardButton.Close).click()
    assert not dialog.isVisible()
    assert not welwyn.ops.undo_stack.canUndo()


def test_a_workbook_asbdesk_did_not_write_is_refused(welwyn, qtbot, tmp_path, monkeypatch):
    book = Workbook()
    book.active.append(["Ref", "Action", "Update"])
    book.active.append(["1.1", "Drop-in sessions", "10 held"])
    other = tmp_path / "council plan.xlsx"
    book.save(other)
    _take_back(welwyn, qtbot, monkeypatch, other)
    box = welwyn.findChild(QMessageBox, "errorMessage")
    assert box is not None and box.isVisible()
    assert box.text().startswith(
        "council plan.xlsx is not a workbook asbdesk exported for partners"
    )
    assert not [d for d in welwyn.findChildren(TakebackDialog) if d.isVisible()]
    assert not welwyn.ops.undo_stack.canUndo()
    box.close()


# -- keyboard and screen readers --------------------------------------------------------------


def _mnemonics(dialog: QWidget) -> list[str]:
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.isVisibleTo(dialog)]
    texts += [w.text() for w in dialog.findChildren(QAbstractButton) if w.isVisibleTo(dialog)]
    return [m.group(1).lower() for t in texts if (m := re.search(r"&([^&\s])", t))]


def _unnamed(dialog: QWidget) -> list[str]:
    fields = (QComboBox, QLineEdit, QDateEdit, QTreeWidget)
    return [
        w.objectName()
        for kind in fields
        for w in dialog.findChildren(kind)
        if w.isVisibleTo(dialog)
        and not w.accessibleName()
        and w.parent() is not None
        and not isinstance(w.parent(), (QComboBox, QDateEdit))  # a box's own line edit
    ]


def test_both_dialogs_can_be_worked_from_the_keyboard(welwyn, qtbot, tmp_path, monkeypatch):
    dialog = _open_export(welwyn, qtbot)
    letters = _mnemonics(dialog)
    assert len(letters) == len(set(letters)), sorted(letters)
    assert _unnamed(dialog) == []
    sent = tmp_path / "police.xlsx"
    _save_as(dialog, qtbot, sent)
    dialog.partner_radio.click()
    _choose(dialog.partner_combo, POLICE)
    dialog.export_button.click()
    _fill_in(sent, {"Have designated officers": {"Status": "Green"}})
    _take_back(welwyn, qtbot, monkeypatch, sent)
    review = _review(welwyn, qtbot)
    letters = _mnemonics(review)
    assert len(letters) == len(set(letters)), sorted(letters)
    assert _unnamed(review) == []
    review.reject()
