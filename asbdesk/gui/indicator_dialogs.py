"""The Indicators tab's dialogs: an indicator's definition, one period's value, and a new
period column. Each checks what was typed as the domain does (`IndicatorError`) and says
what is wrong inside the dialog, so nothing half-right reaches the desk."""

from __future__ import annotations

import math
from datetime import date

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from asbdesk.gui.dialogs import _CheckedFormDialog, _FormDialog
from asbdesk.gui.uiload import child
from asbdesk.indicator_edits import (
    DIRECTIONS,
    UNITS,
    IndicatorError,
    IndicatorFields,
    ValueFields,
)
from asbdesk.indicators import IndicatorRow
from asbdesk.periods import FinancialYear, PeriodError, Quarter, parse_period

# What the unit box says: "%" alone reads as a stray character in a list.
UNIT_WORDS = {"count": "Count", "percent": "% (a percentage)"}
assert UNIT_WORDS.keys() == UNITS.keys()


def parse_number(text: str, what: str) -> float | None:
    """A number as officers type it: "1,086", "96%", " 12.5 "; empty is None."""
    shown = text.strip()
    bare = shown.replace(",", "").removesuffix("%").strip()
    if not bare:
        return None
    try:
        value = float(bare)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise IndicatorError(f"{what} is a number, such as 234 or 96%; '{shown}' is not.")
    return value


def number_text(value: float | None, unit: str = "count") -> str:
    if value is None:
        return ""
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return shown + "%" if unit == "percent" else shown


class IndicatorDialog(_CheckedFormDialog[IndicatorFields]):
    """Add or edit an indicator: name, group, unit, which way is better, target, source."""

    _refusal = IndicatorError

    def __init__(
        self,
        title: str,
        groups: list[str],
        fields: IndicatorFields,
        parent: QWidget | None,
    ) -> None:
        super().__init__("indicator_dialog.ui", parent)
        d = self.dialog
        d.setWindowTitle(title)
        self.name_edit = child(d, QLineEdit, "nameEdit")
        self.group_combo = child(d, QComboBox, "groupCombo")
        self.unit_combo = child(d, QComboBox, "unitCombo")
        self.direction_combo = child(d, QComboBox, "directionCombo")
        self.target_edit = child(d, QLineEdit, "targetEdit")
        self.source_edit = child(d, QLineEdit, "sourceEdit")
        self.message = child(d, QLabel, "messageLabel")
        self.message.clear()
        self.group_combo.addItems(groups)
        for key, word in UNIT_WORDS.items():
            self.unit_combo.addItem(word, key)
        for key, word in DIRECTIONS.items():
            self.direction_combo.addItem(word, key)
        self.name_edit.setText(fields.name)
        self.group_combo.setCurrentText(fields.group)
        self.unit_combo.setCurrentIndex(max(self.unit_combo.findData(fields.unit), 0))
        self.direction_combo.setCurrentIndex(
            max(self.direction_combo.findData(fields.direction), 0)
        )
        self.target_edit.setText(number_text(fields.target, fields.unit))
        self.source_edit.setText(fields.source)
        self.name_edit.setFocus()
        width = max(d.width(), d.fontMetrics().averageCharWidth() * 80)
        d.resize(width, d.sizeHint().height())

    def _read(self) -> IndicatorFields:
        return IndicatorFields(
            name=self.name_edit.text(),
            group=self.group_combo.currentText(),
            unit=str(self.unit_combo.currentData()),
            direction=str(self.direction_combo.currentData()),
            target=parse_number(self.target_edit.text(), "The target"),
            source=self.source_edit.text(),
        ).checked()


