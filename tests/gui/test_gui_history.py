"""An officer looks at who changed an action: the detail editor's Change history lists each
change (when, who, from → to, the reason, the command), newest first, and follows every
edit, undo and redo; File ▸ Export change history… writes the plan's history to a file."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QPlainTextEdit

from asbdesk import who
from asbdesk.gui import history_view
from asbdesk.gui.main_window import MainWindow
from asbdesk.gui.progress import Cancelled
from asbdesk.history import node_history

from .helpers import (
    GUI_MARKS,
    answering_dialog,
    focus,
    node_id,
    ok_button,
    redo_key,
    row_at,
    select_row,
    undo_key,
)

pytestmark = GUI_MARKS

# Welwyn Hatfield 1.4 a): Red, last updated 31/01/2019; 1.4 b): Red.
SURVEYS = ("1", "1.4", "a)")
FEEDBACK = ("1", "1.4", "b)")
OFFICER = "Jo Bloggs"


@pytest.fixture(autouse=True)
def officer() -> Iterator[None]:
    who.set_current_user(OFFICER)
    yield
    who.set_current_user(None)


def _pick(window: MainWindow, *refs: str) -> int:
    row = row_at(window, *refs)
    select_row(window, row)
    return node_id(window, row)


def _rows(window: MainWindow) -> list[tuple[str, str]]:
    table = window.editor.history.table
    return [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())]


def _open_history(window: MainWindow, qtbot) -> None:
    """Tab to the Change history heading and press Space, as from the keyboard."""
    editor = window.editor
    toggle = editor.history.toggle
    focus(qtbot, editor.add_update_button)
    for _ in range(4):
        if toggle.hasFocus():
            break
        qtbot.keyClick(editor.focusWidget(), Qt.Key.Key_Tab)
    assert toggle.hasFocus(), "Tab does not reach the Change history"
    qtbot.keyClick(toggle, Qt.Key.Key_Space)
    qtbot.waitUntil(editor.history.table.isVisible)


def _change_status(window: MainWindow, qtbot, letter: str, reason: str) -> None:
    editor = window.editor

    def fill(dialog: QDialog) -> None:
        box = dialog.findChild(QPlainTextEdit, "reasonEdit")
        assert box is not None
        qtbot.waitUntil(box.hasFocus)
        qtbot.keyClicks(box, reason)
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    focus(qtbot, editor.status_combo)
    with answering_dialog(fill):
        qtbot.keyClicks(editor.status_combo, letter)


def test_a_status_change_and_its_undo_show_in_the_change_history(welwyn, qtbot):
    _pick(welwyn, *SURVEYS)
    history = welwyn.editor.history
    assert history.toggle.text() == "Change history (none yet)"
    assert not history.table.isVisible()  # closed until the officer opens it
    _open_history(welwyn, qtbot)
    assert _rows(welwyn) == []

    _change_status(welwyn, qtbot, "G", "Surveys restarted in October")

    assert history.toggle.text() == "Change history (1 change)"
    ((when, change),) = _rows(welwyn)
    assert when.endswith(f"\n{OFFICER}")
    (made,) = node_history(welwyn.desk.reader, node_id(welwyn, row_at(welwyn, *SURVEYS)))
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", when.split("\n")[0])
    assert when.split("\n")[0] == made.at.replace(tzinfo=UTC).astimezone().strftime(
        "%d/%m/%Y %H:%M"
    )
    assert change == "Status: Red → Green\nReason: Surveys restarted in October\n(Change status)"
    spoken = history.table.item(0, 1).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "Status changed from Red to Green, reason: Surveys restarted in October" in spoken

    undo_key(welwyn, qtbot)
    assert history.toggle.text() == "Change history (2 changes)"
    assert _rows(welwyn)[0][1] == "Status: Green → Red\n(Undo: Change status)"

    redo_key(welwyn, qtbot)
    rows = _rows(welwyn)
    assert [r[1].split("\n")[-1] for r in rows] == [
        "(Redo: Change status)",
        "(Undo: Change status)",
        "(Change status)",
    ]


def test_the_history_follows_the_selected_action(welwyn, qtbot):
    surveys = _pick(welwyn, *SURVEYS)
    _open_history(welwyn, qtbot)
    _change_status(welwyn, qtbot, "A", "Fewer surveys back than planned")
    assert len(_rows(welwyn)) == 1

    _pick(welwyn, *FEEDBACK)
    assert welwyn.editor.history.toggle.text() == "Change history (none yet)"
    assert _rows(welwyn) == []  # still open, for this action, which has none

    select_row(welwyn, row_at(welwyn, *SURVEYS))
    assert welwyn.editor.node_id == surveys
    assert len(_rows(welwyn)) == 1


def test_the_history_section_is_labelled_for_a_screen_reader(welwyn):
    _pick(welwyn, *SURVEYS)
    history = welwyn.editor.history
    assert history.toggle.accessibleName() == "Change history (none yet)"
    assert "who changed" in history.toggle.accessibleDescription()
    assert history.table.accessibleName() == "Change history"


def _menu(window: MainWindow, text: str) -> QAction:
    return next(a for a in window.findChildren(QAction) if a.text() == text)


def test_export_change_history_writes_the_plans_history(welwyn, qtbot, tmp_path, monkeypatch):
    _pick(welwyn, *SURVEYS)
    _change_status(welwyn, qtbot, "G", "=Surveys restarted")
    asked: list[str] = []

    def save_as(_parent, _title, start, _filter):
        asked.append(start)
        return str(tmp_path / "welwyn history"), "Excel workbook (*.xlsx)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    _menu(welwyn, "Export change &history…").trigger()

    assert Path(asked[0]).name.endswith("change history.csv")
    assert "Welwyn Hatfield" in Path(asked[0]).name
    ws = load_workbook(tmp_path / "welwyn history.xlsx").active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    title = welwyn.desk.reader.execute(
        "SELECT title FROM node WHERE id = ?", (node_id(welwyn, row_at(welwyn, *SURVEYS)),)
    ).fetchone()[0]
    assert rows[0][9] == "Command"
    assert rows[1][3:9] == ("a)", title, "Status", "Red", "Green", "=Surveys restarted")
    assert ws.cell(row=2, column=9).data_type == "s"  # the reason is text, not a formula
    when = ws.cell(row=2, column=1)  # a date Excel can sort and filter, shown as the UK writes it
    assert isinstance(when.value, datetime) and when.number_format == "dd/mm/yyyy hh:mm"
    (made,) = node_history(welwyn.desk.reader, node_id(welwyn, row_at(welwyn, *SURVEYS)))
    assert when.value == made.local_at.replace(microsecond=0)  # to the second
    assert rows[2][5] == "Imported plan"  # the demo desk's plan, as it was made
    assert len(rows) == 3
    assert "Wrote 2 changes to" in welwyn.statusBar().currentMessage()

    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *_a: (str(tmp_path / "history.csv"), "CSV file (*.csv)")),
    )
    _menu(welwyn, "Export change &history…").trigger()
    with (tmp_path / "history.csv").open(encoding="utf-8-sig", newline="") as f:
        row, _made = csv.DictReader(f)
    assert (row["Who"], row["What"], row["Reason"]) == (OFFICER, "Status", "'=Surveys restarted")


def test_export_change_history_can_be_cancelled(welwyn, qtbot, tmp_path, monkeypatch):
    """A big plan's history takes seconds to write: it is written under a progress dialog
    whose Cancel leaves no file behind."""
    _pick(welwyn, *SURVEYS)
    _change_status(welwyn, qtbot, "G", "Surveys restarted")
    labels: list[str] = []

    @contextmanager
    def cancelling(_parent, label):
        labels.append(label)

        def report(done, total):
            raise Cancelled

        yield report

    monkeypatch.setattr(history_view, "progress_dialog", cancelling)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *_a: (str(out / "history.xlsx"), "Excel workbook (*.xlsx)")),
    )
    _menu(welwyn, "Export change &history…").trigger()
    assert labels == ["Writing history.xlsx…"]
    assert list(out.iterdir()) == []  # nor a .part file
    assert welwyn.statusBar().currentMessage() == "Export cancelled: nothing was written."


def _fitted(table) -> bool:
    """Every row as tall as its wrapped text at the table's present width."""
    return table.rowCount() > 0 and all(
        table.rowHeight(r) >= table.sizeHintForRow(r) for r in range(table.rowCount())
    )


