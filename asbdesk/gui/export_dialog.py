"""File ▸ Export to Excel…: which part of the plan to send (the whole plan, one commitment,
one partner's or one officer's actions, only some statuses), whether partners are to fill
it in and send it back, and the file to write.

A line below the choices says, as they change, how many rows and actions will go. The
workbook is written here, under the cancellable progress dialog, so a path that cannot be
written (or a Cancel) leaves the dialog open with the officer's choices as they were;
`write_workbook` writes a .part file and renames it, so nothing half-written is left.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from asbdesk import settings
from asbdesk.desk import Desk
from asbdesk.gui.operations import user_errors, user_message
from asbdesk.gui.plan_choices import (
    add_people,
    add_top_levels,
    fit_combo,
    last_folder,
    rows_chosen,
    safe_file_name,
    status_checks,
    tick_statuses,
    ticked_statuses,
    top_of,
)
from asbdesk.gui.progress import Cancelled, progress_dialog
from asbdesk.gui.uiload import child, load_ui
from asbdesk.periods import format_date
from asbdesk.plan_tree import PlanTree
from asbdesk.rag import STATUS_ORDER, Status
from asbdesk.words import count
from asbdesk.xlsx_export import ExportOptions, describe_scope, write_workbook

FOLDER_KEY = "export_folder"  # settings.json: where the last workbook was written
XLSX_FILTER = "Excel workbooks (*.xlsx)"


class ExportDialog(QDialog):
    exported = Signal(object)  # ExportResult, once the workbook is written

    def __init__(
        self,
        desk: Desk,
        tree: PlanTree,
        selected: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`tree` is the plan as the window shows it (read only here: the dialog is modal,
        so the plan cannot change under it)."""
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export to Excel")
        self.desk = desk
        self.tree = tree
        self.plan_id = tree.settings.id
        self.today = tree.today
        form = load_ui("export_excel.ui", self)
        QVBoxLayout(self).addWidget(form)

        self.whole_radio = child(form, QRadioButton, "wholeRadio")
        self.node_radio = child(form, QRadioButton, "nodeRadio")
        self.partner_radio = child(form, QRadioButton, "partnerRadio")
        self.officer_radio = child(form, QRadioButton, "officerRadio")
        self.node_combo = child(form, QComboBox, "nodeCombo")
        self.partner_combo = child(form, QComboBox, "partnerCombo")
        self.officer_combo = child(form, QComboBox, "officerCombo")
        self.status_checks = status_checks(form)
        self.for_partners_check = child(form, QCheckBox, "forPartnersCheck")
        self.indicators_check = child(form, QCheckBox, "indicatorsCheck")
        self.count_label = child(form, QLabel, "countLabel")
        self.file_edit = child(form, QLineEdit, "fileEdit")
        self.message = child(form, QLabel, "messageLabel")
        buttons = child(form, QDialogButtonBox, "buttonBox")
        self.export_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("&Export")
        self.export_button.setAccessibleName("Write the workbook")
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        help_label = child(form, QLabel, "forPartnersHelp")
        palette = help_label.palette()
        palette.setColor(
            QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
        )
        help_label.setPalette(palette)

        self._typed_name = False  # once the officer names the file, it is theirs
        self._confirmed: Path | None = None  # replacing it was agreed in the file dialog
        self._rows = 0
        self._recount_timer = QTimer(self)
        self._recount_timer.setSingleShot(True)
        self._recount_timer.setInterval(100)  # a burst of clicks is counted once
        self._recount_timer.timeout.connect(self._recount)

        self._intro(child(form, QLabel, "introLabel"))
        self._fill_choices(selected)
        for box in self.status_checks.values():
            box.toggled.connect(self._changed)
        for radio, combo in self._scopes():
            radio.toggled.connect(combo.setEnabled)
            radio.toggled.connect(self._changed)
            combo.currentIndexChanged.connect(self._changed)
        child(form, QPushButton, "redAmberButton").clicked.connect(
            lambda: self.set_statuses({Status.RED, Status.AMBER})
        )
        child(form, QPushButton, "allStatusesButton").clicked.connect(
            lambda: self.set_statuses(set(self.status_checks))
        )
        child(form, QPushButton, "browseButton").clicked.connect(self._browse)
        self.for_partners_check.toggled.connect(self._changed)
        if desk.read_only:
            # A workbook to be sent back is recorded in the desk; a read-only one can
            # only send a copy to read.
            self.for_partners_check.setChecked(False)
            self.for_partners_check.setEnabled(False)
            self.for_partners_check.setToolTip(
                "This desk is open read-only: the workbook can be a copy to read, "
                "not one for partners to fill in and send back."
            )
        has_indicators = self._has_indicators()
        self.indicators_check.setEnabled(has_indicators)
        self.indicators_check.setChecked(has_indicators)
        if not has_indicators:
            self.indicators_check.setText(
                "&Include the plan's indicators and session totals (it has none)"
            )
        self.file_edit.textEdited.connect(self._name_typed)
        self.file_edit.textChanged.connect(self._enable_export)
        self.file_edit.setText(str(self._default_path()))
        self._recount()
        self.resize(self.sizeHint().expandedTo(QSize(720, 0)))

    # -- the choices ----------------------------------------------------------------

    def _intro(self, label: QLabel) -> None:
        label.setText(
            f"Write '{self.tree.settings.title}' to an Excel workbook: all of it, or the part "
            "a partner or an officer needs to see."
        )

    def _scopes(self) -> list[tuple[QRadioButton, QComboBox]]:
        return [
            (self.node_radio, self.node_combo),
            (self.partner_radio, self.partner_combo),
            (self.officer_radio, self.officer_combo),
        ]

    def _fill_choices(self, selected: int | None) -> None:
        tree = self.tree
        level = tree.settings.level_name(0)
        self.node_radio.setText(f"O&ne {level.lower()}:")
        self.node_radio.setAccessibleName(f"Send one {level.lower()} and what is under it")
        self.node_combo.setAccessibleName(level)
        add_top_levels(self.node_combo, tree)
        top = top_of(tree.by_id.get(selected)) if selected is not None else None
        if top is not None:
            self.node_combo.setCurrentIndex(max(self.node_combo.findData(top.id), 0))
        add_people(tree, self.partner_combo, self.officer_combo)
        for radio, combo in self._scopes():
            fit_combo(combo)
            if combo.count() == 0:
                radio.setEnabled(False)
                radio.setToolTip("No one is named for this in the plan.")

    def set_statuses(self, statuses: set[Status | None]) -> None:
        tick_statuses(self.status_checks, statuses)

    def statuses(self) -> frozenset[Status | None] | None:
        """The statuses ticked; None when all are (every action, whatever its status)."""
        return ticked_statuses(self.status_checks)

    def options(self) -> ExportOptions:
        node = self.node_combo.currentData() if self.node_radio.isChecked() else None
        partner = self.partner_combo.currentData() if self.partner_radio.isChecked() else ""
        officer = self.officer_combo.currentData() if self.officer_radio.isChecked() else ""
        return ExportOptions(
            plan_id=self.plan_id,
            node_id=node,
            partner=partner or "",
            officer=officer or "",
            statuses=self.statuses(),
            for_partners=self.for_partners_check.isChecked(),
            indicators=self.indicators_check.isChecked(),
        )

    def _has_indicators(self) -> bool:
        found = self.desk.reader.execute(
            "SELECT 1 FROM indicator WHERE plan_id = :p UNION ALL SELECT 1 FROM field_session"
            " WHERE plan_id = :p AND deleted_at IS NULL LIMIT 1",
            {"p": self.plan_id},
        ).fetchone()
        return found is not None

    def _changed(self) -> None:
        self._recount_timer.start()
        if not self._typed_name:
            self.file_edit.setText(str(self._default_path()))

    def _recount(self) -> None:
        """How many rows the choices send, said in words, and Export only when some go."""
        self._recount_timer.stop()
        self._rows = 0
        if self.statuses() == frozenset():
            self.count_label.setText("Tick at least one status.")
        else:
            options = self.options()
            chosen = rows_chosen(self.tree, options)
            rows = len(chosen)
            actions = sum(1 for item in chosen if not item.children)
            self._rows = rows
            noun = self.tree.settings.level_names[-1].lower()
            if not rows:
                scope = describe_scope(self.tree, options)
                self.count_label.setText(f"Nothing matches ({scope}): nothing would go.")
            elif rows == actions:
                self.count_label.setText(f"{count(actions, noun)} will go.")
            else:
                self.count_label.setText(
                    f"{count(rows, 'row')} will go: {count(actions, noun)} and the "
                    f"{count(rows - actions, 'heading')} above them."
                )
        self.count_label.setAccessibleName(self.count_label.text())
        self._enable_export()

    def _enable_export(self) -> None:
        self.export_button.setEnabled(self._rows > 0 and bool(self.file_edit.text().strip()))

    # -- the file ---------------------------------------------------------------------

    def _default_name(self) -> str:
        options = self.options()
        parts = [self.tree.settings.title.strip() or "Plan"]
        if options.node_id is not None:
            item = self.tree.by_id[options.node_id]
            parts.append(f"{self.tree.settings.level_name(0)} {item.ref}".strip())
        parts += [p for p in (options.partner, options.officer) if p]
        if options.statuses is not None and options.statuses:
            order = [*STATUS_ORDER, None]
            words = [s.word if s else "not set" for s in order if s in options.statuses]
            parts.append(" and ".join(words).capitalize())
        parts.append(format_date(self.today).replace("/", "-"))
        return safe_file_name(" – ".join(parts)) + ".xlsx"

    def _default_path(self) -> Path:
        return export_folder() / self._default_name()

    def _name_typed(self) -> None:
        self._typed_name = True
        self._confirmed = None

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export to Excel", self.file_edit.text(), XLSX_FILTER
        )
        if name:
            self.file_edit.setText(name)
            self._typed_name = True
            self._confirmed = _target(Path(name))  # the file dialog asked about replacing it

    def target(self) -> Path | None:
        """The file to write, as `write_workbook` will name it; a bare name goes in the
        export folder."""
        text = self.file_edit.text().strip().strip('"')
        if not text:
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = export_folder() / path
        return _target(path)

    # -- writing ----------------------------------------------------------------------

    def export(self) -> None:
        """Write the workbook; on success the dialog closes, otherwise it says why."""
        self._recount()
        path = self.target()
        if path is None or not self._rows:
            return
        if path.exists() and path != self._confirmed:
            answer = QMessageBox.question(
                self,
                "Export to Excel",
                f"{path.name} already exists in {path.parent}. Replace it?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.message.clear()
        try:
            with progress_dialog(self, f"Writing {path.name}…") as report:
                result = write_workbook(
                    self.desk, self.options(), path, today=self.today, progress=report
                )
        except Cancelled:
            self.message.setText("Export cancelled: nothing was written.")
            return
        except user_errors() as exc:
            if isinstance(exc, OSError):
                text = f"{path.name} could not be written: {exc.strerror or exc}."
            else:
                text = user_message(exc)
            self.message.setText(text)
            self.file_edit.setFocus()
            return
        settings.put(FOLDER_KEY, str(result.path.parent))
        self.exported.emit(result)
        self.accept()


def _target(path: Path) -> Path:
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def export_folder() -> Path:
    """Where the last workbook was written, else the officer's Documents folder."""
    return last_folder(FOLDER_KEY)
