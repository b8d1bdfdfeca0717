"""Printing a report: the PDF `asbdesk.report` wrote, page by page, on a `QPrinter`.

Qt cannot send a PDF to a printer as it is, so each page is rendered (QtPdf's pdfium) to
an image at the printer's resolution and painted on a printer page of its own, scaled to
fit the printable area with its shape kept. What prints is what the preview showed and
the saved file holds. The resolution is capped at 300 dpi: a page at a laser printer's
1200 dpi would be a 550 MB image, and tables and text print no better for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

MAX_DPI = 300


class PrintError(OSError):
    """The report could not be printed; the message says why, and nothing was printed."""


def make_printer(orientation: str, title: str) -> QPrinter:
    """A printer set for an A4 report in `orientation` ("landscape" or "portrait")."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape
        if orientation == "landscape"
        else QPageLayout.Orientation.Portrait
    )
    printer.setDocName(title)
    return printer


def fit(size: QSize, area: QRect) -> QRect:
    """`size` scaled to fit inside `area`, its shape kept, centred."""
    scaled = size.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
    x = area.x() + (area.width() - scaled.width()) // 2
    y = area.y() + (area.height() - scaled.height()) // 2
    return QRect(x, y, scaled.width(), scaled.height())


def print_pdf(
    pdf_path: str | Path,
    printer: QPrinter,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Print every page of the PDF at `pdf_path` on `printer`, one printer page each;
    the number of pages printed. `progress(done, total)` is called after each page, and
    an exception from it (Cancel) aborts the print job."""
    from PySide6.QtPdf import QPdfDocument

    path = Path(pdf_path)
    document = QPdfDocument()
    error = document.load(str(path))
    if error != QPdfDocument.Error.None_:
        raise PrintError(f"{path.name} could not be read for printing ({error.name}).")
    pages = document.pageCount()
    if pages == 0:
        raise PrintError(f"{path.name} has no pages to print.")
    dpi = min(printer.resolution(), MAX_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("The printer could not be started; nothing was printed.")
    try:
        area = QRect(0, 0, printer.width(), printer.height())  # the printable area
        for page in range(pages):
            if page and not printer.newPage():
                raise PrintError("The printer refused a new page; the print was stopped.")
            points = document.pagePointSize(page)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            image = document.render(page, size)
            painter.drawImage(fit(image.size(), area), image)
            if progress is not None:
                progress(page + 1, pages)
    except BaseException:
        printer.abort()  # a printer's job is cancelled; a PDF's engine cannot abort, so
        painter.end()
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            Path(printer.outputFileName()).unlink(missing_ok=True)  # its part goes
        raise
    finally:
        if painter.isActive():
            painter.end()
        document.close()
    return pages
