"""The plan's indicators as tables like Broxtowe's: one row per indicator under its group, one
column per period, edited in place, with the selected indicator's trend charted below.

Every edit is a command run through the window's `Operations`, so it is undoable; the view
reloads when it hears `FieldWorkChanged` for its plan. The dialogs and the chart are loaded
on first use: the window starts without the ORM or QtCharts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from asbdesk.changes import FieldWorkChanged
from asbdesk.desk import Desk
from asbdesk.gui.tab_tools import button_menu, say, tab_button
from asbdesk.indicators import IndicatorRow, IndicatorValueRow, periods_of, read_indicators

if TYPE_CHECKING:
    from asbdesk.commands import Command
    from asbdesk.gui.indicator_chart import IndicatorChart
    from asbdesk.gui.operations import Operations

ID_ROLE = Qt.ItemDataRole.UserRole
NOT_AVAILABLE = QColor("#595959")
# The indicator column keeps room for this many characters however many period columns
# there are: Broxtowe's day and night "feel safe" rows differ only in their last words, so
# a name is cut in the middle ("Percentage of people…during the day") and the table
# scrolls sideways rather than squeeze the names until two rows read the same.
NAME_CHARS = 46


class IndicatorTable(QTreeWidget):
    """The table. Return, Enter and F2 open the current cell's editor; only the plain keys,
    so Ctrl+Return (the tree's "add sibling") does nothing here."""

    edit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._fitting = False

    def name_width(self) -> int:
        """The least the indicator column is given (it is more when there is room)."""
        return self.fontMetrics().averageCharWidth() * NAME_CHARS + 2 * self.indentation()

    def fit_name_column(self) -> None:
        """The names get what the period columns leave, at least `name_width`, at most
        what the longest name needs; the last column takes any room to spare."""
        if self._fitting or self.columnCount() < 2:
            return
        self._fitting = True
        try:
            header = self.header()
            last = self.columnCount() - 1
            # The last column stretches; what it needs, not what it has, is spoken for.
            others = sum(header.sectionSize(c) for c in range(1, last))
            others += max(self.sizeHintForColumn(last), header.sectionSizeHint(last))
            room = self.viewport().width() - others - 4  # no scroll bar for a pixel or two
            want = max(self.sizeHintForColumn(0), header.sectionSizeHint(0))
            header.resizeSection(0, max(self.name_width(), min(want, room)))
        finally:
            self._fitting = False

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_name_column()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2)
        if event.key() in keys and plain == Qt.KeyboardModifier.NoModifier:
            self.edit_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class IndicatorsView(QWidget):
    def __init__(
        self, desk: Desk, ops: Operations | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.ops = ops
        self.clock: Callable[[], date] = date.today  # the window passes its own
        self.plan_id: int | None = None
        self.indicators: list[IndicatorRow] = []
        self.periods: list[str] = []
        # Columns added with Add period… that have no value yet, per plan, while the window
        # is open: a period exists in the desk only through its values.
        self._new_periods: dict[int, list[str]] = {}
        self._stale = False
        self._chart: IndicatorChart | None = None
        self._sized = False

        buttons = QHBoxLayout()
        self.add_button = tab_button("&Add indicator…", "Add indicator", self.add_indicator)
        self.edit_button = tab_button("Ed&it indicator…", "Edit indicator", self.edit_indicator)
        self.delete_button = tab_button(
            "&Delete indicator", "Delete indicator", self.delete_indicator
        )
        self.period_button = tab_button("Add &period…", "Add period", self.add_period)
        self.value_button = tab_button("Enter va&lue…", "Enter value", self.edit_value)
        self.value_button.setToolTip(
            "Set the selected cell's value; or double-click the cell, or press F2 or Return. "
            "On an indicator's name, it asks for which period (the latest first)."
        )
        for b in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addSpacing(self.fontMetrics().averageCharWidth() * 3)
        buttons.addWidget(self.period_button)
        buttons.addWidget(self.value_button)
        buttons.addStretch(1)

        self.empty = QLabel("This plan has no indicators yet. Add indicator… defines one.")
        self.table = IndicatorTable()
        self.table.setObjectName("indicatorsTable")
        self.table.setAccessibleName("Indicators")
        self.table.setAccessibleDescription(
            "One row per indicator, a column per period. F2 or Return edits the value of the "
            "selected cell, or the indicator on its name."
        )
        self.table.setRootIsDecorated(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)  # a long name is cut in the middle, its tip whole
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # A cell, not a row, is current: the column says which period a value is for.
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.edit_requested.connect(self._edit_current)
        self.table.itemDoubleClicked.connect(lambda _item, _col: self._edit_current())
        self.table.currentItemChanged.connect(lambda *_a: self._current_changed())

        self.chart_holder = QWidget()
        self.chart_holder.setObjectName("chartHolder")
        chart_layout = QVBoxLayout(self.chart_holder)
        chart_layout.setContentsMargins(6, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("indicatorsSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.chart_holder)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.splitter, 1)
        self.empty.setVisible(False)
        if ops is not None:
            ops.changed.connect(self._on_changed)
        self._update_buttons()

    # -- reading -------------------------------------------------------------------------

    def set_plan(self, plan_id: int | None) -> None:
        self.plan_id = plan_id
        self.reload()

    def reload(self) -> None:
        """Read the plan's indicators afresh, keeping the officer's place in the table."""
        self._stale = False
        keep_id, keep_period = self.current_indicator_id(), self.current_period()
        self.indicators = (
            read_indicators(self.desk.reader, self.plan_id) if self.plan_id is not None else []
        )
        self.periods = self._all_periods()
        self._fill()
        self._ensure_chart()
        if self.indicators and not self._sized:
            self._size_splitter()
        self.select(keep_id, keep_period)
        self._current_changed()

    def _all_periods(self) -> list[str]:
        new = self._new_periods.get(self.plan_id, []) if self.plan_id is not None else []
        # New columns sorted in by when they start, as the rest are.
        placeholder = IndicatorRow(0, "", "", "count", "lower", None, "")
        placeholder.values = [IndicatorValueRow(p, None, None, True) for p in new]
        return periods_of([*self.indicators, placeholder])

    def _fill(self) -> None:
        self.table.blockSignals(True)
        self.table.clear()
        periods = self.periods
        self.table.setHeaderLabels(["Indicator", *periods, "Better when"])
        groups: dict[str, QTreeWidgetItem] = {}
        for ind in self.indicators:
            group = groups.get(ind.group)
            if group is None:
                group = QTreeWidgetItem([ind.group or "Indicators"])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                self.table.addTopLevelItem(group)
                groups[ind.group] = group
            by_period = {v.period: v for v in ind.values}
            cells = [ind.name]
            for p in periods:
                v = by_period.get(p)
                cells.append(v.text(ind.unit) if v else "")
            cells.append("lower" if ind.direction == "lower" else "higher")
            row = QTreeWidgetItem(cells)
            row.setData(0, ID_ROLE, ind.id)
            row.setToolTip(0, _name_tip(ind))
            for c, p in enumerate(periods, start=1):
                row.setTextAlignment(c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                v = by_period.get(p)
                if v is not None and not v.available:
                    font = row.font(c)
                    font.setItalic(True)
                    row.setFont(c, font)
                    row.setForeground(c, QBrush(NOT_AVAILABLE))
                elif v is not None and v.partial:
                    row.setToolTip(c, f"{v.text(ind.unit)}: {v.partial} of {p} so far")
            group.addChild(row)
        self.table.expandAll()
        self.table.blockSignals(False)
        header = self.table.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        for c in range(1, self.table.columnCount()):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.table.fit_name_column()
        self.empty.setVisible(not self.indicators)
        self.splitter.setVisible(bool(self.indicators))

    def _size_splitter(self, grow_only: bool = False) -> None:
        """Room for the table's names and figures, up to two thirds of the width; the
        chart takes the rest. Once when the table is first filled, and again, only ever
        wider, when a period column is added; the officer may move the handle between."""
        self._sized = True
        table = self.table
        need = sum(table.sizeHintForColumn(c) for c in range(table.columnCount()))
        need += 2 * table.indentation() + table.verticalScrollBar().sizeHint().width() + 48
        total = self.splitter.width() if self.splitter.width() > 400 else 1340
        first = min(need, total * 2 // 3)
        if grow_only and first <= self.splitter.sizes()[0]:
            return
        self.splitter.setSizes([first, total - first])

    def _ensure_chart(self) -> IndicatorChart:
        if self._chart is None:
            from asbdesk.gui.indicator_chart import IndicatorChart

            self._chart = IndicatorChart()
            layout = self.chart_holder.layout()
            assert layout is not None
            layout.addWidget(self._chart)
            self._chart.show()  # at once: a widget added to a shown one appears only later
        return self._chart

    @property
    def chart(self) -> IndicatorChart:
        return self._ensure_chart()

    # -- where the officer is ------------------------------------------------------------

    def current_indicator(self) -> IndicatorRow | None:
        item = self.table.currentItem()
        ind_id = item.data(0, ID_ROLE) if item is not None else None
        return next((i for i in self.indicators if i.id == ind_id), None)

    def current_indicator_id(self) -> int | None:
        ind = self.current_indicator()
        return ind.id if ind is not None else None

    def current_period(self) -> str | None:
        column = self.table.currentColumn()
        return self.periods[column - 1] if 1 <= column <= len(self.periods) else None

    def select(self, indicator_id: int | None, period: str | None = None) -> None:
        """Make the indicator's cell for `period` current (its name when None)."""
        column = self.periods.index(period) + 1 if period in self.periods else 0
        rows = self._indicator_items()
        for item in rows:
            if item.data(0, ID_ROLE) == indicator_id:
                self.table.setCurrentItem(item, column)
                self.table.scrollToItem(item)
                return
        if indicator_id is None and rows:
            self.table.setCurrentItem(rows[0], column)

    def _indicator_items(self) -> list[QTreeWidgetItem]:
        """The table's indicator rows (not the groups' headings), top to bottom."""
        out: list[QTreeWidgetItem] = []
        for g in range(self.table.topLevelItemCount()):
            group = self.table.topLevelItem(g)
            assert group is not None
            out.extend(item for r in range(group.childCount()) if (item := group.child(r)))
        return out

    def _current_changed(self) -> None:
        if self._chart is not None:
            self._chart.show_indicator(self.current_indicator(), self.periods)
        self._update_buttons()

    def _update_buttons(self) -> None:
        can_edit = self.ops is not None and self.plan_id is not None
        has_indicator = can_edit and self.current_indicator() is not None
        self.add_button.setEnabled(can_edit)
        self.edit_button.setEnabled(has_indicator)
        self.delete_button.setEnabled(has_indicator)
        self.period_button.setEnabled(can_edit and bool(self.indicators))
        # On a name, the dialog asks which period; a table with no period yet has none.
        self.value_button.setEnabled(has_indicator and bool(self.periods))

    def _on_changed(self, changes: list[object]) -> None:
        if any(isinstance(c, FieldWorkChanged) and c.plan_id == self.plan_id for c in changes):
            if self.isVisible():
                self.reload()
            else:
                self._stale = True  # read when the tab is next shown

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.reload()
        super().showEvent(event)

    # -- edits ---------------------------------------------------------------------------

    def _run(self, command: Command) -> bool:
        assert self.ops is not None
        return self.ops.run(command)

    def _edit_current(self) -> None:
        if self.current_indicator() is None:
            return
        if self.current_period() is not None:
            self.edit_value()
        else:
            self.edit_indicator()

    def _groups(self) -> list[str]:
        return list(dict.fromkeys(i.group for i in self.indicators if i.group))

    def add_indicator(self) -> None:
        if self.ops is None or self.plan_id is None:
            return
        from asbdesk.gui.indicator_dialogs import IndicatorDialog
        from asbdesk.indicator_edits import AddIndicator, IndicatorFields

        current = self.current_indicator()
        blank = IndicatorFields("", group=current.group if current else "")
        dialog = IndicatorDialog("Add indicator", self._groups(), blank, self)
        if not dialog.exec():
            return
        command = AddIndicator(self.plan_id, dialog.fields())
        if self._run(command):
            self.select(command.indicator_id)
            self.table.setFocus()

    def edit_indicator(self) -> None:
        ind = self.current_indicator()
        if ind is None or self.plan_id is None:
            return
        from asbdesk.gui.indicator_dialogs import IndicatorDialog
        from asbdesk.indicator_edits import EditIndicator, IndicatorFields

        old = IndicatorFields(ind.name, ind.group, ind.unit, ind.direction, ind.target, ind.source)
        dialog = IndicatorDialog("Edit indicator", self._groups(), old, self)
        if dialog.exec() and dialog.fields() != old:
            self._run(EditIndicator(self.plan_id, ind.id, dialog.fields()))

    def delete_indicator(self) -> None:
        ind = self.current_indicator()
        if ind is None or self.plan_id is None:
            return
        from asbdesk.indicator_edits import DeleteIndicator

        if self._run(DeleteIndicator(self.plan_id, ind.id)):
            self._say(f"Deleted the indicator “{ind.name}”. Edit ▸ Undo brings it back.")

    def add_period(self) -> None:
        if self.ops is None or self.plan_id is None:
            return
        from asbdesk.gui.indicator_dialogs import PeriodDialog

        dialog = PeriodDialog(self.periods, self.clock(), self)
        if not dialog.exec():
            return
        period = dialog.period()
        self._new_periods.setdefault(self.plan_id, []).append(period)
        keep = self.current_indicator_id()
        self.reload()
        self._size_splitter(grow_only=True)
        self.select(keep, period)
        self.table.setFocus()
        self._say(f"Added the column {period}: double-click a cell or press F2 to fill it in.")

    def edit_value(self) -> None:
        """The current cell's value; from an indicator's name, the value for a period the
        dialog asks for, the latest first (the one most often filled in)."""
        ind, period = self.current_indicator(), self.current_period()
        if ind is None or self.plan_id is None or not self.periods:
            return
        from asbdesk.gui.indicator_dialogs import ValueDialog
        from asbdesk.indicator_edits import SetIndicatorValue
        from asbdesk.indicators import time_order

        if period is None:
            choices = sorted(self.periods, key=time_order)
            dialog = ValueDialog(ind, choices[-1], self, periods=choices)
        else:
            dialog = ValueDialog(ind, period, self)
        if not dialog.exec():
            return
        fields = dialog.fields()
        period = fields.period
        old = next((v for v in ind.values if v.period == period), None)
        if old is None:
            unchanged = fields.value is None and fields.available
        else:
            was = (old.value, old.partial or "", old.available)
            unchanged = was == (fields.value, fields.partial, fields.available)
        if not unchanged:
            self._run(SetIndicatorValue(self.plan_id, ind.id, fields))
        self.select(ind.id, period)

    def _context_menu(self, pos: QPoint) -> None:
        buttons = (
            self.value_button,
            self.edit_button,
            self.delete_button,
            None,
            self.add_button,
            self.period_button,
        )
        button_menu(self, self.table, buttons, pos)

    def _say(self, text: str) -> None:
        say(self, text)


def _name_tip(ind: IndicatorRow) -> str:
    lines = [ind.name]
    if ind.target is not None:
        shown = f"{ind.target:,.0f}" if float(ind.target).is_integer() else f"{ind.target:,.1f}"
        lines.append(f"Target: {shown}{'%' if ind.unit == 'percent' else ''}")
    if ind.source:
        lines.append(f"Source: {ind.source}")
    return "\n".join(lines)
