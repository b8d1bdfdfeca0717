"""A status as a small colour chip icon, for check boxes and list rows that name a status
(the word always goes beside it, so it reads in black and white too)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QWidget

from asbdesk.gui.status_delegate import paint_chip
from asbdesk.rag import Status


def chip_size(widget: QWidget) -> QSize:
    """A chip's size beside `widget`'s text, as the tree draws it (device-independent)."""
    h = max(widget.fontMetrics().height() - 4, 8)
    return QSize(int(h * 1.6), h)


def status_icon(status: Status | None, widget: QWidget) -> QIcon:
    """The chip the tree paints for `status`, sized to `widget`'s font (`chip_size`) and
    drawn at the screen's scale, so it stays sharp at 150 %."""
    size = chip_size(widget)
    w, h = size.width(), size.height()
    ratio = widget.devicePixelRatioF()
    pixmap = QPixmap(int(w * ratio), int(h * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    paint_chip(painter, QRect(0, 0, w, h), status)
    painter.end()
    return QIcon(pixmap)
