"""The window keeps the desk safe: a desk in use opens read-only on request, a damaged one
is restored from a backup into a new file, File ▸ Restore from backup…, a full disk."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import TODAY
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton
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
    action = node_id(window, index)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)  # the Delete action is off: no question
    qtbot.keyClick(window.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert window.desk.reader.execute(
        "SELECT deleted_at, position FROM node WHERE id = ?", (action,)
    ).fetchone() == (None, 0)

    # Nor do the editor's buttons, or Delete and Enter in the Sessions list.
    assert not window.editor.add_milestone_button.isVisibleTo(window)
    window.show_sessions()
    sessions = window.sessions.table
    sessions.setCurrentIndex(sessions.model().index(0, 0))
    focus(qtbot, sessions)
    before = window.desk.reader.execute(
        "SELECT count(*) FROM field_session WHERE deleted_at IS NULL"
    ).fetchone()
    qtbot.keyClick(sessions, Qt.Key.Key_Delete)
    qtbot.keyClick(sessions, Qt.Key.Key_Return)  # would open the session to edit
    assert window.findChild(QMessageBox, "errorMessage") is None
    assert (
        window.desk.reader.execute(
            "SELECT count(*) FROM field_session WHERE deleted_at IS NULL"
        ).fetchone()
        == before
    )
    window.show_tree()

    # The writer saves; the read-only view shows it once it looks again.
    EditNode(action, {"title": "Saved by the colleague"}).do(writer)
    window.watch.follow()
    assert cell(row_at(window, "1", "1.1"), Column.TITLE) == "Saved by the colleague"

    # Still in use: trying to edit again says so and stays read-only.
    with answering_dialog(lambda box: told.append(box.text())):
        window.read_only_bar.retry_button.click()
    assert "open for editing by" in told[-1]
    assert controller.window is window

    # A copy to read can still go to partners; one to be sent back cannot.
    assert window.export_action.isEnabled()
    from asbdesk.gui.export_dialog import ExportDialog

    assert window.model.tree is not None
    dialog = ExportDialog(window.desk, window.model.tree, parent=window)
    assert not dialog.for_partners_check.isChecked()
    assert not dialog.for_partners_check.isEnabled()
    dialog.close()

    writer.close()  # the colleague closes it: the bar says so when it next looks
    window.watch.follow()
    assert "Nobody has" in window.read_only_bar.label.text()
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

    def save_as(_parent, _caption, start, _filter, **_options):  # keeps the name offered
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
    qtbot.waitUntil(lambda: window.watch.last_backup is not None)  # taken on opening
    now = datetime.now().replace(second=0, microsecond=0)
    for days in (9, 2):
        backups.back_up_if_due(desk, now - timedelta(days=days))
    EditNode(node_id(window, row_at(window, "1", "1.1")), {"title": "After the backups"}).do(desk)
    target = tmp_path / "as it was.asbdesk"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )
    seen: dict[str, object] = {}

    def pick_the_oldest(dialog: RestoreDialog) -> None:
        table = dialog.table
        seen["rows"] = [
            [table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())
        ]
        dialog.days.setValue(30)
        table.selectRow(2)
        dialog.restore_button.click()

    with (
        qtbot.waitSignal(window.open_desk_requested) as opened,
        answering_dialog(pick_the_oldest),
    ):
        window.restore_from_backup()
    rows = seen["rows"]
    assert [r[0] for r in rows][1:] == [
        f"{now - timedelta(days=2):%d/%m/%Y %H:%M}",
        f"{now - timedelta(days=9):%d/%m/%Y %H:%M}",
    ]
    assert all("KB" in r[1] for r in rows)
    assert "Broxtowe" in rows[2][2] and "Welwyn" in rows[2][2] and "actions" in rows[2][2]
    assert backups.keep_days() == 30
    assert opened.args == [target]
    restored = open_desk(target)
    assert restored.reader.execute("SELECT count(*) FROM plan").fetchone() == (2,)
    assert restored.reader.execute(
        "SELECT count(*) FROM node WHERE title = 'After the backups'"
    ).fetchone() == (0,)
    restored.close()


def test_restore_says_when_there_are_no_backups(window: MainWindow, qtbot) -> None:
    qtbot.waitUntil(lambda: window.watch.last_backup is not None)
    for backup in backups.list_backups(window.desk.path):
        backup.path.unlink()

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


def test_a_big_desk_is_checked_after_the_window_opens_and_a_damaged_one_turns_read_only(
    demo_desk: Desk, controller: DeskController, monkeypatch, qtbot
) -> None:
    from asbdesk import desk as desk_module
    from asbdesk.gui import desk_safety

    monkeypatch.setattr(desk_module, "CHECK_AT_OPEN_MAX_BYTES", 0)  # every desk is "big"
    offered: list[str] = []
    monkeypatch.setattr(desk_safety, "offer_restore", lambda _w, exc: offered.append(str(exc)))
    path = demo_desk.path
    # Damage a table the window does not read as it opens: only the check can find it.
    (root,) = demo_desk.reader.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'partner_export'"
    ).fetchone()
    demo_desk.close()
    with path.open("r+b") as f:
        f.seek(4096 * (root - 1))
        f.write(b"\xa5" * 600)

    assert controller.open_path(path, create=False)  # opens at once, unchecked
    window = controller.window
    assert window is not None and not window.desk.checked
    qtbot.waitUntil(lambda: bool(offered), timeout=10_000)
    assert "is damaged" in offered[0]
    assert window.desk.read_only and window.read_only_bar.isVisible()
    assert "is damaged" in window.read_only_bar.label.text()
    assert not any(a.isEnabled() for a in window._write_actions)
    assert backups.list_backups(path) == []  # a damaged desk is never backed up
    from asbdesk.lock import lock_path

    assert not lock_path(path).exists()  # nor held for editing


def test_a_big_desk_damaged_where_the_window_reads_is_closed_and_a_backup_offered(
    demo_desk: Desk, controller: DeskController, monkeypatch, qtbot
) -> None:
    from asbdesk import desk as desk_module
    from asbdesk.gui import app

    monkeypatch.setattr(desk_module, "CHECK_AT_OPEN_MAX_BYTES", 0)
    offered: list[str] = []
    monkeypatch.setattr(app, "offer_restore", lambda _w, exc: offered.append(str(exc)))
    path = demo_desk.path
    demo_desk.close()
    with path.open("r+b") as f:
        f.seek(4096 * 3)
        f.write(b"\xa5" * 600)
    assert not controller.open_path(path, create=False)
    assert controller.window is None
    assert "is damaged" in offered[0]
    open_desk(path, check=False, lock=True).close()  # its lock was let go


def test_a_big_sound_desk_is_checked_then_backed_up(
    demo_desk: Desk, controller: DeskController, monkeypatch, qtbot
) -> None:
    from asbdesk import desk as desk_module

    monkeypatch.setattr(desk_module, "CHECK_AT_OPEN_MAX_BYTES", 0)
    path = demo_desk.path
    demo_desk.close()
    assert controller.open_path(path, create=False)
    window = controller.window
    assert window is not None
    qtbot.waitUntil(lambda: window.watch.last_backup is not None, timeout=10_000)
    assert window.desk.checked and not window.desk.read_only
    assert [b.good for b in backups.list_backups(path)] == [True]


def test_a_desk_taken_over_while_the_laptop_slept_turns_the_window_read_only(
    demo_desk: Desk, controller: DeskController, qtbot
) -> None:
    import os
    import time

    from asbdesk.lock import STALE_AFTER_S, lock_path

    path = demo_desk.path
    demo_desk.close()
    assert controller.open_path(path, create=False)
    window = controller.window
    assert window is not None and window.watch.lock_timer.isActive()
    past = time.time() - STALE_AFTER_S - 60  # no heartbeat for longer than a lock lasts
    os.utime(lock_path(path), (past, past))
    colleague = open_desk(path, lock=True)
    try:
        window.watch.refresh_lock()
        assert window.read_only_bar.isVisible()
        assert "taken over by another asbdesk" in window.read_only_bar.label.text()
        assert not window.read_only_bar.retry_button.isVisibleTo(window)
        assert not any(a.isEnabled() for a in window._write_actions)
        assert window.watch.follow_timer.isActive() and not window.watch.lock_timer.isActive()
        assert lock_path(path).exists()  # the colleague's lock is theirs
    finally:
        colleague.close()


def test_opening_another_desk_lets_go_of_the_first(
    demo_desk: Desk, desk: Desk, controller: DeskController, qtbot
) -> None:
    from asbdesk.lock import lock_path

    first, second = demo_desk.path, desk.path
    demo_desk.close()
    desk.close()
    assert controller.open_path(first, create=False)
    assert lock_path(first).exists()
    assert controller.open_path(second, create=False)
    assert not lock_path(first).exists() and lock_path(second).exists()


def test_save_a_copy_from_read_only_media_offers_to_open_the_copy(
    demo_desk: Desk, tmp_path: Path, monkeypatch, qtbot
) -> None:
    path = demo_desk.path
    demo_desk.close()
    desk = open_desk(path, read_only=True)  # as on a CD: nobody else has it
    window = MainWindow(desk, TODAY)
    qtbot.addWidget(window)
    target = tmp_path / "mine.asbdesk"
    offered: list[str] = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )

    def yes(_parent, _title, text, *_a):
        offered.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(yes))
    with qtbot.waitSignal(window.open_desk_requested) as opened:
        window.save_copy()
    assert opened.args == [target]
    assert "Open it now to edit it?" in offered[0]
    copy = open_desk(target, lock=True)
    assert not copy.read_only
    assert copy.reader.execute("SELECT count(*) FROM plan").fetchone() == (2,)
    copy.close()
    window.close()
    desk.close()


def test_fewer_days_kept_marks_the_backups_to_go_and_removes_none_yet(
    window: MainWindow, qtbot
) -> None:
    desk = window.desk
    qtbot.waitUntil(lambda: window.watch.last_backup is not None)
    now = datetime.now().replace(second=0, microsecond=0)
    backups.back_up_if_due(desk, now - timedelta(days=9))
    seen: list[list[str]] = []

    def fewer(dialog: RestoreDialog) -> None:
        dialog.days.setValue(5)
        seen.extend([dialog.table.item(r, 0).text()] for r in range(dialog.table.rowCount()))

    with answering_dialog(fewer):
        window.restore_from_backup()
    assert "removed at the" not in seen[0][0]
    assert "(removed at the\nnext backup)" in seen[1][0]
    assert len(backups.list_backups(desk.path)) == 2  # nothing removed yet
