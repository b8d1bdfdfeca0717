"""An officer keeps an action up to date in the detail editor: progress updates, a status
change with its reason, the target date, the leads and the milestones, each undoable."""

from __future__ import annotations

from datetime import date

from conftest import TODAY
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
)

from asbdesk.gui.tree_model import Column

from .helpers import (
    GUI_MARKS,
    answering_dialog,
    cancel_button,
    cell,
    focus,
    node_id,
    ok_button,
    rag_words,
    redo_key,
    row_at,
    saved_fields,
    select_row,
    uk,
    undo_key,
    wait_not_editing,
)

pytestmark = GUI_MARKS

# Welwyn Hatfield 1.4 a): Red, last updated 31/01/2019, no target date, no milestones.
SURVEYS = ("1.4", "a)")
# Welwyn Hatfield 1.4 b): Red, no update, no target date, no milestones.
FEEDBACK = ("1.4", "b)")


def _pick(window, *refs: str):
    row = row_at(window, "1", *refs)
    select_row(window, row)
    return row, node_id(window, row)


def _type_into(qtbot, edit: QLineEdit, text: str) -> None:
    """Click into a box, replace what it holds, and press Enter."""
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


# -- progress updates ----------------------------------------------------------------------


def test_add_an_update_shows_it_first_in_the_history_and_in_the_tree(welwyn, qtbot, demo_desk):
    row, node = _pick(welwyn, *SURVEYS)
    editor = welwyn.editor
    history = editor.updates.rowCount()
    assert cell(row, Column.LAST_UPDATE) == "31/01/2019"
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        text = dialog.findChild(QPlainTextEdit, "textEdit")
        assert text is not None
        qtbot.waitUntil(text.hasFocus)  # the officer can start typing at once
        seen["date"] = dialog.findChild(QLineEdit, "dateEdit").text()
        seen["period"] = dialog.findChild(QComboBox, "periodCombo").currentText()
        seen["modal"] = dialog.isModal()
        qtbot.keyClicks(text, "Survey now sent by text on closure; 41% returned.")
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with answering_dialog(fill):
        qtbot.mouseClick(editor.add_update_button, Qt.MouseButton.LeftButton)

    assert seen == {"date": uk(TODAY), "period": "Q3 2019/20", "modal": True}
    assert editor.updates.rowCount() == history + 1
    top = [editor.updates.item(0, c).text() for c in range(2)]
    assert top[0] == "15/11/2019\nQ3 2019/20"
    assert top[1].startswith("Survey now sent by text on closure; 41% returned.\n— ")
    assert cell(row_at(welwyn, "1", *SURVEYS), Column.LAST_UPDATE) == "15/11/2019"
    assert saved_fields(demo_desk, node)["updates"][-1] == (
        TODAY,
        "Q3 2019/20",
        "Survey now sent by text on closure; 41% returned.",
    )

    undo_key(welwyn, qtbot)
    assert editor.updates.rowCount() == history
    assert all("41% returned" not in editor.updates.item(r, 1).text() for r in range(history))
    assert cell(row_at(welwyn, "1", *SURVEYS), Column.LAST_UPDATE) == "31/01/2019"
    assert len(saved_fields(demo_desk, node)["updates"]) == history

    redo_key(welwyn, qtbot)
    assert editor.updates.item(0, 1).text().startswith("Survey now sent by text on closure")
    assert cell(row_at(welwyn, "1", *SURVEYS), Column.LAST_UPDATE) == "15/11/2019"


def test_an_update_needs_its_text(welwyn, qtbot):
    _pick(welwyn, *SURVEYS)
    history = welwyn.editor.updates.rowCount()
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
        seen["still open"] = dialog.isVisible()
        seen["message"] = dialog.findChild(QLabel, "messageLabel").text()
        qtbot.mouseClick(cancel_button(dialog), Qt.MouseButton.LeftButton)

    with answering_dialog(fill):
        welwyn.editor.add_update_button.click()

    assert seen == {"still open": True, "message": "Type the update itself."}
    assert welwyn.editor.updates.rowCount() == history
    assert welwyn.ops.undo_stack.count() == 0


