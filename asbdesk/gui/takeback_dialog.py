"""File ▸ Take back partner updates…: the review of a workbook a partner returned, before
anything is written.

One row per changed cell, under the action it belongs to: what the desk holds now, what
the workbook holds, and a note when the change needs a second look (a conflict with the
desk, a read-only cell edited, a change asbdesk cannot apply). Conflicts and read-only
edits start unticked; the officer ticks what to keep, says whom to credit and which date
the updates get, and Apply makes it one undoable step (`takeback.TakeBack`, run by the
window). New rows the partner added can be ticked too; rows the partner deleted are listed
for information only: nothing is ever deleted from the desk by a workbook.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import (
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from asbdesk.gui.date_typing import typed_like_text
from asbdesk.gui.status_icon import status_icon
from asbdesk.gui.uiload import child, load_ui
from asbdesk.periods import format_date
from asbdesk.rag import Status
from asbdesk.takeback import ItemChange, NewAction, Review, TakeBack
from asbdesk.words import count

# What a row of the tree stands for: ("change", i) or ("new", i) into the review's lists.
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
ACCEPT, WHAT, DESK, WORKBOOK, NOTE = range(5)
SHOWN_TEXT = 600  # characters of a cell shown in the list; the tooltip has all of it

_CONFLICT = QColor("#b00000")
_LOCKED = QColor("#8a5300")
_GROUP = QColor("#e3ebf5")


class TakebackDialog(QDialog):
    def __init__(
        self,
        review: Review,
        partners: list[str],
        today: date,
        parent: QWidget | None = None,
        *,
        refs: dict[int, str] | None = None,
    ) -> None:
        """`refs` gives a node's ref as the officer cites it ("2.2 a)", where the plan
        letters its actions afresh under each objective); by default its own ref."""
        super().__init__(parent)
        self.setObjectName("takebackDialog")
        self.setWindowTitle(f"Take back partner updates – {review.path.name}")
        self.review = review
        self.refs = refs or {}
        form = load_ui("takeback_review.ui", self)
        QVBoxLayout(self).addWidget(form)
        self.heading = child(form, QLabel, "headingLabel")
        self.details = child(form, QLabel, "detailsLabel")
        self.notice = child(form, QLabel, "noticeLabel")
        self.warnings = child(form, QListWidget, "warningsList")
        self.summary = child(form, QLabel, "summaryLabel")
        self.tree = child(form, QTreeWidget, "changesTree")
        self.ticked = child(form, QLabel, "tickedLabel")
        self.author_combo = child(form, QComboBox, "authorCombo")
        self.date_edit = typed_like_text(child(form, QDateEdit, "dateEdit"))
        self.message = child(form, QLabel, "messageLabel")
        self.buttons = child(form, QDialogButtonBox, "buttonBox")
        self.accept_all_button = child(form, QPushButton, "acceptAllButton")
        self.reject_all_button = child(form, QPushButton, "rejectAllButton")
        self.accept_all_button.clicked.connect(lambda: self.accept_all(True))
        self.reject_all_button.clicked.connect(lambda: self.accept_all(False))
        self.buttons.accepted.connect(self._apply)
        self.buttons.rejected.connect(self.reject)
        self._filling = False
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.timeout.connect(self.tree.doItemsLayout)

        self._describe(today, partners)
        screen = self.screen().availableGeometry()
        if review.empty:
            self._nothing_changed(form)
            self.resize(min(720, screen.width() * 9 // 10), self.sizeHint().height())
        else:
            self._set_up_tree()
            self._fill_tree()
            self._count_ticked()
            self.resize(min(1040, screen.width() * 23 // 25), min(680, screen.height() * 9 // 10))

    # -- the heading and the credit ----------------------------------------------------

    def _describe(self, today: date, partners: list[str]) -> None:
        review = self.review
        self.heading.setText(review.plan_title)
        sent = format_date(review.exported_at.date()) if review.exported_at else "on a date unknown"
        whom = review.partner or "partners"
        plain = not review.scope or review.scope == f"actions of {review.partner}"
        scope = "" if plain else f" ({review.scope})"
        self.details.setText(
            f"Exported {'on ' if review.exported_at else ''}{sent} for {whom}{scope}; "
            f"returned as {review.path.name}."
        )
        self.notice.setText(review.taken_back_before)
        self.notice.setVisible(bool(review.taken_back_before))
        self._list_warnings(review.warnings)
        names = list(partners)
        if review.partner and review.partner.casefold() not in {n.casefold() for n in names}:
            names.insert(0, review.partner)
        self.author_combo.addItems(names)
        self.author_combo.setMinimumContentsLength(28)
        self.author_combo.setCurrentText(review.partner)
        line_edit = self.author_combo.lineEdit()
        if line_edit is not None:
            line_edit.setPlaceholderText("Who sent it back, e.g. Hertfordshire Police SNT")
        self.author_combo.currentTextChanged.connect(lambda _t: self.message.clear())
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        on = review.on
        self.date_edit.setDate(QDate(on.year, on.month, on.day))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("A&pply")

    def _list_warnings(self, warnings: list[str]) -> None:
        """The workbook's warnings, each with its icon, the list as tall as they are (up to
        five lines; it scrolls beyond)."""
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for text in warnings:
            QListWidgetItem(icon, text, self.warnings)
        self.warnings.setVisible(bool(warnings))
        self.warnings.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        rows = sum(self.warnings.sizeHintForRow(i) for i in range(min(len(warnings), 5)))
        frame = 2 * self.warnings.frameWidth() + 2
        self.warnings.setFixedHeight(rows + frame)

    def _nothing_changed(self, form: QWidget) -> None:
        """Nothing to take back: say so, and offer only Close."""
        self.summary.setText(
            "Nothing has changed: the workbook holds what was sent (or what the desk holds "
            "now), so there is nothing to take back."
        )
        for name in ("changesLabel", "authorLabel", "dateLabel"):
            child(form, QLabel, name).hide()
        for widget in (
            self.tree,
            self.accept_all_button,
            self.reject_all_button,
            self.ticked,
            self.author_combo,
            self.date_edit,
        ):
            widget.hide()
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)  # Return closes it
        close.setFocus()
        layout = form.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertStretch(layout.indexOf(self.buttons))  # the words stay together

    # -- the list of changes -----------------------------------------------------------

    def _set_up_tree(self) -> None:
        tree = self.tree
        tree.setIndentation(0)
        tree.setColumnCount(5)
        header = tree.header()
        header.setStretchLastSection(False)
        fm = tree.fontMetrics()
        header.setSectionResizeMode(ACCEPT, QHeaderView.ResizeMode.ResizeToContents)
        for column, mode, width in (
            (WHAT, QHeaderView.ResizeMode.Interactive, fm.horizontalAdvance("M") * 11),
            (DESK, QHeaderView.ResizeMode.Stretch, 0),
            (WORKBOOK, QHeaderView.ResizeMode.Stretch, 0),
            (NOTE, QHeaderView.ResizeMode.Interactive, fm.horizontalAdvance("M") * 17),
        ):
            header.setSectionResizeMode(column, mode)
            if width:
                header.resizeSection(column, width)
        # Wrapped rows take their height from the columns' widths: lay them out again
        # when a column is resized.
        header.sectionResized.connect(lambda *_a: self._relayout.start(0))
        tree.setItemDelegate(_WrappingDelegate(tree))
        tree.itemChanged.connect(self._item_ticked)
        tree.installEventFilter(_SpaceTicks(self))

    def _fill_tree(self) -> None:
        review = self.review
        self._filling = True
        groups: dict[int, QTreeWidgetItem] = {}
        for i, change in enumerate(review.changes):
            group = groups.get(change.node_id)
            if group is None:
                ref = self.refs.get(change.node_id, change.ref)
                group = self._group(f"{ref} {change.title}".strip(), f"row {change.row}")
                groups[change.node_id] = group
            self._change_row(group, i, change)
        if review.new_actions:
            group = self._group("New rows added in the workbook")
            for i, new in enumerate(review.new_actions):
                self._new_row(group, i, new)
        if review.missing:
            group = self._group("Rows deleted in the workbook: kept in the desk")
            for text in review.missing:
                self._deleted_row(group, text)
        self.tree.expandAll()
        self._filling = False
        rows = self._rows()
        if rows:
            self.tree.setCurrentItem(rows[0], ACCEPT)
        self.summary.setText(_summary(review))

    def _group(self, title: str, where: str = "") -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [f"{title}   ({where})" if where else title])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = QFont(self.tree.font())
        font.setBold(True)
        item.setFont(ACCEPT, font)
        item.setBackground(ACCEPT, QBrush(_GROUP))
        item.setForeground(ACCEPT, QBrush(QColor("#1a1a1a")))
        item.setToolTip(ACCEPT, title)
        item.setFirstColumnSpanned(True)
        return item

    def _change_row(self, group: QTreeWidgetItem, i: int, change: ItemChange) -> None:
        item = QTreeWidgetItem(group)
        item.setData(ACCEPT, ROW_ROLE, ("change", i))
        is_update = change.key == "your_update"
        empty = "Not set" if change.key == "status" else "(empty)"
        old = "(added as a new update)" if is_update else change.old or empty
        _texts(item, change.label, old, change.new or empty)
        if is_update or not change.old:
            _grey(item, DESK, italic=True)
        if change.key == "status":
            for column, text in ((DESK, change.old), (WORKBOOK, change.new)):
                item.setIcon(column, status_icon(_status_of(text), self.tree))
        notes = change.notes
        item.setText(NOTE, "\n".join(notes))
        item.setToolTip(NOTE, "\n".join(notes))
        style = self.tree.style()
        if change.conflict:
            item.setForeground(NOTE, QBrush(_CONFLICT))
            item.setIcon(NOTE, style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning))
        elif change.locked:
            item.setForeground(NOTE, QBrush(_LOCKED))
            item.setIcon(NOTE, style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation))
        if change.applicable:
            _tickable(
                item, change.accepted, f"Accept: {change.label} of {change.ref} {change.title}"
            )
        else:
            for column in (WHAT, DESK, WORKBOOK, NOTE):
                _grey(item, column)

    def _new_row(self, group: QTreeWidgetItem, i: int, new: NewAction) -> None:
        item = QTreeWidgetItem(group)
        item.setData(ACCEPT, ROW_ROLE, ("new", i))
        lines = [f"{new.ref} {new.title}".strip()]
        if new.update:
            lines.append(f"Update: {new.update}")
        if new.status is not None:
            lines.append(f"Status: {new.status.word}")
        _texts(item, f"New {new.level.lower()}", "(not in the desk)", "\n".join(lines))
        _grey(item, DESK, italic=True)
        item.setText(NOTE, f"New {new.level.lower()} under {new.parent_label}")
        item.setToolTip(NOTE, item.text(NOTE))
        _tickable(item, new.accepted, f"Add the new {new.level.lower()} {new.title}")

    def _deleted_row(self, group: QTreeWidgetItem, text: str) -> None:
        item = QTreeWidgetItem(group)
        _texts(item, "Deleted row", text, "(deleted)")
        item.setText(NOTE, "For information: it stays in the desk")
        for column in (WHAT, WORKBOOK, NOTE):
            _grey(item, column)

    # -- ticking -------------------------------------------------------------------------

    def _item_ticked(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != ACCEPT:
            return
        what = item.data(ACCEPT, ROW_ROLE)
        if not what:
            return
        kind, i = what
        ticked = item.checkState(ACCEPT) == Qt.CheckState.Checked
        if kind == "change":
            self.review.changes[i].accepted = ticked
        else:
            self.review.new_actions[i].accepted = ticked
        self._count_ticked()

    def toggle(self, item: QTreeWidgetItem | None) -> None:
        """Tick or untick a row (Space on the selected row)."""
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            return
        checked = item.checkState(ACCEPT) == Qt.CheckState.Checked
        item.setCheckState(ACCEPT, _check(not checked))

    def accept_all(self, accepted: bool) -> None:
        self.review.accept_all(accepted)
        for item in self._rows():
            what = item.data(ACCEPT, ROW_ROLE)
            if what and item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                kind, i = what
                row = self.review.changes[i] if kind == "change" else self.review.new_actions[i]
                self._filling = True
                item.setCheckState(ACCEPT, _check(row.accepted))
                self._filling = False
        self._count_ticked()

    def _rows(self) -> list[QTreeWidgetItem]:
        """Every row under the groups' headings, top to bottom."""
        out: list[QTreeWidgetItem] = []
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            if group is not None:
                kids = (group.child(r) for r in range(group.childCount()))
                out += [k for k in kids if k is not None]
        return out

    def _count_ticked(self) -> None:
        review = self.review
        total = sum(c.applicable for c in review.changes) + len(review.new_actions)
        self.ticked.setText(f"{review.accepted} of {total} ticked")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(review.accepted > 0)

    # -- applying ------------------------------------------------------------------------

    def author(self) -> str:
        return " ".join(self.author_combo.currentText().split())

    def on(self) -> date:
        day = self.date_edit.date()
        return date(day.year(), day.month(), day.day())

    def command(self) -> TakeBack:
        """What Apply does: the ticked changes, credited and dated as chosen."""
        return TakeBack(self.review, self.author(), self.on())

    def _apply(self) -> None:
        if not self.review.accepted:
            return
        if not self.author():
            self.message.setText(
                "Say whom the updates come from: they are credited to that name in the "
                "progress history."
            )
            self.author_combo.setFocus()
            return
        self.accept()


