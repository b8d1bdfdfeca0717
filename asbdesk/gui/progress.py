"""Progress for long work done on the window's own thread (reading a large workbook,
writing a plan of many thousand nodes): a cancellable dialog, kept live by handing the
event loop a turn at each report, so the window repaints and Cancel can be pressed.

The work calls `report(done, total)` now and then; after Cancel the next report raises
`Cancelled`, which unwinds the work (and rolls back its transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget


class Cancelled(Exception):
    """The officer pressed Cancel; nothing of the work is kept."""


@contextmanager
def progress_dialog(parent: QWidget | None, label: str) -> Iterator[Callable[[int, int], None]]:
    dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
    dialog.setObjectName("progressDialog")
    dialog.setWindowTitle("asbdesk")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(500)  # quick work shows no dialog at all
    dialog.setAutoReset(False)
    dialog.setAutoClose(False)

    def report(done: int, total: int) -> None:
        if dialog.maximum() != total:
            dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        QApplication.processEvents()
        if dialog.wasCanceled():
            raise Cancelled

    try:
        yield report
    finally:
        dialog.close()
        dialog.deleteLater()
