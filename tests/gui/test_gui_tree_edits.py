"""An officer works on the plan's tree: picks a node, renames it in place, adds, deletes and
moves nodes with the mouse and the keyboard, and undoes and redoes each of those."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QMessageBox

import asbdesk.gui.main_window as main_window
from asbdesk.gui.tree_model import Column

from .helpers import (
    BROXTOWE,
    GUI_MARKS,
    cell,
    child_titles,
    click_row,
    dense,
    focus,
    node_id,
    rag_words,
    redo_key,
    row_at,
    saved_children,
    saved_fields,
    select_row,
    show_plan,
    shown_rows,
    undo_key,
    wait_not_editing,
)

pytestmark = GUI_MARKS

ALT = Qt.KeyboardModifier.AltModifier


def _plan_id(window) -> int:
    plan = window.current_plan_id()
    assert plan is not None
    return plan


# -- picking a node ---------------------------------------------------------------------


def test_clicking_a_row_shows_that_node_in_the_detail_editor(welwyn, qtbot):
    row = row_at(welwyn, "1", "1.3")
    click_row(welwyn, qtbot, row)

    assert welwyn.view.currentIndex().siblingAtColumn(0) == row
    editor = welwyn.editor
    assert editor.heading.text() == "Objective 1.3"
    assert editor.ref_edit.text() == "1.3"
    assert editor.title_edit.toPlainText() == (
        "Provide an accessible service with a variety of channels through which to report ASB"
    )
    assert editor.lead_edit.text() == cell(row, Column.LEAD)


def test_moving_down_the_tree_with_the_keyboard_follows_in_the_editor(welwyn, qtbot):
    select_row(welwyn, row_at(welwyn, "1", "1.3"))
    focus(qtbot, welwyn.view)
    qtbot.keyClick(welwyn.view, Qt.Key.Key_Right)  # expand 1.3
    qtbot.keyClick(welwyn.view, Qt.Key.Key_Down)  # its first action

    assert welwyn.editor.heading.text() == "Action a)"
    assert welwyn.editor.title_edit.toPlainText().startswith("Ensure points of contact")


def test_each_level_is_named_in_the_editor_heading(window):
    show_plan(window, BROXTOWE)
    select_row(window, row_at(window, "1"))
    assert window.editor.heading.text() == "Target 1"
    select_row(window, row_at(window, "1", "1.3"))
    assert window.editor.heading.text() == "Action 1.3"


# -- rename in place ----------------------------------------------------------------------


def test_rename_in_place_with_f2_then_undo_and_redo(welwyn, qtbot, demo_desk):
    row = row_at(welwyn, "1", "1.3")
    old = cell(row, Column.TITLE)
    node = node_id(welwyn, row)
    select_row(welwyn, row)
    focus(qtbot, welwyn.view)

    qtbot.keyClick(welwyn.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    assert welwyn.view.state() == QAbstractItemView.State.EditingState
    assert editor.text() == old  # the title, not the ref, and all of it selected to type over
    assert editor.selectedText() == old

    qtbot.keyClicks(editor, "Offer more ways to report ASB")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    wait_not_editing(qtbot, welwyn.view)

    row = row_at(welwyn, "1", "1.3")
    assert cell(row, Column.TITLE) == "Offer more ways to report ASB"
    assert welwyn.editor.title_edit.toPlainText() == "Offer more ways to report ASB"
    assert saved_fields(demo_desk, node)["title"] == "Offer more ways to report ASB"

    undo_key(welwyn, qtbot)
    assert cell(row_at(welwyn, "1", "1.3"), Column.TITLE) == old
    assert welwyn.editor.title_edit.toPlainText() == old
    assert saved_fields(demo_desk, node)["title"] == old

    redo_key(welwyn, qtbot)
    assert cell(row_at(welwyn, "1", "1.3"), Column.TITLE) == "Offer more ways to report ASB"
    assert saved_fields(demo_desk, node)["title"] == "Offer more ways to report ASB"


def test_escape_leaves_the_title_as_it_was(welwyn, qtbot, demo_desk):
    row = row_at(welwyn, "2")
    old = cell(row, Column.TITLE)
    select_row(welwyn, row)
    focus(qtbot, welwyn.view)
    qtbot.keyClick(welwyn.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClicks(editor, "Something else")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    wait_not_editing(qtbot, welwyn.view)

    assert cell(row_at(welwyn, "2"), Column.TITLE) == old
    assert saved_fields(demo_desk, node_id(welwyn, row))["title"] == old
    assert welwyn.ops.undo_stack.count() == 0


def test_a_blank_title_is_not_saved(welwyn, qtbot, demo_desk):
    row = row_at(welwyn, "2")
    old = cell(row, Column.TITLE)
    select_row(welwyn, row)
    focus(qtbot, welwyn.view)
    qtbot.keyClick(welwyn.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_Delete)  # the whole title was selected
    assert editor.text() == ""
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    wait_not_editing(qtbot, welwyn.view)

    assert cell(row_at(welwyn, "2"), Column.TITLE) == old
    assert saved_fields(demo_desk, node_id(welwyn, row))["title"] == old


# -- delete -----------------------------------------------------------------------------


@pytest.fixture
def answer_delete(monkeypatch):
    """Answers the "Delete …?" question with `answer[0]` and records what it asked."""
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.Yes]

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(main_window.QMessageBox, "question", question)
    return asked, answer


def test_delete_a_node_with_its_actions_then_undo_and_redo(welwyn, qtbot, demo_desk, answer_delete):
    asked, _answer = answer_delete
    plan = _plan_id(welwyn)
    row = row_at(welwyn, "1", "1.2")
    doomed = node_id(welwyn, row)
    parent = node_id(welwyn, row_at(welwyn, "1"))
    kids = child_titles(row)
    assert len(kids) == 3
    objectives = child_titles(row_at(welwyn, "1"))
    counts_before = welwyn.rag_label.accessibleName()
    assert "Amber 5" in counts_before  # 1.2's three actions are three of the five Amber

    select_row(welwyn, row)
    welwyn.delete()

    assert len(asked) == 1
    assert "1.2 Develop a Risk Assessment for identifying need" in asked[0]
    assert "the 3 items under it" in asked[0]
    assert child_titles(row_at(welwyn, "1")) == [t for t in objectives if t != objectives[1]]
    assert not any(r[:2] == ("1", "1.2") for r in shown_rows(welwyn))
    assert "Amber 2" in welwyn.rag_label.accessibleName()
    assert "Amber 2" in rag_words(welwyn)
    assert saved_fields(demo_desk, doomed)["deleted"] is True
    assert dense(saved_children(demo_desk, plan, parent))

    undo_key(welwyn, qtbot)
    back = row_at(welwyn, "1", "1.2")
    assert back.row() == 1
    assert child_titles(row_at(welwyn, "1")) == objectives
    assert child_titles(back) == kids
    assert welwyn.rag_label.accessibleName() == counts_before
    assert saved_fields(demo_desk, doomed)["deleted"] is False
    assert [i for i, _p in saved_children(demo_desk, plan, parent)][1] == doomed
    assert dense(saved_children(demo_desk, plan, parent))

    redo_key(welwyn, qtbot)
    assert child_titles(row_at(welwyn, "1")) == [t for t in objectives if t != objectives[1]]
    assert "Amber 2" in welwyn.rag_label.accessibleName()
    assert saved_fields(demo_desk, doomed)["deleted"] is True


def test_answering_no_keeps_the_node(welwyn, demo_desk, answer_delete):
    asked, answer = answer_delete
    answer[0] = QMessageBox.StandardButton.No
    row = row_at(welwyn, "1", "1.2")
    doomed = node_id(welwyn, row)
    before = shown_rows(welwyn)
    counts = welwyn.rag_label.accessibleName()
    select_row(welwyn, row)

    welwyn.delete()

    assert len(asked) == 1
    assert shown_rows(welwyn) == before
    assert welwyn.rag_label.accessibleName() == counts
    assert saved_fields(demo_desk, doomed)["deleted"] is False
    assert welwyn.ops.undo_stack.count() == 0


def test_the_delete_key_asks_first(welwyn, qtbot, answer_delete):
    asked, answer = answer_delete
    answer[0] = QMessageBox.StandardButton.No
    select_row(welwyn, row_at(welwyn, "3"))
    focus(qtbot, welwyn.view)
    qtbot.keyClick(welwyn.view, Qt.Key.Key_Delete)
    assert len(asked) == 1 and "“3 Maintain and develop" in asked[0]


# -- drag to move -------------------------------------------------------------------------


def test_drag_an_action_to_another_objective_then_undo(welwyn, qtbot, demo_desk):
    plan = _plan_id(welwyn)
    action = row_at(welwyn, "1", "1.1", "a)")
    moved = node_id(welwyn, action)
    title = cell(action, Column.TITLE)
    old_parent = node_id(welwyn, row_at(welwyn, "1", "1.1"))
    new_parent_row = row_at(welwyn, "1", "1.3")
    new_parent = node_id(welwyn, new_parent_row)
    old_kids = child_titles(row_at(welwyn, "1", "1.1"))
    new_kids = child_titles(new_parent_row)

    # What the view does on a drop between 1.3's first and second actions.
    welwyn.proxy.dropMimeData(
        welwyn.proxy.mimeData([action]), Qt.DropAction.MoveAction, 1, 0, new_parent_row
    )

    assert child_titles(row_at(welwyn, "1", "1.1")) == old_kids[1:]
    assert child_titles(row_at(welwyn, "1", "1.3")) == [new_kids[0], title, new_kids[1]]
    assert saved_fields(demo_desk, moved)["parent_id"] == new_parent
    assert [i for i, _p in saved_children(demo_desk, plan, new_parent)][1] == moved
    assert dense(saved_children(demo_desk, plan, new_parent))
    assert dense(saved_children(demo_desk, plan, old_parent))

    undo_key(welwyn, qtbot)
    assert child_titles(row_at(welwyn, "1", "1.1")) == old_kids
    assert child_titles(row_at(welwyn, "1", "1.3")) == new_kids
    assert saved_fields(demo_desk, moved)["parent_id"] == old_parent
    assert [i for i, _p in saved_children(demo_desk, plan, old_parent)][0] == moved
    assert dense(saved_children(demo_desk, plan, new_parent))
    assert dense(saved_children(demo_desk, plan, old_parent))


def test_drag_down_within_the_same_objective(welwyn, demo_desk):
    plan = _plan_id(welwyn)
    parent_row = row_at(welwyn, "1", "1.1")
    parent = node_id(welwyn, parent_row)
    kids = child_titles(parent_row)  # a) … e)

    # Dropped just above e): a) comes after d).
    welwyn.proxy.dropMimeData(
        welwyn.proxy.mimeData([row_at(welwyn, "1", "1.1", "a)")]),
        Qt.DropAction.MoveAction,
        4,
        0,
        parent_row,
    )

    assert child_titles(row_at(welwyn, "1", "1.1")) == [*kids[1:4], kids[0], kids[4]]
    assert dense(saved_children(demo_desk, plan, parent))


def test_a_node_cannot_be_dragged_into_its_own_action(welwyn, qtbot, demo_desk):
    before = shown_rows(welwyn)
    objective = row_at(welwyn, "1", "1.2")
    welwyn.proxy.dropMimeData(
        welwyn.proxy.mimeData([objective]),
        Qt.DropAction.MoveAction,
        0,
        0,
        row_at(welwyn, "1", "1.2", "a)"),
    )

    box = welwyn.findChild(QMessageBox, "errorMessage")
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert "cannot be moved into itself" in box.text()
    box.close()
    assert shown_rows(welwyn) == before
    assert welwyn.ops.undo_stack.count() == 0


# -- keyboard moves -------------------------------------------------------------------------


def test_alt_arrows_move_the_selected_node_and_keep_it_selected(welwyn, qtbot, demo_desk):
    plan = _plan_id(welwyn)
    top = node_id(welwyn, row_at(welwyn, "1"))
    row = row_at(welwyn, "1", "1.2")
    moving = node_id(welwyn, row)
    title = cell(row, Column.TITLE)
    kids = child_titles(row)
    objectives = child_titles(row_at(welwyn, "1"))
    select_row(welwyn, row)
    focus(qtbot, welwyn.view)

    def selected() -> tuple[int, str]:
        current = welwyn.view.currentIndex()
        return node_id(welwyn, current), cell(current, Column.TITLE)

    qtbot.keyClick(welwyn.view, Qt.Key.Key_Up, ALT)
    assert child_titles(row_at(welwyn, "1")) == [objectives[1], objectives[0], *objectives[2:]]
    assert selected() == (moving, title)
    assert welwyn.editor.title_edit.toPlainText() == title

    qtbot.keyClick(welwyn.view, Qt.Key.Key_Down, ALT)
    assert child_titles(row_at(welwyn, "1")) == objectives
    assert selected() == (moving, title)

    qtbot.keyClick(welwyn.view, Qt.Key.Key_Right, ALT)  # indent: the last child of 1.1
    assert child_titles(row_at(welwyn, "1")) == [objectives[0], *objectives[2:]]
    under = row_at(welwyn, "1", "1.1", "1.2")
    assert under.row() == 5
    assert child_titles(under) == kids
    assert selected() == (moving, title)
    assert welwyn.view.isExpanded(under.parent())
    assert saved_fields(demo_desk, moving)["parent_id"] == node_id(welwyn, under.parent())
    assert dense(saved_children(demo_desk, plan, top))

    qtbot.keyClick(welwyn.view, Qt.Key.Key_Left, ALT)  # outdent: back after 1.1
    assert child_titles(row_at(welwyn, "1")) == objectives
    assert selected() == (moving, title)
    assert saved_fields(demo_desk, moving)["parent_id"] == top
    assert dense(saved_children(demo_desk, plan, top))

    for _ in range(4):
        undo_key(welwyn, qtbot)
    assert child_titles(row_at(welwyn, "1")) == objectives
    assert child_titles(row_at(welwyn, "1", "1.2")) == kids


def test_alt_up_on_the_first_node_changes_nothing(welwyn, qtbot):
    before = shown_rows(welwyn)
    select_row(welwyn, row_at(welwyn, "1"))
    focus(qtbot, welwyn.view)
    qtbot.keyClick(welwyn.view, Qt.Key.Key_Up, ALT)
    qtbot.keyClick(welwyn.view, Qt.Key.Key_Right, ALT)  # nothing above to indent under
    qtbot.keyClick(welwyn.view, Qt.Key.Key_Left, ALT)  # already at the top level
    assert shown_rows(welwyn) == before
    assert welwyn.ops.undo_stack.count() == 0
    assert cell(welwyn.view.currentIndex(), Column.REF) == "1"


# -- add child, add sibling -------------------------------------------------------------------


def test_add_child_makes_a_new_action_ready_to_name(welwyn, qtbot, demo_desk):
    parent_row = row_at(welwyn, "1", "1.3")
    kids = child_titles(parent_row)
    select_row(welwyn, parent_row)

    welwyn.add_child_action.trigger()

    assert child_titles(row_at(welwyn, "1", "1.3")) == [*kids, "New action"]
    current = welwyn.view.currentIndex()
    assert cell(current, Column.TITLE) == "New action"
    assert current.parent().siblingAtColumn(0) == row_at(welwyn, "1", "1.3")
    new = node_id(welwyn, current)
    assert welwyn.editor.heading.text() == "Action c)"  # the next letter after a) and b)
    assert welwyn.view.state() == QAbstractItemView.State.EditingState
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    assert editor.text() == "New action"

    qtbot.keyClicks(editor, "Publish the out-of-hours number")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    wait_not_editing(qtbot, welwyn.view)
    assert child_titles(row_at(welwyn, "1", "1.3"))[-1] == "Publish the out-of-hours number"
    assert saved_fields(demo_desk, new)["title"] == "Publish the out-of-hours number"

    undo_key(welwyn, qtbot)  # the name
    assert child_titles(row_at(welwyn, "1", "1.3"))[-1] == "New action"
    undo_key(welwyn, qtbot)  # the node
    assert child_titles(row_at(welwyn, "1", "1.3")) == kids
    assert saved_fields(demo_desk, new)["deleted"] is True


def test_add_child_of_a_commitment_is_a_new_objective(welwyn, qtbot):
    select_row(welwyn, row_at(welwyn, "6"))
    welwyn.add_child_action.trigger()
    assert child_titles(row_at(welwyn, "6"))[-1] == "New objective"
    assert welwyn.editor.heading.text() == "Objective 6.4"  # after 6.1, 6.2, 6.3
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "New objective"


def test_add_sibling_puts_a_new_action_just_after_the_selected_one(welwyn, qtbot, demo_desk):
    plan = _plan_id(welwyn)
    parent_row = row_at(welwyn, "1", "1.3")
    parent = node_id(welwyn, parent_row)
    kids = child_titles(parent_row)
    select_row(welwyn, row_at(welwyn, "1", "1.3", "a)"))

    welwyn.add_sibling_action.trigger()

    assert child_titles(row_at(welwyn, "1", "1.3")) == [kids[0], "New action", kids[1]]
    current = welwyn.view.currentIndex()
    assert current.row() == 1 and cell(current, Column.TITLE) == "New action"
    assert welwyn.view.state() == QAbstractItemView.State.EditingState
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "New action"
    new = node_id(welwyn, current)
    assert saved_fields(demo_desk, new)["parent_id"] == parent
    assert dense(saved_children(demo_desk, plan, parent))

    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    wait_not_editing(qtbot, welwyn.view)
    undo_key(welwyn, qtbot)
    assert child_titles(row_at(welwyn, "1", "1.3")) == kids
    assert saved_fields(demo_desk, new)["deleted"] is True
    assert dense(saved_children(demo_desk, plan, parent))


def test_ctrl_return_adds_a_sibling(welwyn, qtbot):
    select_row(welwyn, row_at(welwyn, "2"))
    focus(qtbot, welwyn.view)
    qtbot.keyClick(welwyn.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    # Put between 2 and 3, so no ref is guessed: the run would read 1, 2, 7, 3 …
    assert [r for r in shown_rows(welwyn) if len(r) == 1][2] == ("",)
    assert cell(welwyn.proxy.index(2, 0), Column.TITLE) == "New commitment"
    assert welwyn.view.state() == QAbstractItemView.State.EditingState


# -- undo while another plan is shown --------------------------------------------------------


def test_undo_a_move_while_another_plan_is_shown(welwyn, qtbot):
    """The undo stack is the desk's: undoing shows the plan it happened in, not out of sight."""
    select_row(welwyn, row_at(welwyn, "1"))
    focus(qtbot, welwyn.view)
    qtbot.keyClick(welwyn.view, Qt.Key.Key_Down, ALT)  # commitment 1 after commitment 2
    assert [r[0] for r in shown_rows(welwyn) if len(r) == 1][:2] == ["2", "1"]
    show_plan(welwyn, BROXTOWE)

    with qtbot.captureExceptions() as exceptions:
        undo_key(welwyn, qtbot)  # the undo stack is the desk's, not the plan's

    assert [repr(e[1]) for e in exceptions] == []
    assert welwyn.plan_combo.currentIndex() == 1  # back on Welwyn Hatfield, where it happened
    assert [r[0] for r in shown_rows(welwyn) if len(r) == 1][:2] == ["1", "2"]
    assert cell(welwyn.view.currentIndex(), Column.REF) == "1"


