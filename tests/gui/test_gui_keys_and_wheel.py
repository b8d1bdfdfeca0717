"""Keys and the mouse wheel do what the officer means where they are: plan-changing keys act
only in the tree, a wheel turn over the details panel never changes a field, a filter
leaves the tree as it was, and dialogs take Ctrl+Return for OK."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from asbdesk.desk import open_desk
from asbdesk.gui.main_window import MainWindow
from asbdesk.gui.tree_model import Column

from .helpers import (
    GUI_MARKS,
    answering_dialog,
    cell,
    focus,
    row_at,
    saved_fields,
    select_row,
    shown_rows,
)

pytestmark = GUI_MARKS

ALT = Qt.KeyboardModifier.AltModifier


def _top_refs(window: MainWindow) -> list[str]:
    return [r[0] for r in shown_rows(window) if len(r) == 1]


def test_alt_arrows_outside_the_tree_do_not_move_the_selected_item(welwyn, qtbot):
    select_row(welwyn, row_at(welwyn, "1"))
    before = _top_refs(welwyn)
    for widget in (welwyn.filter_bar.search, welwyn.editor.outcome_edit):
        focus(qtbot, widget)
        for key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Left, Qt.Key.Key_Right):
            qtbot.keyClick(widget, key, ALT)
    assert _top_refs(welwyn) == before
    assert not welwyn.ops.undo_stack.canUndo()

    focus(qtbot, welwyn.view)
    qtbot.keyClick(welwyn.view, Qt.Key.Key_Down, ALT)  # in the tree it moves
    assert _top_refs(welwyn)[:2] == ["2", "1"]


def test_delete_key_in_a_text_box_deletes_text_not_the_item(welwyn, qtbot, demo_desk):
    row = row_at(welwyn, "1", "1.3")
    select_row(welwyn, row)
    node = welwyn.selected_node_id()
    edit = welwyn.editor.ref_edit
    focus(qtbot, edit)
    edit.setCursorPosition(0)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert edit.text() == ".3"
    assert saved_fields(demo_desk, node)["deleted"] is False


def _wheel(widget, delta: int = -120) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(widget.rect().center())),
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_a_wheel_turn_over_the_status_box_leaves_the_status_alone(
    welwyn, qtbot, demo_desk, monkeypatch
):
    asked: list[str] = []  # a status change would ask for a reason: record it, do not block
    monkeypatch.setattr(
        "asbdesk.gui.dialogs.StatusReasonDialog.exec", lambda self: asked.append("asked") or 0
    )
    select_row(welwyn, row_at(welwyn, "1", "1.1", "a)"))
    node = welwyn.selected_node_id()
    focus(qtbot, welwyn.view)
    combo = welwyn.editor.status_combo
    shown = combo.currentText()
    _wheel(combo)
    _wheel(welwyn.editor.department_edit)
    assert combo.currentText() == shown
    assert asked == []
    assert saved_fields(demo_desk, node)["status"] == "green"
    assert not welwyn.ops.undo_stack.canUndo()


def test_clearing_the_filter_leaves_the_tree_as_it_was(welwyn, qtbot):
    commitment = row_at(welwyn, "1")
    objective = row_at(welwyn, "1", "1.2")
    welwyn.view.expand(objective)
    welwyn.view.collapse(row_at(welwyn, "3"))
    with qtbot.waitSignal(welwyn.filter_bar.changed):
        qtbot.keyClicks(welwyn.filter_bar.search, "noise")
    welwyn.filter_bar.clear()
    assert welwyn.view.isExpanded(row_at(welwyn, "1"))
    assert welwyn.view.isExpanded(row_at(welwyn, "1", "1.2"))  # opened by the officer
    assert not welwyn.view.isExpanded(row_at(welwyn, "1", "1.4"))  # never opened
    assert not welwyn.view.isExpanded(row_at(welwyn, "3"))  # closed by the officer
    assert commitment.isValid()


def test_a_desk_with_no_plan_says_what_to_do(qtbot, tmp_path: Path):
    desk = open_desk(tmp_path / "empty.asbdesk")
    window = MainWindow(desk)
    qtbot.addWidget(window)
    window.show()
    assert not window.add_child_action.isEnabled()
    assert not window.delete_action.isEnabled()
    assert "New plan" in window.statusBar().currentMessage()
    window.close()
    desk.close()


def test_ctrl_return_gives_ok_in_the_status_dialog(welwyn, qtbot, demo_desk):
    select_row(welwyn, row_at(welwyn, "1", "1.4", "a)"))
    node = welwyn.selected_node_id()
    combo = welwyn.editor.status_combo

    def reason_then_ctrl_return(dialog):
        box = dialog.findChild(QPlainTextEdit, "reasonEdit")
        qtbot.keyClicks(box, "Closure surveys restarted")
        qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    with answering_dialog(reason_then_ctrl_return):
        combo.setCurrentIndex(combo.findData("amber"))
        combo.activated.emit(combo.currentIndex())

    assert saved_fields(demo_desk, node)["status"] == "amber"
    assert cell(row_at(welwyn, "1", "1.4", "a)"), Column.STATUS) == "Amber"
