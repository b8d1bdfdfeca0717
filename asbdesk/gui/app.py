"""Starting the window: which desk to open, and swapping desks without restarting.

First run opens the demo desk (written from `resources/demo/` if it is not there yet);
afterwards the last desk used. A desk that cannot be opened gets a clear message and the
demo desk instead, so the program always starts.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from asbdesk import APP_NAME, __version__, paths, settings
from asbdesk.desk import Desk, DeskDamagedError, DeskError, DeskInUseError, open_desk
from asbdesk.gui.desk_safety import ask_read_only, offer_restore
from asbdesk.gui.main_window import MainWindow
from asbdesk.who import set_current_user


def open_or_make_demo() -> Desk:
    path = settings.demo_desk_path()
    if not path.exists():
        from asbdesk.demo import write_demo

        write_demo(path).close()
    return open_for_editing(None, path, create=False)


def open_for_editing(parent: QWidget | None, path: Path, *, create: bool) -> Desk:
    """Open a desk to edit, asking the officer what to do when it is in use (look at it
    read-only?) or damaged (restore the latest good backup into a new file?).

    Raises DeskError when there is nothing to open: the officer said no, or it failed.
    """
    try:
        return open_desk(path, create=create, lock=True)
    except DeskInUseError as exc:
        if not ask_read_only(parent, exc):
            raise DeskError(f"{path.name} was not opened: it is in use.") from exc
        desk = open_desk(path, create=False, read_only=True)
        desk.read_only_reason = (
            f"{exc.holder.describe()} has {path.name} open for editing; you see their saves "
            "as they make them."
        )
        desk.can_retry = True
        return desk
    except DeskDamagedError as exc:
        restored = offer_restore(parent, exc)
        if restored is None:
            raise DeskError(f"{path.name} was not opened: it is damaged.") from exc
        return open_for_editing(parent, restored, create=False)


class DeskController(QObject):
    """Owns the one main window and replaces it when another desk is opened."""

    def __init__(self, today: date | None = None) -> None:
        super().__init__()
        self.today = today
        self.window: MainWindow | None = None

    def show(self, desk: Desk) -> MainWindow:
        old = self.window
        window = MainWindow(desk, self.today)
        window.open_desk_requested.connect(lambda p: self.open_path(p, create=False))
        window.new_desk_requested.connect(lambda p: self.open_path(p, create=True))
        window.demo_requested.connect(self.open_demo)
        window.reopen_requested.connect(self.reopen)
        if old is not None:
            window.setGeometry(old.geometry())
            old.close()
            old.desk.close()
            old.deleteLater()
        else:
            # A laptop's 1366×768 where it fits; on a scaled screen (1920×1080 at 150 % is
            # 1280×720) no larger than the screen, so nothing opens out of sight.
            screen = window.screen().availableGeometry()
            window.resize(
                min(1366, screen.width() * 19 // 20), min(768, screen.height() * 19 // 20)
            )
        self.window = window
        settings.remember_desk(desk.path)
        window.show()
        return window

    def open_path(self, path: Path, *, create: bool) -> bool:
        if self.window is not None and path.resolve() == self.window.desk.path:
            return True
        if create and path.exists():
            # Never replace a file from "New desk": it may be the team's only copy of a plan.
            QMessageBox.warning(
                self.window,
                APP_NAME,
                f"{path.name} already exists. Choose another name for the new desk, "
                "or open that one with File ▸ Open desk.",
            )
            return False
        try:
            desk = open_for_editing(self.window, path, create=create)
        except (DeskError, OSError) as exc:
            if not isinstance(exc.__cause__, (DeskInUseError, DeskDamagedError)):
                QMessageBox.warning(self.window, APP_NAME, str(exc))
            if not path.exists():
                settings.forget_desk(path)
            return False
        return self.show_or_restore(desk)

    def show_or_restore(self, desk: Desk) -> bool:
        """Show `desk`; a big desk, opened before its check, may turn out damaged as the
        window reads it: then it is closed and its latest good backup offered."""
        try:
            self.show(desk)
        except sqlite3.DatabaseError as exc:
            desk.close()
            restored = offer_restore(self.window, DeskDamagedError(desk.path, str(exc)))
            return restored is not None and self.open_path(restored, create=False)
        return True

    def reopen(self, path: Path) -> None:
        """ "Try editing again" on a read-only view of a desk that was in use."""
        try:
            desk = open_desk(path, create=False, lock=True)
        except DeskError as exc:
            QMessageBox.information(self.window, APP_NAME, str(exc))
            return
        self.show_or_restore(desk)

    def open_demo(self) -> None:
        if self.window is not None and self.window.desk.path == settings.demo_desk_path():
            return
        try:
            self.show_or_restore(open_or_make_demo())
        except DeskError as exc:
            QMessageBox.warning(self.window, APP_NAME, str(exc))


def _startup_desk(desk: Path | None, demo: bool) -> tuple[Desk, str | None]:
    """The desk to open first, and a message if the one asked for could not be opened."""
    if demo:
        return open_or_make_demo(), None
    wanted = desk or settings.last_desk()
    if wanted is not None:
        if desk is None and not wanted.exists():
            settings.forget_desk(wanted)
        else:
            try:
                return open_for_editing(None, wanted, create=desk is not None), None
            except DeskError as exc:
                return open_or_make_demo(), f"{exc}\n\nThe demo desk is open instead."
    return open_or_make_demo(), None


class _FirstPaint(QObject):
    """For bench/: when the plan's tree has painted, prints the wall-clock time and quits."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # Queued, so the time is taken once this paint pass has finished.
            QTimer.singleShot(0, self._done)
        return False

    def _done(self) -> None:
        print(f"first-paint {time.time():.6f}", flush=True)
        QApplication.quit()


def run_window(desk: Path | None = None, demo: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    icon = paths.resource("icons", "asbdesk.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    name = settings.get("user_name")
    if isinstance(name, str) and name:
        set_current_user(name)  # File ▸ Your name; else the login name
    try:
        first, message = _startup_desk(desk, demo)
    except DeskError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    controller = DeskController()
    if not controller.show_or_restore(first):
        return 1
    window = controller.window
    assert window is not None
    if message:
        QMessageBox.warning(window, APP_NAME, message)
    if os.environ.get("ASBDESK_BENCH_FIRST_PAINT"):
        window.view.viewport().installEventFilter(_FirstPaint(window))
    try:
        return app.exec()
    finally:
        if controller.window is not None:
            controller.window.close()  # stops its timers and any check still running
            controller.window.desk.close()  # lets go of the lock
