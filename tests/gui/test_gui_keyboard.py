"""Working from the keyboard alone, as an officer on a laptop does: Alt letters that do not
clash, the focus back where it was, Return from the search to the match, and keys that act
only where they should."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QPlainTextEdit

from asbdesk.gui.tree_model import Column

from .helpers import (
    BROXTOWE,
    GUI_MARKS,
    WELWYN,
    answering_dialog,
    cell,
    focus,
    row_at,
    saved_fields,
    select_row,
    show_plan,
)

pytestmark = GUI_MARKS


def _mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text)
    return found.group(1).lower() if found else None


def test_alt_letters_are_unique_and_leave_the_menus_alone(window):
    _ = window.editor  # built, as it is once the window has painted
    menus = {_mnemonic(a.text()) for a in window.menuBar().actions()}
    assert menus == {"f", "e", "v", "h"}
    letters: list[tuple[str, str]] = []
    plain = [w for w in window.findChildren(QLabel) if w.textFormat() != Qt.TextFormat.RichText]
    for widget in plain + window.findChildren(QAbstractButton):
        if widget.isVisibleTo(window) and (letter := _mnemonic(widget.text())):
            letters.append((letter, widget.text()))
    taken = [letter for letter, _ in letters]
    assert not [t for letter, t in letters if letter in menus], "a field takes a menu's letter"
    assert len(taken) == len(set(taken)), sorted(letters)


def test_return_in_the_search_goes_to_the_first_match(welwyn, qtbot):
    select_row(welwyn, row_at(welwyn, "1"))
    focus(qtbot, welwyn.filter_bar.search)
    qtbot.keyClicks(welwyn.filter_bar.search, "noise")
    qtbot.keyClick(welwyn.filter_bar.search, Qt.Key.Key_Return)
    assert welwyn.view.hasFocus()
    assert cell(welwyn.view.currentIndex(), Column.REF) == "b)"
    assert "Noise App" in cell(welwyn.view.currentIndex(), Column.TITLE)


def test_a_status_change_from_the_tree_gives_the_focus_back(welwyn, qtbot, demo_desk, monkeypatch):
    row = row_at(welwyn, "1", "1.4", "a)")
    select_row(welwyn, row)
    node = welwyn.selected_node_id()
    focus(qtbot, welwyn.view)
    combo = welwyn.editor.status_combo

    def reason(dialog):
        box = dialog.findChild(QPlainTextEdit, "reasonEdit")
        qtbot.keyClicks(box, "Surveys restarted")
        qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    # Qt's own list popup cannot open offscreen; the choice is made as from the list.
    monkeypatch.setattr(combo, "showPopup", lambda: None)
    welwyn.editor.ask_status()  # Ctrl+T
    with answering_dialog(reason):
        combo.setCurrentIndex(combo.findData("amber"))
        combo.activated.emit(combo.currentIndex())
    assert saved_fields(demo_desk, node)["status"] == "amber"
    # The window's focus is back in the tree, so the next arrow key moves there. (The
    # window itself is re-activated by the desktop; offscreen there is none to do it.)
    assert welwyn.focusWidget() is welwyn.view


def test_arrow_keys_on_the_closed_status_box_change_nothing(welwyn, qtbot, demo_desk):
    select_row(welwyn, row_at(welwyn, "1", "1.4", "a)"))
    node = welwyn.selected_node_id()
    combo = welwyn.editor.status_combo
    focus(qtbot, combo)
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_End):
        qtbot.keyClick(combo, key)
    assert combo.currentText() == "Red"
    assert saved_fields(demo_desk, node)["status"] == "red"
    assert not welwyn.ops.undo_stack.canUndo()


def test_on_the_indicators_tab_the_tree_keys_do_nothing(window, qtbot):
    show_plan(window, BROXTOWE)
    rows = window.model.rowCount()
    window.show_indicators()
    assert window.indicators.table.hasFocus()
    assert not window.add_sibling_action.isEnabled()
    qtbot.keyClick(window.indicators.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.model.rowCount() == rows
    assert not window.ops.undo_stack.canUndo()
    window.show_tree()
    assert window.add_sibling_action.isEnabled() and window.view.hasFocus()


def test_remove_milestone_needs_a_chosen_milestone(window, qtbot, demo_desk):
    show_plan(window, BROXTOWE)
    select_row(window, row_at(window, "1", "1.1"))
    editor = window.editor
    assert editor.milestones.rowCount() == 3
    assert not editor.remove_milestone_button.isEnabled()
    editor.milestones.selectRow(1)
    assert editor.remove_milestone_button.isEnabled()
    editor.remove_milestone_button.click()
    assert editor.milestones.rowCount() == 2
    assert [editor.milestones.item(r, 0).text() for r in range(2)][1] == "20 x Stapleford"


def test_each_plan_keeps_its_place(window, qtbot):
    show_plan(window, WELWYN)
    select_row(window, row_at(window, "4", "4.2"))
    show_plan(window, BROXTOWE)
    select_row(window, row_at(window, "3", "3.2"))
    show_plan(window, WELWYN)
    assert cell(window.view.currentIndex(), Column.REF) == "4.2"
    show_plan(window, BROXTOWE)
    assert cell(window.view.currentIndex(), Column.REF) == "3.2"
