"""The plan's risk register (Charnwood's Risk Assessment Register): the risks, highest score
first, with their band as a colour and a word, owner, review date (overdue ones flagged)
and mitigating actions; beside them the 5 × 5 heat map, whose cells filter the register.

Add, edit and delete are commands run through the window's `Operations`, so they undo.
The domain's risk module (and with it the ORM) is loaded when the tab is first shown, not
when the window starts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from asbdesk.gui.risk_register import RISK, RiskRegister, short
from asbdesk.gui.tab_tools import button_menu, say, tab_button

if TYPE_CHECKING:
    from asbdesk.commands import Command
    from asbdesk.gui.operations import Operations
    from asbdesk.gui.risk_dialog import PlanNode, RiskDialog
    from asbdesk.gui.risk_heat_map import HeatMap
    from asbdesk.risks import RiskFields, RiskRow


class RisksView(QWidget):
    def __init__(
        self,
        ops: Operations,
        clock: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ops = ops
        self.desk = ops.desk
        self.clock = clock
        self.plan_id: int | None = None
        self.risks: list[RiskRow] = []
        self._heat_map: HeatMap | None = None

        buttons = QHBoxLayout()
        self.add_button = tab_button("&Add risk…", "Add risk", self.add_risk)
        self.edit_button = tab_button("Ed&it risk…", "Edit risk", self.edit_risk)
        self.delete_button = tab_button("&Delete risk", "Delete risk", self.delete_risk)
        for b in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.table = RiskRegister()
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.edit_requested.connect(self.edit_risk)
        self.table.delete_requested.connect(self.delete_risk)
        self.table.itemDoubleClicked.connect(lambda _item: self.edit_risk())
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.empty = QLabel("This plan has no risks yet. Add risk… starts the register.")
        self.filter_label = QLabel()
        self.filter_label.setObjectName("riskFilter")
        self.filter_label.setWordWrap(True)
        self.show_all_button = tab_button("Sh&ow all risks", "Show all risks", self.show_all)

        self.side = QWidget()
        self.side.setObjectName("riskSide")
        side = QVBoxLayout(self.side)
        side.setContentsMargins(0, 6, 0, 0)
        self.heat_row = QHBoxLayout()
        side.addLayout(self.heat_row)
        side.addStretch(1)
        self.key = QLabel()
        self.key.setObjectName("bandKey")
        self.key.setTextFormat(Qt.TextFormat.RichText)

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.side)
        self.empty.setVisible(False)
        ops.changed.connect(self._on_changed)
        self._update_buttons()

    # -- reading -------------------------------------------------------------------------

    def set_plan(self, plan_id: int | None) -> None:
        """Show `plan_id`'s register; read now if the tab is on screen, else when it is."""
        if plan_id != self.plan_id and self._heat_map is not None:
            self._heat_map.choose(None)  # another plan: its own cells, none chosen
        self.plan_id = plan_id
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        # Read on every showing: a mitigating action may have been renamed on the tree.
        self.reload()
        super().showEvent(event)

    def _on_changed(self, _changes: list[object]) -> None:
        # Any change may touch the register (a risk, a partner's name, an action's title);
        # out of sight, the next showing reads it.
        if self.isVisible():
            self.reload()

    def reload(self) -> None:
        from asbdesk.risks import read_risks

        heat_map = self._ensure_heat_map()
        keep = self.selected_risk_id()
        plan_id = self.plan_id
        self.risks = read_risks(self.desk.reader, plan_id, self.clock()) if plan_id else []
        heat_map.set_risks(self.risks)
        self._fill()
        self._apply_filter()
        self.select(keep)
        self._update_buttons()

    def _ensure_heat_map(self) -> HeatMap:
        if self._heat_map is None:
            from asbdesk.gui.risk_heat_map import HeatMap
            from asbdesk.risks import BANDS

            self._heat_map = HeatMap()
            self._heat_map.cell_chosen.connect(lambda _cell: self._apply_filter())
            panel = QVBoxLayout()
            panel.addWidget(self.key)
            panel.addSpacing(self.fontMetrics().height())
            panel.addWidget(self.filter_label)
            panel.addWidget(self.show_all_button, 0, Qt.AlignmentFlag.AlignLeft)
            panel.addStretch(1)
            self.heat_row.addWidget(self._heat_map)
            self.heat_row.addSpacing(self.fontMetrics().averageCharWidth() * 4)
            self.heat_row.addLayout(panel, 1)
            lows = [low for low, _n, _c in BANDS]
            highs = [25, *(low - 1 for low in lows[:-1])]
            self.key.setText(
                "<b>Bands</b> (score = severity × likelihood)<br>"
                + "<br>".join(
                    f"{_chip(colour)}&nbsp; {name}: {low}–{high}"
                    for (low, name, colour), high in zip(BANDS, highs, strict=True)
                )
            )
            self.key.setAccessibleName(
                "Bands: "
                + ", ".join(
                    f"{name} {low} to {high}"
                    for (low, name, _c), high in zip(BANDS, highs, strict=True)
                )
            )
        return self._heat_map

    @property
    def heat_map(self) -> HeatMap:
        return self._ensure_heat_map()

    def _fill(self) -> None:
        self.table.fill(self.risks)
        self.empty.setVisible(not self.risks)
        self.table.setVisible(bool(self.risks))

    # -- the heat map's filter -----------------------------------------------------------

    def _apply_filter(self) -> None:
        from asbdesk.gui.risk_heat_map import cell_words, risks_words

        cell = self.heat_map.chosen()
        shown = 0
        for row, risk in enumerate(self.risks):
            hide = cell is not None and (risk.severity, risk.likelihood) != cell
            self.table.setRowHidden(row, hide)
            shown += not hide
        if cell is None:
            self.filter_label.setText(
                f"All {risks_words(len(self.risks))}, highest score first. "
                "Choose a cell of the heat map to list only its risks."
            )
        else:
            where = cell_words(*cell)
            where = where[0].lower() + where[1:]  # mid-sentence
            self.filter_label.setText(f"Showing {risks_words(shown)} at {where}.")
        self.show_all_button.setEnabled(cell is not None)
        current = self.table.currentRow()
        if current >= 0 and self.table.isRowHidden(current):
            self.table.clearSelection()
        self._update_buttons()

    def show_all(self) -> None:
        self.heat_map.choose(None)
        self.table.setFocus()

    def shown_risks(self) -> list[RiskRow]:
        """The risks the register lists now, in its order."""
        return [r for row, r in enumerate(self.risks) if not self.table.isRowHidden(row)]

    # -- selection -----------------------------------------------------------------------

    def selected_risk(self) -> RiskRow | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self.risks[row] if 0 <= row < len(self.risks) else None

    def selected_risk_id(self) -> int | None:
        risk = self.selected_risk()
        return risk.id if risk is not None else None

    def select(self, risk_id: int | None) -> None:
        for row, risk in enumerate(self.risks):
            if risk.id == risk_id and not self.table.isRowHidden(row):
                self.table.selectRow(row)
                self.table.scrollTo(self.table.model().index(row, RISK))
                return

    def _update_buttons(self) -> None:
        has_plan = self.plan_id is not None
        self.add_button.setEnabled(has_plan)
        chosen = has_plan and self.selected_risk() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # -- edits ---------------------------------------------------------------------------

    def _run(self, command: Command) -> bool:
        return self.ops.run(command)

    def _plan_nodes(self) -> list[PlanNode]:
        """The plan's live nodes in plan order, with their depth, to choose actions from."""
        from asbdesk.gui.risk_dialog import PlanNode

        rows = self.desk.reader.execute(
            "SELECT id, parent_id, ref, title FROM node WHERE plan_id = ? AND deleted_at IS NULL"
            " ORDER BY position, id",
            (self.plan_id,),
        ).fetchall()
        children: dict[int | None, list[tuple[int, str]]] = {}
        for node_id, parent_id, ref, title in rows:
            children.setdefault(parent_id, []).append((node_id, f"{ref} {title}".strip()))
        out: list[PlanNode] = []
        stack = [(n, 0) for n in reversed(children.get(None, []))]
        while stack:
            (node_id, label), depth = stack.pop()
            out.append(PlanNode(node_id, label, depth))
            stack.extend((c, depth + 1) for c in reversed(children.get(node_id, [])))
        return out

    def _partners(self) -> list[str]:
        rows = self.desk.reader.execute("SELECT name FROM partner ORDER BY name COLLATE NOCASE")
        return [str(name) for (name,) in rows if name]

    def _dialog(self, title: str, fields: RiskFields) -> RiskDialog:
        from asbdesk.gui.risk_dialog import RiskDialog

        return RiskDialog(title, fields, self._partners(), self._plan_nodes(), self.clock(), self)

    def add_risk(self) -> None:
        if self.plan_id is None:
            return
        from asbdesk.gui.risk_dialog import next_review
        from asbdesk.risks import AddRisk, RiskFields

        cell = self.heat_map.chosen() or (3, 3)  # a chosen cell is where it starts
        blank = RiskFields("", cell[0], cell[1], "", next_review(self.clock()))
        dialog = self._dialog("Add risk", blank)
        if not dialog.exec():
            return
        command = AddRisk(self.plan_id, dialog.fields())
        if self._run(command):
            fields = dialog.fields()
            if self.heat_map.chosen() not in (None, (fields.severity, fields.likelihood)):
                self.heat_map.choose(None)  # the filter would hide the new risk
            self.select(command.risk_id)
            self.table.setFocus()

    def edit_risk(self) -> None:
        risk = self.selected_risk()
        if risk is None or self.plan_id is None:
            return
        from asbdesk.risks import EditRisk

        dialog = self._dialog("Edit risk", risk.fields)
        if dialog.exec() and dialog.fields() != risk.fields.checked():
            fields = dialog.fields()
            if self._run(EditRisk(self.plan_id, risk.id, fields)):
                if self.heat_map.chosen() not in (None, (fields.severity, fields.likelihood)):
                    self.heat_map.choose(None)
                self.select(risk.id)
        self.table.setFocus()

    def delete_risk(self) -> None:
        risk = self.selected_risk()
        if risk is None or self.plan_id is None:
            return
        from asbdesk.risks import DeleteRisk

        if self._run(DeleteRisk(self.plan_id, risk.id)):
            self._say(f"Deleted the risk “{short(risk.description)}”. Edit ▸ Undo brings it back.")

    def _context_menu(self, pos: QPoint) -> None:
        buttons = (
            self.edit_button,
            self.delete_button,
            None,
            self.add_button,
        )
        button_menu(self, self.table, buttons, pos)

    def _say(self, text: str) -> None:
        say(self, text)


def _chip(colour: str) -> str:
    return (
        f"<span style='background-color:{colour}; color:{colour}; border:1px solid #7f7f7f;'>"
        "&nbsp;&nbsp;&nbsp;&nbsp;</span>"
    )