# -- status with a reason -------------------------------------------------------------------


def test_change_a_status_with_a_reason(welwyn, qtbot, demo_desk):
    row, node = _pick(welwyn, *SURVEYS)
    editor = welwyn.editor
    assert cell(row, Column.STATUS) == "Red"
    assert "Red 8" in rag_words(welwyn) and "Green 18" in rag_words(welwyn)
    history = editor.updates.rowCount()
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        reason = dialog.findChild(QPlainTextEdit, "reasonEdit")
        assert reason is not None
        qtbot.waitUntil(reason.hasFocus)
        seen["question"] = dialog.findChild(QLabel, "questionLabel").text()
        ok = ok_button(dialog)
        seen["ok at first"] = ok.isEnabled()
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)  # does nothing while disabled
        seen["open after a click on OK"] = dialog.isVisible()
        qtbot.keyClicks(reason, "   ")
        seen["ok with spaces"] = ok.isEnabled()
        qtbot.keyClicks(reason, "Surveys restarted in October")
        seen["ok with a reason"] = ok.isEnabled()
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    focus(qtbot, editor.status_combo)
    with answering_dialog(fill):
        qtbot.keyClicks(editor.status_combo, "G")  # the first status starting with G: Green

    assert seen == {
        "question": "Change the status of “a) Ensure as many cases as possible are surveyed on "
        "closure” from Red to Green?",
        "ok at first": False,
        "open after a click on OK": True,
        "ok with spaces": False,
        "ok with a reason": True,
    }
    row = row_at(welwyn, "1", *SURVEYS)
    assert cell(row, Column.STATUS) == "Green"
    assert cell(row.parent(), Column.STATUS) == "Red"  # b) is still Red: the worst rolls up
    assert "Red 7" in rag_words(welwyn) and "Green 19" in rag_words(welwyn)
    assert editor.status_combo.currentText() == "Green"
    assert editor.status_reason.text() == "Reason: Surveys restarted in October"
    assert editor.updates.rowCount() == history + 1
    when, what = (editor.updates.item(0, c).text() for c in range(2))
    assert when == "15/11/2019\nQ3 2019/20"
    assert what.startswith("Status Red → Green: Surveys restarted in October\n— ")
    assert what.endswith(", Green")
    desk = saved_fields(demo_desk, node)
    assert (desk["status"], desk["status_reason"]) == ("green", "Surveys restarted in October")

    undo_key(welwyn, qtbot)
    assert cell(row_at(welwyn, "1", *SURVEYS), Column.STATUS) == "Red"
    assert editor.status_combo.currentText() == "Red"
    assert editor.updates.rowCount() == history
    assert "Red 8" in rag_words(welwyn)
    assert saved_fields(demo_desk, node)["status"] == "red"

    redo_key(welwyn, qtbot)
    assert cell(row_at(welwyn, "1", *SURVEYS), Column.STATUS) == "Green"
    assert editor.updates.item(0, 1).text().startswith("Status Red → Green: Surveys restarted")
    assert saved_fields(demo_desk, node)["status"] == "green"


def test_cancelling_the_reason_leaves_the_status_alone(welwyn, qtbot, demo_desk):
    row, node = _pick(welwyn, *SURVEYS)
    editor = welwyn.editor
    history = editor.updates.rowCount()

    def cancel(dialog: QDialog) -> None:
        qtbot.keyClicks(dialog.findChild(QPlainTextEdit, "reasonEdit"), "Changed my mind")
        qtbot.mouseClick(cancel_button(dialog), Qt.MouseButton.LeftButton)

    blue = editor.status_combo.findText("Blue")
    with answering_dialog(cancel):
        editor.status_combo.setCurrentIndex(blue)
        editor.status_combo.activated.emit(blue)

    assert editor.status_combo.currentText() == "Red"
    assert cell(row_at(welwyn, "1", *SURVEYS), Column.STATUS) == "Red"
    assert editor.updates.rowCount() == history
    assert saved_fields(demo_desk, node)["status"] == "red"
    assert len(saved_fields(demo_desk, node)["updates"]) == history
    assert welwyn.ops.undo_stack.count() == 0


