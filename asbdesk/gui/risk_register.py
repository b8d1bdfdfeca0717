"""The risk register's table: a row per risk, highest score first, with the score, the band
as a colour chip and a word, severity and likelihood in words, the owner, the review date
(an overdue one in bold red with a warning icon, and the word "Overdue") and the actions
that mitigate it. Read-only: the Risks tab's buttons and keys edit through dialogs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from asbdesk.periods import format_date

if TYPE_CHECKING:
    from asbdesk.risks import RiskRow

ID_ROLE = Qt.ItemDataRole.UserRole
OVERDUE = QColor("#C00000")
COLUMNS = (
    "Score",
    "Band",
    "Risk",
    "Severity",
    "Likelihood",
    "Owner",
    "Review by",
    "Mitigating actions",
)
SCORE, BAND, RISK, SEVERITY, LIKELIHOOD, OWNER, REVIEW, ACTIONS = range(len(COLUMNS))
MUTED = QColor("#595959")


class RiskRegister(QTableWidget):
    """Return, Enter and F2 ask to edit the selected risk; Delete asks to delete it (Edit ▸
    Undo brings it back). Plain keys only: Ctrl+Return belongs to the tree."""

    edit_requested = Signal()
    delete_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setObjectName("riskRegister")
        self.setAccessibleName("Risk register")
        self.setAccessibleDescription(
            "The plan's risks, highest score first. Return edits the selected risk, Delete "
            "deletes it."
        )
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setTabKeyNavigation(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        fm = self.fontMetrics()
        for col in (SCORE, BAND, SEVERITY, LIKELIHOOD, REVIEW):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(RISK, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ACTIONS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(OWNER, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(OWNER, fm.averageCharWidth() * 20)
        # Wrapped text needs taller rows when its column narrows: fit them once the
        # columns have settled (a burst of resizes makes one fit).
        self._fit_rows = QTimer(self)
        self._fit_rows.setSingleShot(True)
        self._fit_rows.setInterval(0)
        self._fit_rows.timeout.connect(self._fit_row_heights)
        header.sectionResized.connect(lambda *_a: self._fit_rows.start())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier) == (
            Qt.KeyboardModifier.NoModifier
        )
        if plain and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
            self.edit_requested.emit()
            event.accept()
            return
        if plain and event.key() == Qt.Key.Key_Delete:
            self.delete_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def fill(self, risks: list[RiskRow]) -> None:
        from asbdesk.risks import LIKELIHOOD_WORDS, SEVERITY_WORDS, band

        self.setSortingEnabled(False)
        self.setRowCount(len(risks))
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for row, risk in enumerate(risks):
            name, colour = band(risk.score)
            actions = "\n".join(short(label) for _id, label in risk.actions)
            review = format_date(risk.review_date) if risk.review_date else "No review date"
            cells = {
                SCORE: str(risk.score),
                BAND: name,
                RISK: risk.description,
                SEVERITY: f"{risk.severity} {SEVERITY_WORDS[risk.severity]}",
                LIKELIHOOD: f"{risk.likelihood} {LIKELIHOOD_WORDS[risk.likelihood]}",
                OWNER: risk.owner or "No owner",
                REVIEW: f"{review} – Overdue" if risk.overdue else review,
                ACTIONS: actions or "None yet",
            }
            items = {col: QTableWidgetItem(text) for col, text in cells.items()}
            for col, item in items.items():
                item.setData(ID_ROLE, risk.id)
                self.setItem(row, col, item)
            items[SCORE].setTextAlignment(
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
            items[BAND].setIcon(_chip_icon(colour, self.fontMetrics().height()))
            items[BAND].setToolTip(f"Score {risk.score}: {name}")
            items[RISK].setToolTip(risk.description)
            if risk.actions:
                items[ACTIONS].setToolTip("\n".join(label for _i, label in risk.actions))
            for col, missing in (
                (OWNER, not risk.owner),
                (ACTIONS, not risk.actions),
                (REVIEW, risk.review_date is None),
            ):
                if missing:
                    items[col].setForeground(QBrush(MUTED))
            if risk.overdue:
                item = items[REVIEW]
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                item.setForeground(QBrush(OVERDUE))
                item.setIcon(warning)
                item.setToolTip(f"The review was due on {review}: review this risk.")
        self._fit_row_heights()

    def _fit_row_heights(self) -> None:
        """Each row as tall as its wrapped text, with a little air: Qt's own fit leaves
        the last line of a wrapped cell touching (or under) the next row."""
        pad = self.fontMetrics().height() // 3
        for row in range(self.rowCount()):
            self.setRowHeight(row, self.sizeHintForRow(row) + pad)


def short(text: str, limit: int = 70) -> str:
    """At most `limit` characters, cut at a word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:–-") + " …"


def _chip_icon(colour: str, size: int) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.fillRect(1, 1, size - 2, size - 2, QColor(colour))
    painter.setPen(QColor("#7f7f7f"))
    painter.drawRect(1, 1, size - 3, size - 3)
    painter.end()
    return QIcon(pixmap)
