"""The risk register's 5 × 5 heat map: severity down the side (5 at the top), likelihood
along the top, each cell in its band's colour with the number of risks in it.

A table model under a table view, so the cells are reached with the arrow keys and read
out by a screen reader like any table's; selecting a cell asks the register to show only
that cell's risks, and Escape (or Show all) shows them all again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from asbdesk.risks import LIKELIHOOD_WORDS, SCALE, SEVERITY_WORDS, RiskRow, band, heat_map

Index = QModelIndex | QPersistentModelIndex
SEVERITIES = list(reversed(SCALE))  # row 0 is severity 5
LIKELIHOODS = list(SCALE)
CELL_ROLE = Qt.ItemDataRole.UserRole  # (severity, likelihood)


def cell_words(severity: int, likelihood: int) -> str:
    score = severity * likelihood
    return (
        f"Severity {severity} ({SEVERITY_WORDS[severity]}), likelihood {likelihood} "
        f"({LIKELIHOOD_WORDS[likelihood]}): score {score}, {band(score)[0]}"
    )


def risks_words(n: int) -> str:
    return f"{n} risk" if n == 1 else f"{n} risks"


class HeatMapModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid: dict[tuple[int, int], list[RiskRow]] = heat_map([])

    def set_risks(self, risks: list[RiskRow]) -> None:
        self.grid = heat_map(risks)
        self.dataChanged.emit(self.index(0, 0), self.index(len(SCALE) - 1, len(SCALE) - 1))

    def cell(self, index: Index) -> tuple[int, int]:
        return SEVERITIES[index.row()], LIKELIHOODS[index.column()]

    def index_of(self, severity: int, likelihood: int) -> QModelIndex:
        return self.index(SEVERITIES.index(severity), LIKELIHOODS.index(likelihood))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(SEVERITIES)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LIKELIHOODS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        severity, likelihood = self.cell(index)
        risks = self.grid[(severity, likelihood)]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(len(risks))
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(band(severity * likelihood)[1])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            names = "; ".join(r.description for r in risks)
            return f"{cell_words(severity, likelihood)}. {risks_words(len(risks))}" + (
                f": {names}" if names else ""
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [cell_words(severity, likelihood), risks_words(len(risks))]
            lines += [f"• {r.description}" for r in risks]
            return "\n".join(lines)
        if role == CELL_ROLE:
            return (severity, likelihood)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(SEVERITIES):
                return None
            s = SEVERITIES[section]
            return f"{s} {SEVERITY_WORDS[s]}"
        if not 0 <= section < len(LIKELIHOODS):
            return None
        lk = LIKELIHOODS[section]
        return f"{lk}\n{LIKELIHOOD_WORDS[lk]}"


def _text_colour(background: QColor) -> QColor:
    """Black or white, whichever reads better on the band's colour."""
    r, g, b = (c / 255 for c in (background.red(), background.green(), background.blue()))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    on_black, on_white = (luminance + 0.05) / 0.05, 1.05 / (luminance + 0.05)
    return QColor("black") if on_black >= on_white else QColor("white")


class _CellDelegate(QStyledItemDelegate):
    """A cell in its band's colour even when selected (a thick frame marks the selection);
    an empty cell in a paler tint, so the risks stand out."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        colour = QColor(index.data(Qt.ItemDataRole.BackgroundRole))
        count = index.data(Qt.ItemDataRole.DisplayRole)
        rect: QRect = option.rect
        state = option.state
        painter.save()
        fill = colour if count != "0" else _tint(colour)
        painter.fillRect(rect, fill)
        painter.setPen(QPen(QColor("white"), 1))
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        font = QFont(option.font)
        font.setBold(count != "0")
        font.setPointSizeF(font.pointSizeF() * (1.5 if count != "0" else 1.15))
        painter.setFont(font)
        painter.setPen(_text_colour(fill))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), count)
        if state & QStyle.StateFlag.State_Selected:
            painter.setPen(QPen(QColor("black"), 4))
            painter.drawRect(rect.adjusted(2, 2, -2, -2))
            painter.setPen(QPen(QColor("white"), 1.5))
            painter.drawRect(rect.adjusted(5, 5, -5, -5))
        elif state & QStyle.StateFlag.State_HasFocus:
            pen = QPen(QColor("black"), 2)
            pen.setStyle(Qt.PenStyle.DotLine)
            painter.setPen(pen)
            painter.drawRect(rect.adjusted(3, 3, -3, -3))
        painter.restore()


def _tint(colour: QColor) -> QColor:
    white = 0.55
    return QColor(
        round(colour.red() + (255 - colour.red()) * white),
        round(colour.green() + (255 - colour.green()) * white),
        round(colour.blue() + (255 - colour.blue()) * white),
    )


class HeatMapView(QTableView):
    """Escape clears the chosen cell (all risks shown again)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.selectionModel().hasSelection():
            self.clearSelection()
            event.accept()
            return
        super().keyPressEvent(event)


