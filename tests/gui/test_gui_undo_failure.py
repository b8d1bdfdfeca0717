"""When an undo cannot be saved (the desk locked by another program, the disk full), the
officer is told, and the undo history is let go rather than left out of step."""

from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QMessageBox

from asbdesk.gui.tree_model import Column

from .helpers import GUI_MARKS, cell, row_at, saved_fields, select_row

pytestmark = GUI_MARKS


def test_an_undo_that_cannot_be_saved_says_so_and_clears_the_history(welwyn, qtbot, demo_desk):
    select_row(welwyn, row_at(welwyn, "1", "1.3"))
    node = welwyn.selected_node_id()
    title = row_at(welwyn, "1", "1.3").siblingAtColumn(Column.TITLE)
    assert welwyn.proxy.setData(title, "Channels to report ASB")
    entry = welwyn.ops.undo_stack.command(0)
    command = entry.command

    def locked(_desk):
        raise sqlite3.OperationalError("database is locked")

    command.undo = locked
    welwyn.undo_action.trigger()

    box = welwyn.findChild(QMessageBox, "errorMessage")
    assert box is not None and box.isVisible()
    assert "Another program is writing to this desk" in box.text()
    assert "undo history has been cleared" in box.text()
    qtbot.waitUntil(lambda: welwyn.ops.undo_stack.count() == 0)
    assert not welwyn.undo_action.isEnabled() and not welwyn.redo_action.isEnabled()
    assert saved_fields(demo_desk, node)["title"] == "Channels to report ASB"
    assert cell(row_at(welwyn, "1", "1.3"), Column.TITLE) == "Channels to report ASB"
    box.close()


def test_undo_and_redo_say_what_they_did_in_the_status_bar(welwyn, qtbot):
    select_row(welwyn, row_at(welwyn, "1", "1.3"))
    title = row_at(welwyn, "1", "1.3").siblingAtColumn(Column.TITLE)
    assert welwyn.proxy.setData(title, "Channels to report ASB")
    label = welwyn.ops.undo_stack.command(0).command.label
    welwyn.undo_action.trigger()
    assert welwyn.statusBar().currentMessage() == f"Undone: {label}"
    welwyn.redo_action.trigger()
    assert welwyn.statusBar().currentMessage() == f"Redone: {label}"
