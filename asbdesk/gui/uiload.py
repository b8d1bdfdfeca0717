"""Loads the screens' Designer files from `ui/` at run time with `QUiLoader`.

Chosen over compiling with pyside6-uic: no generated modules to keep in step with their
.ui files, and the same files serve in a checkout and in the PyInstaller bundle.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QFile, QIODevice
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
