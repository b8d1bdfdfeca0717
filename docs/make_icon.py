"""Draws asbdesk's icon: a white action-plan sheet on a clipboard, its three rows marked
red, amber and green, on a rounded navy square.

    python docs/make_icon.py

writes `resources/icons/asbdesk.png` (256 px, the window icon) and
`resources/icons/asbdesk.ico` (16 to 256 px, for the Windows executable). Each size is
drawn on its own rather than shrunk from the largest, so the 16 and 24 px icons in the
taskbar and Explorer keep a clear sheet and three distinct dots; below 32 px the text lines
beside the dots are left out, as they would only blur.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)

NAVY = QColor("#1f3f6e")
CLIP = QColor("#c9d3e0")
SHEET = QColor("#ffffff")
LINE = QColor("#8a97a8")
# The fills of asbdesk's Red, Amber and Green (asbdesk/rag.py), as officers know them.
DOTS = (QColor("#ff0000"), QColor("#ffc000"), QColor("#00b050"))


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 256, size / 256)  # drawn on a 256-unit grid at every size
    small = size < 32

    # The tile.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(NAVY)
    margin = 4 if small else 8
    p.drawRoundedRect(QRectF(margin, margin, 256 - 2 * margin, 256 - 2 * margin), 44, 44)

    # The sheet: wider and taller at small sizes, where every pixel counts.
    sheet = QRectF(52, 44, 152, 184) if small else QRectF(64, 52, 128, 172)
    p.setBrush(SHEET)
    p.drawRoundedRect(sheet, 14, 14)

    # The clip at the top of the board.
    clip = QPainterPath()
    clip.addRoundedRect(QRectF(100, 30, 56, 40), 10, 10)
    p.setBrush(CLIP)
    p.setPen(QPen(NAVY, 6))
    p.drawPath(clip)
    p.setPen(Qt.PenStyle.NoPen)

    # Three rows: a RAG dot and, where there is room, the row's text as a grey bar.
    top = sheet.top() + (46 if small else 44)
    step = 52 if small else 50
    radius = 20 if small else 14
    dot_x = sheet.center().x() if small else sheet.left() + 30
    for i, colour in enumerate(DOTS):
        y = top + i * step
        p.setBrush(colour)
        p.drawEllipse(QPointF(dot_x, y), radius, radius)
        if not small:
            p.setBrush(LINE)
            p.drawRoundedRect(QRectF(dot_x + 26, y - 7, sheet.right() - dot_x - 42, 14), 7, 7)
    p.end()
    return image


def _to_pil(image: QImage) -> Image.Image:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data().data()))).convert("RGBA")


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    ICONS.mkdir(parents=True, exist_ok=True)
    images = {size: draw(size) for size in SIZES}
    png = ICONS / "asbdesk.png"
    images[256].save(str(png))
    ico = ICONS / "asbdesk.ico"
    largest, *rest = (_to_pil(images[s]) for s in reversed(SIZES))
    largest.save(ico, format="ICO", sizes=[(s, s) for s in SIZES], append_images=rest)
    print(png)
    print(ico)
    return 0


if __name__ == "__main__":
    sys.exit(main())
