"""Loads the screens' Designer files from `ui/` at run time with `QUiLoader`.

Chosen over compiling with pyside6-uic: no generated modules to keep in step with their
.ui files, and the same files serve in a checkout and in the PyInstaller bundle.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QEvent, QFile, QIODevice, QObject, Qt
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from asbdesk import paths

W = TypeVar("W", bound=QWidget)


def load_ui(name: str, parent: QWidget | None = None) -> QWidget:
    path = paths.ui_file(name)
    f = QFile(str(path))
    if not f.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"cannot read {path}")
    try:
        widget = QUiLoader().load(f, parent)
    finally:
        f.close()
    if widget is None:
        raise RuntimeError(f"{path} is not a valid Designer file")
    return widget


def child(root: QWidget, kind: type[W], name: str) -> W:
    """A named widget from a loaded form; a missing one is a bug in the .ui file."""
    found = root.findChild(kind, name)
    if found is None:
        raise LookupError(f"{kind.__name__} {name!r} is missing from the form")
    return found


class _WheelGuard(QObject):
    """Passes a wheel turn to a box only when the officer has put the focus in it, so
    scrolling down the details panel never changes a status or a department on the way."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget):
            if not watched.hasFocus():
                event.ignore()  # the scroll area beneath scrolls instead
                return True
        return False


def guard_wheel(widget: QWidget) -> None:
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    guard = _WheelGuard(widget)
    widget.installEventFilter(guard)