class _VerticalLabel(QWidget):
    """An axis title written bottom to top, beside the severity rows."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = text
        self.setAccessibleName(text)

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.height() + 4, fm.horizontalAdvance(self.text) + 8)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setFont(self.font())
        painter.translate(0, self.height())
        painter.rotate(-90)
        box = QRect(0, 0, self.height(), self.width())
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), self.text)
        painter.end()


class HeatMap(QWidget):
    """The grid with its axis titles. `cell_chosen` carries (severity, likelihood), or None
    when no cell is chosen."""

    cell_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HeatMapModel(self)
        self.view = HeatMapView()
        self.view.setObjectName("riskHeatMap")
        self.view.setAccessibleName("Risk heat map")
        self.view.setAccessibleDescription(
            "Severity down the side, likelihood along the top; each cell counts its risks. "
            "Choose a cell to list only its risks; Escape lists them all."
        )
        self.view.setModel(self.model)
        self.view.setItemDelegate(_CellDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        self.view.setCornerButtonEnabled(False)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTabKeyNavigation(False)
        fm = self.fontMetrics()
        across = max(fm.horizontalAdvance(w) for w in LIKELIHOOD_WORDS.values()) + 16
        down = fm.height() * 2 + 12
        top = self.view.horizontalHeader()
        top.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        top.setDefaultSectionSize(across)
        top.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        top.setHighlightSections(False)
        side = self.view.verticalHeader()
        side.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        side.setDefaultSectionSize(down)
        side.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        side.setHighlightSections(False)
        side.setMinimumWidth(max(fm.horizontalAdvance(f"5 {w}") for w in SEVERITY_WORDS.values()))
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.title = QLabel("Heat map: severity × likelihood")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        likelihood = QLabel("Likelihood →")
        likelihood.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(likelihood, 1, 1)
        grid.addWidget(_VerticalLabel("Severity →"), 2, 0)
        grid.addWidget(self.view, 2, 1)
        grid.setRowStretch(3, 1)
        grid.setColumnStretch(2, 1)
        self._fit()

    def _fit(self) -> None:
        """Exactly the grid's size: no scroll bars, no empty band round the cells."""
        view = self.view
        view.verticalHeader().setFixedWidth(view.verticalHeader().sizeHint().width() + 8)
        width = view.verticalHeader().width() + 5 * view.horizontalHeader().defaultSectionSize()
        height = view.horizontalHeader().sizeHint().height()
        height += 5 * view.verticalHeader().defaultSectionSize()
        frame = 2 * view.frameWidth()
        view.setFixedSize(width + frame, height + frame)

    def set_risks(self, risks: list[RiskRow]) -> None:
        self.model.set_risks(risks)

    def chosen(self) -> tuple[int, int] | None:
        picked = self.view.selectionModel().selectedIndexes()
        return self.model.cell(picked[0]) if picked else None

    def choose(self, cell: tuple[int, int] | None) -> None:
        if cell is None:
            self.view.clearSelection()
            return
        self.view.setCurrentIndex(self.model.index_of(*cell))

    def _selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self.cell_chosen.emit(self.chosen())
