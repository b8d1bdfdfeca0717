"""Internal updates and extra fields in the detail editor: how an internal row looks, and the
action that marks the selected row internal or shared, from its context menu and a check box.

An internal row is kept in the desk and never sent to partners; the officer must see which
rows those are at a glance, so every internal row is tinted and says so in words.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QPalette
from PySide6.QtWidgets import QCheckBox, QTableWidget, QTableWidgetItem

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the record's id, on every cell of its row
INTERNAL_ROLE = Qt.ItemDataRole.UserRole + 2  # True on every cell of an internal row

INTERNAL_TEXT = "Internal: never sent to partners"
INTERNAL_TIP = "Internal: kept in this desk and never sent to partners."

# Violet: no status colour (red, amber, green, blue, grey) is near it, so an internal row is
# never read as a RAG status.
_VIOLET = QColor(120, 60, 200)


def internal_tint(palette: QPalette) -> QColor:
    """The background of an internal row: the table's own base, a little violet, so the text
    keeps its contrast in light and dark palettes alike."""
    base = palette.color(QPalette.ColorRole.Base)
    share = 0.16
    return QColor(
        round(base.red() * (1 - share) + _VIOLET.red() * share),
        round(base.green() * (1 - share) + _VIOLET.green() * share),
        round(base.blue() * (1 - share) + _VIOLET.blue() * share),
    )


def set_row_marks(table: QTableWidget, row: int, record_id: int, internal: bool) -> None:
    """Give every cell of `row` its record's id and flag, and an internal row its tint."""
    tint = QBrush(internal_tint(table.palette()))
    for column in range(table.columnCount()):
        cell = table.item(row, column)
        if cell is None:
            continue
        cell.setData(ID_ROLE, record_id)
        cell.setData(INTERNAL_ROLE, internal)
        if internal:
            cell.setBackground(tint)
            if not cell.toolTip():
                cell.setToolTip(INTERNAL_TIP)


def selected_record(table: QTableWidget) -> QTableWidgetItem | None:
    """The first cell of the one selected row, which carries the record's id and flag."""
    rows = table.selectionModel().selectedRows()
    return table.item(rows[0].row(), 0) if len(rows) == 1 else None


def selected_id(table: QTableWidget) -> int | None:
    cell = selected_record(table)
    return int(cell.data(ID_ROLE)) if cell is not None else None


def record_cell(table: QTableWidget, record_id: int | None) -> QTableWidgetItem | None:
    """The first cell of the row of `record_id`, if the table shows it."""
    for row in range(table.rowCount()):
        cell = table.item(row, 0)
        if cell is not None and record_id is not None and cell.data(ID_ROLE) == record_id:
            return cell
    return None


def select_record(table: QTableWidget, record_id: int | None) -> None:
    """Select the row of `record_id` again after the table was filled afresh; with another
    node's rows, select none (a row kept by its number would be another record)."""
    cell = record_cell(table, record_id)
    if cell is not None:
        table.selectRow(cell.row())
    else:
        table.clearSelection()


class InternalMark(QObject):
    """The checkable "Internal: never sent to partners" action of a table's selected row, in
    the table's context menu (right click, or the Menu key) and, if given, as a check box
    beside it. Both follow the selection; what the officer ticks goes to `mark(record id,
    internal)`."""

    def __init__(
        self,
        table: QTableWidget,
        mark: Callable[[int, bool], None],
        check: QCheckBox | None = None,
    ) -> None:
        super().__init__(table)
        self.table = table
        self.check = check
        self._mark = mark
        self.action = QAction(INTERNAL_TEXT, table)
        self.action.setObjectName(f"{table.objectName()}InternalAction")
        self.action.setCheckable(True)
        self.action.setToolTip(INTERNAL_TIP)
        self.action.triggered.connect(self._ticked)
        table.addAction(self.action)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        if check is not None:
            check.clicked.connect(self._ticked)  # the officer's click or Space, not `sync`
        table.itemSelectionChanged.connect(self.sync)
        self.sync()

    def sync(self) -> None:
        """Show the selected row's flag; nothing to mark when no one row is selected."""
        cell = selected_record(self.table)
        internal = bool(cell.data(INTERNAL_ROLE)) if cell is not None else False
        for control in (self.action, self.check):
            if control is not None:
                control.setEnabled(cell is not None)
                control.setChecked(internal)

    def _ticked(self, internal: bool) -> None:
        cell = selected_record(self.table)
        if cell is None:
            self.sync()
            return
        if bool(cell.data(INTERNAL_ROLE)) != internal:
            self._mark(int(cell.data(ID_ROLE)), internal)
        self.sync()  # refused, or already so: show the flag as the desk has it