# -- target date ----------------------------------------------------------------------------


def test_a_target_date_that_cannot_be_read_is_refused_and_not_saved(welwyn, qtbot, demo_desk):
    row, node = _pick(welwyn, *FEEDBACK)
    editor = welwyn.editor
    assert editor.target_edit.text() == ""

    _type_into(qtbot, editor.target_edit, "Sept 20155")

    assert editor.target_message.isVisible()
    assert "'Sept 20155'" in editor.target_message.text()
    assert "The target date is still not set." in editor.target_message.text()
    assert saved_fields(demo_desk, node)["target_date"] is None
    assert cell(row_at(welwyn, "1", *FEEDBACK), Column.TARGET) == ""
    assert welwyn.ops.undo_stack.count() == 0


def test_a_target_date_typed_with_dots_is_saved_and_shown_uk_style(welwyn, qtbot, demo_desk):
    row, node = _pick(welwyn, *FEEDBACK)
    editor = welwyn.editor
    _type_into(qtbot, editor.target_edit, "Sept 20155")
    assert editor.target_message.isVisible()

    _type_into(qtbot, editor.target_edit, "31.3.2020")

    assert not editor.target_message.isVisible()
    assert editor.target_edit.text() == "31/03/2020"
    assert cell(row_at(welwyn, "1", *FEEDBACK), Column.TARGET) == "31/03/2020"
    assert saved_fields(demo_desk, node)["target_date"] == date(2020, 3, 31)

    undo_key(welwyn, qtbot)
    assert editor.target_edit.text() == ""
    assert cell(row_at(welwyn, "1", *FEEDBACK), Column.TARGET) == ""
    assert saved_fields(demo_desk, node)["target_date"] is None


# -- lead officers ------------------------------------------------------------------------


def test_two_lead_officers_typed_with_a_semicolon(welwyn, qtbot, demo_desk):
    row, node = _pick(welwyn, *FEEDBACK)
    editor = welwyn.editor
    before = saved_fields(demo_desk, node)["officers"]
    assert before == ["ASB Team Leader", "ASB Team"]

    _type_into(qtbot, editor.lead_edit, "Anna Patel;  Ben Okafor ")

    assert saved_fields(demo_desk, node)["officers"] == ["Anna Patel", "Ben Okafor"]
    assert cell(row_at(welwyn, "1", *FEEDBACK), Column.LEAD) == "Anna Patel; Ben Okafor"
    assert editor.lead_edit.text() == "Anna Patel; Ben Okafor"

    undo_key(welwyn, qtbot)
    assert saved_fields(demo_desk, node)["officers"] == before
    assert editor.lead_edit.text() == "ASB Team Leader; ASB Team"
    assert cell(row_at(welwyn, "1", *FEEDBACK), Column.LEAD) == "ASB Team Leader; ASB Team"


# -- title, saved on leaving the box --------------------------------------------------------


