"""Add or edit a risk of the register (`ui/risk_dialog.ui`): what the risk is, its severity
and likelihood in words, the score and band as they change, the partner who owns it, when
it is next reviewed, and the plan's actions that mitigate it.

`RiskError` from the domain's own check is shown in the dialog, and nothing is saved until
the risk is sound.

"Find an action" is a search-as-you-type box: Down steps from it into the actions it leaves
shown, and Up from the first of them steps back to it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from asbdesk.gui.date_typing import typed_like_text
from asbdesk.gui.dialogs import _CheckedFormDialog
from asbdesk.gui.uiload import child, guard_wheel
from asbdesk.risks import LIKELIHOOD_WORDS, SCALE, SEVERITY_WORDS, RiskError, RiskFields, band

NODE_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class PlanNode:
    """A node of the plan as the list of mitigating actions shows it."""

    id: int
    label: str  # "1.2 Create risk assessment"
    depth: int


class _SearchKeys(QObject):
    """Down from the search box to the first action shown; Up from the first shown back."""

    def __init__(self, search: QLineEdit, actions: QListWidget) -> None:
        super().__init__(search)
        self.search, self.actions = search, actions
        search.installEventFilter(self)
        actions.installEventFilter(self)

    def _shown(self) -> list[int]:
        return [r for r in range(self.actions.count()) if not self.actions.item(r).isHidden()]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        shown = self._shown()
        if watched is self.search and event.key() == Qt.Key.Key_Down and shown:
            self.actions.setCurrentRow(shown[0])
            self.actions.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if (
            watched is self.actions
            and event.key() == Qt.Key.Key_Up
            and (not shown or self.actions.currentRow() == shown[0])
        ):
            self.search.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return False


class RiskDialog(_CheckedFormDialog[RiskFields]):
    _refusal = RiskError

    def __init__(
        self,
        title: str,
        fields: RiskFields,
        partners: list[str],
        nodes: list[PlanNode],
        today: date,
        parent: QWidget | None,
    ) -> None:
        super().__init__("risk_dialog.ui", parent)
        d = self.dialog
        d.setWindowTitle(title)
        self.description_edit = child(d, QPlainTextEdit, "descriptionEdit")
        self.severity_combo = child(d, QComboBox, "severityCombo")
        self.likelihood_combo = child(d, QComboBox, "likelihoodCombo")
        self.score_label = child(d, QLabel, "scoreLabel")
        self.owner_combo = child(d, QComboBox, "ownerCombo")
        self.review_edit = typed_like_text(child(d, QDateEdit, "reviewDateEdit"))
        self.no_review_check = child(d, QCheckBox, "noReviewCheck")
        self.actions_filter = child(d, QLineEdit, "actionsFilter")
        self.actions_list = child(d, QListWidget, "actionsList")
        self.chosen_label = child(d, QLabel, "chosenLabel")
        self.message = child(d, QLabel, "messageLabel")
        self.message.clear()
        # Spare height goes to the list of actions, not round the score.
        self.score_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        for combo, words in (
            (self.severity_combo, SEVERITY_WORDS),
            (self.likelihood_combo, LIKELIHOOD_WORDS),
        ):
            for n in SCALE:
                combo.addItem(f"{n} – {words[n]}", n)
            guard_wheel(combo)
        self.owner_combo.addItems(["", *partners])
        owner_edit = self.owner_combo.lineEdit()
        if owner_edit is not None:
            owner_edit.setPlaceholderText("No owner yet")
        for node in nodes:
            item = QListWidgetItem("    " * node.depth + node.label)
            item.setData(NODE_ROLE, node.id)
            item.setToolTip(node.label)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            chosen = node.id in fields.action_ids
            item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
            self.actions_list.addItem(item)

        self.description_edit.setPlainText(fields.description)
        self.severity_combo.setCurrentIndex(max(self.severity_combo.findData(fields.severity), 0))
        self.likelihood_combo.setCurrentIndex(
            max(self.likelihood_combo.findData(fields.likelihood), 0)
        )
        self.owner_combo.setCurrentText(fields.owner)
        self.review_edit.setDate(_qdate(fields.review_date or next_review(today)))
        self.no_review_check.setChecked(fields.review_date is None)
        self.review_edit.setEnabled(fields.review_date is not None)

        self.severity_combo.currentIndexChanged.connect(self._show_score)
        self.likelihood_combo.currentIndexChanged.connect(self._show_score)
        self.no_review_check.toggled.connect(lambda on: self.review_edit.setEnabled(not on))
        self.actions_filter.textChanged.connect(self._filter_actions)
        self._search_keys = _SearchKeys(self.actions_filter, self.actions_list)
        self.actions_list.itemChanged.connect(lambda _item: self._count_chosen())
        self._show_score()
        self._count_chosen()
        self.description_edit.setFocus()
        fm = d.fontMetrics()
        d.resize(max(d.width(), fm.averageCharWidth() * 100), max(d.height(), fm.height() * 34))

    # -- live feedback -----------------------------------------------------------------

    def score(self) -> int:
        return int(self.severity_combo.currentData()) * int(self.likelihood_combo.currentData())

    def _show_score(self) -> None:
        score = self.score()
        name, colour = band(score)
        self.score_label.setText(
            f"<span style='background-color:{colour}; color:{colour};'>&nbsp;&nbsp;&nbsp;&nbsp;"
            f"</span>&nbsp; <b>{score}</b> – {name}"
        )
        self.score_label.setAccessibleName(f"Score {score}, {name}")

    def _filter_actions(self, text: str) -> None:
        words = text.casefold().split()
        for row in range(self.actions_list.count()):
            item = self.actions_list.item(row)
            label = item.text().casefold()
            item.setHidden(not all(w in label for w in words))

    def _count_chosen(self) -> None:
        n = len(self.chosen_actions())
        self.chosen_label.setText(
            "No action chosen" if n == 0 else f"{n} action{'s' if n != 1 else ''} chosen"
        )

    # -- what was chosen -----------------------------------------------------------------

    def chosen_actions(self) -> tuple[int, ...]:
        return tuple(
            int(item.data(NODE_ROLE))
            for row in range(self.actions_list.count())
            if (item := self.actions_list.item(row)).checkState() == Qt.CheckState.Checked
        )

    def _read(self) -> RiskFields:
        review = None if self.no_review_check.isChecked() else _day(self.review_edit.date())
        return RiskFields(
            self.description_edit.toPlainText(),
            int(self.severity_combo.currentData()),
            int(self.likelihood_combo.currentData()),
            self.owner_combo.currentText(),
            review,
            self.chosen_actions(),
        ).checked()


def next_review(today: date) -> date:
    """Risks are reviewed each quarter: three months on (the month's last day at most)."""
    month = today.month + 2  # 0-based month, three on
    year, month = today.year + month // 12, month % 12 + 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def _day(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
