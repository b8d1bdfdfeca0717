"""The plan's indicators as tables like Broxtowe's: one row per indicator, one column per period."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from asbdesk.desk import Desk
from asbdesk.indicators import periods_of, read_indicators


class IndicatorsView(QWidget):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        layout = QVBoxLayout(self)
        self.empty = QLabel("This plan has no indicators yet.")
        self.table = QTreeWidget()
        self.table.setAccessibleName("Indicators")
        self.table.setRootIsDecorated(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)

    def set_plan(self, plan_id: int | None) -> None:
        self.table.clear()
        indicators = read_indicators(self.desk.reader, plan_id) if plan_id is not None else []
        periods = periods_of(indicators)
        self.table.setHeaderLabels(["Indicator", *periods, "Better when"])
        groups: dict[str, QTreeWidgetItem] = {}
        for ind in indicators:
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
            row.setToolTip(0, f"{ind.name}\nSource: {ind.source}" if ind.source else ind.name)
            for c in range(1, len(periods) + 1):
                row.setTextAlignment(c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            group.addChild(row)
        self.table.expandAll()
        header = self.table.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, self.table.columnCount()):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.empty.setVisible(not indicators)
        self.table.setVisible(bool(indicators))
