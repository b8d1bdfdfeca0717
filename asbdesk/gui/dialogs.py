"""Small dialogs over Designer forms: the reason for a status change, a progress update, and
a plan's settings. Each checks what was typed and says what is wrong before accepting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from asbdesk.commands import AddUpdate, check_plan_values
from asbdesk.gui.uiload import child, load_ui
from asbdesk.periods import (
    DateFormError,
    PeriodError,
    Quarter,
    format_date,
    parse_period,
    parse_target_date,
)
from asbdesk.rag import DEFAULT_COLOUR_KEY, STATUS_ORDER, Status
from asbdesk.who import current_user

F = TypeVar("F")


class _CtrlReturn(QObject):
    def __init__(self, accept: Callable[[], None], parent: QObject) -> None:
        super().__init__(parent)
        self.accept = accept

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if ctrl and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept()
                return True
        return False


class _FormDialog:
    """A dialog loaded from `ui/NAME`, whose OK first runs `validate()`."""

    def __init__(self, ui_name: str, parent: QWidget | None) -> None:
        loaded = load_ui(ui_name, parent)
        assert isinstance(loaded, QDialog)
        self.dialog: QDialog = loaded
        self.buttons = child(loaded, QDialogButtonBox, "buttonBox")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.dialog.reject)
        # In a dialog whose main field is multi-line text, Return makes a new line;
        # Ctrl+Return is how the keyboard says OK. Text boxes keep Ctrl+Return for
        # themselves, so they are asked to pass it on.
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self.dialog, self._accept)
        self._ctrl_return = _CtrlReturn(self._accept, self.dialog)
        for box in self.dialog.findChildren(QPlainTextEdit):
            box.installEventFilter(self._ctrl_return)

    def _accept(self) -> None:
        if self.validate():
            self.dialog.accept()

    def validate(self) -> bool:
        return True

    def ok_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def exec(self) -> int:
        return self.dialog.exec()


class _CheckedFormDialog(_FormDialog, Generic[F]):
    """A form dialog whose OK reads its fields into checked values (`_read`). When they
    cannot be saved (`_refusal`, with a message) the message shows in the dialog's
    `message` label and the dialog stays open; after OK, `fields()` holds them."""

    _refusal: type[Exception] = ValueError
    message: QLabel
    _fields: F | None = None

    def _read(self) -> F:
        raise NotImplementedError

    def validate(self) -> bool:
        try:
            self._fields = self._read()
        except self._refusal as exc:
            self.message.setText(str(exc))
            return False
        self.message.clear()
        return True

    def fields(self) -> F:
        assert self._fields is not None, "fields() is read after the dialog was accepted"
        return self._fields


def _status_items(combo: QComboBox, current: Status | None) -> None:
    combo.addItem("Not set", None)
    for st in STATUS_ORDER:
        combo.addItem(st.word, st.value)
    combo.setCurrentIndex(max(combo.findData(current.value if current else None), 0))


class StatusReasonDialog(_FormDialog):
    """Asks why an officer changes a status; OK stays off until a reason is typed."""

    def __init__(
        self, title: str, old: Status | None, new: Status | None, parent: QWidget | None
    ) -> None:
        super().__init__("status_reason.ui", parent)
        old_word = old.word if old else "not set"
        new_word = new.word if new else "not set"
        child(self.dialog, QLabel, "questionLabel").setText(
            f"Change the status of “{_short(title)}” from {old_word} to {new_word}?"
        )
        self.reason_edit = child(self.dialog, QPlainTextEdit, "reasonEdit")
        self.reason_edit.textChanged.connect(self._enable_ok)
        self._enable_ok()
        self.reason_edit.setFocus()

    def _enable_ok(self) -> None:
        self.ok_button().setEnabled(bool(self.reason()))

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def validate(self) -> bool:
        return bool(self.reason())


class AddUpdateDialog(_FormDialog):
    def __init__(
        self, title: str, status: Status | None, today: date, parent: QWidget | None
    ) -> None:
        super().__init__("add_update.ui", parent)
        child(self.dialog, QLabel, "nodeLabel").setText(_short(title, 160))
        self.date_edit = child(self.dialog, QLineEdit, "dateEdit")
        self.period_combo = child(self.dialog, QComboBox, "periodCombo")
        self.text_edit = child(self.dialog, QPlainTextEdit, "textEdit")
        self.author_edit = child(self.dialog, QLineEdit, "authorEdit")
        self.status_combo = child(self.dialog, QComboBox, "statusCombo")
        self.internal_check = child(self.dialog, QCheckBox, "internalCheck")
        self.message = child(self.dialog, QLabel, "messageLabel")
        self.message.clear()
        self.date_edit.setText(format_date(today))
        self._offer_periods(today)
        self.author_edit.setText(current_user())
        _status_items(self.status_combo, status)
        self.date_edit.editingFinished.connect(self._date_to_period)
        self.text_edit.setFocus()

    def _offer_periods(self, day: date) -> None:
        """The quarters around the update's date, and its financial year; the date's own
        quarter chosen. An officer may still type another period."""
        q = Quarter.of(day)
        quarters = [q.previous().previous(), q.previous(), q, q.next()]
        self.period_combo.clear()
        self.period_combo.addItems([x.label for x in quarters] + [q.year.label])
        self.period_combo.setCurrentText(q.label)

    def _date_to_period(self) -> None:
        try:
            day = parse_target_date(self.date_edit.text())
        except DateFormError:
            return
        self._offer_periods(day)

    def validate(self) -> bool:
        problems = []
        try:
            parse_target_date(self.date_edit.text())
        except DateFormError as exc:
            problems.append(str(exc))
        try:
            parse_period(self.period_combo.currentText())
        except PeriodError as exc:
            problems.append(str(exc))
        if not self.text_edit.toPlainText().strip():
            problems.append("Type the update itself.")
        self.message.setText("\n".join(problems))
        return not problems

    def command(self, node_id: int) -> AddUpdate | None:
        if not self.validate():
            return None
        return AddUpdate(
            node_id,
            parse_target_date(self.date_edit.text()),
            parse_period(self.period_combo.currentText()).label,
            self.text_edit.toPlainText().strip(),
            self.author_edit.text().strip() or current_user(),
            Status.parse(self.status_combo.currentData()),
            internal=self.internal_check.isChecked(),
        )


LEVEL_SEPARATOR = ">"


class PlanSettingsDialog(_FormDialog):
    """A plan's title, dates, level names, RAG thresholds, roll-up rules and colour key."""

    def __init__(self, settings: dict[str, Any], parent: QWidget | None) -> None:
        super().__init__("plan_settings.ui", parent)
        d = self.dialog
        self.title_edit = child(d, QLineEdit, "titleEdit")
        self.council_edit = child(d, QLineEdit, "councilEdit")
        self.start_edit = child(d, QLineEdit, "startEdit")
        self.end_edit = child(d, QLineEdit, "endEdit")
        self.levels_edit = child(d, QLineEdit, "levelsEdit")
        self.amber_spin = child(d, QSpinBox, "amberSpin")
        self.red_spin = child(d, QSpinBox, "redSpin")
        self.rollup_status = child(d, QComboBox, "rollupStatusCombo")
        self.rollup_percent = child(d, QComboBox, "rollupPercentCombo")
        self.message = child(d, QLabel, "messageLabel")
        self.message.clear()
        self.rollup_status.addItem("The worst of their children", "worst")
        self.rollup_status.addItem("Their own status", "none")
        self.rollup_percent.addItem("The average of their children", "mean")
        self.rollup_percent.addItem("Their own milestones only", "none")
        box = child(d, QGroupBox, "colourKeyBox")
        form = box.layout()
        assert isinstance(form, QFormLayout)
        self.key_edits: dict[str, QLineEdit] = {}
        key = {**DEFAULT_COLOUR_KEY, **(settings.get("colour_key") or {})}
        for st in STATUS_ORDER:
            edit = QLineEdit(key.get(st.value, ""))
            edit.setAccessibleName(f"Colour key wording for {st.word}")
            form.addRow(st.word, edit)
            self.key_edits[st.value] = edit
        self.title_edit.setText(settings.get("title", ""))
        self.council_edit.setText(settings.get("council", ""))
        self.start_edit.setText(format_date(settings.get("start_date")))
        self.end_edit.setText(format_date(settings.get("end_date")))
        self.levels_edit.setText(f" {LEVEL_SEPARATOR} ".join(settings.get("level_names", [])))
        self.amber_spin.setValue(round(100 * settings.get("amber_lag", 0.0)))
        self.red_spin.setValue(round(100 * settings.get("red_lag", 0.2)))
        self.rollup_status.setCurrentIndex(
            max(self.rollup_status.findData(settings.get("rollup_status", "worst")), 0)
        )
        self.rollup_percent.setCurrentIndex(
            max(self.rollup_percent.findData(settings.get("rollup_percent", "mean")), 0)
        )
        for edit in (self.title_edit, self.levels_edit, *self.key_edits.values()):
            edit.setCursorPosition(0)  # show the start of long wording
        # Wide enough for the colour key's wording, no taller than the form needs.
        width = max(self.dialog.width(), self.dialog.fontMetrics().averageCharWidth() * 100)
        self.dialog.resize(width, self.dialog.sizeHint().height())
        self._values: dict[str, Any] = {}

    def _read(self) -> dict[str, Any]:
        def day(edit: QLineEdit, what: str) -> date | None:
            text = edit.text().strip()
            if not text:
                return None
            try:
                return parse_target_date(text)
            except DateFormError as exc:
                raise ValueError(f"{what}: {exc}") from None

        values = {
            "title": self.title_edit.text().strip(),
            "council": self.council_edit.text().strip(),
            "start_date": day(self.start_edit, "Starts"),
            "end_date": day(self.end_edit, "Ends"),
            "level_names": [
                n.strip() for n in self.levels_edit.text().split(LEVEL_SEPARATOR) if n.strip()
            ],
            "amber_lag": self.amber_spin.value() / 100,
            "red_lag": self.red_spin.value() / 100,
            "rollup_status": self.rollup_status.currentData(),
            "rollup_percent": self.rollup_percent.currentData(),
            "colour_key": {k: e.text().strip() for k, e in self.key_edits.items()},
        }
        if not values["title"]:
            raise ValueError("A plan needs a title.")
        check_plan_values(values)
        return values

    def validate(self) -> bool:
        try:
            self._values = self._read()
        except ValueError as exc:
            self.message.setText(str(exc))
            return False
        self.message.clear()
        return True

    def values(self) -> dict[str, Any]:
        return self._values


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
