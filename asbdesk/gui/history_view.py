"""The detail editor's "Change history": who changed what in the selected item, when, from
what to what and why, newest first, read from the audit trail (`asbdesk.history`); and
File ▸ Export change history…, the plan's history as a CSV file or an Excel workbook.

A section the officer opens with its heading button (Space or a click). Closed, it reads
only how many changes there are; open, it is read afresh each time the editor shows the
item, which the window does after every change, undo and redo.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from asbdesk import settings
from asbdesk.gui.plan_choices import last_folder, safe_file_name
from asbdesk.gui.progress import Cancelled, progress_dialog
from asbdesk.history import (
    SUFFIXES,
    HistoryEntry,
    HistoryError,
    desk_history,
    node_history,
    node_history_count,
    write_history,
)
from asbdesk.words import count

if TYPE_CHECKING:
    from asbdesk.gui.main_window import MainWindow

SHOWN = 500  # the newest changes listed; File ▸ Export change history… writes them all
_LONG = 240  # characters of a value shown in the list; the tooltip has all of it


class ChangeHistory(QWidget):
    """The history section. `reader` gives the desk's plain sqlite3 connection."""

    def __init__(self, reader: Callable[[], sqlite3.Connection], parent: QWidget) -> None:
        super().__init__(parent)
        self.reader = reader
        self.node_id: int | None = None
        self.setObjectName("changeHistory")

        self.toggle = QToolButton()
        self.toggle.setObjectName("changeHistoryToggle")
        self.toggle.setCheckable(True)
        self.toggle.setProperty("readOnlySafe", True)  # reading the history changes nothing
        self.toggle.setAutoRaise(True)
        self.toggle.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setStyleSheet("QToolButton { font-weight: bold; }")
        self.toggle.setAccessibleName("Change history")
        self.toggle.setAccessibleDescription(
            "Shows or hides who changed this item, when, from what to what, and why"
        )
        self.toggle.setToolTip("Who changed this item, when, from what to what, and why")
        self.toggle.toggled.connect(self._opened)

        self.table = QTableWidget(0, 2)
        self.table.setObjectName("changeHistoryTable")
        self.table.setAccessibleName("Change history")
        self.table.setAccessibleDescription("Changes to this item, newest first")
        self.table.setHorizontalHeaderLabels(["When, who", "Change"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.table.setVisible(False)
        # Wrapped text is as tall as the column is narrow: the rows are fitted again
        # whenever the table's width or a column's changes (the window shown, resized,
        # at another scale), once the layout has settled.
        self._refit_timer = QTimer(self)
        self._refit_timer.setSingleShot(True)
        self._refit_timer.setInterval(0)
        self._refit_timer.timeout.connect(self._refit)
        header.sectionResized.connect(lambda *_: self._refit_timer.start())
        self.table.viewport().installEventFilter(self)

        self.note = QLabel()
        self.note.setObjectName("changeHistoryNote")
        self.note.setWordWrap(True)
        self.note.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.toggle)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        self._set_title(0)

    # -- showing -------------------------------------------------------------------

    def show_node(self, node_id: int | None) -> None:
        self.node_id = node_id
        if node_id is None:
            self.table.setRowCount(0)
            self._set_title(0)
            self.note.setVisible(False)
            return
        self._set_title(node_history_count(self.reader(), node_id))
        if self.toggle.isChecked():
            self._fill()

    def _opened(self, opened: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if opened else Qt.ArrowType.RightArrow)
        self.table.setVisible(opened)
        if opened:
            self._fill()
        else:
            self.note.setVisible(False)

    def _set_title(self, n: int) -> None:
        text = f"Change history ({count(n, 'change')})" if n else "Change history (none yet)"
        self.toggle.setText(text)
        self.toggle.setAccessibleName(text)

    def _fill(self) -> None:
        entries = node_history(self.reader(), self.node_id, SHOWN) if self.node_id else []
        self.table.setRowCount(len(entries))
        for r, e in enumerate(entries):
            when = QTableWidgetItem(f"{e.when}\n{e.who}")
            what = QTableWidgetItem(_change_text(e))
            what.setToolTip(_change_text(e, most=None))
            spoken = _spoken(e)
            for c, cell in enumerate((when, what)):
                cell.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                cell.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
                self.table.setItem(r, c, cell)
        self._refit()
        total = node_history_count(self.reader(), self.node_id) if self.node_id else 0
        self.note.setText(
            f"The newest {SHOWN} are listed; File ▸ Export change history… writes them all."
        )
        self.note.setVisible(total > SHOWN)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._refit_timer.start()
        return super().eventFilter(watched, event)

    def _refit(self) -> None:
        """The When, who column as wide as its text but no wider than a third of the
        table (a long name wraps), and each row as tall as its wrapped text."""
        table = self.table
        metrics = table.fontMetrics()
        least = metrics.horizontalAdvance("00/00/0000 00:00") + 4 * metrics.averageCharWidth()
        most = max(least, table.viewport().width() // 3)
        wanted = table.sizeHintForColumn(0) if table.rowCount() else least
        table.horizontalHeader().resizeSection(0, max(least, min(wanted, most)))
        table.resizeRowsToContents()
        _fit_height(table, rows=table.rowCount(), least=1, most=8)


def _cut(text: str, most: int | None) -> str:
    if most is None or len(text) <= most:
        return text
    return text[: most - 1] + "…"


def _change_text(e: HistoryEntry, most: int | None = _LONG) -> str:
    """The change as the list shows it: what, from → to, the reason, the command."""
    if e.lifecycle:
        lines = [f"{e.what}: {_cut(e.change, most)}" if e.change else e.what]
    else:
        old, new = _cut(e.old or "", most), _cut(e.new or "", most)
        lines = [f"{e.what}: {old or '(none)'} → {new or '(none)'}"]
    if e.reason:
        lines.append(f"Reason: {_cut(e.reason, most)}")
    if e.action:
        lines.append(f"({e.action})")
    return "\n".join(lines)


def _spoken(e: HistoryEntry) -> str:
    """A row as a screen reader reads it, in one sentence."""
    if e.lifecycle:
        text = f"{e.what}: {e.change}" if e.change else e.what
    else:
        text = f"{e.what} changed from {e.old or 'nothing'} to {e.new or 'nothing'}"
    parts = [f"{e.when}, {e.who}", text]
    if e.reason:
        parts.append(f"reason: {e.reason}")
    if e.action:
        parts.append(f"by {e.action}")
    return ", ".join(parts)


def _fit_height(table: QTableWidget, rows: int, least: int, most: int) -> None:
    """As tall as its rows (within least..most of them), so the panel shows what follows."""
    header = table.horizontalHeader().sizeHint().height()
    shown = max(least, min(rows, most))
    heights = [table.rowHeight(r) for r in range(min(rows, shown))]
    default = table.verticalHeader().defaultSectionSize()
    body = sum(heights) + default * (shown - len(heights))
    table.setFixedHeight(header + body + 2 * table.frameWidth() + 2)


# ---------------------------------------------------------------------------------------
# File ▸ Export change history…

HISTORY_FILTER = "CSV file (*.csv);;Excel workbook (*.xlsx)"
FOLDER_KEY = "history_folder"


def export_history(window: MainWindow) -> None:
    """The history of the plan on screen (of the whole desk when it has no plan yet),
    written where the officer says, as CSV or Excel by the name's suffix."""
    plan_id = window.current_plan_id()
    title = window.plan_combo.currentText() if plan_id is not None else window.desk.path.stem
    start = last_folder(FOLDER_KEY) / (safe_file_name(f"{title} – change history") + ".csv")
    name, chosen = QFileDialog.getSaveFileName(
        window, "Export change history", str(start), HISTORY_FILTER
    )
    if not name:
        return
    path = Path(name)
    if path.suffix.lower() not in SUFFIXES:  # the dialog asked about the name without it
        path = path.with_name(path.name + (".xlsx" if "xlsx" in chosen else ".csv"))
        if path.exists() and not _replace(window, path):
            return
    entries = desk_history(window.desk.reader, plan_id)
    try:
        # A big plan's history takes seconds to write (openpyxl streams ~5,000 rows a
        # second): the window stays live and the officer can cancel.
        with progress_dialog(window, f"Writing {path.name}…") as report:
            write_history(entries, path, report)
    except Cancelled:
        window.statusBar().showMessage("Export cancelled: nothing was written.", 8000)
        return
    except HistoryError as exc:
        window.ops.show_error(exc)
        return
    settings.put(FOLDER_KEY, str(path.parent))
    window.statusBar().showMessage(f"Wrote {count(len(entries), 'change')} to {path}.", 8000)


def _replace(window: QWidget, path: Path) -> bool:
    answer = QMessageBox.question(
        window,
        "Export change history",
        f"{path.name} already exists in {path.parent}. Replace it?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