def test_the_history_rows_follow_the_width_of_the_panel(welwyn, qtbot):
    """Narrowed (a smaller window, or 150 % scaling), the change text wraps onto more lines;
    the rows grow with it rather than clip it."""
    _pick(welwyn, *SURVEYS)
    _open_history(welwyn, qtbot)
    reason = "Surveys restarted in October after the new contractor was appointed; " * 3
    _change_status(welwyn, qtbot, "G", reason.strip())
    table = welwyn.editor.history.table
    qtbot.waitUntil(lambda: _fitted(table))
    before, wide = table.rowHeight(0), table.viewport().width()
    welwyn.resize(900, 768)  # as narrow as the window goes
    qtbot.waitUntil(lambda: table.viewport().width() < wide)
    qtbot.waitUntil(lambda: _fitted(table))
    assert table.rowHeight(0) > before


def test_a_long_name_wraps_in_its_column_and_leaves_room_for_the_change(welwyn, qtbot):
    who.set_current_user("Samantha Patel-Okonkwo (Community Safety Partnership Officer)")
    _pick(welwyn, *SURVEYS)
    _open_history(welwyn, qtbot)
    _change_status(welwyn, qtbot, "G", "Surveys restarted")
    table = welwyn.editor.history.table
    width = table.viewport().width()
    qtbot.waitUntil(lambda: table.columnWidth(0) <= width // 3)
    assert table.columnWidth(1) >= width // 2
    qtbot.waitUntil(lambda: _fitted(table))
    assert table.rowHeight(0) >= 3 * table.fontMetrics().lineSpacing()  # the name wrapped


def test_only_the_newest_500_changes_are_listed_and_the_note_says_so(welwyn, qtbot):
    surveys = _pick(welwyn, *SURVEYS)
    con = welwyn.desk.reader
    con.executemany(
        "INSERT INTO audit_entry (at, who, plan_id, node_id, node_ref, node_title, entity, "
        "item, field, old, new, reason, action) VALUES "
        "(?, ?, NULL, ?, 'a)', '', 'node', '', 'Outcome', ?, ?, NULL, 'Edit')",
        [
            (f"2019-11-{1 + i // 100:02d} 09:00:00", OFFICER, surveys, str(i), str(i + 1))
            for i in range(501)
        ],
    )
    con.commit()
    welwyn.editor.history.show_node(surveys)
    _open_history(welwyn, qtbot)
    history = welwyn.editor.history
    assert history.toggle.text() == "Change history (501 changes)"
    assert history.table.rowCount() == 500
    assert history.note.isVisible()
    assert history.note.text() == (
        "The newest 500 are listed; File ▸ Export change history… writes them all."
    )
    assert _rows(welwyn)[0][1] == "Outcome: 500 → 501\n(Edit)"  # the newest first


def test_an_import_from_the_window_names_its_file(window, qtbot):
    from PySide6.QtWidgets import QWizard

    from asbdesk.history import desk_history

    from .test_gui_import import DATA, _open_wizard

    wizard = _open_wizard(window, qtbot, DATA / "welwyn-hatfield-2019.xlsx")
    wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: "Imported" in window.statusBar().currentMessage())
    entry = desk_history(window.desk.reader)[0]
    assert (entry.what, entry.action) == ("Imported plan", "Import from Excel")
    assert entry.new is not None and entry.new.endswith(" from welwyn-hatfield-2019.xlsx")
