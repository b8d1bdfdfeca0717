"""The Sessions tab: the plan's logged sessions, newest first, filtered by place, kind,
financial quarter or year, and officer, with totals per quarter (sessions, contacts and
the ASB categories raised) for what the filters keep, as a quarterly return asks for.

Enter or a double click edits a session, Delete deletes it; both go on the undo stack.
The tab reads the desk only while it is shown: a change or a plan switch made elsewhere
marks it stale, and it reads again when it is next shown. A session just logged (Ctrl+L
from anywhere), edited or brought back by an undo is selected and scrolled to, then or
when the tab is next shown, with the filters cleared if they would hide it.
`asbdesk.sessions` (which loads SQLAlchemy) is imported on first use, so the window opens
without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    Qt,
)
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from asbdesk.changes import FieldWorkChanged
from asbdesk.gui.operations import Operations
from asbdesk.gui.session_tables import SessionsModel, fill_totals, period_choices
from asbdesk.words import count

if TYPE_CHECKING:
    from asbdesk.sessions import SessionFilter, SessionRow


class SessionsView(QWidget):
    def __init__(
        self, ops: Operations, clock: Callable[[], date], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sessionsView")
        self.ops = ops
        self.clock = clock  # the window's "today", pinned in tests and screenshots
        self.plan_id: int | None = None
        self._stale = True
        self._all: list[SessionRow] = []
        self._to_select: int | None = None  # the session a change named, at the next read
        self._build()
        ops.changed.connect(self._on_changed)

    def _build(self) -> None:
        self.place_filter = self._filter_combo("placeFilter", "Filter by place", 14)
        self.kind_filter = self._filter_combo("kindFilter", "Filter by kind", 10)
        self.period_filter = self._filter_combo("periodFilter", "Filter by period", 10)
        self.officer_filter = self._filter_combo("officerFilter", "Filter by officer", 16)
        filters = QHBoxLayout()
        for text, combo in (
            ("&Place:", self.place_filter),
            ("&Kind:", self.kind_filter),
            ("Pe&riod:", self.period_filter),
            ("&Officer:", self.officer_filter),
        ):
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo)
        self.clear_button = QPushButton("&All sessions")
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setToolTip("Clear the filters")
        self.clear_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.clear_button)
        filters.addStretch(1)
        self.log_button = QPushButton("&Log a session…")
        self.log_button.setObjectName("logButton")
        self.log_button.clicked.connect(lambda: self.log_session(self.plan_id))
        self.edit_button = QPushButton("Ed&it…")
        self.edit_button.setObjectName("editButton")
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button = QPushButton("Dele&te")
        self.delete_button.setObjectName("deleteButton")
        self.delete_button.clicked.connect(self.delete_current)
        for button in (self.log_button, self.edit_button, self.delete_button):
            filters.addWidget(button)

        self.summary = QLabel()
        self.summary.setObjectName("sessionsSummary")
        self.model = SessionsModel(self)
        self.table = QTableView()
        self.table.setObjectName("sessionsTable")
        self.table.setAccessibleName("Sessions")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        fm = self.table.fontMetrics()
        for col, sample in enumerate(
            (
                "00/00/0000",
                "Litter pick",
                "Stapleford Community Centre",
                "Communities Officer; PCSO",
                "Nottinghamshire Police",
                "Contacts",
                "Street drinking, Intimidation and harassment",
            )
        ):
            header.resizeSection(col, fm.horizontalAdvance(sample) + 20)
        header.setStretchLastSection(True)
        self.table.activated.connect(lambda _i: self.edit_current())
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        delete = QAction("Delete session", self.table)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self.delete_current)
        self.table.addAction(delete)

        list_label = QLabel("&Sessions, newest first (Enter edits, Delete deletes)")
        list_label.setBuddy(self.table)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(list_label)
        top_layout.addWidget(self.table)

        self.totals = QTreeWidget()
        self.totals.setObjectName("sessionTotals")
        self.totals.setAccessibleName("Totals by quarter")
        self.totals.setRootIsDecorated(False)
        self.totals.setAlternatingRowColors(True)
        self.totals.setUniformRowHeights(True)
        totals_label = QLabel(
            "Totals by &quarter, for the sessions shown: sessions, contacts and the ASB "
            "categories raised"
        )
        totals_label.setBuddy(self.totals)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(totals_label)
        bottom_layout.addWidget(self.totals)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self.setTabOrder(self.place_filter, self.kind_filter)

    def _filter_combo(self, name: str, accessible: str, chars: int) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(chars)
        combo.currentIndexChanged.connect(lambda _i: self._apply_filters())
        return combo

    # -- reading ---------------------------------------------------------------------------

    def set_plan(self, plan_id: int | None) -> None:
        """Show `plan_id`'s sessions: now if the tab is on screen, else when it is next."""
        if plan_id != self.plan_id:
            self.plan_id = plan_id
            self.clear_filters(apply=False)
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.reload()
        super().showEvent(event)

    def _on_changed(self, changes: list[object]) -> None:
        # Any change may touch what the list shows (a session, or a milestone's name).
        for change in changes:
            if (
                isinstance(change, FieldWorkChanged)
                and change.kind == "sessions"
                and change.item_id is not None
            ):
                self._to_select = change.item_id  # a deleted one is not found: ignored
        self._stale = True
        if self.isVisible():
            self.reload()

    def reload(self) -> None:
        from asbdesk.sessions import KINDS, read_sessions

        self._stale = False
        con = self.ops.desk.reader
        self._all = read_sessions(con, self.plan_id) if self.plan_id is not None else []
        rows = self._all
        seen_places: dict[str, str] = {}
        for row in rows:
            seen_places.setdefault(row.place.casefold(), row.place)
        officers = {o.casefold(): o for row in rows for o in row.officers}
        self._refill(
            self.place_filter,
            [("Any place", "")] + [(p, p) for p in sorted(seen_places.values(), key=str.casefold)],
        )
        self._refill(self.kind_filter, [("Any kind", "")] + [(v, k) for k, v in KINDS.items()])
        self._refill(self.period_filter, period_choices([row.on for row in rows]))
        self._refill(
            self.officer_filter,
            [("Anyone", "")] + [(o, o) for o in sorted(officers.values(), key=str.casefold)],
        )
        self._apply_filters()

    @staticmethod
    def _refill(combo: QComboBox, items: Sequence[tuple[str, object]]) -> None:
        """New items, the choice kept when it is still offered (else the first: "any")."""
        chosen = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(combo.findText(chosen), 0))
        combo.blockSignals(False)

    def current_filter(self) -> SessionFilter:
        from asbdesk.sessions import SessionFilter

        period = self.period_filter.currentData()
        start, end = period if period else (None, None)
        return SessionFilter(
            place=str(self.place_filter.currentData() or ""),
            kind=str(self.kind_filter.currentData() or ""),
            officer=str(self.officer_filter.currentData() or ""),
            start=start,
            end=end,
        )

    def clear_filters(self, apply: bool = True) -> None:
        for combo in (self.place_filter, self.kind_filter, self.period_filter, self.officer_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0 if combo.count() else -1)
            combo.blockSignals(False)
        if apply:
            self._apply_filters()

    def _apply_filters(self) -> None:
        wanted, self._to_select = self._to_select, None
        live = wanted is not None and any(r.id == wanted for r in self._all)
        keep = wanted if live else self.current_id()
        where = self.current_filter()
        rows = [r for r in self._all if where.keeps(r)]
        if live and not any(r.id == wanted for r in rows):
            # The session the officer just saved is the one to see, whatever the filters.
            self.clear_filters(apply=False)
            where = self.current_filter()
            rows = [r for r in self._all if where.keeps(r)]
        self.model.set_rows(rows)
        fill_totals(self.totals, rows)
        contacts = sum(r.contacts for r in rows)
        if not self._all:
            self.summary.setText(
                "No sessions logged for this plan yet: Edit ▸ Log a session… (Ctrl+L) logs one."
                if self.plan_id is not None
                else "No plan."
            )
        elif not rows:
            self.summary.setText(f"No session matches the filters (of {len(self._all)}).")
        else:
            shown = count(len(rows), "session")
            of = f" of {len(self._all)}" if len(rows) < len(self._all) else ""
            self.summary.setText(f"{shown}{of}, {count(contacts, 'contact')}.")
        self.select(keep if self.model.row_of(keep) >= 0 else None)
        self._enable()

    # -- the session under the cursor -----------------------------------------------------------

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.rows[index.row()].id if index.isValid() else None

    def current_row(self) -> SessionRow | None:
        index = self.table.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def select(self, session_id: int | None) -> None:
        r = self.model.row_of(session_id) if session_id is not None else 0
        index = self.model.index(r, 0) if r >= 0 else QModelIndex()
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)

    def _enable(self) -> None:
        some = self.table.currentIndex().isValid()
        self.edit_button.setEnabled(some)
        self.delete_button.setEnabled(some)
        self.log_button.setEnabled(self.plan_id is not None)

    # -- edits --------------------------------------------------------------------------------

    def log_session(self, plan_id: int | None) -> None:
        """The session form for a new session of `plan_id` (the plan on screen)."""
        if plan_id is None:
            self._tell("There is no plan to log a session for yet: use File ▸ New plan…")
            return
        self._open_form(plan_id, None)

    def edit_current(self) -> None:
        row = self.current_row()
        if row is not None and self.plan_id is not None:
            self._open_form(self.plan_id, row)

    def _open_form(self, plan_id: int, row: SessionRow | None) -> None:
        from asbdesk.gui.session_form import SessionForm

        form = SessionForm(self.ops, plan_id, self.clock(), row, self.window())
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.saved.connect(self._tell)
        if row is not None:
            form.accepted.connect(lambda: self._after_edit(row.id))
        form.open()

    def _after_edit(self, session_id: int) -> None:
        self.select(session_id)
        self.table.setFocus()

    def delete_current(self) -> None:
        from asbdesk.sessions import DeleteSession, describe

        row = self.current_row()
        if row is None or self.plan_id is None:
            return
        at = self.table.currentIndex().row()
        if self.ops.run(DeleteSession(self.plan_id, row.id)):
            self._tell(f"Deleted: {describe(row)}. Ctrl+Z brings it back.")
            if self.model.rows:
                self.select(self.model.rows[min(at, len(self.model.rows) - 1)].id)

    def _tell(self, text: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 10000)
