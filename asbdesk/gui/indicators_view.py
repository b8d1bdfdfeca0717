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
from sqlalchemy import select

from asbdesk.desk import Desk
from asbdesk.models import Indicator


def format_value(value: float | None, unit: str, partial: str | None, available: bool) -> str:
    if not available:
        return "Not yet available"
    if value is None:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if unit == "percent":
        text += "%"
    if partial:
        text += f" ({partial})"
    return text


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
        with self.desk.session() as s:
            indicators = (
                s.scalars(
                    select(Indicator)
                    .where(Indicator.plan_id == plan_id)
                    .order_by(Indicator.position)
                ).all()
                if plan_id is not None
                else []
            )
            periods: list[str] = []
            for ind in indicators:
                for v in ind.values:
                    if v.period not in periods:
                        periods.append(v.period)
            periods.sort()
            self.table.setHeaderLabels(["Indicator", *periods, "Better when"])
            groups: dict[str, QTreeWidgetItem] = {}
            for ind in indicators:
                group = groups.get(ind.group)
                if group is None:
                    group = QTreeWidgetItem([ind.group or "Indicators"])
                    font = group.font(0)
                    font.setBold(True)
                    group.setFont(0, font)
                    group.setFirstColumnSpanned(False)
                    self.table.addTopLevelItem(group)
                    groups[ind.group] = group
                by_period = {v.period: v for v in ind.values}
                cells = [ind.name]
                for p in periods:
                    v = by_period.get(p)
                    cells.append(
                        format_value(v.value, ind.unit, v.partial, v.available) if v else ""
                    )
                cells.append("lower" if ind.direction == "lower" else "higher")
                row = QTreeWidgetItem(cells)
                row.setToolTip(0, f"{ind.name}\nSource: {ind.source}" if ind.source else ind.name)
                for c in range(1, len(periods) + 1):
                    row.setTextAlignment(
                        c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                group.addChild(row)
        self.table.expandAll()
        header = self.table.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, self.table.columnCount()):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.empty.setVisible(not indicators)
        self.table.setVisible(bool(indicators))
