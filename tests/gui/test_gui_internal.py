"""An officer keeps a note or a field for the desk only: adds an update as internal, marks
an update or an extra field internal (or shared again) from the keyboard, the mouse or the
context menu, sees at a glance which rows are internal, and undoes it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QMenu,
    QPlainTextEdit,
    QTableWidget,
)
from sqlalchemy import select

from asbdesk.desk import Desk
from asbdesk.gui.internal_marks import INTERNAL_TEXT
from asbdesk.gui.main_window import MainWindow
from asbdesk.models import ExtraField, Update

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

# A context menu raises itself and grabs the keyboard, which the offscreen platform cannot
# do and says so: about the platform, not asbdesk, so let by in the tests that open one.
POPUP_OFFSCREEN = pytest.mark.qt_log_ignore(
    r"^This plugin does not support propagateSizeHints\(\)$",
    r"^This plugin does not support raise\(\)$",
    r"^This plugin does not support grabbing the keyboard$",
)

# Welwyn Hatfield 1.3 b): one update, dated 31/01/2019.
WEBSITE = ("1", "1.3", "b)")


def _pick(window: MainWindow) -> int:
    row = row_at(window, *WEBSITE)
    select_row(window, row)
    return node_id(window, row)


def _saved_updates(desk: Desk, node: int) -> list[tuple[str, bool]]:
    with desk.session() as s:
        rows = s.execute(
            select(Update.text, Update.internal)
            .where(Update.node_id == node, Update.deleted_at.is_(None))
            .order_by(Update.date, Update.id)
        ).all()
    return [(text, internal) for text, internal in rows]


def _saved_fields(desk: Desk, node: int) -> dict[str, bool]:
    with desk.session() as s:
        rows = s.execute(
            select(ExtraField.name, ExtraField.internal).where(ExtraField.node_id == node)
        ).all()
    return {name: internal for name, internal in rows}


def _shown_internal(table: QTableWidget, row: int) -> bool:
    """Whether a row looks internal: tinted unlike the table's own background."""
    cell = table.item(row, 0)
    assert cell is not None
    return cell.background().style() != Qt.BrushStyle.NoBrush


def _with_fields(window: MainWindow, desk: Desk, node: int) -> QTableWidget:
    """Give the node two extra fields, as an import of a council's sheet brings them."""
    with desk.transaction() as s:
        s.add(ExtraField(node_id=node, name="Funding", value="PCC grant"))
        s.add(ExtraField(node_id=node, name="Notes", value="Ring J. before the panel"))
    window.editor.show_node(node)
    table = window.editor.extras
    assert table.isVisible()
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["Funding", "Notes"]
    return table


def _choose_from_context_menu(
    qtbot, table: QTableWidget, row: int, text: str, *, keyboard: bool = False
) -> None:
    """Right-click a row (or, `keyboard`, press the Menu key on the selected row) and click
    `text` in the context menu that opens (it blocks in `exec`)."""
    chosen: list[str] = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu), f"no context menu is open ({menu!r})"
        try:
            (action,) = [a for a in menu.actions() if a.text() == text]
            chosen.append(action.text())
            qtbot.mouseClick(
                menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center()
            )
        finally:
            if menu.isVisible():
                menu.close()

    rect = table.visualItemRect(table.item(row, 0))
    if keyboard:
        reason = QContextMenuEvent.Reason.Keyboard
    else:
        reason = QContextMenuEvent.Reason.Mouse
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.RightButton, pos=rect.center())
    # The platform turns the right button's release, or the Menu key, into this event;
    # the offscreen platform sends it for neither, so the test sends it as the platform would.
    event = QContextMenuEvent(reason, rect.center(), table.viewport().mapToGlobal(rect.center()))
    QTimer.singleShot(0, choose)
    QApplication.sendEvent(table.viewport(), event)
    qtbot.waitUntil(lambda: chosen == [text])


# -- updates -------------------------------------------------------------------------------


def test_add_an_update_as_internal_marks_it_in_the_history(welwyn, qtbot, demo_desk):
    node = _pick(welwyn)
    editor = welwyn.editor
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        text = dialog.findChild(QPlainTextEdit, "textEdit")
        internal = dialog.findChild(QCheckBox, "internalCheck")
        assert text is not None and internal is not None
        seen["name"] = internal.accessibleName()
        seen["ticked at first"] = internal.isChecked()
        qtbot.waitUntil(text.hasFocus)
        qtbot.keyClicks(text, "Tenancy warning issued to the family at no. 12.")
        # Tab through the fields to the check box, as a keyboard user does; Space ticks it.
        for _ in range(3):  # past the author and the status
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen["reached"] = internal.hasFocus()
        qtbot.keyClick(internal, Qt.Key.Key_Space)
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with answering_dialog(fill):
        qtbot.mouseClick(editor.add_update_button, Qt.MouseButton.LeftButton)

    assert seen == {
        "name": INTERNAL_TEXT,
        "ticked at first": False,
        "reached": True,
    }
    assert _saved_updates(demo_desk, node)[-1] == (
        "Tenancy warning issued to the family at no. 12.",
        True,
    )
    # Newest first: the internal update says so in its date cell and is tinted.
    assert editor.updates.item(0, 0).text() == "15/11/2019\nQ3 2019/20\nInternal"
    assert _shown_internal(editor.updates, 0)
    assert "Internal" not in editor.updates.item(1, 0).text()
    assert not _shown_internal(editor.updates, 1)