def test_undo_a_delete_while_another_plan_is_shown(welwyn, qtbot, demo_desk, answer_delete):
    row = row_at(welwyn, "6")
    doomed = node_id(welwyn, row)
    select_row(welwyn, row)
    welwyn.delete()
    assert ("6",) not in shown_rows(welwyn)
    show_plan(welwyn, BROXTOWE)
    broxtowe = shown_rows(welwyn)

    with qtbot.captureExceptions() as exceptions:
        undo_key(welwyn, qtbot)

    assert [repr(e[1]) for e in exceptions] == []
    assert saved_fields(demo_desk, doomed)["deleted"] is False
    assert welwyn.plan_combo.currentIndex() == 1  # back on Welwyn Hatfield, where it happened
    assert ("6",) in shown_rows(welwyn)
    assert welwyn.selected_node_id() == doomed
    show_plan(welwyn, BROXTOWE)
    assert shown_rows(welwyn) == broxtowe  # Broxtowe untouched


# -- adding while a filter is on -----------------------------------------------------------------


def test_add_child_while_the_filter_would_hide_it(welwyn, qtbot, demo_desk):
    plan = _plan_id(welwyn)
    with qtbot.waitSignal(welwyn.filter_bar.changed):
        qtbot.keyClicks(welwyn.filter_bar.search, "noise")
    objective = row_at(welwyn, "1", "1.3")
    parent = node_id(welwyn, objective)
    title = cell(objective, Column.TITLE)
    select_row(welwyn, objective)

    welwyn.add_child_action.trigger()
    editor = QApplication.focusWidget()
    if isinstance(editor, QLineEdit):
        qtbot.keyClicks(editor, "Promote the Noise App")
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        wait_not_editing(qtbot, welwyn.view)

    assert saved_fields(demo_desk, parent)["title"] == title  # the objective keeps its name
    new = saved_children(demo_desk, plan, parent)[-1][0]
    assert saved_fields(demo_desk, new)["title"] == "Promote the Noise App"
