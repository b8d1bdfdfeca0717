"""Filters the plan's tree: text, status, a person or partner, overdue, due this quarter.

A node that matches keeps its ancestors visible (recursive filtering), so a match deep in
the plan is still seen in its place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from asbdesk.gui.tree_model import PlanTreeModel
from asbdesk.periods import Quarter
from asbdesk.plan_tree import TreeItem
from asbdesk.rag import Status

NOT_SET = "not_set"


@dataclass
class FilterCriteria:
    text: str = ""
    status: str | None = None  # a Status value, NOT_SET, or None for any
    person: str | None = None  # an officer, department or partner name
    overdue: bool = False
    due_this_quarter: bool = False

    @property
    def active(self) -> bool:
        return bool(
            self.text.strip() or self.status or self.person or self.overdue or self.due_this_quarter
        )


class PlanFilterProxy(QSortFilterProxyModel):
    def __init__(self, source: PlanTreeModel) -> None:
        super().__init__(source)
        self.setSourceModel(source)
        self.setRecursiveFilteringEnabled(True)
        self.criteria = FilterCriteria()

    def set_criteria(self, criteria: FilterCriteria) -> None:
        self.beginFilterChange()
        self.criteria = criteria
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def source(self) -> PlanTreeModel:
        model = self.sourceModel()
        assert isinstance(model, PlanTreeModel)
        return model

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        c = self.criteria
        if not c.active:
            return True
        model = self.source()
        item = model.item(model.index(source_row, 0, source_parent))
        if item is None or model.tree is None:
            return False
        return matches(item, c, model, model.today)


def matches(item: TreeItem, c: FilterCriteria, model: PlanTreeModel, today: date) -> bool:
    assert model.tree is not None
    if c.text.strip():
        needle = c.text.strip().casefold()
        hay = " ".join(
            [item.ref, item.title, item.outcome, item.description, item.lead_text, *item.partners]
        ).casefold()
        if needle not in hay:
            return False
    if c.status:
        status = model.tree.effective_status(item)
        if c.status == NOT_SET:
            if status is not None:
                return False
        elif status is not Status(c.status):
            return False
    if c.person:
        who = c.person.casefold()
        names = [n.casefold() for n in (*item.officers, item.department, *item.partners)]
        if who not in names:
            return False
    complete = model.tree.effective_status(item) is Status.BLUE
    if c.overdue and not (item.target_date and item.target_date < today and not complete):
        return False
    if c.due_this_quarter:
        q = Quarter.of(today)
        if not (item.target_date and q.start <= item.target_date <= q.end and not complete):
            return False
    return True
