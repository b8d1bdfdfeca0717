"""The filter bar above the tree: text, status, person or partner, overdue, due this quarter."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from asbdesk.gui.filter_proxy import NOT_SET, FilterCriteria
from asbdesk.rag import STATUS_ORDER


class FilterBar(QWidget):
    changed = Signal(object)  # FilterCriteria

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search ref, title, outcome, lead… (Ctrl+F)")
        self.search.setAccessibleName("Search the plan")
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.setAccessibleName("Filter by status")
        self.status.addItem("Any status", None)
        for st in STATUS_ORDER:
            self.status.addItem(st.word, st.value)
        self.status.addItem("Not set", NOT_SET)
        self.person = QComboBox()
        self.person.setAccessibleName("Filter by officer, department or partner")
        self.person.setMinimumContentsLength(18)
        self.person.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.overdue = QCheckBox("&Overdue")
        self.overdue.setAccessibleName("Only overdue")
        self.due_quarter = QCheckBox("Due this &quarter")
        self.due_quarter.setAccessibleName("Only due this quarter")
        self.clear_button = QToolButton()
        self.clear_button.setText("Clear")
        self.clear_button.setAccessibleName("Clear the filter")
        label = QLabel("&Search:")  # Alt+F is the File menu
        label.setBuddy(self.search)
        for w in (
            label,
            self.search,
            self.status,
            self.person,
            self.overdue,
            self.due_quarter,
            self.clear_button,
        ):
            layout.addWidget(w)
        layout.setStretch(1, 1)
        # Typing filters after a short pause rather than on every key in a 20,000-action plan.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._emit)
        self.status.currentIndexChanged.connect(lambda _i: self._emit())
        self.person.currentIndexChanged.connect(lambda _i: self._emit())
        self.overdue.toggled.connect(lambda _b: self._emit())
        self.due_quarter.toggled.connect(lambda _b: self._emit())
        self.clear_button.clicked.connect(self.clear)
        self.set_people([])

    def set_people(self, names: list[str]) -> None:
        current = self.person.currentData()
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem("Anyone", None)
        for name in names:
            self.person.addItem(name, name)
        i = self.person.findData(current)
        self.person.setCurrentIndex(max(i, 0))
        self.person.blockSignals(False)

    def criteria(self) -> FilterCriteria:
        return FilterCriteria(
            text=self.search.text(),
            status=self.status.currentData(),
            person=self.person.currentData(),
            overdue=self.overdue.isChecked(),
            due_this_quarter=self.due_quarter.isChecked(),
        )

    def clear(self) -> None:
        for w in (self.search, self.status, self.person, self.overdue, self.due_quarter):
            w.blockSignals(True)
        self.search.clear()
        self.status.setCurrentIndex(0)
        self.person.setCurrentIndex(0)
        self.overdue.setChecked(False)
        self.due_quarter.setChecked(False)
        for w in (self.search, self.status, self.person, self.overdue, self.due_quarter):
            w.blockSignals(False)
        self._emit()

    def _emit(self) -> None:
        self._debounce.stop()
        self.changed.emit(self.criteria())