class _WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text. QTreeView asks a delegate for a row's height
    without the column's width, so long updates would be cut to one line; this gives it
    the width (the whole row for a group's heading, which spans the columns)."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self.tree = tree

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        opt = QStyleOptionViewItem(option)
        if index.parent().isValid():
            width = self.tree.header().sectionSize(index.column())
        else:
            width = self.tree.viewport().width()
        opt.rect = QRect(0, 0, max(width, 1), 10_000)
        size = super().sizeHint(opt, index)
        return QSize(size.width(), size.height() + 4)  # wrapped lines clear of the row's edge


class _SpaceTicks(QObject):
    """Space ticks the selected row, whichever of its cells has the focus."""

    def __init__(self, dialog: TakebackDialog) -> None:
        super().__init__(dialog)
        self.dialog = dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Space and not event.modifiers():
                self.dialog.toggle(self.dialog.tree.currentItem())
                return True
        return False


def _texts(item: QTreeWidgetItem, what: str, desk: str, workbook: str) -> None:
    for column, text in ((WHAT, what), (DESK, desk), (WORKBOOK, workbook)):
        item.setText(column, _shown(text))
        item.setToolTip(column, text)


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_TEXT else text[: SHOWN_TEXT - 1] + "…"


def _grey(item: QTreeWidgetItem, column: int, *, italic: bool = False) -> None:
    tree = item.treeWidget()
    palette = tree.palette() if tree is not None else QPalette()
    item.setForeground(column, QBrush(palette.color(QPalette.ColorRole.PlaceholderText)))
    if italic:
        font = QFont(item.font(column))
        font.setItalic(True)
        item.setFont(column, font)


def _tickable(item: QTreeWidgetItem, ticked: bool, name: str) -> None:
    """A row the officer ticks to accept, named for a screen reader."""
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(ACCEPT, _check(ticked))
    item.setData(ACCEPT, Qt.ItemDataRole.AccessibleTextRole, name)


def _check(on: bool) -> Qt.CheckState:
    return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked


def _status_of(word: str) -> Status | None:
    return next((s for s in Status if s.word == word), None)


def _summary(review: Review) -> str:
    rows = len({c.node_id for c in review.changes})
    parts = []
    if review.changes:
        parts.append(f"{count(len(review.changes), 'change')} to {count(rows, 'row')}")
    if review.new_actions:
        parts.append(count(len(review.new_actions), "new row"))
    if review.missing:
        parts.append(f"{count(len(review.missing), 'row')} deleted")
    text = ", ".join(parts).capitalize() + " in the workbook."
    conflicts = sum(bool(c.conflict) for c in review.changes)
    if conflicts:
        text += (
            f" {count(conflicts, 'conflict')}: the desk changed since the export too, so "
            f"{'it starts' if conflicts == 1 else 'they start'} unticked."
        )
    return text + " Nothing changes in the desk before you press Apply."
