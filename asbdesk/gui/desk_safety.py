"""Keeping the desk safe while the window is open: the lock, backups, a read-only view.

- The lock is touched every minute; if another asbdesk took it over (this laptop slept
  for longer than a lock is trusted), the window turns read-only and says so.
- A backup is taken once the window has painted, and again whenever a day has passed.
- A read-only window says why in a bar above the tabs, offers to try editing again when
  the desk was in use, follows the other program's saves, and has every editing action
  off (anything that still asks for a change gets a message, not a write).
- Asking what to do when a desk is in use or damaged, and File ▸ Restore from backup….
"""

from __future__ import annotations

import html
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from asbdesk import APP_NAME, backups
from asbdesk.desk import (
    DESK_SUFFIX,
    DeskDamagedError,
    DeskInUseError,
    DeskReadOnlyError,
    desk_file,
    integrity_problem,
)
from asbdesk.lock import REFRESH_EVERY_S, live_holder

if TYPE_CHECKING:
    from asbdesk.gui.main_window import MainWindow

FOLLOW_EVERY_MS = 2000  # a read-only view looks for the writer's saves this often
BACKUP_CHECK_EVERY_MS = 60 * 60 * 1000


class ReadOnlyBar(QFrame):
    """A bar above the tabs: why the desk is read-only, and a way to try editing again."""

    retry = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readOnlyBar")
        self.setAccessibleName("Read-only desk")
        self.setStyleSheet(
            "#readOnlyBar { background: #fff4ce; border: 1px solid #c9a400; border-radius: 3px; }"
            "#readOnlyBar QLabel { color: #3b2f00; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.label = QLabel()
        self.label.setObjectName("readOnlyText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.retry_button = QPushButton("Try &editing again")
        self.retry_button.setAccessibleName("Try editing again")
        self.retry_button.clicked.connect(lambda _c=False: self.retry.emit())
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_reason(self, reason: str, *, can_retry: bool) -> None:
        text = html.escape(reason)
        self.label.setText(f"<b>Read-only.</b> {text} Nothing you do here is saved.")
        self.retry_button.setVisible(can_retry)
        self.show()


def make_read_only(window: MainWindow, reason: str, *, can_retry: bool) -> None:
    """Turn the window read-only: the bar, the editing actions off, the editor's fields
    read-only, the tabs' editing buttons hidden, and the tree neither edits nor drags."""
    window.read_only_bar.show_reason(reason, can_retry=can_retry)
    window.setWindowTitle(f"{window.desk.path.stem} (read-only) – {APP_NAME}")
    for action in window._write_actions:
        action.setEnabled(False)
    window.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    window.view.setDragEnabled(False)
    window.view.setAcceptDrops(False)
    for view in (window.sessions, window.risks, window.indicators):
        for name in (
            "log_button",
            "add_button",
            "edit_button",
            "delete_button",
            "period_button",
            "value_button",
        ):
            button = getattr(view, name, None)
            if isinstance(button, QAbstractButton):
                button.hide()
        # Their lists open an item to edit on Enter or a double-click, and delete on Delete.
        for items in view.findChildren(QAbstractItemView):
            keys = _NoEditingKeys(items)
            items.installEventFilter(keys)
            items.viewport().installEventFilter(keys)
    if window._editor is not None:
        lock_editor(window._editor)


class _NoEditingKeys(QObject):
    """Swallows what would open an item to edit or delete it, in a read-only list."""

    _KEYS = (
        Qt.Key.Key_Return,
        Qt.Key.Key_Enter,
        Qt.Key.Key_Delete,
        Qt.Key.Key_Backspace,
        Qt.Key.Key_F2,
    )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonDblClick:
            return True
        if event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            # Overriding the shortcut keeps the list's own Delete action from firing; the
            # key press that follows is swallowed.
            assert isinstance(event, QKeyEvent)
            if event.key() in self._KEYS:
                event.accept()
                return True
        return False


def lock_editor(editor: QWidget) -> None:
    """The detail editor's fields can be read and selected, not changed. Buttons marked
    `readOnlySafe` (opening the change history) stay on."""
    for w in editor.findChildren(QWidget):
        if w.property("readOnlySafe"):
            continue
        if isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)):
            w.setReadOnly(True)
        elif isinstance(w, QAbstractButton):
            w.hide()  # hidden, not greyed: the editor turns some on as rows are selected
        elif isinstance(w, QComboBox):
            w.setEnabled(False)
        elif isinstance(w, QAbstractItemView):
            w.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)


class _IntegrityCheck(QObject):
    """SQLite's quick_check of a big desk, on its own connection, in a thread of its own.

    A daemon thread rather than a QThread: a QThread still running when the program ends
    aborts it, and the check only reads, so it may simply be left behind.
    """

    found = Signal(object)  # str | None: what is wrong, or None; in the window's thread

    def __init__(self, uri: str, parent: QObject) -> None:
        super().__init__(parent)
        self.uri = uri
        self.worker = threading.Thread(target=self._run, name="asbdesk-check", daemon=True)

    def start(self) -> None:
        self.worker.start()

    def _run(self) -> None:
        problem = integrity_problem(self.uri)
        try:
            self.found.emit(problem)  # queued to the window's thread
        except RuntimeError:
            pass  # the window has gone meanwhile: nobody to tell


