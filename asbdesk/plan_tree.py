"""A plan's tree held in memory for display: the rows a view shows, with roll-ups and RAG.

Loaded in a few set queries (no per-node round trips), so a plan of 20,000 actions opens
quickly; each node's latest update is read only when a view asks for it. Edits refresh
single items (`refresh`) and move items (`insert`, `remove`), keeping roll-ups right by
clearing the cached values along the ancestors.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from asbdesk.models import (
    Department,
    Milestone,
    Node,
    Officer,
    Partner,
    Plan,
    Update,
    node_officer,
    node_partner,
)
from asbdesk.rag import (
    Delivery,
    Status,
    Suggestion,
    Thresholds,
    count_statuses,
    disagreement,
    mean_percent,
    suggest,
    worst,
)


@dataclass(eq=False)
class TreeItem:
    id: int
    parent: TreeItem | None
    ref: str = ""
    title: str = ""
    outcome: str = ""
    description: str = ""
    target_date: date | None = None
    status: Status | None = None
    officers: list[str] = field(default_factory=list)
    department: str = ""
    partners: list[str] = field(default_factory=list)
    delivery: Delivery = Delivery()
    children: list[TreeItem] = field(default_factory=list)
    # Filled on demand and cleared when the item or a descendant changes.
    _effective: tuple[Status | None, float | None] | None = None
    _last_update: tuple[date | None] | None = None

    @property
    def depth(self) -> int:
        d, p = 0, self.parent
        while p is not None and p.id != 0:
            d, p = d + 1, p.parent
        return d

    @property
    def row(self) -> int:
        assert self.parent is not None
        return self.parent.children.index(self)

    @property
    def lead_text(self) -> str:
        names = list(self.officers)
        if self.department and self.department not in names:
            names.append(self.department)
        return "; ".join(names)


@dataclass
class PlanSettings:
    id: int
    title: str
    level_names: list[str]
    start_date: date | None
    thresholds: Thresholds
    rollup_status: bool
    rollup_percent: bool
    colour_key: dict[str, str]

    @classmethod
    def of(cls, plan: Plan) -> PlanSettings:
        return cls(
            id=plan.id,
            title=plan.title,
            level_names=list(plan.level_names or ["Action"]),
            start_date=plan.start_date,
            thresholds=Thresholds(plan.amber_lag, plan.red_lag),
            rollup_status=plan.rollup_status == "worst",
            rollup_percent=plan.rollup_percent == "mean",
            colour_key=dict(plan.colour_key or {}),
        )

    def level_name(self, depth: int) -> str:
        return self.level_names[min(depth, len(self.level_names) - 1)]


class PlanTree:
    def __init__(self, settings: PlanSettings, today: date) -> None:
        self.settings = settings
        self.today = today
        self.root = TreeItem(id=0, parent=None)
        self.by_id: dict[int, TreeItem] = {}

    # -- loading ------------------------------------------------------------------

    @classmethod
    def load(cls, s: Session, plan_id: int, today: date) -> PlanTree:
        plan = s.get(Plan, plan_id)
        if plan is None:
            raise LookupError(f"plan {plan_id} is not in this desk")
        t = cls(PlanSettings.of(plan), today)
        rows = s.execute(
            select(
                Node.id,
                Node.parent_id,
                Node.ref,
                Node.title,
                Node.outcome,
                Node.description,
                Node.target_date,
                Node.status,
                Department.name,
            )
            .outerjoin(Department, Node.department_id == Department.id)
            .where(Node.plan_id == plan_id, Node.deleted_at.is_(None))
            .order_by(Node.parent_id, Node.position, Node.id)
        ).all()
        parents: dict[int, int | None] = {}
        for nid, parent_id, ref, title, outcome, descr, target, status, dept in rows:
            t.by_id[nid] = TreeItem(
                id=nid,
                parent=None,
                ref=ref,
                title=title,
                outcome=outcome,
                description=descr,
                target_date=target,
                status=Status.parse(status),
                department=dept or "",
            )
            parents[nid] = parent_id
        for nid, parent_id in parents.items():
            item = t.by_id[nid]
            parent = t.root if parent_id is None else t.by_id.get(parent_id)
            if parent is None:
                continue  # under a deleted parent: not part of the live tree
            item.parent = parent
            parent.children.append(item)
        t._load_people(s, plan_id)
        t._load_delivery(s, plan_id)
        return t

    def _load_people(self, s: Session, plan_id: int) -> None:
        for table, model, key, attr in (
            (node_officer, Officer, node_officer.c.officer_id, "officers"),
            (node_partner, Partner, node_partner.c.partner_id, "partners"),
        ):
            rows = s.execute(
                select(table.c.node_id, model.name)
                .join(model, model.id == key)
                .join(Node, Node.id == table.c.node_id)
                .where(Node.plan_id == plan_id, Node.deleted_at.is_(None))
                .order_by(table.c.node_id, table.c.position)
            )
            for nid, name in rows:
                item = self.by_id.get(nid)
                if item is not None:
                    getattr(item, attr).append(name)

    def _load_delivery(self, s: Session, plan_id: int) -> None:
        rows = s.execute(
            select(
                Milestone.node_id,
                func.sum(func.coalesce(Milestone.done_count, 0)),
                func.sum(Milestone.target_count),
            )
            .join(Node, Node.id == Milestone.node_id)
            .where(
                Node.plan_id == plan_id,
                Milestone.deleted_at.is_(None),
                Milestone.target_count.is_not(None),
                Milestone.target_count > 0,
            )
            .group_by(Milestone.node_id)
        )
        for nid, done, target in rows:
            item = self.by_id.get(nid)
            if item is not None:
                item.delivery = Delivery(int(done or 0), int(target or 0))

    def refresh(self, s: Session, node_id: int) -> TreeItem | None:
        """Re-read one node's fields after an edit; clears its ancestors' roll-ups."""
        item = self.by_id.get(node_id)
        node = s.get(Node, node_id)
        if item is None or node is None:
            return None
        s.refresh(node)
        item.ref, item.title = node.ref, node.title
        item.outcome, item.description = node.outcome, node.description
        item.target_date = node.target_date
        item.status = Status.parse(node.status)
        item.department = node.department.name if node.department else ""
        item.officers = [o.name for o in node.officers]
        item.partners = [p.name for p in node.partners]
        counted = [
            m
            for m in node.milestones
            if m.deleted_at is None and m.target_count is not None and m.target_count > 0
        ]
        item.delivery = Delivery(
            sum(m.done_count or 0 for m in counted), sum(m.target_count or 0 for m in counted)
        )
        item._last_update = None
        self.invalidate(item)
        return item

    def invalidate(self, item: TreeItem | None) -> None:
        while item is not None:
            item._effective = None
            item = item.parent

    # -- structure --------------------------------------------------------------

    def parent_item(self, parent_id: int | None) -> TreeItem:
        return self.root if parent_id is None else self.by_id[parent_id]

    def insert_subtree(self, s: Session, node_id: int, parent_id: int | None, row: int) -> TreeItem:
        """Load a node and its live descendants (a restored delete) and hang them in place."""
        sub = PlanTree.load(s, self.settings.id, self.today)
        item = sub.by_id[node_id]
        parent = self.parent_item(parent_id)
        item.parent = parent
        parent.children.insert(row, item)
        stack = [item]
        while stack:
            it = stack.pop()
            self.by_id[it.id] = it
            stack.extend(it.children)
        self.invalidate(parent)
        return item

    def remove(self, node_id: int) -> None:
        item = self.by_id[node_id]
        assert item.parent is not None
        item.parent.children.remove(item)
        self.invalidate(item.parent)
        stack = [item]
        while stack:
            it = stack.pop()
            self.by_id.pop(it.id, None)
            stack.extend(it.children)

    def move(self, node_id: int, new_parent_id: int | None, new_row: int) -> None:
        item = self.by_id[node_id]
        assert item.parent is not None
        old_parent = item.parent
        old_parent.children.remove(item)
        self.invalidate(old_parent)
        parent = self.parent_item(new_parent_id)
        parent.children.insert(new_row, item)
        item.parent = parent
        self.invalidate(item)

    def walk(self, item: TreeItem | None = None) -> list[TreeItem]:
        """Every item under `item` (the whole plan by default), parents first."""
        out: list[TreeItem] = []
        stack = list(reversed((item or self.root).children))
        while stack:
            it = stack.pop()
            out.append(it)
            stack.extend(reversed(it.children))
        return out

    # -- RAG ---------------------------------------------------------------------

    def suggestion(self, item: TreeItem) -> Suggestion | None:
        if item.children and self.settings.rollup_status:
            return None  # a parent's status comes from its children
        return suggest(
            today=self.today,
            start=self.settings.start_date,
            target_date=item.target_date,
            delivery=item.delivery,
            status=item.status,
            thresholds=self.settings.thresholds,
        )

    def disagreement(self, item: TreeItem) -> str | None:
        return disagreement(self.effective_status(item), self.suggestion(item))

    def _effective(self, item: TreeItem) -> tuple[Status | None, float | None]:
        if item._effective is not None:
            return item._effective
        # Iterative post-order, so a deep plan cannot exhaust Python's recursion limit.
        order = [item]
        i = 0
        while i < len(order):
            order.extend(c for c in order[i].children if c._effective is None)
            i += 1
        for it in reversed(order):
            it._effective = self._compute(it)
        assert item._effective is not None
        return item._effective

    def _compute(self, item: TreeItem) -> tuple[Status | None, float | None]:
        own_percent = _own_percent(item)
        if not item.children:
            return item.status, own_percent
        kids = [c._effective or self._effective(c) for c in item.children]
        status = worst(k[0] for k in kids) if self.settings.rollup_status else item.status
        if self.settings.rollup_status and status is None:
            status = item.status
        percent = mean_percent(k[1] for k in kids) if self.settings.rollup_percent else None
        return status, percent if percent is not None else own_percent

    def effective_status(self, item: TreeItem) -> Status | None:
        return self._effective(item)[0]

    def delivered_percent(self, item: TreeItem) -> float | None:
        return self._effective(item)[1]

    def is_rolled_up(self, item: TreeItem) -> bool:
        return bool(item.children) and self.settings.rollup_status

    def last_update(self, s: Session, item: TreeItem) -> date | None:
        if item._last_update is None:
            latest = s.scalar(
                select(func.max(Update.date)).where(
                    Update.node_id == item.id, Update.deleted_at.is_(None)
                )
            )
            item._last_update = (latest,)
        return item._last_update[0]

    def leaves(self) -> list[TreeItem]:
        return [it for it in self.walk() if not it.children]

    def rag_counts(self) -> dict[Status | None, int]:
        """Statuses of the plan's actions (its leaves), as the status bar and `info` show them."""
        return count_statuses(self.effective_status(it) for it in self.leaves())

    def level_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for it in self.walk():
            counts[self.settings.level_name(it.depth)] += 1
        return dict(counts)


def _own_percent(item: TreeItem) -> float | None:
    fraction = item.delivery.fraction
    if fraction is not None:
        return fraction * 100
    if item.status is Status.BLUE:
        return 100.0  # complete, though nothing was counted
    return None
