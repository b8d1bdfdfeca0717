"""Thin GUI operations: run a domain command, put it on the undo stack, tell views what changed.

An error the user can act on (a locked or read-only desk, a refused edit) is shown as a
message and the edit is not recorded; anything else is a bug and surfaces loudly.
"""

from __future__ import annotations

import errno
import sqlite3
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from asbdesk.desk import Desk, DeskError

if TYPE_CHECKING:
    from asbdesk.commands import Command


def user_errors() -> tuple[type[BaseException], ...]:
    """Errors the user can act on. Read when an edit runs, once the write path is loaded."""
    from sqlalchemy.exc import OperationalError

    from asbdesk.tree import TreeError

    return (DeskError, TreeError, ValueError, OperationalError, sqlite3.Error, OSError)


_FULL = "The disk is full, so the change was not saved. Free some space on it and try again."
_NOT_ALLOWED = (
    "The desk cannot be written to here (read-only, or no permission), so the change was "
    "not saved. Save a copy somewhere you can write to (File ▸ Save a copy as…)."
)


def user_message(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    if isinstance(orig, sqlite3.Error) or isinstance(exc, sqlite3.Error):
        text = str(orig or exc)
        if "readonly" in text or "read-only" in text:
            return _NOT_ALLOWED
        if "locked" in text:
            return "Another program is writing to this desk; the change was not saved. Try again."
        if "full" in text:
            return _FULL
        if "disk I/O" in text:
            return (
                "The desk could not be written (a disk or network error), so the change was "
                "not saved. Check the connection to the drive and try again."
            )
        return f"The change was not saved: {text}"
    if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return _FULL
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return _NOT_ALLOWED
    return str(exc)


class Operations(QObject):
    """The one way the window changes a desk."""

    changed = Signal(list)  # list[Change], after every do, undo and redo

    def __init__(self, desk: Desk, parent: QWidget) -> None:
        super().__init__(parent)
        self.desk = desk
        self.window = parent
        self.undo_stack = QUndoStack(self)
        self.replaying = False  # True while an undo or redo reports its changes

    def run(self, command: Command) -> bool:
        """Do `command` now and make it undoable; False (with a message) when refused."""
        from asbdesk.audit import recording_command  # loaded with the commands

        try:
            with recording_command(command):  # the audit trail names the command
                changes = command.do(self.desk)
        except user_errors() as exc:
            self.show_error(exc)
            return False
        self.undo_stack.push(_UndoEntry(command, self))
        self.changed.emit(changes)
        return True

    @staticmethod
    def commands() -> ModuleType:
        """The command classes. Imported on first use: they load SQLAlchemy, which the
        window does not need before it is on screen."""
        import asbdesk.commands

        return asbdesk.commands

    def warm_up(self) -> None:
        """Load the write path while the officer looks at the plan, so the first edit is quick."""
        self.commands()
        self.desk.session().close()

    def show_error(self, exc: BaseException, then: str = "") -> None:
        text = f"{user_message(exc)}\n\n{then}" if then else user_message(exc)
        box = QMessageBox(QMessageBox.Icon.Warning, "asbdesk", text, parent=self.window)
        box.setObjectName("errorMessage")
        box.open()

    def _replay(self, command: Command, undo: bool) -> None:
        from asbdesk.audit import recording_command

        try:
            with recording_command(command, "Undo" if undo else "Redo"):
                changes = command.undo(self.desk) if undo else command.do(self.desk)
        except user_errors() as exc:
            # The stack has already stepped past this command, but the desk has not: the
            # history no longer matches the desk, so it is let go (once the stack is done).
            self.show_error(exc, "The undo history has been cleared; the desk is as shown.")
            QTimer.singleShot(0, self.undo_stack.clear)
            return
        self.replaying = True
        try:
            self.changed.emit(changes)
        finally:
            self.replaying = False
        if isinstance(self.window, QMainWindow):  # what Ctrl+Z did, said where it is seen
            said = "Undone" if undo else "Redone"
            self.window.statusBar().showMessage(f"{said}: {command.label}", 8000)


class _UndoEntry(QUndoCommand):
    def __init__(self, command: Command, ops: Operations) -> None:
        super().__init__(command.label)
        self.command = command
        self.ops = ops
        self._done = True  # `run` already did it; the stack's first redo must not repeat it

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.ops._replay(self.command, undo=False)

    def undo(self) -> None:
        self.ops._replay(self.command, undo=True)