def test_the_title_is_saved_when_the_officer_moves_on(welwyn, qtbot, demo_desk):
    row, node = _pick(welwyn, *FEEDBACK)
    editor = welwyn.editor
    qtbot.mouseClick(editor.title_edit.viewport(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(editor.title_edit.hasFocus)
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor.title_edit, "Share survey results with the team monthly")
    assert saved_fields(demo_desk, node)["title"].startswith("Review and feedback")

    focus(qtbot, welwyn.view)  # Tab or a click elsewhere

    assert saved_fields(demo_desk, node)["title"] == "Share survey results with the team monthly"
    assert cell(row_at(welwyn, "1", *FEEDBACK), Column.TITLE) == (
        "Share survey results with the team monthly"
    )
    undo_key(welwyn, qtbot)
    assert saved_fields(demo_desk, node)["title"].startswith("Review and feedback")


# -- milestones ---------------------------------------------------------------------------


def _next_cell_editor(qtbot, previous: QLineEdit | None) -> QLineEdit:
    qtbot.waitUntil(
        lambda: (
            isinstance(QApplication.focusWidget(), QLineEdit)
            and QApplication.focusWidget() is not previous
        )
    )
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    return editor


def test_milestone_counts_set_the_delivered_percent(welwyn, qtbot, demo_desk):
    row, node = _pick(welwyn, *FEEDBACK)
    editor = welwyn.editor
    table = editor.milestones
    assert table.rowCount() == 0
    assert cell(row, Column.DELIVERED) == ""
    assert cell(row.parent(), Column.DELIVERED) == ""

    qtbot.mouseClick(editor.add_milestone_button, Qt.MouseButton.LeftButton)
    assert table.rowCount() == 1
    text = _next_cell_editor(qtbot, None)
    assert text.text() == "New milestone"
    qtbot.keyClicks(text, "Publish a quarterly you-said-we-did")  # typed over: it was selected
    qtbot.keyClick(text, Qt.Key.Key_Tab)
    target = _next_cell_editor(qtbot, text)
    qtbot.keyClicks(target, "4")
    qtbot.keyClick(target, Qt.Key.Key_Tab)
    done = _next_cell_editor(qtbot, target)
    qtbot.keyClicks(done, "3")
    qtbot.keyClick(done, Qt.Key.Key_Return)
    wait_not_editing(qtbot, table)

    assert [table.item(0, c).text() for c in range(3)] == [
        "Publish a quarterly you-said-we-did",
        "4",
        "3",
    ]
    assert saved_fields(demo_desk, node)["milestones"] == [
        ("Publish a quarterly you-said-we-did", 4, 3)
    ]
    row = row_at(welwyn, "1", *FEEDBACK)
    assert cell(row, Column.DELIVERED) == "75%"
    # 1.4 has two actions: 75 % and one with nothing counted, which weighs in as 0
    assert cell(row.parent(), Column.DELIVERED) == "38%"

    undo_key(welwyn, qtbot)  # the done count
    assert table.item(0, 2).text() == ""
    assert cell(row_at(welwyn, "1", *FEEDBACK), Column.DELIVERED) == "0%"
    undo_key(welwyn, qtbot)  # the target count
    assert cell(row_at(welwyn, "1", *FEEDBACK), Column.DELIVERED) == ""
    undo_key(welwyn, qtbot)  # the wording
    assert table.item(0, 0).text() == "New milestone"
    undo_key(welwyn, qtbot)  # the milestone itself
    assert table.rowCount() == 0
    assert saved_fields(demo_desk, node)["milestones"] == []


def test_a_count_that_is_not_a_number_is_refused(welwyn, qtbot, demo_desk):
    _row, node = _pick(welwyn, *FEEDBACK)
    editor = welwyn.editor
    qtbot.mouseClick(editor.add_milestone_button, Qt.MouseButton.LeftButton)
    text = _next_cell_editor(qtbot, None)
    qtbot.keyClick(text, Qt.Key.Key_Tab)
    target = _next_cell_editor(qtbot, text)
    qtbot.keyClicks(target, "ten")
    qtbot.keyClick(target, Qt.Key.Key_Return)
    wait_not_editing(qtbot, editor.milestones)

    box = welwyn.findChild(QMessageBox, "errorMessage")
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert "'ten' is not a whole number" in box.text()
    box.close()
    assert editor.milestones.item(0, 1).text() == ""
    assert saved_fields(demo_desk, node)["milestones"] == [("New milestone", None, None)]
