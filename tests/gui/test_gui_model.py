"""The plan tree's Qt model keeps Qt's rules, shown whole and filtered, and while edited.

One `qtmodeltester` watches one model per test: it keeps listening to the model's signals
until the test ends, so the edit tests check every insert, remove and move signal too.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

import asbdesk.gui.main_window as main_window
from asbdesk.gui.tree_model import Column

from .helpers import (
    BROXTOWE,
    GUI_MARKS,
    WELWYN,
    focus,
    row_at,
    select_row,
    show_plan,
    shown_rows,
    source_rows,
    wait_not_editing,
)

pytestmark = GUI_MARKS


@pytest.mark.parametrize("plan", [BROXTOWE, WELWYN], ids=["broxtowe", "welwyn"])
def test_plan_tree_model_passes_the_model_tester(window, qtmodeltester, plan):
    show_plan(window, plan)
    assert window.model.rowCount() > 0
    qtmodeltester.check(window.model, force_py=True)


@pytest.mark.parametrize("plan", [BROXTOWE, WELWYN], ids=["broxtowe", "welwyn"])
def test_filter_proxy_passes_the_model_tester(window, qtmodeltester, plan):
    show_plan(window, plan)
    assert window.proxy.rowCount() > 0
    qtmodeltester.check(window.proxy, force_py=True)


def test_filtered_proxy_passes_the_model_tester(welwyn, qtbot, qtmodeltester):
    with qtbot.waitSignal(welwyn.filter_bar.changed):
        qtbot.keyClicks(welwyn.filter_bar.search, "team")
    assert 0 < len(shown_rows(welwyn)) < len(source_rows(welwyn))
    qtmodeltester.check(welwyn.proxy, force_py=True)


def _edit_the_plan(window, qtbot, monkeypatch) -> None:
    """A morning's edits: move, indent, outdent, drag, add, rename, delete; all undone, redone."""
    monkeypatch.setattr(
        main_window.QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes
    )
    before = shown_rows(window)
    select_row(window, row_at(window, "1", "1.2"))
    focus(qtbot, window.view)
    for key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Right, Qt.Key.Key_Left):
        qtbot.keyClick(window.view, key, Qt.KeyboardModifier.AltModifier)
    window.proxy.dropMimeData(
        window.proxy.mimeData([row_at(window, "1", "1.1", "a)")]),
        Qt.DropAction.MoveAction,
        1,
        0,
        row_at(window, "1", "1.3"),
    )
    select_row(window, row_at(window, "1", "1.3"))
    window.add_child_action.trigger()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # keep "New action"
    wait_not_editing(qtbot, window.view)
    focus(qtbot, window.view)
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    qtbot.keyClicks(QApplication.focusWidget(), "Promote the Noise App")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    wait_not_editing(qtbot, window.view)
    select_row(window, row_at(window, "6"))
    window.delete()
    done = window.ops.undo_stack.count()
    assert done == 8
    for _ in range(done):
        window.undo_action.trigger()
    assert shown_rows(window) == before
    for _ in range(done):
        window.redo_action.trigger()
    assert ("6",) not in shown_rows(window)


def test_tree_model_signals_stay_consistent_through_edits(
    welwyn, qtbot, qtmodeltester, monkeypatch
):
    qtmodeltester.check(welwyn.model, force_py=True)
    _edit_the_plan(welwyn, qtbot, monkeypatch)
    assert welwyn.model.index(0, Column.REF).data() == "1"


def test_proxy_signals_stay_consistent_through_edits(welwyn, qtbot, qtmodeltester, monkeypatch):
    qtmodeltester.check(welwyn.proxy, force_py=True)
    _edit_the_plan(welwyn, qtbot, monkeypatch)
    assert welwyn.proxy.index(0, Column.REF).data() == "1"
