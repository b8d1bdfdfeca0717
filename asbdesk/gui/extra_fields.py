"""The detail editor's "Other fields" table: a node's extra fields (columns an import brought)
and, for each, an Internal check box the officer ticks with the mouse or Space.

A ticked field is internal: kept in the desk and never sent to partners. Each tick is one
undoable command run through the window's `Operations`, as every other edit.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem

from asbdesk.gui.internal_marks import (
    ID_ROLE,
    INTERNAL_ROLE,
    InternalMark,
    record_cell,
    select_record,
    selected_id,
    set_row_marks,
)
from asbdesk.gui.operations import Operations
from asbdesk.node_record import ExtraRow

INTERNAL_COLUMN = 2


class ExtraFieldsTable(QObject):
    """Fills `table` (Field, Value, Internal) with a node's extra fields and turns the
    officer's ticks into `SetInternal` commands. `reshow()` puts the node back on screen
    when a command is refused, so the boxes show the desk as it is."""

    def __init__(
        self,
        table: QTableWidget,
        heading: QLabel,
        ops: Operations,
        reshow: Callable[[], None],
    ) -> None:
        super().__init__(table)
        self.table = table
        self.heading = heading
        self.ops = ops
        self.reshow = reshow
        self.node_id: int | None = None
        self._filling = False
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(INTERNAL_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.mark = InternalMark(table, self._set_internal)
        table.itemChanged.connect(self._ticked)
        table.installEventFilter(self)

    def fill(self, node_id: int | None, extras: list[ExtraRow]) -> None:
        self.node_id = node_id
        kept = selected_id(self.table)
        self._filling = True
        try:
            self.table.setRowCount(len(extras))
            for r, extra in enumerate(extras):
                self._fill_row(r, extra)
        finally:
            self._filling = False
        shown = bool(extras)
        self.table.setVisible(shown)
        self.heading.setVisible(shown)
        select_record(self.table, kept)
        self.mark.sync()

    def _fill_row(self, row: int, extra: ExtraRow) -> None:
        name, value = QTableWidgetItem(extra.name), QTableWidgetItem(extra.value)
        value.setToolTip(extra.value)
        box = QTableWidgetItem()
        box.setFlags(
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )
        box.setCheckState(Qt.CheckState.Checked if extra.internal else Qt.CheckState.Unchecked)
        box.setData(Qt.ItemDataRole.AccessibleTextRole, "Internal" if extra.internal else "Shared")
        for column, cell in enumerate((name, value, box)):
            self.table.setItem(row, column, cell)
        set_row_marks(self.table, row, extra.id, extra.internal)

    def _set_internal(self, field_id: int, internal: bool) -> None:
        if self.node_id is None:
            return
        cell = record_cell(self.table, field_id)
        name = cell.text() if cell is not None else ""
        label = f"Mark field '{name}' {'internal' if internal else 'shared'}"
        command = self.ops.commands().SetInternal
        if not self.ops.run(command(self.node_id, internal, field_id=field_id, label=label)):
            self.reshow()

    def _ticked(self, cell: QTableWidgetItem) -> None:
        """A click on a field's Internal box (Qt has ticked it already)."""
        if self._filling or cell.column() != INTERNAL_COLUMN:
            return
        internal = cell.checkState() == Qt.CheckState.Checked
        if internal != bool(cell.data(INTERNAL_ROLE)):
            self._set_internal(int(cell.data(ID_ROLE)), internal)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Space ticks the Internal box of the row with the focus, from whichever cell."""
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Space
            and not event.modifiers()
        ):
            first = self.table.item(self.table.currentRow(), 0)
            if first is not None:
                self.table.selectRow(first.row())
                self._set_internal(int(first.data(ID_ROLE)), not first.data(INTERNAL_ROLE))
            return True
        return False