def test_mark_an_update_internal_from_the_keyboard_then_undo_and_redo(welwyn, qtbot, demo_desk):
    node = _pick(welwyn)
    editor = welwyn.editor
    check = editor.update_internal_check
    assert check.accessibleName() == INTERNAL_TEXT
    assert not check.isEnabled()  # no update selected yet: nothing to mark

    focus(qtbot, editor.updates)
    qtbot.keyClick(editor.updates, Qt.Key.Key_Space)  # selects the update under the focus
    qtbot.waitUntil(lambda: editor.updates.selectionModel().isRowSelected(0))
    assert check.isEnabled() and not check.isChecked()
    qtbot.keyClick(editor.updates, Qt.Key.Key_Tab)  # to Add update…
    qtbot.keyClick(editor.add_update_button, Qt.Key.Key_Tab)
    assert check.hasFocus()
    qtbot.keyClick(check, Qt.Key.Key_Space)

    assert _saved_updates(demo_desk, node)[-1][1] is True
    assert editor.updates.item(0, 0).text().endswith("\nInternal")
    # The same update stays selected, the box ticked, the focus where it was.
    assert editor.updates.selectionModel().isRowSelected(0)
    assert check.isChecked() and check.hasFocus()
    assert welwyn.ops.undo_stack.undoText() == "Mark update internal"

    undo_key(welwyn, qtbot)
    assert _saved_updates(demo_desk, node)[-1][1] is False
    assert not editor.updates.item(0, 0).text().endswith("Internal")
    assert not _shown_internal(editor.updates, 0)

    redo_key(welwyn, qtbot)
    assert _saved_updates(demo_desk, node)[-1][1] is True
    assert _shown_internal(editor.updates, 0)


@POPUP_OFFSCREEN
def test_mark_an_update_internal_and_shared_again_from_its_context_menu(welwyn, qtbot, demo_desk):
    node = _pick(welwyn)
    updates = welwyn.editor.updates

    _choose_from_context_menu(qtbot, updates, 0, INTERNAL_TEXT)
    qtbot.waitUntil(lambda: _saved_updates(demo_desk, node)[-1][1] is True)
    assert _shown_internal(updates, 0)
    (action,) = updates.actions()
    assert action.isChecked()  # the menu shows the mark the selected update has

    _choose_from_context_menu(qtbot, updates, 0, INTERNAL_TEXT)
    qtbot.waitUntil(lambda: _saved_updates(demo_desk, node)[-1][1] is False)
    assert not _shown_internal(updates, 0)
    assert welwyn.ops.undo_stack.undoText() == "Mark update shared"


# -- extra fields ----------------------------------------------------------------------------


def test_mark_an_extra_field_internal_with_its_check_box_then_undo(welwyn, qtbot, demo_desk):
    node = _pick(welwyn)
    table = _with_fields(welwyn, demo_desk, node)
    assert table.horizontalHeaderItem(2).text() == "Internal"
    box = table.item(1, 2)
    assert box.checkState() == Qt.CheckState.Unchecked

    table.scrollToItem(box)
    rect = table.visualItemRect(box)
    # The check box is drawn at the left of its cell, vertically centred.
    box_at = rect.topLeft() + QPoint(min(10, rect.width() // 2), rect.height() // 2)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=box_at)
    qtbot.waitUntil(lambda: _saved_fields(demo_desk, node) == {"Funding": False, "Notes": True})
    assert table.item(1, 2).checkState() == Qt.CheckState.Checked
    assert _shown_internal(table, 1) and not _shown_internal(table, 0)
    assert welwyn.ops.undo_stack.undoText() == "Mark field 'Notes' internal"

    undo_key(welwyn, qtbot)
    assert _saved_fields(demo_desk, node) == {"Funding": False, "Notes": False}
    assert welwyn.editor.extras.item(1, 2).checkState() == Qt.CheckState.Unchecked


@POPUP_OFFSCREEN
def test_space_marks_the_selected_field_and_the_context_menu_marks_it_back(
    welwyn, qtbot, demo_desk
):
    node = _pick(welwyn)
    table = _with_fields(welwyn, demo_desk, node)
    focus(qtbot, table)
    assert table.currentRow() == 0  # the focus lands on the first field

    qtbot.keyClick(table, Qt.Key.Key_Space)
    assert _saved_fields(demo_desk, node) == {"Funding": True, "Notes": False}
    assert table.selectionModel().isRowSelected(0) and table.hasFocus()
    assert _shown_internal(table, 0)

    _choose_from_context_menu(qtbot, table, 0, INTERNAL_TEXT, keyboard=True)
    qtbot.waitUntil(lambda: _saved_fields(demo_desk, node) == {"Funding": False, "Notes": False})
    assert not _shown_internal(table, 0)
