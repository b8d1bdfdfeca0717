"""What File ▸ Report… does with the report its choices describe: save it as a PDF where
the officer says, preview it, print it.

Every PDF is written by `asbdesk.report.write_report` under the cancellable progress
dialog, whole or not at all (`asbdesk.outfile`), so a Cancel or an error leaves no file
and the dialog's choices as they were; an error the officer can act on is said in a
message box. Preview and Print write to a temporary folder that goes when the dialog
closes, and the preview's Save as PDF… and Print… use the very file previewed.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from asbdesk import settings
from asbdesk.gui.operations import user_errors, user_message
from asbdesk.gui.plan_choices import last_folder
from asbdesk.gui.progress import Cancelled, progress_dialog
from asbdesk.gui.report_print import PrintError, make_printer, print_pdf
from asbdesk.outfile import output_path, written_whole
from asbdesk.report import ReportError, write_report
from asbdesk.words import count

if TYPE_CHECKING:
    from asbdesk.gui.report_dialog import ReportDialog
    from asbdesk.gui.report_preview import ReportPreview
    from asbdesk.report import ReportOptions, ReportResult

FOLDER_KEY = "report_folder"  # settings.json: where the last report was saved
PDF_FILTER = "PDF files (*.pdf)"
TITLE = "Report"


class ReportOutput(QObject):
    saved = Signal(object)  # Path of a report saved as PDF

    def __init__(self, dialog: ReportDialog) -> None:
        super().__init__(dialog)
        self.dialog = dialog
        self.preview_window: ReportPreview | None = None
        self._temp: tempfile.TemporaryDirectory[str] | None = None
        self._written = 0  # temporary reports so far, each in a folder of its own
        # Each temporary report, as made and with the choices that made it.
        self._made: dict[Path, tuple[ReportResult, ReportOptions]] = {}

    def _say(self, text: str) -> None:
        self.dialog.message.setText(text)

    # -- writing ----------------------------------------------------------------------

    def _write(self, path: Path, parent: QWidget | None = None) -> ReportResult | None:
        """The report written to `path` under the progress dialog; None (and said why)
        when it was cancelled or could not be written, and then nothing was."""
        self._say("")
        options = self.dialog.options()
        try:
            with progress_dialog(parent or self.dialog, f"Writing {path.name}…") as report:
                result = write_report(
                    self.dialog.desk, options, path, today=self.dialog.today, progress=report
                )
        except Cancelled:
            self._say("Cancelled: nothing was written.")
            return None
        except user_errors() as exc:
            self._error(exc, path, parent)
            return None
        self._made[result.path] = (result, options)
        return result

    def _error(self, exc: BaseException, path: Path, parent: QWidget | None = None) -> None:
        if isinstance(exc, OSError) and not isinstance(exc, PrintError):
            text = f"{path.name} could not be written: {exc.strerror or exc}. Nothing was written."
        else:
            text = user_message(exc)
        self._say(text)
        box = QMessageBox(QMessageBox.Icon.Warning, TITLE, text, parent=parent or self.dialog)
        box.setObjectName("reportError")
        box.open()

    def _temp_path(self) -> Path:
        """A new file in the dialog's temporary folder, named as it would be saved."""
        if self._temp is None:
            self._temp = tempfile.TemporaryDirectory(
                prefix="asbdesk-report-", ignore_cleanup_errors=True
            )
        self._written += 1
        folder = Path(self._temp.name) / str(self._written)
        folder.mkdir()
        return folder / self.dialog.default_name()

    # -- save as PDF ------------------------------------------------------------------

    def _ask_path(self, parent: QWidget) -> Path | None:
        """Where to save, from the file dialog; None when the officer cancels."""
        start = last_folder(FOLDER_KEY) / self.dialog.default_name()
        name, _ = QFileDialog.getSaveFileName(
            parent, "Save the report as PDF", str(start), PDF_FILTER
        )
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() != ".pdf":  # the file dialog asked about the name without it
            path = path.with_name(path.name + ".pdf")
            if path.exists():
                answer = QMessageBox.question(
                    parent,
                    TITLE,
                    f"{path.name} already exists in {path.parent}. Replace it?",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No,
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return None
        return path

    def save(self) -> None:
        """Save as PDF…: ask where, write it there, say how many pages."""
        if not self.dialog.ready():
            return
        path = self._ask_path(self.dialog)
        if path is None:
            return
        result = self._write(path)
        if result is not None:
            self._saved(result, self.dialog)

    def save_copy(self, previewed: Path) -> None:
        """The preview's Save as PDF…: the file previewed, copied whole to where the
        officer says."""
        parent = self.preview_window or self.dialog
        made, _options = self._made[previewed]
        path = self._ask_path(parent)
        if path is None:
            return
        try:
            target = output_path(path, ".pdf", ReportError)
            with written_whole(target, ReportError) as part:
                shutil.copyfile(previewed, part)
        except user_errors() as exc:
            self._error(exc, path, parent)
            return
        self._saved(dataclasses.replace(made, path=target), parent)

    def _saved(self, result: ReportResult, parent: QWidget) -> None:
        settings.put(FOLDER_KEY, str(result.path.parent))
        pages = count(result.pages, "page")
        self._say(f"Saved {result.path.name} ({pages}) in {result.path.parent}.")
        box = QMessageBox(
            QMessageBox.Icon.Information,
            TITLE,
            f"The report is saved: {pages}, {count(result.actions, 'action')}.",
            parent=parent,
        )
        box.setObjectName("reportSaved")
        box.setInformativeText(str(result.path))
        box.open()
        self.saved.emit(result.path)

    # -- preview ----------------------------------------------------------------------

    def preview(self) -> None:
        """Write the report to a temporary file and show it; in the system's PDF viewer
        when this copy of Qt has no PDF widgets."""
        if not self.dialog.ready():
            return
        preview_class = _preview_class()
        if preview_class is None:
            self._preview_outside()
            return
        result = self._write(self._temp_path())
        if result is None:
            return
        window = self.preview_window
        if window is None:
            window = self.preview_window = preview_class(self.dialog)
            window.save_requested.connect(self.save_copy)
            window.print_requested.connect(lambda path: self.print_file(path, window))
            screen = self.dialog.screen().availableGeometry()
            window.resize(min(1100, int(screen.width() * 0.9)), int(screen.height() * 0.9))
        try:
            pages = window.show_pdf(result.path, self.dialog.plan_combo.currentText())
        except OSError as exc:
            self._error(exc, result.path)
            return
        self._say(f"The preview shows the report's {count(pages, 'page')}.")
        if window.isVisible():
            window.raise_()  # a new window opens on top; one behind the dialog comes up
        window.show()
        window.activateWindow()

    def _preview_outside(self) -> None:
        # Kept after the dialog closes: the viewer may still be opening it.
        path = Path(tempfile.mkdtemp(prefix="asbdesk-report-")) / self.dialog.default_name()
        result = self._write(path)
        if result is None:
            return
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.path))):
            self._say(
                "This copy of asbdesk has no preview of its own, so the report "
                f"({count(result.pages, 'page')}) opened in your PDF viewer."
            )
        else:
            self._say(
                "This copy of asbdesk has no preview of its own and no PDF viewer opened; "
                f"the report is at {result.path}."
            )

    # -- print ------------------------------------------------------------------------

    def print_report(self) -> None:
        """Print…: write the report to a temporary file, then print that."""
        if not self.dialog.ready():
            return
        result = self._write(self._temp_path())
        if result is not None:
            self.print_file(result.path, self.dialog)

    def print_file(self, pdf: Path, parent: QWidget) -> None:
        """Ask which printer, then print the PDF at `pdf` on A4 in its orientation."""
        _result, options = self._made[pdf]
        printer = make_printer(options.orientation, pdf.stem)
        chooser = QPrintDialog(printer, parent)
        chooser.setWindowTitle("Print the report")
        if chooser.exec() != QDialog.DialogCode.Accepted:
            self._say("Nothing was printed.")
            return
        try:
            with progress_dialog(parent, "Printing the report…") as report:
                pages = print_pdf(pdf, printer, report)
        except Cancelled:
            self._say("Printing cancelled.")
            return
        except user_errors() as exc:
            self._error(exc, pdf, parent)
            return
        where = printer.printerName() or printer.outputFileName() or "the printer"
        self._say(f"Sent {count(pages, 'page')} to {where}.")

    def close(self) -> None:
        """The preview closed and the temporary files let go, as the dialog closes."""
        if self.preview_window is not None:
            self.preview_window.close()
            self.preview_window.document.close()
        if self._temp is not None:
            self._temp.cleanup()
            self._temp = None
        self._made.clear()


def _preview_class() -> type[ReportPreview] | None:
    try:
        from asbdesk.gui.report_preview import ReportPreview
    except ImportError:  # PySide6-Addons without QtPdfWidgets, or without QtPdf at all
        return None
    return ReportPreview
