"""Paints a status as a colour chip *and* its word, so it reads in black and white too.

Where the officer's status and the evidence disagree, a small marker in the suggested
colour follows the word; the tooltip says why.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from asbdesk.gui.tree_model import DISAGREEMENT_ROLE, ROLLED_UP_ROLE, STATUS_ROLE, SUGGESTION_ROLE
from asbdesk.rag import Status


def paint_chip(painter: QPainter, rect: QRect, status: Status | None) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if status is None or status is Status.NOT_STARTED:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(
            QPen(
                QColor("#7f7f7f"),
                1,
                Qt.PenStyle.DashLine if status is None else Qt.PenStyle.SolidLine,
            )
        )
    else:
        painter.setBrush(QColor(status.colour))
        painter.setPen(QPen(QColor(status.colour).darker(140), 1))
    painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 3, 3)
    painter.restore()


class StatusDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        status = Status.parse(index.data(STATUS_ROLE))
        suggested = Status.parse(index.data(SUGGESTION_ROLE))
        why = index.data(DISAGREEMENT_ROLE)
        rolled_up = bool(index.data(ROLLED_UP_ROLE))
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        fm = opt.fontMetrics
        h = max(fm.height() - 4, 8)
        r = opt.rect.adjusted(4, 0, -4, 0)
        chip = QRect(r.left(), r.top() + (r.height() - h) // 2, int(h * 1.6), h)
        if status is not None:
            paint_chip(painter, chip, status)
        painter.save()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(opt.palette.color(role))
        font = opt.font
        font.setItalic(rolled_up)
        painter.setFont(font)
        text_rect = r.adjusted(chip.width() + 6, 0, 0, 0)
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text
        )
        painter.restore()
        if why and suggested is not None:
            x = text_rect.left() + fm.horizontalAdvance(text) + 6
            d = max(h - 2, 6)
            marker = QRect(x, r.top() + (r.height() - d) // 2, d, d)
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(QColor(suggested.colour))
            painter.setPen(QPen(QColor("#202020"), 1))
            painter.drawEllipse(marker)
            painter.setPen(
                QColor("#ffffff") if suggested is not Status.AMBER else QColor("#000000")
            )
            bold = painter.font()
            bold.setBold(True)
            bold.setPointSizeF(max(bold.pointSizeF() * 0.75, 6))
            painter.setFont(bold)
            painter.drawText(marker, Qt.AlignmentFlag.AlignCenter, "!")
            painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        fm = option.fontMetrics
        return QSize(size.width() + int(fm.height() * 1.6) + 10 + fm.height(), size.height())
