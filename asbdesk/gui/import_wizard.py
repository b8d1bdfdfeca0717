"""File ▸ Import plan from Excel…: a wizard that reads the workbook a team already keeps,
shows how it read it, lets the officer correct that, and previews the plan before a
single row is written.

Pages: the workbook and its sheet (here); the reading and the preview
(`import_pages`). The wizard holds the state the pages share: the opened workbook, the
sheet's grid, the reading and the plan prepared from it. The window writes the plan
with the command `import_command()` gives, so the import is one undoable step.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
    QWizard,
)

from asbdesk.gui.import_pages import FormPage, PreviewPage, ReadingPage
from asbdesk.gui.progress import Cancelled, progress_dialog
from asbdesk.gui.uiload import child
from asbdesk.xlsx_grid import Grid, find_header
from asbdesk.xlsx_import import ImportPlan, ImportSource, Prepared, load_mapping
from asbdesk.xlsx_open import WorkbookError
from asbdesk.xlsx_reading import Reading, ReadingError, apply_mapping, propose_reading


class ImportWizard(QWizard):
    def __init__(
        self, plans: list[tuple[int, str]], today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle("Import plan from Excel")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.resize(920, 680)
        self.plans = plans
        self.today = today
        self.source: ImportSource | None = None
        self.source_name = ""  # the workbook's file name, kept when the file is closed
        self.sheet = ""
        self.grid: Grid | None = None
        self.reading: Reading | None = None
        self.prepared: Prepared | None = None
        self.mapping: Any = None
        self.source_page = SourcePage(self)
        self.reading_page = ReadingPage(self)
        self.preview_page = PreviewPage(self)
        for page in (self.source_page, self.reading_page, self.preview_page):
            self.addPage(page)
        self.finished.connect(self._close_source)

    def import_command(self) -> ImportPlan:
        """What Finish writes: the previewed plan, as a new plan or into the one chosen."""
        assert self.prepared is not None
        data = dict(self.prepared.plan)
        if not self.preview_page.with_indicators():
            data["indicators"] = self.prepared.own_indicators()
        return ImportPlan(
            data, into_plan_id=self.preview_page.into_plan_id(), source=self.source_name
        )

    def open_workbook(self, path: Path) -> str:
        """Opens `path` and finds its plan sheet; the message to show when it cannot."""
        self._close_source()
        try:
            source = ImportSource(path)
        except WorkbookError as exc:
            return str(exc)
        try:
            with progress_dialog(self, f"Looking for the plan in {path.name}…") as report:
                self.sheet = _plan_sheet(source, report)  # else the officer picks one
        except Cancelled:
            source.close()
            return "Stopped: choose the workbook again to read it."
        self.source = source
        self.source_name = path.name
        return ""

    def read_sheet(self, sheet: str) -> str:
        """The grid and the proposed reading of `sheet`; the message when there are none."""
        assert self.source is not None
        try:
            with progress_dialog(self, f"Reading the sheet '{sheet}'…") as report:
                grid = self.source.grid(sheet, report)
        except Cancelled:
            return "Stopped before the sheet was read."
        if not any(any(grid.texts(r)) for r in range(1, grid.height + 1)):
            return f"The sheet '{sheet}' is empty. Choose the sheet that holds the plan."
        try:
            if self.mapping is not None:
                reading = apply_mapping(grid, self.mapping)
            else:
                reading = propose_reading(grid, None if find_header(grid) else _first_row(grid))
        except ReadingError as exc:
            return str(exc)
        self.sheet, self.grid, self.reading = sheet, grid, reading
        return ""

    def _close_source(self) -> None:
        if self.source is not None:
            self.source.close()
        self.source = None


def _plan_sheet(source: ImportSource, report: Any) -> str:
    """The plan's sheet; with no header anywhere, the first, for the officer to correct."""
    try:
        return source.plan_sheet(report)
    except WorkbookError:
        return source.sheets[0] if source.sheets else ""


def _first_row(grid: Grid) -> int:
    """With no header found, the officer starts from the first row with text."""
    return next(r for r in range(1, grid.height + 1) if any(grid.texts(r)))


class SourcePage(FormPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard, "import_source.ui", "Choose the workbook")
        form = self.form
        self.file_edit = child(form, QLineEdit, "fileEdit")
        self.sheet_list = child(form, QListWidget, "sheetList")
        self.sheet_info = child(form, QLabel, "sheetInfo")
        self.message = child(form, QLabel, "messageLabel")
        self.mapping_check = child(form, QCheckBox, "mappingCheck")
        self.mapping_label = child(form, QLabel, "mappingLabel")
        self.mapping_check.setEnabled(False)
        child(form, QPushButton, "browseButton").clicked.connect(self._browse)
        child(form, QPushButton, "mappingButton").clicked.connect(self._choose_mapping)
        self.file_edit.editingFinished.connect(self._typed)
        self.file_edit.textChanged.connect(self.completeChanged)
        self._opening = False
        self.sheet_list.currentRowChanged.connect(self._sheet_chosen)

    def _typed(self) -> None:
        self.choose(self.file_edit.text())

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Import plan from Excel", "", "Excel workbooks (*.xlsx);;All files (*)"
        )
        if name:
            self.choose(name)

    def choose(self, name: str) -> None:
        """Opens the workbook `name` and lists its sheets, the plan's chosen."""
        name = name.strip().strip('"')
        if self._opening or not name:
            return  # Enter, then the focus leaving for the progress dialog: open once
        if self.wiz.source is not None and str(self.wiz.source.path) == name:
            return
        self._opening = True
        try:
            self._open(name)
        finally:
            self._opening = False

    def _open(self, name: str) -> None:
        self.file_edit.setText(name)
        self.sheet_list.clear()
        self.sheet_info.clear()
        self.message.setText(self.wiz.open_workbook(Path(name)))
        source = self.wiz.source
        if source is not None:
            for sheet in source.sheets:
                item = QListWidgetItem(sheet)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"Sheet {sheet}")
                self.sheet_list.addItem(item)
            self.sheet_list.setCurrentRow(source.sheets.index(self.wiz.sheet))
        self.completeChanged.emit()

    def _sheet_chosen(self, row: int) -> None:
        source = self.wiz.source
        if source is None or row < 0:
            return
        self.sheet_info.setText(
            f"The plan will be read from the sheet '{source.sheets[row]}'. Indicator tables "
            "on other sheets are offered at the end."
        )
        self.completeChanged.emit()

    def _choose_mapping(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose a saved mapping", "", "asbdesk mappings (*.json);;All files (*)"
        )
        if name:
            self.use_mapping(Path(name))

    def use_mapping(self, path: Path) -> None:
        try:
            self.wiz.mapping = load_mapping(path)
        except ReadingError as exc:
            self.message.setText(str(exc))
            return
        self.mapping_label.setText(path.name)
        self.mapping_check.setEnabled(True)
        self.mapping_check.setChecked(True)
        self.message.clear()

    def isComplete(self) -> bool:
        return bool(self.file_edit.text().strip())  # Next opens a path typed and not yet read

    def validatePage(self) -> bool:
        self.choose(self.file_edit.text())
        source = self.wiz.source
        if source is None or self.sheet_list.currentRow() < 0:
            return False
        mapping = self.wiz.mapping
        if not self.mapping_check.isChecked():
            self.wiz.mapping = None
        message = self.wiz.read_sheet(source.sheets[self.sheet_list.currentRow()])
        self.wiz.mapping = mapping
        self.message.setText(message)
        return not message
