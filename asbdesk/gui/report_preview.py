"""The report as it will print, before it is saved or printed: every page in one scrolling
column (QtPdf's `QPdfView`), fit to the window's width, with the page shown, the zoom,
and Save as PDF… and Print… for the very file previewed.

Built in code, not from a Designer file: `QUiLoader` cannot make a `QPdfView`, and this
module is imported only when QtPdfWidgets is there (File ▸ Report… opens the system's
PDF viewer when it is not).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QMargins, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from asbdesk.words import count

ZOOM_STEP = 1.25
ZOOM_RANGE = (0.25, 4.0)


class ReportPreview(QDialog):
    save_requested = Signal(object)  # Path: the PDF shown, to save under a name of the officer's
    print_requested = Signal(object)  # Path: the PDF shown, to print

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportPreview")
        self.setWindowTitle("Report preview")
        self.path: Path | None = None
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setAccessibleName("The report's pages")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setDocumentMargins(QMargins(12, 12, 12, 12))
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Page Up / Page Down scroll
        self.view.setStyleSheet("QPdfView { background: #7f7f7f; }")  # pages stand out

        self.page_spin = QSpinBox()
        self.page_spin.setObjectName("pageSpin")
        self.page_spin.setAccessibleName("Page shown")
        self.page_spin.setMinimum(1)
        self.page_spin.setMinimumWidth(self.page_spin.fontMetrics().horizontalAdvance("0000") * 2)
        self.page_of = QLabel()
        self.page_of.setObjectName("pageCountLabel")
        page_label = QLabel("Pa&ge:")
        page_label.setBuddy(self.page_spin)
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoomLabel")
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("400 %."))
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_out_button = self._button("Zoom &out", "Make the pages smaller", self.zoom_out)
        self.zoom_in_button = self._button("Zoom &in", "Make the pages larger", self.zoom_in)
        self.fit_width_button = self._button("&Fit width", "Pages as wide as the window", self.fit)
        self.whole_page_button = self._button(
            "&Whole page", "A whole page in the window", self.whole_page
        )
        bar = QHBoxLayout()
        for widget in (page_label, self.page_spin, self.page_of):
            bar.addWidget(widget)
        bar.addSpacing(24)
        zoom: tuple[QWidget, ...] = (
            self.zoom_out_button,
            self.zoom_label,
            self.zoom_in_button,
            self.fit_width_button,
            self.whole_page_button,
        )
        for item in zoom:
            bar.addWidget(item)
        bar.addStretch(1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.setObjectName("buttonBox")
        self.save_button = self._button("&Save as PDF…", "Save this report as a PDF file")
        self.print_button = self._button("&Print…", "Print this report")
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close the preview")
        # No default button: Enter in the page box goes to the page, it must not close.
        for button in self.buttons.buttons():
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)
        self.buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(lambda: self.save_requested.emit(self.path))
        self.print_button.clicked.connect(lambda: self.print_requested.emit(self.path))

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)

        navigator = self.view.pageNavigator()
        navigator.currentPageChanged.connect(self._page_scrolled)
        self.page_spin.valueChanged.connect(self._page_chosen)
        self.view.zoomModeChanged.connect(self._show_zoom)
        self.view.zoomFactorChanged.connect(self._show_zoom)
        self.view.viewport().installEventFilter(self)  # a fitted zoom changes with the window
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, self.zoom_in)
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, self.zoom_out)

    def _button(self, text: str, name: str, slot: object = None) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.setToolTip(name)
        button.setAutoDefault(False)
        if callable(slot):
            button.clicked.connect(slot)
        return button

    def show_pdf(self, path: Path, title: str) -> int:
        """Show the PDF at `path` from its first page, fit to the width; its page count."""
        self.document.close()
        error = self.document.load(str(path))
        if error != QPdfDocument.Error.None_:
            raise OSError(f"The preview could not read {path.name} ({error.name}).")
        self.path = path
        pages = self.document.pageCount()
        self.setWindowTitle(f"Preview – {title}")
        self.page_spin.setMaximum(max(pages, 1))
        self.page_of.setText(f"of {pages}")
        self.page_of.setAccessibleName(f"{count(pages, 'page')} in the report")
        self.fit()
        self.page_spin.setValue(1)
        self.view.pageNavigator().jump(0, QPointF(), 0)
        return pages

    # -- pages and zoom -------------------------------------------------------------

    def pages(self) -> int:
        return self.document.pageCount()

    def _page_scrolled(self, page: int) -> None:
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(page + 1)
        self.page_spin.blockSignals(False)
        self._show_zoom()

    def _page_chosen(self, number: int) -> None:
        navigator = self.view.pageNavigator()
        if navigator.currentPage() != number - 1:
            navigator.jump(number - 1, QPointF(), navigator.currentZoom())

    def zoom(self) -> float:
        """The zoom the pages are shown at, 1.0 being a page at its printed size."""
        mode = self.view.zoomMode()
        if mode == QPdfView.ZoomMode.Custom or not self.pages():
            return float(self.view.zoomFactor())
        page = self.document.pagePointSize(max(self.view.pageNavigator().currentPage(), 0))
        if page.isEmpty():
            return 1.0
        margins = self.view.documentMargins()
        per_point = self.view.logicalDpiX() / 72
        viewport = self.view.viewport()
        width = (viewport.width() - margins.left() - margins.right()) / (page.width() * per_point)
        if mode == QPdfView.ZoomMode.FitToWidth:
            return max(width, 0.01)
        height = (viewport.height() - margins.top() - margins.bottom()) / (
            page.height() * per_point
        )
        return max(min(width, height), 0.01)

    def _set_zoom(self, factor: float) -> None:
        low, high = ZOOM_RANGE
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(min(max(factor, low), high))
        self._show_zoom()

    def zoom_in(self) -> None:
        self._set_zoom(self.zoom() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._set_zoom(self.zoom() / ZOOM_STEP)

    def fit(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._show_zoom()

    def whole_page(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        self._show_zoom()

    def _show_zoom(self, *_args: object) -> None:
        text = f"{round(self.zoom() * 100)} %"
        self.zoom_label.setText(text)
        self.zoom_label.setAccessibleName(f"Zoom {text}")
        low, high = ZOOM_RANGE
        self.zoom_in_button.setEnabled(self.zoom() < high)
        self.zoom_out_button.setEnabled(self.zoom() > low)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            self._show_zoom()
        return False
