"""The detail editor for the selected node (`ui/node_editor.ui`).

Each field is saved when the officer leaves it, as one undoable command; there is no
Save button. A target date that cannot be read is refused with a message and not saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from asbdesk.changes import NodeRemoved
from asbdesk.gui.extra_fields import ExtraFieldsTable
from asbdesk.gui.history_view import ChangeHistory
from asbdesk.gui.internal_marks import (
    ID_ROLE,
    INTERNAL_TIP,
    InternalMark,
    select_record,
    selected_id,
    set_row_marks,
)
from asbdesk.gui.operations import Operations
from asbdesk.gui.uiload import child, guard_wheel, load_ui
from asbdesk.node_record import NodeRecord, read_node
from asbdesk.periods import DateFormError, format_date, parse_target_date
from asbdesk.plan_tree import PlanTree
from asbdesk.rag import STATUS_ORDER, Status


class _FocusOut(QObject):
    """Calls back when a text box loses focus: the moment a multi-line field is saved."""

    def __init__(self, callback: Any, parent: QObject) -> None:
        super().__init__(parent)
        self.callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.callback()
        return False


class _ClosedArrows(QObject):
    _KEYS = (
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
        Qt.Key.Key_Home,
        Qt.Key.Key_End,
    )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
            return event.key() in self._KEYS and not alt
        return False


class NodeEditor(QWidget):
    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.clock: Callable[[], date] = date.today  # the window passes its own
        self.tree: PlanTree | None = None
        self.node_id: int | None = None
        self._loading = False
        self._return_focus: QWidget | None = None
        form = load_ui("node_editor.ui", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(form)
        self.form = form
        self.heading = child(form, QLabel, "headingLabel")
        self.ref_edit = child(form, QLineEdit, "refEdit")
        self.title_edit = child(form, QPlainTextEdit, "titleEdit")
        self.description_edit = child(form, QPlainTextEdit, "descriptionEdit")
        self.outcome_edit = child(form, QPlainTextEdit, "outcomeEdit")
        self.lead_edit = child(form, QLineEdit, "leadEdit")
        self.department_edit = child(form, QComboBox, "departmentEdit")
        self.partners_edit = child(form, QLineEdit, "partnersEdit")
        self.target_edit = child(form, QLineEdit, "targetDateEdit")
        self.target_message = child(form, QLabel, "targetDateMessage")
        self.status_combo = child(form, QComboBox, "statusCombo")
        self.status_reason = child(form, QLabel, "statusReasonLabel")
        self.suggestion = child(form, QLabel, "suggestionLabel")
        self.milestones = child(form, QTableWidget, "milestonesTable")
        self.add_milestone_button = child(form, QPushButton, "addMilestoneButton")
        self.remove_milestone_button = child(form, QPushButton, "removeMilestoneButton")
        self.updates = child(form, QTableWidget, "updatesTable")
        self.add_update_button = child(form, QPushButton, "addUpdateButton")
        self.update_internal_check = child(form, QCheckBox, "updateInternalCheck")
        self.extras = child(form, QTableWidget, "extrasTable")
        self.extras_heading = child(form, QLabel, "extrasHeading")
        # Last in the panel, and in the Tab order: who changed what, from the audit trail.
        self.history = ChangeHistory(lambda: self.ops.desk.reader, form)
        form_layout = form.layout()
        assert form_layout is not None
        form_layout.addWidget(self.history)
        QWidget.setTabOrder(self.extras, self.history.toggle)
        QWidget.setTabOrder(self.history.toggle, self.history.table)

        for combo in (self.status_combo, self.department_edit):
            guard_wheel(combo)
        # A status changes only from its open list: an arrow key on the closed box would
        # otherwise ask for a reason for a change nobody meant.
        self._arrow_guard = _ClosedArrows(self)
        self.status_combo.installEventFilter(self._arrow_guard)
        self.status_combo.addItem("Not set", None)
        for st in STATUS_ORDER:
            self.status_combo.addItem(st.word, st.value)
        for table in (self.milestones, self.updates, self.extras):
            table.verticalHeader().setVisible(False)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        ms_header = self.milestones.horizontalHeader()
        ms_header.setStretchLastSection(False)
        ms_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2, 3):
            ms_header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        # Two columns, so an update stays readable in a narrow panel: when, and what.
        up_header = self.updates.horizontalHeader()
        up_header.setStretchLastSection(True)
        up_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.update_mark = InternalMark(self.updates, self._mark_update, self.update_internal_check)
        self.extra_fields = ExtraFieldsTable(
            self.extras, self.extras_heading, ops, lambda: self.show_node(self.node_id)
        )

        self.ref_edit.editingFinished.connect(lambda: self._save_text("ref", self.ref_edit.text()))
        for name, edit in (
            ("title", self.title_edit),
            ("description", self.description_edit),
            ("outcome", self.outcome_edit),
        ):
            edit.installEventFilter(
                _FocusOut(lambda n=name, e=edit: self._save_text(n, e.toPlainText()), self)
            )
        self.lead_edit.editingFinished.connect(self._save_people)
        self.partners_edit.editingFinished.connect(self._save_people)
        dept_line = self.department_edit.lineEdit()
        assert dept_line is not None
        dept_line.editingFinished.connect(self._save_people)
        self.department_edit.activated.connect(lambda _i: self._save_people())
        self.target_edit.editingFinished.connect(self._save_target_date)
        self.status_combo.activated.connect(self._status_picked)
        self.milestones.itemChanged.connect(self._milestone_edited)
        self.milestones.itemSelectionChanged.connect(
            lambda: self.remove_milestone_button.setEnabled(
                bool(self.milestones.selectionModel().selectedRows())
            )
        )
        self.add_milestone_button.clicked.connect(self._add_milestone)
        self.remove_milestone_button.clicked.connect(self._remove_milestone)
        self.add_update_button.clicked.connect(self.add_update)
        ops.changed.connect(self._on_changed)
        self.show_node(None)

    # -- showing -------------------------------------------------------------------

    def set_tree(self, tree: PlanTree | None) -> None:
        self.tree = tree

    def show_node(self, node_id: int | None) -> None:
        self.node_id = node_id
        self._loading = True
        try:
            self._fill()
        finally:
            self._loading = False

    def _fill(self) -> None:
        enabled = self.node_id is not None
        self.form.setEnabled(enabled)
        if not enabled:
            self.heading.setText("Select an action in the plan to see its details.")
            for w in (self.ref_edit, self.lead_edit, self.partners_edit, self.target_edit):
                w.clear()
            for e in (self.title_edit, self.description_edit, self.outcome_edit):
                e.clear()
            for t in (self.milestones, self.updates):
                t.setRowCount(0)
            self.update_mark.sync()
            self.extra_fields.fill(None, [])
            self.history.show_node(None)
            self.status_reason.clear()
            self.suggestion.clear()
            return
        node = read_node(self.ops.desk.reader, self.node_id)
        if node is None:
            self.node_id = None
            self._fill()
            return
        self.heading.setText(f"{node.level} {node.ref}".strip())
        self.ref_edit.setText(node.ref)
        self.title_edit.setPlainText(node.title)
        self.description_edit.setPlainText(node.description)
        self.outcome_edit.setPlainText(node.outcome)
        self.lead_edit.setText("; ".join(node.officers))
        self.partners_edit.setText("; ".join(node.partners))
        for edit in (self.lead_edit, self.partners_edit):
            edit.setCursorPosition(0)  # show the first names, not the end of a long list
        self.department_edit.clear()
        self.department_edit.addItems(["", *node.all_departments])
        self.department_edit.setCurrentText(node.department)
        self.target_edit.setText(format_date(node.target_date))
        self.target_message.setVisible(False)
        self._show_status(node)
        self._fill_milestones(node)
        self._fill_updates(node)
        self.extra_fields.fill(node.id, node.extras)
        _fit_height(self.extras, rows=len(node.extras), least=1, most=6)
        self.history.show_node(node.id)

    def _show_status(self, node: NodeRecord) -> None:
        if self.tree is not None:
            key = self.tree.settings.colour_key
            for i in range(1, self.status_combo.count()):
                meaning = key.get(self.status_combo.itemData(i), "")
                self.status_combo.setItemData(i, meaning, Qt.ItemDataRole.ToolTipRole)
        i = self.status_combo.findData(node.status.value if node.status else None)
        self.status_combo.setCurrentIndex(max(i, 0))
        self.status_reason.setText(f"Reason: {node.status_reason}" if node.status_reason else "")
        self.status_reason.setVisible(bool(node.status_reason))
        text = ""
        item = self.tree.by_id.get(node.id) if self.tree else None
        if item is not None and self.tree is not None:
            if self.tree.is_rolled_up(item):
                rolled = self.tree.effective_status(item)
                text = (
                    f"Shown in the plan as {rolled.word}, rolled up from its children."
                    if rolled
                    else "None of its children has a status yet."
                )
            else:
                why = self.tree.disagreement(item)
                suggestion = self.tree.suggestion(item)
                if why:
                    text = f"⚠ {why}"
                elif suggestion:
                    text = f"Suggested: {suggestion.status.word} ({suggestion.why})."
        self.suggestion.setText(text)
        self.suggestion.setVisible(bool(text))

    def _fill_milestones(self, node: NodeRecord) -> None:
        live = node.milestones
        self.milestones.setRowCount(len(live))
        for r, m in enumerate(live):
            values = [
                m.text,
                "" if m.target_count is None else str(m.target_count),
                "" if m.done_count is None else str(m.done_count),
                format_date(m.due_date),
            ]
            for c, v in enumerate(values):
                cell = QTableWidgetItem(v)
                cell.setData(ID_ROLE, m.id)
                if c in (1, 2):
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.milestones.setItem(r, c, cell)
        self.milestones.resizeRowsToContents()
        _fit_height(self.milestones, rows=len(live), least=2, most=8)
        self.remove_milestone_button.setEnabled(False)  # until a milestone is selected

    def _fill_updates(self, node: NodeRecord) -> None:
        kept = selected_id(self.updates)
        live = list(reversed(node.updates))  # newest first: the one an officer looks for
        self.updates.setRowCount(len(live))
        for r, u in enumerate(live):
            status = Status.parse(u.status)
            byline = ", ".join(x for x in (u.author, status.word if status else "") if x)
            mark = "\nInternal" if u.internal else ""
            when = QTableWidgetItem(f"{format_date(u.date)}\n{u.period}".strip() + mark)
            what = QTableWidgetItem(f"{u.text}\n— {byline}" if byline else u.text)
            what.setToolTip(f"{u.text}\n\n{INTERNAL_TIP}" if u.internal else u.text)
            for c, cell in enumerate((when, what)):
                cell.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                self.updates.setItem(r, c, cell)
            set_row_marks(self.updates, r, u.id, u.internal)
        self.updates.resizeRowsToContents()
        _fit_height(self.updates, rows=len(live), least=2, most=6)
        select_record(self.updates, kept)
        self.update_mark.sync()

    def _on_changed(self, changes: list[Any]) -> None:
        # The window re-shows the node after every change (a child's edit can change its
        # roll-up); here only a deleted node is let go.
        for change in changes:
            if isinstance(change, NodeRemoved) and change.node_id == self.node_id:
                self.show_node(None)

    # -- saving --------------------------------------------------------------------

    def commit_pending(self) -> None:
        """Save a multi-line field still being typed in, before the selection moves on."""
        if self.node_id is None or self._loading:
            return
        focused = self.focusWidget()
        for name, edit in (
            ("title", self.title_edit),
            ("description", self.description_edit),
            ("outcome", self.outcome_edit),
        ):
            if edit is focused:
                self._save_text(name, edit.toPlainText())

    def _current(self) -> NodeRecord | None:
        return read_node(self.ops.desk.reader, self.node_id) if self.node_id is not None else None

    def _save_text(self, name: str, value: str) -> None:
        if self._loading or self.node_id is None:
            return
        value = value.strip() if name in ("ref", "title") else value
        node = self._current()
        if node is None or getattr(node, name) == value:
            return
        if name == "title" and not value:
            self.show_node(self.node_id)  # a node keeps a title; put the old one back
            return
        self.ops.run(
            self.ops.commands().EditNode(self.node_id, {name: value}, label=f"Edit {name}")
        )

    def _save_people(self) -> None:
        if self._loading or self.node_id is None:
            return
        cmd = self.ops.commands()
        officers = cmd.split_names(self.lead_edit.text())
        partners = cmd.split_names(self.partners_edit.text())
        department = self.department_edit.currentText().strip()
        node = self._current()
        if node is None:
            return
        if (node.officers, node.partners, node.department) != (officers, partners, department):
            self.ops.run(cmd.SetPeople(self.node_id, officers, department, partners))

    def _save_target_date(self) -> None:
        if self._loading or self.node_id is None:
            return
        text = self.target_edit.text().strip()
        try:
            new = parse_target_date(text) if text else None
        except DateFormError as exc:
            node = self._current()
            kept = format_date(node.target_date) if node and node.target_date else "not set"
            self.target_message.setText(f"{exc} The target date is still {kept}.")
            self.target_message.setVisible(True)
            return
        self.target_message.setVisible(False)
        node = self._current()
        if node is None:
            return
        if new != node.target_date:
            edit = self.ops.commands().EditNode
            self.ops.run(edit(self.node_id, {"target_date": new}, label="Edit target date"))
        else:
            self.target_edit.setText(format_date(new))

    def _status_picked(self, index: int) -> None:
        if self.node_id is None:
            return
        from asbdesk.gui.dialogs import StatusReasonDialog

        value = self.status_combo.itemData(index)
        node = self._current()
        if node is None:
            return
        old = node.status
        if value == (old.value if old else None):
            return
        new = Status.parse(value)
        dialog = StatusReasonDialog(f"{node.ref} {node.title}".strip(), old, new, self)
        if dialog.exec() and dialog.reason():
            change = self.ops.commands().ChangeStatus
            self.ops.run(change(self.node_id, new, dialog.reason(), self.clock()))
        else:
            self.show_node(self.node_id)  # cancelled: show the status as it still is
        back, self._return_focus = self._return_focus, None
        if back is not None:
            back.setFocus()

    def ask_status(self) -> None:
        """Keyboard path to a status change: open the status list; once the change is made
        (or not), the focus goes back where the officer was."""
        self._return_focus = QApplication.focusWidget()
        self.status_combo.setFocus()
        self.status_combo.showPopup()

    def add_update(self) -> None:
        if self.node_id is None:
            return
        from asbdesk.gui.dialogs import AddUpdateDialog

        node = self._current()
        if node is None:
            return
        title = f"{node.ref} {node.title}".strip()
        dialog = AddUpdateDialog(title, node.status, self.clock(), self)
        if dialog.exec():
            command = dialog.command(self.node_id)
            if command is not None:
                self.ops.run(command)

    def _mark_update(self, update_id: int, internal: bool) -> None:
        if self.node_id is not None:
            mark = self.ops.commands().SetInternal
            self.ops.run(mark(self.node_id, internal, update_id=update_id))

    def _milestone_edited(self, cell: QTableWidgetItem) -> None:
        if self._loading or self.node_id is None:
            return
        milestone_id = cell.data(ID_ROLE)
        column = cell.column()
        text = cell.text().strip()
        try:
            value: Any
            if column == 0:
                value, name = text, "text"
            elif column in (1, 2):
                name = "target_count" if column == 1 else "done_count"
                value = _count(text)
            else:
                value, name = (parse_target_date(text) if text else None), "due_date"
        except (ValueError, DateFormError) as exc:
            self.ops.show_error(exc)
            self.show_node(self.node_id)
            return
        edit = self.ops.commands().EditMilestone
        if not self.ops.run(edit(self.node_id, milestone_id, {name: value})):
            self.show_node(self.node_id)

    def _add_milestone(self) -> None:
        if self.node_id is None:
            return
        if self.ops.run(self.ops.commands().AddMilestone(self.node_id, text="New milestone")):
            row = self.milestones.rowCount() - 1
            self.milestones.setCurrentCell(row, 0)
            self.milestones.setFocus()
            cell = self.milestones.item(row, 0)
            if cell is not None:
                self.milestones.editItem(cell)

    def _remove_milestone(self) -> None:
        rows = self.milestones.selectionModel().selectedRows()
        row = rows[0].row() if rows else -1
        cell = self.milestones.item(row, 0) if row >= 0 else None
        if cell is None or self.node_id is None:
            return
        self.ops.run(self.ops.commands().DeleteMilestone(self.node_id, cell.data(ID_ROLE)))


def _count(text: str) -> int | None:
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a whole number; type a count such as 20.") from None
    if value < 0:
        raise ValueError("A milestone count cannot be negative.")
    return value


def _fit_height(table: QTableWidget, rows: int, least: int, most: int) -> None:
    """As tall as its rows (within least..most of them), so the panel shows what follows."""
    header = table.horizontalHeader().height()
    shown = max(least, min(rows, most))
    heights = [table.rowHeight(r) for r in range(min(rows, shown))]
    default = table.verticalHeader().defaultSectionSize()
    body = sum(heights) + default * (shown - len(heights))
    table.setFixedHeight(header + body + 2 * table.frameWidth() + 2)
