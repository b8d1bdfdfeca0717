"""The main window: a plan's tree beside the detail editor, a filter bar, RAG counts below.

The window is bound to one open desk; opening another desk replaces the window (see
`app.py`), so no widget ever holds a record of a desk that is no longer open.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from asbdesk import __version__, settings
from asbdesk.changes import FieldWorkChanged, NodeInserted, PlanChanged, PlansChanged
from asbdesk.desk import DESK_SUFFIX, Desk, copy_database, desk_file
from asbdesk.gui.desk_safety import (
    DeskWatch,
    ReadOnlyBar,
    RestoreDialog,
    lock_editor,
    make_read_only,
)
from asbdesk.gui.filter_bar import FilterBar
from asbdesk.gui.filter_proxy import FilterCriteria, PlanFilterProxy, matches
from asbdesk.gui.indicators_view import IndicatorsView
from asbdesk.gui.menus import build_menus
from asbdesk.gui.operations import Operations
from asbdesk.gui.risks_view import RisksView
from asbdesk.gui.sessions_view import SessionsView
from asbdesk.gui.status_delegate import StatusDelegate
from asbdesk.gui.tree_model import Column, PlanTreeModel
from asbdesk.plan_tree import PLAN_IDS_SQL, TreeItem
from asbdesk.rag import STATUS_ORDER, Status
from asbdesk.refs import next_ref
from asbdesk.words import count

if TYPE_CHECKING:
    from asbdesk.gui.import_wizard import ImportWizard
    from asbdesk.gui.node_editor import NodeEditor

DESK_FILTER = f"asbdesk desks (*{DESK_SUFFIX});;All files (*)"


class MainWindow(QMainWindow):
    # Asks the application to open another desk in place of this window.
    open_desk_requested = Signal(object)  # Path
    new_desk_requested = Signal(object)  # Path
    demo_requested = Signal()
    reopen_requested = Signal(object)  # Path: try to edit a desk shown read-only

    # Made by build_menus (menus.py).
    undo_action: QAction
    redo_action: QAction
    add_sibling_action: QAction
    add_child_action: QAction
    delete_action: QAction
    renumber_action: QAction
    plan_settings_action: QAction
    export_action: QAction
    recent_menu: QMenu
    _plan_actions: list[QAction]

    def __init__(self, desk: Desk, today: date | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.setObjectName("MainWindow")
        self.ops = Operations(desk, self)
        self.model = PlanTreeModel(self.ops, today)
        self.proxy = PlanFilterProxy(self.model)
        self.setWindowTitle(f"{desk.path.stem} – asbdesk")
        self._build_widgets()
        self._write_actions: list[QAction] = []
        build_menus(self)
        self.watch = DeskWatch(self)
        if desk.read_only:
            make_read_only(self, desk.read_only_reason or "", can_retry=desk.can_retry)
        self.ops.changed.connect(self._on_changed)
        self._warmed = False
        self._expansion_before_filter: set[int] | None = None
        self._expansion_before_reset: set[int] = set()
        self._people: set[str] = set()
        self._selected_in_plan: dict[int, int] = {}
        self.model.modelAboutToBeReset.connect(self._remember_expansion)
        self.reload_plans()

    # -- layout ------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.plan_combo = QComboBox()
        self.plan_combo.setAccessibleName("Plan")
        self.plan_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.plan_combo.setMinimumContentsLength(58)
        self.plan_combo.currentIndexChanged.connect(self._plan_picked)

        self.filter_bar = FilterBar()
        self.filter_bar.changed.connect(self._filter)
        self.filter_bar.search.returnPressed.connect(self._go_to_first_match)

        self.view = QTreeView()
        self.view.setObjectName("planTree")
        self.view.setAccessibleName("Plan tree")
        self.view.setModel(self.proxy)
        self.view.setItemDelegateForColumn(Column.STATUS, StatusDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setAllColumnsShowFocus(True)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        fm = self.view.fontMetrics()
        widths = {
            # Room for three levels of indent and a ref like "1.10"; the title gets the rest.
            Column.REF: fm.horizontalAdvance("0") * 7 + self.view.indentation() * 3,
            Column.LEAD: fm.horizontalAdvance("M") * 9,
            Column.TARGET: fm.horizontalAdvance("00/00/0000") + 16,
            Column.STATUS: fm.horizontalAdvance("Not started") + fm.height() * 2 + 12,
            Column.DELIVERED: fm.horizontalAdvance("Delivered %") + 16,
            Column.LAST_UPDATE: fm.horizontalAdvance("Last update") + 20,
        }
        for col, width in widths.items():
            header.resizeSection(col, width)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.view.doubleClicked.connect(lambda _i: self.editor.title_edit.setFocus())

        # The detail editor is built just after the window first paints (see `editor`):
        # the plan is on screen sooner, and it is ready before anyone can reach it.
        self._editor: NodeEditor | None = None
        self._shown_node: int | None = None
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(360)
        self.editor_scroll = scroll

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 0)
        left_layout.addWidget(self.filter_bar)
        left_layout.addWidget(self.view)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([650, 350])  # in proportion: the details get about a third

        self.indicators = IndicatorsView(self.desk, self.ops)
        self.indicators.clock = lambda: self.model.today
        self.tabs = QTabWidget()
        # No mnemonics on the tabs: Alt+P and Alt+I belong to fields; View ▸ switches tabs.
        self.tabs.addTab(self.splitter, "Plan")
        self.tabs.addTab(self.indicators, "Indicators")
        self.sessions = SessionsView(self.ops, lambda: self.model.today)
        self.tabs.addTab(self.sessions, "Sessions")
        self.risks = RisksView(self.ops, lambda: self.model.today)
        self.tabs.addTab(self.risks, "Risks")
        self.tabs.currentChanged.connect(lambda _i: self._fill_indicators())
        self.read_only_bar = ReadOnlyBar()
        self.read_only_bar.retry.connect(lambda: self.reopen_requested.emit(self.desk.path))
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(4)
        central_layout.addWidget(self.read_only_bar)
        central_layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.rag_label = QLabel()
        self.rag_label.setObjectName("ragCounts")
        self.rag_label.setTextFormat(Qt.TextFormat.RichText)
        self.statusBar().addPermanentWidget(self.rag_label)

    # -- plans -------------------------------------------------------------------

    def reload_plans(self, select_id: int | None = None) -> None:
        current = select_id if select_id is not None else self.plan_combo.currentData()
        plans = self.desk.reader.execute(PLAN_IDS_SQL).fetchall()
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for plan_id, title in plans:
            self.plan_combo.addItem(title or "(untitled plan)", plan_id)
        i = self.plan_combo.findData(current)
        self.plan_combo.setCurrentIndex(i if i >= 0 else (0 if plans else -1))
        self.plan_combo.blockSignals(False)
        self._plan_picked()

    def current_plan_id(self) -> int | None:
        data = self.plan_combo.currentData()
        return int(data) if data is not None else None

    def _plan_picked(self, _index: int = 0) -> None:
        plan_id = self.current_plan_id()
        self.model.set_plan(plan_id)
        if self._editor is not None:
            self._editor.set_tree(self.model.tree)
        self._fill_indicators()
        self.sessions.set_plan(plan_id)  # read when its tab is shown
        self.risks.set_plan(plan_id)  # read when its tab is shown
        self._refresh_people()
        self._expand_top()
        remembered = self._selected_in_plan.get(plan_id) if plan_id is not None else None
        first = self.proxy.index(0, 0)
        if remembered is not None and self.model.index_of(remembered).isValid():
            self.select_node(remembered)  # back where the officer was in this plan
        elif first.isValid():
            self.view.setCurrentIndex(first)
        else:
            self._show_node(None)
        self._update_counts()
        if plan_id is None:
            self.statusBar().showMessage("This desk has no plan yet: use File ▸ New plan…")

    def _fill_indicators(self) -> None:
        """The indicators tab is read when it is shown, not with every plan switch; the
        tree's actions are off while it is, so nothing changes out of sight."""
        on_plan = self.tabs.currentWidget() is self.splitter
        for action in self._plan_actions:
            action.setEnabled(
                on_plan and self.current_plan_id() is not None and not self.desk.read_only
            )
        if self.tabs.currentWidget() is self.indicators:
            self.indicators.set_plan(self.current_plan_id())

    def _expand_top(self) -> None:
        """Open the top level, as a plan is read, unless that would list a huge plan at once."""
        tree = self.model.tree
        if tree is not None and sum(len(c.children) for c in tree.root.children) <= 500:
            self.view.expandToDepth(0)

    def _refresh_people(self) -> None:
        names: set[str] = set()
        if self.model.tree is not None:
            for item in self.model.tree.walk():
                names.update(_people_of(item))
        self._people = names
        self.filter_bar.set_people(sorted(names, key=str.casefold))

    def _note_people(self, changes: list[object]) -> None:
        """Add names a change brought to the person filter, looking only at the items it
        touched; a name no longer used stays listed until the plan is next read."""
        tree = self.model.tree
        if tree is None:
            return
        ids = [getattr(c, "node_id", None) for c in changes]
        touched = [tree.by_id[i] for i in ids if i is not None and i in tree.by_id]
        new = {n for item in touched for it in (item, *tree.walk(item)) for n in _people_of(it)}
        if not new <= self._people:
            self._refresh_people()

    # -- selection ---------------------------------------------------------------

    def selected_node_id(self) -> int | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.node_id(self.proxy.mapToSource(index))

    def select_node(self, node_id: int | None) -> None:
        source = self.model.index_of(node_id)
        index = self.proxy.mapFromSource(source)
        if index.isValid():
            self.view.scrollTo(index)
            self.view.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        node_id = self.model.node_id(self.proxy.mapToSource(current)) if current.isValid() else None
        self._show_node(node_id)

    def _show_node(self, node_id: int | None) -> None:
        self._shown_node = node_id
        plan_id = self.current_plan_id()
        if plan_id is not None and node_id is not None:
            self._selected_in_plan[plan_id] = node_id
        editor = self._editor
        if editor is None:
            return  # shown when the editor is built
        editor.commit_pending()
        if node_id != editor.node_id:
            editor.show_node(node_id)
            self.editor_scroll.verticalScrollBar().setValue(0)  # start at its ref and title

    @property
    def editor(self) -> NodeEditor:
        if self._editor is None:
            from asbdesk.gui.node_editor import NodeEditor

            editor = NodeEditor(self.ops)
            editor.clock = lambda: self.model.today
            editor.set_tree(self.model.tree)
            self.editor_scroll.setWidget(editor)
            self._editor = editor
            editor.show_node(self._shown_node)
            if self.desk.read_only:
                lock_editor(editor)
        return self._editor

    # -- edits -------------------------------------------------------------------

    def _new_title(self, depth: int) -> str:
        assert self.model.tree is not None
        return f"New {self.model.tree.settings.level_name(depth).lower()}"

    def add_sibling(self) -> None:
        node_id = self.selected_node_id()
        tree = self.model.tree
        if node_id is None or tree is None:
            self._add_under(None, None)
            return
        item = tree.by_id[node_id]
        parent_id = None if item.parent is None or item.parent.id == 0 else item.parent.id
        self._add_under(parent_id, item.row + 1, label="Add sibling")

    def add_child(self) -> None:
        self._add_under(self.selected_node_id(), None, label="Add child")

    def _add_under(self, parent_id: int | None, row: int | None, label: str = "Add item") -> None:
        """A new item under `parent_id` at `row` (the end when None), titled by its level."""
        plan_id = self.current_plan_id()
        tree = self.model.tree
        if plan_id is None or tree is None:
            return
        parent = tree.parent_item(parent_id)
        depth = 0 if parent_id is None else parent.depth + 1
        siblings = [c.ref for c in parent.children]
        # At the end it continues the run (1.3 → 1.4); in the middle any ref would break
        # the sequence, so it is left for the officer or Renumber refs.
        at_end = row is None or row >= len(siblings)
        levels = len(tree.settings.level_names)
        ref = next_ref(parent.ref, siblings, depth, levels) if at_end else ""
        fields = {"title": self._new_title(depth), "ref": ref}
        self._add(self.ops.commands().AddNode(plan_id, parent_id, row, fields, label=label))

    def _add(self, command: Any) -> None:
        if self.ops.run(command) and command.node_id is not None:
            if not self.proxy.mapFromSource(self.model.index_of(command.node_id)).isValid():
                self.filter_bar.clear()  # the filter hides the new node: show everything
            self.select_node(command.node_id)
            if self.selected_node_id() == command.node_id:
                self.rename()

    def rename(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.view.setCurrentIndex(index.siblingAtColumn(Column.TITLE))
            self.view.edit(index.siblingAtColumn(Column.TITLE))

    def delete(self) -> None:
        node_id = self.selected_node_id()
        if node_id is None or self.model.tree is None:
            return
        item = self.model.tree.by_id[node_id]
        below = len(self.model.tree.walk(item))
        name = f"{item.ref} {item.title}".strip()
        if len(name) > 80:
            name = name[:79] + "…"
        text = f"Delete “{name}”"
        if below:
            text += f" and the {count(below, 'item')} under it"
        text += "?\n\nYou can undo this with Ctrl+Z."
        answer = QMessageBox.question(
            self,
            "Delete",
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.ops.run(self.ops.commands().DeleteNode(node_id))

    def _move(self, how: str, *args: int) -> None:
        """Alt+arrow moves: `how` names the helper in asbdesk.commands that plans the move."""
        node_id = self.selected_node_id()
        if node_id is None:
            return
        command = getattr(self.ops.commands(), how)(self.desk, node_id, *args)
        if command is not None:
            self.ops.run(command)
            self.select_node(node_id)

    def renumber(self) -> None:
        plan_id = self.current_plan_id()
        if plan_id is None:
            return
        answer = QMessageBox.question(
            self,
            "Renumber refs",
            "Give every item a new ref in plan order (1, 1.1 …; the lowest level of a "
            "three-level plan is lettered a), b) …)?\n\nYou can undo this with Ctrl+Z.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.ops.run(self.ops.commands().RenumberRefs(plan_id))

    def plan_settings(self) -> None:
        plan_id = self.current_plan_id()
        if plan_id is None:
            return
        from asbdesk.gui.dialogs import PlanSettingsDialog
        from asbdesk.models import Plan

        cmd = self.ops.commands()
        with self.desk.session() as s:
            plan = s.get(Plan, plan_id)
            assert plan is not None
            current = {name: getattr(plan, name) for name in cmd.PLAN_FIELDS}
        dialog = PlanSettingsDialog(current, self)
        if dialog.exec():
            changes = {k: v for k, v in dialog.values().items() if current.get(k) != v}
            if changes:
                self.ops.run(cmd.EditPlan(plan_id, changes))

    def import_from_excel(self) -> None:
        from asbdesk.gui.import_wizard import ImportWizard

        plans = self.desk.reader.execute(PLAN_IDS_SQL).fetchall()
        titles = [(plan_id, title or "(untitled plan)") for plan_id, title in plans]
        wizard = ImportWizard(titles, self.model.today, self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.accepted.connect(lambda: self._write_import(wizard))
        wizard.open()

    def _write_import(self, wizard: ImportWizard) -> None:
        """The previewed plan into the desk: one transaction, one undoable step."""
        from asbdesk.gui.progress import Cancelled, progress_dialog
        from asbdesk.xlsx_grid import collector_paused

        command = wizard.import_command()  # the wizard closes itself (and goes) from here
        try:
            with (
                progress_dialog(self, "Writing the plan to the desk…") as report,
                collector_paused(),
            ):
                command.progress = report
                done = self.ops.run(command)
        except Cancelled:
            self.statusBar().showMessage("Import cancelled: nothing was written.", 8000)
            return
        finally:
            command.progress = None  # undo and redo run without the dialog
        if done and command.plan_id is not None:
            self.reload_plans(command.plan_id)
            self.statusBar().showMessage(
                f"Imported '{command.data['title']}'. Edit ▸ Undo takes it back.", 8000
            )
            # An undo (or any other step) makes the message stale: it goes with the next.
            self.ops.undo_stack.indexChanged.connect(
                self.statusBar().clearMessage, Qt.ConnectionType.UniqueConnection
            )

    def export_to_excel(self) -> None:
        from asbdesk.gui import partner_workbooks

        partner_workbooks.export_to_excel(self)

    def make_report(self) -> None:
        from asbdesk.gui.report_dialog import open_report

        open_report(self)

    def take_back(self) -> None:
        from asbdesk.gui import partner_workbooks

        partner_workbooks.take_back(self)

    def export_history(self) -> None:
        from asbdesk.gui.history_view import export_history

        export_history(self)

    def new_plan(self) -> None:
        title, ok = QInputDialog.getText(self, "New plan", "Title of the new plan:")
        if not ok or not title.strip():
            return
        levels, ok = QInputDialog.getText(
            self,
            "New plan",
            "Level names, top first, separated by >:",
            text="Commitment > Objective > Action",
        )
        if not ok:
            return
        names = [n.strip() for n in levels.split(">") if n.strip()] or ["Action"]
        command = self.ops.commands().AddPlan(title.strip(), names)
        self.ops.run(command)  # the window then shows the new plan

    def set_your_name(self) -> None:
        from asbdesk.who import current_user, set_current_user

        name, ok = QInputDialog.getText(
            self,
            "Your name",
            "Your name, as it should appear on updates and in the history of changes:",
            text=current_user(),
        )
        if ok and name.strip():
            set_current_user(name.strip())
            settings.put("user_name", name.strip())
            self.statusBar().showMessage(
                f"Updates and changes will be credited to {name.strip()}.", 6000
            )

    def log_session(self) -> None:
        if self._editor is not None:
            self._editor.commit_pending()  # what is being typed is saved first, undone apart
        self.sessions.log_session(self.current_plan_id())

    def show_sessions(self) -> None:
        self.tabs.setCurrentWidget(self.sessions)
        self.sessions.table.setFocus()

    def show_indicators(self) -> None:
        self.tabs.setCurrentWidget(self.indicators)
        self.indicators.table.setFocus()

    def show_risks(self) -> None:
        self.tabs.setCurrentWidget(self.risks)
        self.risks.table.setFocus()

    def show_tree(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.view.setFocus()

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.filter_bar.search.setFocus()
        self.filter_bar.search.selectAll()

    # -- after every change ------------------------------------------------------

    def _on_changed(self, changes: list[object]) -> None:
        if self._show_plan_of(changes):
            return
        for change in changes:
            if isinstance(change, PlansChanged):
                self.reload_plans(change.plan_id)
                return
            if isinstance(change, PlanChanged):
                keep = self._shown_node
                if self._editor is not None:
                    self._editor.set_tree(self.model.tree)
                self._refresh_people()
                self._restore_expanded(self._expansion_before_reset)
                self.select_node(keep)
                if change.plan_id == self.current_plan_id():
                    self.plan_combo.setItemText(self.plan_combo.currentIndex(), self._plan_title())
            if isinstance(change, NodeInserted):
                self.select_node(change.node_id)
                # A restored branch comes back open, so what the undo brought is seen.
                self.view.expand(self.proxy.mapFromSource(self.model.index_of(change.node_id)))
        if self._editor is not None:
            self._editor.set_tree(self.model.tree)
            if self._editor.node_id is not None:
                self._editor.show_node(self._editor.node_id)
        self._note_people(changes)  # a name just typed can be filtered on at once
        self._update_counts()

    def _show_plan_of(self, changes: list[object]) -> bool:
        """Undo and redo reach every plan of the desk: when a change lands in a plan that
        is not on screen, show that plan with the changed node selected (or the plan alone,
        for a plan-wide change such as a take-back), so nothing happens out of sight; and an
        undo or redo of field work shows its tab (Indicators, Sessions or Risks). True
        when it switched plans."""
        field_work = next((c for c in changes if isinstance(c, FieldWorkChanged)), None)
        tabs = {
            "indicators": (self.indicators, self.show_indicators),
            "sessions": (self.sessions, self.show_sessions),
            "risks": (self.risks, self.show_risks),
        }
        if (
            field_work is not None
            and self.ops.replaying
            and tabs[field_work.kind][0] is not self.tabs.currentWidget()
        ):
            # An edit is made where it is seen (a session logged with Ctrl+L from the plan
            # leaves the officer on the plan); an undo or redo may land out of sight, so its
            # tab is shown, once the plan it belongs to is.
            QTimer.singleShot(0, self, tabs[field_work.kind][1])
        for change in changes:
            if (
                isinstance(change, (PlanChanged, FieldWorkChanged))
                and change.plan_id != self.current_plan_id()
            ):
                i = self.plan_combo.findData(change.plan_id)
                if i >= 0:
                    self.plan_combo.setCurrentIndex(i)  # reloads the plan, change included
                    return True
                continue
            node_id = getattr(change, "node_id", None)
            if node_id is None or (self.model.tree and node_id in self.model.tree.by_id):
                continue
            row = self.desk.reader.execute(
                "SELECT plan_id, deleted_at FROM node WHERE id = ?", (node_id,)
            ).fetchone()
            if row is None or row[0] == self.current_plan_id():
                continue
            i = self.plan_combo.findData(row[0])
            if i < 0:
                continue
            self.plan_combo.setCurrentIndex(i)  # reloads the plan, change included
            if row[1] is None:
                self.select_node(node_id)
            return True
        return False

    def _plan_title(self) -> str:
        row = self.desk.reader.execute(
            "SELECT title FROM plan WHERE id = ?", (self.current_plan_id(),)
        ).fetchone()
        return str(row[0]) if row else ""

    def _filter(self, criteria: FilterCriteria) -> None:
        keep = self.selected_node_id()
        if criteria.active and self._expansion_before_filter is None:
            self._expansion_before_filter = self._expanded_ids()
        self.proxy.set_criteria(criteria)
        if criteria.active:
            self.view.expandAll()
        elif self._expansion_before_filter is not None:
            # Back to the tree as the officer had it before filtering.
            self._restore_expanded(self._expansion_before_filter)
            self._expansion_before_filter = None
        if keep is not None:
            self.select_node(keep)
        shown = sum(1 for _ in self._visible_rows())
        self.statusBar().showMessage(
            f"Filter: {count(shown, 'item')} shown" if criteria.active else "", 0
        )

    def _go_to_first_match(self) -> None:
        """Return in the search box: to the tree, on the first item that matches itself
        (not an ancestor kept only to show where a match sits)."""
        tree = self.model.tree
        if tree is None or not self.proxy.criteria.active:
            return
        for idx in sorted(self._visible_rows(), key=self._row_order):
            item = self.model.item(self.proxy.mapToSource(idx))
            if item is not None and matches(
                item, self.proxy.criteria, self.model, self.model.today
            ):
                self.select_node(item.id)
                self.view.setFocus()
                return

    def _row_order(self, index: QModelIndex) -> list[int]:
        path = []
        while index.isValid():
            path.append(index.row())
            index = index.parent()
        return path[::-1]

    def _expanded_ids(self) -> set[int]:
        return {
            node_id
            for idx in self._visible_rows()
            if self.view.isExpanded(idx)
            and (node_id := self.model.node_id(self.proxy.mapToSource(idx))) is not None
        }

    def _restore_expanded(self, ids: set[int]) -> None:
        for node_id in ids:
            idx = self.proxy.mapFromSource(self.model.index_of(node_id))
            if idx.isValid():
                self.view.expand(idx)

    def _remember_expansion(self) -> None:
        self._expansion_before_reset = self._expanded_ids()

    def _visible_rows(self) -> list[QModelIndex]:
        out: list[QModelIndex] = []
        stack = [QModelIndex()]
        while stack:
            parent = stack.pop()
            for r in range(self.proxy.rowCount(parent)):
                idx = self.proxy.index(r, 0, parent)
                out.append(idx)
                stack.append(idx)
        return out

    def _update_counts(self) -> None:
        tree = self.model.tree
        if tree is None:
            self.rag_label.setText("No plan")
            return
        counts = tree.rag_counts()
        parts = []
        for st in STATUS_ORDER:
            n = counts.get(st, 0)
            parts.append(_chip_html(st, n))
        parts.append(f"Not set&nbsp;{counts.get(None, 0)}")
        total = sum(counts.values())
        levels = {tree.settings.level_name(it.depth) for it in tree.leaves()}
        noun = levels.pop().lower() if len(levels) == 1 else "item"
        self.rag_label.setText(f"{count(total, noun)}: " + " &nbsp; ".join(parts))
        self.rag_label.setAccessibleName(
            "RAG counts: "
            + ", ".join(f"{st.word} {counts.get(st, 0)}" for st in STATUS_ORDER)
            + f", Not set {counts.get(None, 0)}"
        )

    # -- desks -------------------------------------------------------------------

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = [p for p in settings.recent_desks() if p != self.desk.path]
        if not recent:
            none = self.recent_menu.addAction("No other recent desks")
            none.setEnabled(False)
        for i, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{i} {path.name}  ({path.parent})")
            action.triggered.connect(lambda _c=False, p=path: self.open_desk_requested.emit(p))

    def open_desk(self) -> None:
        start = str(self.desk.path.parent)
        name, _ = QFileDialog.getOpenFileName(self, "Open desk", start, DESK_FILTER)
        if name:
            self.open_desk_requested.emit(Path(name))

    def new_desk(self) -> None:
        start = str(settings.default_new_desk_path())
        name, _ = QFileDialog.getSaveFileName(
            self,
            "New desk",
            start,
            DESK_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,  # an existing file is refused
        )
        if name:
            self.new_desk_requested.emit(desk_file(name))

    def save_copy(self) -> None:
        # Beside the desk, unless that is read-only media: then in the user's data folder.
        folder = settings.data_dir() if self.desk.read_only else self.desk.path.parent
        start = str(folder / f"{self.desk.path.stem} copy{DESK_SUFFIX}")
        name, _ = QFileDialog.getSaveFileName(self, "Save a copy as", start, DESK_FILTER)
        if not name:
            return
        target = desk_file(name)
        try:
            copy_database(self.desk.path, target, source_uri=self.desk.reading_uri())
        except (OSError, ValueError, sqlite3.Error) as exc:
            self.ops.show_error(exc)
            return
        self.statusBar().showMessage(f"Saved a copy as {target}", 8000)
        if self.desk.read_only and not self.desk.can_retry:
            # Read-only media: the copy is the one to edit. (A desk in use is not: its
            # holder's edits would go on without the copy.)
            answer = QMessageBox.question(
                self,
                "Save a copy as",
                f"Saved a copy as {target.name}. Open it now to edit it?",
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.open_desk_requested.emit(target)

    def about(self) -> None:
        from asbdesk.gui.about_dialog import AboutDialog

        AboutDialog(self.desk.path, __version__, self).exec()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._warmed:
            # The plan is on screen: now load the write path, before the first edit needs it.
            self._warmed = True
            # A short wait lets the rest of this paint pass reach the screen first.
            QTimer.singleShot(100, self._after_first_paint)
        return super().event(event)

    def _after_first_paint(self) -> None:
        _ = self.editor
        self.ops.warm_up()
        self.watch.after_first_paint()

    def restore_from_backup(self) -> None:
        dialog = RestoreDialog(self.desk.path, self)
        if dialog.exec() and dialog.restored is not None:
            self.open_desk_requested.emit(dialog.restored)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._editor is not None:
            self._editor.commit_pending()
        self.watch.stop()
        super().closeEvent(event)


def _people_of(item: TreeItem) -> list[str]:
    return [n for n in (*item.officers, item.department, *item.partners) if n]


def _chip_html(status: Status, count: int) -> str:
    border = "#7f7f7f"
    return (
        f"<span style='background-color:{status.colour}; color:{status.colour}; "
        f"border:1px solid {border};'>&nbsp;&nbsp;&nbsp;</span>&nbsp;{status.word}&nbsp;{count}"
    )
