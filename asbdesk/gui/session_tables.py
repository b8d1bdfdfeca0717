"""The Sessions tab's two tables: the sessions the filters keep (a table model), and their
totals per financial quarter; and the periods the tab offers to filter by."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from asbdesk.periods import FinancialYear, Quarter, format_date
from asbdesk.words import count

if TYPE_CHECKING:
    from asbdesk.sessions import SessionRow

Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class SessionsModel(QAbstractTableModel):
    """The sessions the filters keep, one row each, newest first."""

    HEADERS = (
        "Date",
        "Kind",
        "Place",
        "Officers",
        "Partners",
        "Contacts",
        "ASB categories",
        "Counts towards",
    )
    CONTACTS = 5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[SessionRow] = []

    def set_rows(self, rows: list[SessionRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def _cells(self, row: SessionRow) -> tuple[str, ...]:
        return (
            format_date(row.on),
            row.kind_word,
            row.place,
            "; ".join(row.officers),
            "; ".join(row.partners),
            str(row.contacts),
            ", ".join(row.categories),
            row.milestone,
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells(row)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            cell = self._cells(row)[index.column()]
            notes = [f"Notes: {row.notes}"] if row.notes else []
            notes += [f"Follow-ups: {row.follow_ups}"] if row.follow_ups else []
            return "\n".join([cell, *notes]) if cell or notes else None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.CONTACTS:
            return int(RIGHT.value)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def row_of(self, session_id: int | None) -> int:
        return next((r for r, row in enumerate(self.rows) if row.id == session_id), -1)


def period_choices(days: list[date]) -> list[tuple[str, tuple[date, date] | None]]:
    """ "All", then each financial year the sessions fall in, newest first, each followed
    by its quarters that hold sessions: ("2019/20", …), ("Q3 2019/20", …)."""
    out: list[tuple[str, tuple[date, date] | None]] = [("All", None)]
    quarters = sorted({Quarter.of(d) for d in days}, reverse=True)
    for year in sorted({FinancialYear.of(d) for d in days}, reverse=True):
        out.append((year.label, (year.start, year.end)))
        out += [(q.label, (q.start, q.end)) for q in quarters if q.year == year]
    return out


def fill_totals(tree: QTreeWidget, rows: list[SessionRow]) -> None:
    """A column per financial quarter (oldest first) and a total; a row for sessions,
    for contacts, and for each ASB category raised, the most raised first."""
    from asbdesk.sessions import grand_total, totals_by_quarter

    quarters = totals_by_quarter(rows)
    total = grand_total(rows)
    tree.clear()
    tree.setColumnCount(len(quarters) + 2)
    tree.setHeaderLabels(["", *(t.label for t in quarters), total.label])
    lines: list[tuple[str, list[int], int]] = [
        ("Sessions", [t.sessions for t in quarters], total.sessions),
        ("Contacts", [t.contacts for t in quarters], total.contacts),
    ]
    lines += [(name, [t.categories[name] for t in quarters], n) for name, n in total.raised]
    for r, (name, values, whole) in enumerate(lines):
        item = QTreeWidgetItem([name, *(str(v) if v else "" for v in values), str(whole)])
        for c in range(1, len(values) + 2):
            item.setTextAlignment(c, RIGHT)
        if r < 2:
            font = QFont(item.font(0))
            font.setBold(True)
            for c in range(len(values) + 2):
                item.setFont(c, font)
        else:
            item.setToolTip(0, f"{name}: raised at {count(whole, 'session')} shown")
        tree.addTopLevelItem(item)
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    fm = tree.fontMetrics()
    for c in range(1, len(quarters) + 2):
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(c, fm.horizontalAdvance("Q4 2019/20") + 24)