class ValueDialog(_CheckedFormDialog[ValueFields]):
    """One period's value of an indicator: a number, perhaps for part of the period so far,
    or "Not yet available" (then no number). An empty value clears the period.

    With `periods` (opened from the indicator's name, not a cell) the period is a choice
    among them, `period` chosen first; the figure there is shows as the choice changes."""

    _refusal = IndicatorError

    def __init__(
        self,
        indicator: IndicatorRow,
        period: str,
        parent: QWidget | None,
        periods: list[str] | None = None,
    ) -> None:
        super().__init__("indicator_value_dialog.ui", parent)
        d = self.dialog
        self.indicator = indicator
        self.period = period
        child(d, QLabel, "indicatorLabel").setText(indicator.name)
        self.value_edit = child(d, QLineEdit, "valueEdit")
        self.partial_combo = child(d, QComboBox, "partialCombo")
        self.unavailable_check = child(d, QCheckBox, "unavailableCheck")
        self.message = child(d, QLabel, "messageLabel")
        self.message.clear()
        self.period_combo: QComboBox | None = None
        shown = child(d, QLabel, "periodValue")
        shown.setText(period)
        if periods:
            self.period_combo = self._period_choice(shown, periods, period)
        if indicator.unit == "percent":
            self.value_edit.setPlaceholderText("96%")
        self._show_period(period)
        self.unavailable_check.toggled.connect(self._available_changed)
        self.value_edit.setFocus()
        self.value_edit.selectAll()
        width = max(d.width(), d.fontMetrics().averageCharWidth() * 70)
        d.resize(width, d.sizeHint().height())

    def _period_choice(self, shown: QLabel, periods: list[str], period: str) -> QComboBox:
        """A list of the periods in place of the period's name, before the value in the
        tab order; the label "Period" becomes its buddy (Alt+P)."""
        d = self.dialog
        combo = QComboBox(d)
        combo.setObjectName("periodCombo")
        combo.setAccessibleName("Period")
        combo.addItems(periods)
        combo.setCurrentText(period)
        form = d.findChild(QFormLayout, "form")
        assert form is not None
        form.replaceWidget(shown, combo)
        shown.hide()
        label = child(d, QLabel, "periodLabel")
        label.setText("&Period")
        label.setBuddy(combo)
        QWidget.setTabOrder(combo, self.value_edit)
        combo.currentTextChanged.connect(self._show_period)
        return combo

    def _show_period(self, period: str) -> None:
        """The form for `period`: its title, the parts it may have, the figure there is."""
        self.period = period
        self.dialog.setWindowTitle(f"Value for {period}")
        self.partial_combo.clear()
        self.partial_combo.addItems(["", *partial_choices(period)])
        current = next((v for v in self.indicator.values if v.period == period), None)
        unit = self.indicator.unit
        self.value_edit.setText(number_text(current.value, unit) if current else "")
        self.partial_combo.setCurrentText((current.partial or "") if current else "")
        self.unavailable_check.setChecked(current is not None and not current.available)
        self._available_changed(self.unavailable_check.isChecked())
        self.message.clear()

    def _available_changed(self, unavailable: bool) -> None:
        # A figure that is not out yet has no number and covers no part of the period.
        self.value_edit.setEnabled(not unavailable)
        self.partial_combo.setEnabled(not unavailable)

    def _read(self) -> ValueFields:
        if self.unavailable_check.isChecked():
            return ValueFields(self.period, None, "", available=False).checked()
        value = parse_number(self.value_edit.text(), "The value")
        if value is not None and self.indicator.unit == "percent" and not 0 <= value <= 100:
            raise IndicatorError(f"{number_text(value)}% is not a percentage (0 to 100).")
        partial = self.partial_combo.currentText() if value is not None else ""
        return ValueFields(self.period, value, partial, available=True).checked()


def partial_choices(period: str) -> list[str]:
    """What "part of the period so far" usually says: Q1, Q1–Q2, Q1–Q3 of a year; the first
    month or two of a quarter."""
    try:
        p = parse_period(period)
    except PeriodError:
        return []
    if isinstance(p, FinancialYear):
        return ["Q1", "Q1–Q2", "Q1–Q3"]
    first, second = p.start, date(p.start.year + p.start.month // 12, p.start.month % 12 + 1, 1)
    return [first.strftime("%B"), f"{first.strftime('%B')}–{second.strftime('%B')}"]


class PeriodDialog(_FormDialog):
    """A new period column: a financial year or a quarter not already in the table."""

    def __init__(self, periods: list[str], today: date, parent: QWidget | None) -> None:
        super().__init__("indicator_period_dialog.ui", parent)
        d = self.dialog
        self.existing = periods
        self.period_combo = child(d, QComboBox, "periodCombo")
        self.message = child(d, QLabel, "messageLabel")
        self.message.clear()
        self.period_combo.addItems(period_choices(periods, today))
        self.period_combo.setFocus()
        self._period = ""

    def validate(self) -> bool:
        try:
            label = parse_period(self.period_combo.currentText()).label
        except PeriodError as exc:
            self.message.setText(str(exc))
            return False
        if label in self.existing:
            self.message.setText(f"{label} is already a column of the table.")
            return False
        self._period = label
        self.message.clear()
        return True

    def period(self) -> str:
        return self._period


def period_choices(periods: list[str], today: date) -> list[str]:
    """The next financial year after the table's latest, then the quarters of the latest
    year not yet in the table; the current year for an empty table."""
    years: list[FinancialYear] = []
    for label in periods:
        try:
            p = parse_period(label)
        except PeriodError:
            continue
        years.append(p if isinstance(p, FinancialYear) else p.year)
    if not years:
        current = FinancialYear.of(today)
        return [current.label, Quarter.of(today).label]
    latest = max(years)
    quarters = [q.label for q in latest.quarters() if q.label not in periods]
    return [FinancialYear(latest.start_year + 1).label, *quarters]
