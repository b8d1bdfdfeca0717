"""Dates typed as officers type them: "06/11/2019" into a dd/MM/yyyy box.

Qt's date box moves to the next part by itself once a part is full ("06", or "6", which
no second digit could follow), and then takes the "/" the officer types next as "move on
again": the month went into the year, and the year typed after it was lost, silently
(06/11/2019 became 06/11/2026). A separator typed at the very start of a part, just after
the box moved there by itself, is therefore dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateEdit

SEPARATORS = "/.- "


class _SeparatorAfterAutoAdvance(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QDateEdit)
            and event.text()
            and event.text() in SEPARATORS
        ):
            line = watched.lineEdit()
            position = line.selectionStart() if line.hasSelectedText() else line.cursorPosition()
            if position > 0 and line.text()[position - 1] in SEPARATORS:
                return True  # the box has already moved on: do not move twice
        return False


def typed_like_text(edit: QDateEdit) -> QDateEdit:
    """Let `edit` take a date typed with separators; returns it."""
    keeper = _SeparatorAfterAutoAdvance(edit)
    edit.installEventFilter(keeper)
    return edit
