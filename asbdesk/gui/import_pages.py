"""The import wizard's second and third pages: the reading of the sheet, which the officer
corrects (header row, what each column holds, level names, splitting items), and the
preview of the plan it gives, with counts, warnings and where every column goes.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from openpyxl.utils import get_column_letter
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from asbdesk.gui.progress import Cancelled, progress_dialog
from asbdesk.gui.uiload import child, guard_wheel, load_ui
from asbdesk.periods import DateFormError, format_date, parse_target_date
from asbdesk.rag import Status
from asbdesk.words import count
from asbdesk.xlsx_grid import Grid, collector_paused
from asbdesk.xlsx_import import prepare
from asbdesk.xlsx_reading import (
    FIELD_LABELS,
    Reading,
    ReadingError,
    mapping_of,
    propose_reading,
    reread,
)

if TYPE_CHECKING:
    from asbdesk.gui.import_wizard import ImportWizard

SHEET_ROWS = 300  # rows of the sheet shown on the reading page; enough to see its shape
PREVIEW_NODES = 3000  # nodes shown in the preview tree; the counts cover them all
_HEADER = QColor("#dbe7f5")
_KEY = QColor("#e8e8e8")


class FormPage(QWizardPage):
    """A wizard page whose contents are a Designer form."""

    def __init__(self, wizard: ImportWizard, ui_name: str, title: str, subtitle: str = "") -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(title)
        if subtitle:
            self.setSubTitle(subtitle)
        self.form = load_ui(ui_name, self)
        QVBoxLayout(self).addWidget(self.form)


class ReadingPage(FormPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            "import_reading.ui",
            "Check how the sheet is read",
            "Correct anything read wrongly: the header row, what each column holds, the names "
            "of the levels. The next page shows the plan it gives.",
        )
        form = self.form
        self.header_spin = child(form, QSpinBox, "headerSpin")
        self.info = child(form, QLabel, "readingInfo")
        self.levels_edit = child(form, QLineEdit, "levelsEdit")
        self.as_at_edit = child(form, QLineEdit, "asAtEdit")
        self.split_check = child(form, QCheckBox, "splitCheck")
        self.columns = child(form, QTableWidget, "columnsTable")
        self.sheet_view = child(form, QTableWidget, "sheetTable")
        self.columns.setColumnCount(3)
        self.columns.setHorizontalHeaderLabels(["Column", "Example", "Holds"])
        self.columns.verticalHeader().hide()
        self.columns.setTabKeyNavigation(False)  # Tab moves on; arrows move between cells
        self.columns.setWordWrap(False)  # one line a column: the example's tooltip has it all
        self.columns.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.columns.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.header_spin.valueChanged.connect(self._header_changed)
        self.levels_edit.editingFinished.connect(self._levels_changed)
        self.split_check.toggled.connect(self._split_changed)
        child(form, QPushButton, "saveMappingButton").clicked.connect(self._save_mapping)
        self._filling = False
        self._header_refused = False

    def initializePage(self) -> None:
        self._fill()

    def _fill(self) -> None:
        reading, grid = self.wiz.reading, self.wiz.grid
        assert reading is not None and grid is not None
        self._filling = True
        self.header_spin.setMaximum(max(grid.height, 1))
        self.header_spin.setValue(reading.header_row)
        self.split_check.setChecked(reading.split)
        self.levels_edit.setText(" > ".join(reading.level_names))
        if not self.as_at_edit.text():
            saved = self.wiz.source.saved if self.wiz.source is not None else None
            self.as_at_edit.setText(format_date(min(saved or self.wiz.today, self.wiz.today)))
        self.columns.setRowCount(len(reading.headings))
        for row, (column, heading) in enumerate(sorted(reading.headings.items())):
            self.columns.setItem(row, 0, QTableWidgetItem(f"{_letter(column)}  {heading}"))
            example = QTableWidgetItem(_example(grid, reading, column))
            example.setToolTip(example.text())
            self.columns.setItem(row, 1, example)
            combo = QComboBox()
            combo.setAccessibleName(f"What column {_letter(column)} '{heading}' holds")
            for name, label in FIELD_LABELS.items():
                combo.addItem(label, name)
            combo.setCurrentIndex(combo.findData(reading.columns[column]))
            combo.currentIndexChanged.connect(
                lambda _i, c=column, box=combo: self._column_changed(c, box.currentData())
            )
            guard_wheel(combo)
            self.columns.setCellWidget(row, 2, combo)
        self._filling = False
        self._show_sheet()
        self._describe()

    def _describe(self) -> None:
        reading = self.wiz.reading
        assert reading is not None
        parts = [f"repeated on {count(len(reading.repeated_headers), 'row')}"] * bool(
            reading.repeated_headers
        )
        if reading.banner_rows:
            parts.append(f"{count(len(reading.banner_rows), 'banner row')} (the top level)")
        if reading.key_rows:
            parts.append("a colour key")
        parts += [f"a list of {len(b.item_rows)} under row {b.heading_row}" for b in reading.lists]
        self.info.setText("; ".join(parts).capitalize() + ("." if parts else ""))

    def _show_sheet(self) -> None:
        reading, grid = self.wiz.reading, self.wiz.grid
        assert reading is not None and grid is not None
        view = self.sheet_view
        rows = min(grid.height, SHEET_ROWS)
        view.clear()
        view.setRowCount(rows)
        view.setColumnCount(grid.width)
        view.setHorizontalHeaderLabels([_letter(c) for c in range(1, grid.width + 1)])
        bold = QFont(view.font())
        bold.setBold(True)
        for r in range(1, rows + 1):
            shade = _HEADER if r == reading.header_row else None
            if r in reading.key_rows or r in reading.repeated_headers:
                shade = _KEY
            for c in range(1, grid.width + 1):
                cell = grid.cell(r, c)
                item = QTableWidgetItem(cell.text.replace("\n", " ⏎ ")[:120])
                if shade is not None:
                    item.setBackground(QBrush(shade))
                if r in reading.banner_rows:
                    item.setFont(bold)
                view.setItem(r - 1, c - 1, item)
        view.horizontalHeader().setDefaultSectionSize(150)
        first = view.item(max(reading.header_row - 1, 0), 0)
        if first is not None:
            view.scrollToItem(first, QAbstractItemView.ScrollHint.PositionAtTop)

    def _header_changed(self, row: int) -> None:
        if self._filling or self.wiz.grid is None:
            return
        try:
            self.wiz.reading = propose_reading(self.wiz.grid, row)
        except ReadingError as exc:
            self.info.setText(str(exc))
            self._header_refused = True  # Next stays here until a row that reads is chosen
            return
        self._header_refused = False
        self._fill()

    def _column_changed(self, column: int, name: str) -> None:
        reading, grid = self.wiz.reading, self.wiz.grid
        if self._filling or reading is None or grid is None:
            return
        reading.columns[column] = name
        reread(grid, reading)
        self.levels_edit.setText(" > ".join(reading.level_names))
        self._show_sheet()
        self._describe()

    def _levels_changed(self) -> None:
        if self.wiz.reading is not None:
            names = [n.strip() for n in self.levels_edit.text().split(">") if n.strip()]
            self.wiz.reading.level_names = names or self.wiz.reading.level_names

    def _split_changed(self, on: bool) -> None:
        if self.wiz.reading is not None:
            self.wiz.reading.split = on

    def _levels_needed(self) -> int:
        reading = self.wiz.reading
        assert reading is not None
        return bool(reading.banner_rows) + len(reading.level_columns) + 1

    def _save_mapping(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the reading as a mapping", "", "asbdesk mappings (*.json)"
        )
        if name:
            self.save_mapping(name if name.endswith(".json") else f"{name}.json")

    def save_mapping(self, path: str) -> None:
        assert self.wiz.reading is not None
        self._levels_changed()
        try:
            with open(path, "w", encoding="utf-8") as f:
                json.dump(mapping_of(self.wiz.reading), f, indent=2, ensure_ascii=False)
        except OSError as exc:
            QMessageBox.warning(self, "asbdesk", f"The mapping was not saved: {exc.strerror}.")

    def validatePage(self) -> bool:
        reading = self.wiz.reading
        assert reading is not None and self.wiz.source is not None
        if self._header_refused:
            return False
        self._levels_changed()
        if "title" not in reading.columns.values():
            self.info.setText("Choose the column that holds the actions (Action (title)).")
            return False
        needed = self._levels_needed()
        if len(reading.level_names) != needed:
            self.info.setText(
                f"This reading gives {count(needed, 'level')}: give {needed} names, top first, "
                "separated by >."
            )
            return False
        try:
            as_at = parse_target_date(self.as_at_edit.text())
        except DateFormError as exc:
            self.info.setText(f"Undated updates: {exc}")
            self.as_at_edit.setFocus()
            return False
        try:
            with progress_dialog(self, "Building the plan…") as report, collector_paused():
                self.wiz.prepared = prepare(
                    self.wiz.source,
                    self.wiz.sheet,
                    reading,
                    self.wiz.today,
                    progress=report,
                    as_at=as_at,
                )
        except Cancelled:
            return False
        return True


class PreviewPage(FormPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(
            wizard,
            "import_preview.ui",
            "Preview",
            "This is the plan that will be written. Nothing is written before Finish.",
        )
        form = self.form
        self.summary = child(form, QLabel, "summaryLabel")
        self.tree = child(form, QTreeWidget, "previewTree")
        self.warnings = child(form, QListWidget, "warningsList")
        self.notes = child(form, QListWidget, "notesList")
        self.indicators = child(form, QCheckBox, "indicatorsCheck")
        self.new_plan = child(form, QRadioButton, "newPlanRadio")
        self.existing = child(form, QRadioButton, "existingRadio")
        self.plan_combo = child(form, QComboBox, "planCombo")
        self.existing.toggled.connect(self.plan_combo.setEnabled)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 80), (2, 230), (3, 100), (4, 90)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        splitter = child(form, QSplitter, "splitter")
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

    def initializePage(self) -> None:
        prepared = self.wiz.prepared
        assert prepared is not None
        plan = prepared.plan
        counts = ", ".join(count(n, name.lower()) for name, n in prepared.level_counts().items())
        extra = f"; {count(len(plan['indicators']), 'indicator')}" if plan["indicators"] else ""
        self.summary.setText(f"'{plan['title']}': {counts or 'no actions'}{extra}.")
        self.tree.clear()
        shown = _fill_tree(self.tree.invisibleRootItem(), plan["children"], PREVIEW_NODES)
        total = sum(prepared.level_counts().values())
        if shown < total:
            QTreeWidgetItem(self.tree, ["", f"… and {total - shown} more, not shown here"])
        self.tree.expandToDepth(0)
        self.warnings.clear()
        self.warnings.addItems(prepared.warnings or ["No warnings: every cell was understood."])
        self.notes.clear()
        self.notes.addItems(prepared.built.notes)
        sheet_count = len(prepared.from_sheets)
        self.indicators.setVisible(bool(sheet_count))
        self.indicators.setChecked(True)
        self.indicators.setText(
            f"Also import the {count(sheet_count, 'indicator')} from "
            + ", ".join(f"the sheet '{s}'" for s in prepared.indicator_sheets)
        )
        self.plan_combo.clear()
        for plan_id, title in self.wiz.plans:
            self.plan_combo.addItem(title, plan_id)
        self.existing.setEnabled(bool(self.wiz.plans))

    def with_indicators(self) -> bool:
        return self.indicators.isChecked() or not self.indicators.isVisible()

    def into_plan_id(self) -> int | None:
        if self.existing.isChecked() and self.plan_combo.currentIndex() >= 0:
            plan_id: int = self.plan_combo.currentData()
            return plan_id
        return None


def _fill_tree(parent: QTreeWidgetItem, nodes: list[dict[str, Any]], room: int) -> int:
    shown = 0
    for node in nodes:
        if shown >= room:
            break
        when = node["target_date"]
        status = Status(node["status"]).word if node["status"] else ""
        item = QTreeWidgetItem(
            parent,
            [
                node["ref"],
                node["title"].replace("\n", " "),
                ", ".join(node["lead"]),
                format_date(date.fromisoformat(when)) if when else "",
                status,
            ],
        )
        item.setToolTip(1, node["title"])
        shown += 1 + _fill_tree(item, node["children"], room - shown - 1)
    return shown


def _example(grid: Grid, reading: Reading, column: int) -> str:
    skip = {*reading.repeated_headers, *reading.key_rows, *reading.banner_rows}
    for r in range(reading.header_row + 1, min(grid.height, reading.header_row + 60) + 1):
        text = grid.cell(r, column).text
        if text and r not in skip:
            return text.replace("\n", " ")[:90]
    return ""


def _letter(column: int) -> str:
    return str(get_column_letter(column))
