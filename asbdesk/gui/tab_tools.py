"""What the field-work tabs (indicators, risks) share: their buttons, a right-click menu
made of those buttons, and a word in the window's status bar."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractItemView, QMainWindow, QMenu, QPushButton, QWidget


def tab_button(text: str, name: str, slot: Callable[[], None]) -> QPushButton:
    """A button with an accessible name that Enter in a list beside it does not press."""
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.setAutoDefault(False)
    button.clicked.connect(lambda _c=False: slot())
    return button


def button_menu(
    parent: QWidget, view: QAbstractItemView, buttons: Sequence[QPushButton | None], pos: QPoint
) -> None:
    """A right-click menu of `buttons` (None: a separator), each as enabled as its button;
    a hidden button (an editing one, on a read-only desk) is left out."""
    menu = QMenu(parent)
    for button in buttons:
        if button is None:
            menu.addSeparator()
            continue
        if button.isHidden():
            continue
        action = menu.addAction(button.text())
        action.setEnabled(button.isEnabled())
        action.triggered.connect(button.click)
    menu.popup(view.viewport().mapToGlobal(pos))


def say(widget: QWidget, text: str) -> None:
    """`text` in the status bar of the window `widget` is in, for a few seconds."""
    window = widget.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, 8000)
