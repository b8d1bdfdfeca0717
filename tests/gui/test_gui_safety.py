"""The window keeps the desk safe: a desk in use opens read-only on request, a damaged one
is restored from a backup into a new file, File ▸ Restore from backup…, a full disk."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from conftest import TODAY
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton
from sqlalchemy import event

from asbdesk import backups
from asbdesk.commands import EditNode
from asbdesk.desk import Desk, open_desk
from asbdesk.gui.app import DeskController
from asbdesk.gui.desk_safety import RestoreDialog
from asbdesk.gui.main_window import MainWindow
from asbdesk.gui.tree_model import Column

from .helpers import GUI_MARKS, answering_dialog, cell, focus, node_id, row_at, select_row

pytestmark = GUI_MARKS


def _button(box: QMessageBox, words: str) -> QPushButton:
    found = [b for b in box.buttons() if words in b.text().replace("&", "")]
    assert len(found) == 1, [b.text() for b in box.buttons()]
    button = found[0]
    assert isinstance(button, QPushButton)
    return button


@pytest.fixture
def controller(qtbot) -> Iterator[DeskController]:
    c = DeskController(today=TODAY)
    yield c
    if c.window is not None:
        c.window.close()
        c.window.desk.close()


def test_a_desk_in_use_opens_read_only_follows_the_writer_and_can_be_taken_up(
    demo_desk: Desk, controller: DeskController, qtbot
) -> None:
    path = demo_desk.path
    demo_desk.close()
    writer = open_desk(path, lock=True)
    told: list[str] = []

    def look_read_only(box: QMessageBox) -> None:
        told.append(box.text())
        _button(box, "Open read-only").click()

    with answering_dialog(look_read_only):
        assert controller.open_path(path, create=False)
    assert "open for editing by" in told[0] and "this computer" in told[0]
    window = controller.window
    assert window is not None
    qtbot.waitExposed(window)

    assert window.read_only_bar.isVisible()
    assert "Read-only." in window.read_only_bar.label.text()
    assert "(read-only)" in window.windowTitle()
    assert window.desk.read_only
    assert not any(a.isEnabled() for a in window._write_actions)
    assert not window.sessions.log_button.isVisibleTo(window)
    assert not window.risks.add_button.isVisibleTo(window)
    assert window.editor.title_edit.isReadOnly()

    # Keys that would change the plan do nothing: the tree does not edit or delete.
    index = row_at(window, "1", "1.1")
    select_row(window, index)
    focus(qtbot, window.view)
    qtbot.keyClick(window.view, Qt.Key.Key_F2)
    assert window.view.state() != window.view.State.EditingState
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert QApplication.activeModalWidget() is None
    action = node_id(window, index)

    # The writer saves; the read-only view shows it once it looks again.
    EditNode(action, {"title": "Saved by the colleague"}).do(writer)
    window.watch.follow()
    assert cell(row_at(window, "1", "1.1"), Column.TITLE) == "Saved by the colleague"

    # Still in use: trying to edit again says so and stays read-only.
    with answering_dialog(lambda box: told.append(box.text())):
        window.read_only_bar.retry_button.click()
    assert "open for editing by" in told[-1]
    assert controller.window is window

    writer.close()
    window.read_only_bar.retry_button.click()
    editing = controller.window
    assert editing is not None and editing is not window
    assert not editing.desk.read_only and not editing.read_only_bar.isVisible()
    assert editing.desk.lock is not None and editing.desk.lock.still_ours()


def test_a_damaged_desk_offers_its_latest_good_backup_in_a_new_file(
    demo_desk: Desk, controller: DeskController, tmp_path: Path, monkeypatch, qtbot
) -> None:
    backups.back_up_if_due(demo_desk, datetime(2026, 11, 27, 8, 30))
    path = demo_desk.path
    demo_desk.close()
    with path.open("r+b") as f:
        f.seek(4096 * 3)
        f.write(b"\xa5" * 600)
    damaged = path.read_bytes()
    target = tmp_path / "restored.asbdesk"
    asked: list[str] = []

    def save_as(_parent, _caption, start, _filter):  # the officer keeps the name offered
        asked.append(start)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    told: list[str] = []

    def restore(box: QMessageBox) -> None:
        told.append(f"{box.text()} {box.informativeText()}")
        _button(box, "Restore it into a new file").click()

    with answering_dialog(restore):
        assert controller.open_path(path, create=False)
    assert "is damaged" in told[0] and "27/11/2026 at 08:30" in told[0]
    assert "Broxtowe" in told[0]
    assert Path(asked[0]).name == "demo restored from 2026-11-27 0830.asbdesk"
    window = controller.window
    assert window is not None and window.desk.path == target.resolve()
    assert not window.desk.read_only
    assert window.plan_combo.count() == 2
    assert path.read_bytes() == damaged  # the damaged file is left for IT to look at


def test_restore_from_backup_lists_them_and_restores_into_a_new_file(
    window: MainWindow, tmp_path: Path, monkeypatch, qtbot
) -> None:
    desk = window.desk
    backups.back_up_if_due(desk, datetime(2026, 11, 20, 9, 0))
    backups.back_up_if_due(desk, datetime(2026, 11, 27, 9, 5))
    target = tmp_path / "as it was.asbdesk"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a: (str(target), ""))
    )
    seen: dict[str, object] = {}

    def pick_the_older(dialog: RestoreDialog) -> None:
        table = dialog.table
        seen["rows"] = [
            [table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())
        ]
        dialog.days.setValue(30)
        table.selectRow(1)
        dialog.restore_button.click()

    with (
        qtbot.waitSignal(window.open_desk_requested) as opened,
        answering_dialog(pick_the_older),
    ):
        window.restore_from_backup()
    rows = seen["rows"]
    assert [r[0] for r in rows] == ["27/11/2026 09:05", "20/11/2026 09:00"]
    assert all("KB" in r[1] for r in rows)
    assert "Broxtowe" in rows[0][2] and "Welwyn" in rows[0][2] and "actions" in rows[0][2]
    assert backups.keep_days() == 30
    assert opened.args == [target]
    restored = open_desk(target)
    assert restored.reader.execute("SELECT count(*) FROM plan").fetchone() == (2,)
    restored.close()


def test_restore_says_when_there_are_no_backups(window: MainWindow, qtbot) -> None:
    def look(dialog: RestoreDialog) -> None:
        assert dialog.empty.isVisibleTo(dialog)
        assert not dialog.restore_button.isEnabled()

    with answering_dialog(look):
        window.restore_from_backup()


def test_a_full_disk_refuses_the_edit_and_the_window_shows_the_plan_as_saved(
    window: MainWindow, qtbot
) -> None:
    desk = window.desk
    index = row_at(window, "1", "1.1")
    select_row(window, index)
    before = cell(index, Column.TITLE)
    pages = desk.reader.execute("PRAGMA page_count").fetchone()[0]
    desk.engine.dispose()
    event.listen(
        desk.engine, "connect", lambda con, _r: con.execute(f"PRAGMA max_page_count={pages}")
    )
    done = window.ops.undo_stack.count()
    edit = window.editor.title_edit
    focus(qtbot, edit)
    edit.setPlainText("A title far too long for the space left " * 5000)
    focus(qtbot, window.view)  # leaving the box saves it
    box = window.findChild(QMessageBox, "errorMessage")
    assert box is not None and box.isVisible()
    assert "disk is full" in box.text() and "not saved" in box.text()
    box.close()
    assert window.ops.undo_stack.count() == done
    assert cell(row_at(window, "1", "1.1"), Column.TITLE) == before
    saved = desk.reader.execute(
        "SELECT title FROM node WHERE id = ?", (node_id(window, index),)
    ).fetchone()[0]
    assert saved == before