class DeskWatch(QObject):
    """The window's timers: the lock's heartbeat, daily backups, following a writer, and
    the integrity check of a desk too big to check before the window opened."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.desk = window.desk
        self.last_backup: Path | None = None
        self._data_version: int | None = None
        self.check: _IntegrityCheck | None = None
        self._freed = False  # the read-only bar has said the desk is free
        self.lock_timer = QTimer(self)
        self.lock_timer.setInterval(REFRESH_EVERY_S * 1000)
        self.lock_timer.timeout.connect(self.refresh_lock)
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(BACKUP_CHECK_EVERY_MS)
        self.backup_timer.timeout.connect(self.back_up)
        self.follow_timer = QTimer(self)
        self.follow_timer.setInterval(FOLLOW_EVERY_MS)
        self.follow_timer.timeout.connect(self.follow)
        if self.desk.read_only:
            self._data_version = self._version()
            self.follow_timer.start()
        else:
            if self.desk.lock is not None:
                self.lock_timer.start()
            self.backup_timer.start()

    def refresh_lock(self) -> None:
        lock = self.desk.lock
        if lock is None or lock.refresh():
            return
        self.lock_timer.stop()
        self.backup_timer.stop()
        try:
            self.desk.check_writable()
        except DeskReadOnlyError as exc:  # it sets the reason
            reason = self.desk.read_only_reason or str(exc)
            make_read_only(self.window, reason, can_retry=False)
            self._data_version = self._version()
            self.follow_timer.start()  # and shows the new holder's saves

    def after_first_paint(self) -> None:
        """A big desk is checked now, in the background; the backup waits for its answer,
        so a damaged desk is never copied over a good backup."""
        if self.desk.checked:
            self.back_up()
            return
        self.window.statusBar().showMessage("Checking the desk file…")
        self.check = _IntegrityCheck(self.desk.reading_uri(), self)
        self.check.found.connect(self._checked)
        self.check.start()

    def _checked(self, problem: str | None) -> None:
        self.desk.checked = True
        if problem is None:
            self.window.statusBar().showMessage("The desk file is sound.", 5000)
            self.back_up()
            return
        self.lock_timer.stop()
        self.backup_timer.stop()
        if self.desk.lock is not None:  # nobody is to edit it now, this window included
            self.desk.lock.release()
            self.desk.lock = None
        damaged = DeskDamagedError(self.desk.path, problem)
        self.desk.read_only_reason = str(damaged)
        make_read_only(self.window, str(damaged), can_retry=False)
        restored = offer_restore(self.window, damaged)
        if restored is not None:
            self.window.open_desk_requested.emit(restored)

    def stop(self) -> None:
        """Before the window goes (its desk is closed next): no timer fires again, and no
        check still running reports back."""
        for timer in (self.lock_timer, self.backup_timer, self.follow_timer):
            timer.stop()
        if self.check is not None:
            self.check.found.disconnect(self._checked)  # it only reads: left to finish
            self.check = None

    def back_up(self) -> None:
        """A backup if one is due; a failure is said in the status bar, never in the way."""
        if self.desk.read_only or not self.desk.checked:
            return
        try:
            made = backups.back_up_if_due(self.desk)
        except (OSError, sqlite3.Error, ValueError) as exc:
            self.window.statusBar().showMessage(f"The daily backup could not be written: {exc}")
            return
        if made is not None:
            self.last_backup = made

    def _version(self) -> int | None:
        try:
            row = self.desk.reader.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return None
        return int(row[0]) if row else None

    def follow(self) -> None:
        """A read-only view shows what the writer saves: the plans are read again when
        SQLite says another connection has committed."""
        version = self._version()
        if version is not None and version != self._data_version:
            self._data_version = version
            self.window.reload_plans()
        if self.desk.can_retry and self.window.read_only_bar.isVisible():
            holder = live_holder(self.desk.path)
            if holder is None and not self._freed:
                # The one editing has closed it (or their program stopped): say so.
                self._freed = True
                self.window.read_only_bar.show_reason(
                    f"Nobody has {self.desk.path.name} open for editing now: choose "
                    "Try editing again to edit it.",
                    can_retry=True,
                )


def ask_read_only(parent: QWidget | None, exc: DeskInUseError) -> bool:
    """The desk is in use: True when the officer chooses to look at it read-only."""
    box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, str(exc), parent=parent)
    box.setObjectName("deskInUse")
    box.setInformativeText(
        "You can open it read-only to look at it, and see their changes as they save them."
    )
    look = box.addButton("Open &read-only", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(look)
    box.exec()
    return box.clickedButton() is look


def offer_restore(parent: QWidget | None, exc: DeskDamagedError) -> Path | None:
    """The desk is damaged: offer its latest good backup, restored into a new file.
    Returns the restored file, or None."""
    good = backups.latest_good(exc.path)
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, str(exc), parent=parent)
    box.setObjectName("deskDamaged")
    if good is None:
        box.setInformativeText(
            "There is no backup of it on this computer. Ask IT to bring back the file from "
            "the council's own backups."
        )
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        return None
    box.setInformativeText(
        f"The latest good backup was taken on {good.taken_at:%d/%m/%Y at %H:%M} "
        f"({_plans_text(good)}). Changes made after that are not in it."
    )
    restore = box.addButton("&Restore it into a new file…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(restore)
    box.exec()
    if box.clickedButton() is not restore:
        return None
    return restore_into_new_file(parent, exc.path, good, open_desk_path=None)


def restore_into_new_file(
    parent: QWidget | None,
    desk_path: Path,
    backup: backups.Backup,
    *,
    open_desk_path: Path | None,
) -> Path | None:
    """Ask where, then restore. None when the officer cancels or it fails (said)."""
    folder = desk_path.parent if desk_path.parent.is_dir() else Path.home()
    start = folder / backups.restored_name(desk_path, backup)
    name, _ = QFileDialog.getSaveFileName(
        parent,
        "Restore the backup into a new file",
        str(start),
        f"asbdesk desks (*{DESK_SUFFIX})",
        options=QFileDialog.Option.DontConfirmOverwrite,  # never over a file: said below
    )
    if not name:
        return None
    try:
        return backups.restore(backup.path, desk_file(name), open_desk_path=open_desk_path)
    except (OSError, sqlite3.Error, ValueError) as exc:
        QMessageBox.warning(parent, APP_NAME, f"The backup was not restored: {exc}")
        return None


def _plans_text(backup: backups.Backup, sep: str = "; ") -> str:
    if backup.plans is None:
        return "damaged, cannot be restored"
    if not backup.plans:
        return "no plans"
    return sep.join(f"{p.title}: {p.actions} actions" for p in backup.plans)


def _size_text(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


class RestoreDialog(QDialog):
    """File ▸ Restore from backup…: this desk's backups, newest first, with what each
    holds; the chosen one is restored into a new file, which the window then opens."""

    def __init__(self, desk_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Restore from backup")
        self.desk_path = desk_path
        self.restored: Path | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Backups of <b>{desk_path.name}</b>, taken when it is opened, once a day. "
            "A backup is restored into a new file; this desk is not changed."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("backupList")
        self.table.setAccessibleName("Backups")
        self.table.setHorizontalHeaderLabels(["Taken", "Size", "Plans"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.restore())
        layout.addWidget(self.table, 1)
        self.empty = QLabel("There are no backups of this desk yet.")
        layout.addWidget(self.empty)

        keep = QHBoxLayout()
        keep_label = QLabel("&Keep backups for")
        self.days = QSpinBox()
        self.days.setObjectName("keepDays")
        self.days.setAccessibleName("Days to keep backups")
        self.days.setRange(backups.MIN_DAYS, backups.MAX_DAYS)
        self.days.setSuffix(" days")
        self.days.setValue(backups.keep_days())
        self.days.valueChanged.connect(self._keep_days)
        keep_label.setBuddy(self.days)
        keep.addWidget(keep_label)
        keep.addWidget(self.days)
        keep.addStretch(1)
        layout.addLayout(keep)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore_button = buttons.addButton(
            "&Restore into a new file…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.restore_button.setAccessibleName("Restore into a new file")
        self.restore_button.clicked.connect(lambda _c=False: self.restore())
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.fill()
        self.resize(720, 380)

    def fill(self) -> None:
        """Reads the backups (each is checked whole) and shows them."""
        self.backups = backups.list_backups(self.desk_path)
        self._show()

    def _show(self) -> None:
        self.table.setRowCount(len(self.backups))
        going = set(backups.to_prune(self.desk_path))
        for row, b in enumerate(self.backups):
            taken = f"{b.taken_at:%d/%m/%Y %H:%M}"
            if b.path in going:
                taken += "\n(removed at the\nnext backup)"
            cells = [taken, _size_text(b.size), _plans_text(b, "\n")]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not b.good:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        self.empty.setVisible(not self.backups)
        self.table.setVisible(bool(self.backups))
        self.restore_button.setEnabled(bool(self.backups))
        if self.backups:
            self.table.selectRow(0)
            self.table.setFocus()

    def _keep_days(self, days: int) -> None:
        """Saved at once; the backups it would remove are marked, not removed now (a spin
        box turned down too far by mistake loses nothing)."""
        backups.set_keep_days(days)
        row = self.table.currentRow()
        self._show()  # the same backups, marked anew: nothing is read again
        self.table.selectRow(max(row, 0))
        self.days.setFocus()

    def restore(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.backups):
            return
        chosen = self.backups[row]
        if not chosen.good:
            QMessageBox.warning(
                self, APP_NAME, "That backup is damaged and cannot be restored. Choose another."
            )
            return
        target = restore_into_new_file(self, self.desk_path, chosen, open_desk_path=self.desk_path)
        if target is not None:
            self.restored = target
            self.accept()
