"""A plan's tree held in memory for display: the rows a view shows, with roll-ups and RAG.

Loaded in a few set queries (no per-node round trips), so a plan of 20,000 actions opens
quickly; each node's latest update is read only when a view asks for it. Edits refresh
single items (`refresh`) and move items (`insert`, `remove`), keeping roll-ups right by
clearing the cached values along the ancestors.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

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
from asbdesk.words import level_name


class TreeItem:
    """One row of the tree; slots keep 20,000 of them small and quick to make."""

    __slots__ = (
        "id",
        "parent",
        "ref",
        "title",
        "outcome",
        "description",
        "target_date",
        "status",
        "officers",
        "department",
        "partners",
        "delivery",
        "children",
        "_effective",
        "_last_update",
    )

    def __init__(self, id: int, parent: TreeItem | None) -> None:
        self.id = id
        self.parent = parent
        self.ref = ""
        self.title = ""
        self.outcome = ""
        self.description = ""
        self.target_date: date | None = None
        self.status: Status | None = None
        self.officers: list[str] = []
        self.department = ""
        self.partners: list[str] = []
        self.delivery = NO_DELIVERY
        self.children: list[TreeItem] = []
        # Filled on demand and cleared when the item or a descendant changes.
        self._effective: tuple[Status | None, float | None] | None = None
        self._last_update: tuple[date | None] | None = None

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


NO_DELIVERY = Delivery()


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
    def read(cls, con: sqlite3.Connection, plan_id: int) -> PlanSettings:
        row = con.execute(
            "SELECT id, title, level_names, start_date, amber_lag, red_lag, rollup_status,"
            " rollup_percent, colour_key FROM plan WHERE id = ?",
            (plan_id,),
        ).fetchone()
        if row is None:
            raise LookupError(f"plan {plan_id} is not in this desk")
        pid, title, levels, start, amber, red, roll_status, roll_percent, key = row
        return cls(
            id=pid,
            title=title,
            level_names=list(json.loads(levels) if levels else []) or ["Action"],
            start_date=parse_day(start),
            thresholds=Thresholds(amber, red),
            rollup_status=roll_status == "worst",
            rollup_percent=roll_percent == "mean",
            colour_key=dict(json.loads(key) if key else {}),
        )

    def level_name(self, depth: int) -> str:
        return level_name(self.level_names, depth)


def parse_day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# The desk's live plans, in the order the window lists them.
PLAN_IDS_SQL = "SELECT id, title FROM plan WHERE deleted_at IS NULL ORDER BY position, id"

_NODE_SQL = (
    "SELECT n.id, n.parent_id, n.ref, n.title, n.outcome, n.description, n.target_date,"
    " n.status, d.name FROM node n LEFT JOIN department d ON d.id = n.department_id"
    " WHERE n.deleted_at IS NULL AND "
)
PEOPLE_SQL = {
    "officers": "SELECT l.node_id, o.name FROM node_officer l JOIN officer o ON o.id = l.officer_id"
    " JOIN node n ON n.id = l.node_id WHERE n.deleted_at IS NULL AND {where}"
    " ORDER BY l.node_id, l.position",
    "partners": "SELECT l.node_id, p.name FROM node_partner l JOIN partner p ON p.id = l.partner_id"
    " JOIN node n ON n.id = l.node_id WHERE n.deleted_at IS NULL AND {where}"
    " ORDER BY l.node_id, l.position",
}
# The live subtree under (and including) one node.
_SUBTREE_SQL = (
    "WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT n.id FROM node n"
    " JOIN sub ON n.parent_id = sub.id WHERE n.deleted_at IS NULL) "
)
_DELIVERY_SQL = (
    "SELECT m.node_id, sum(coalesce(m.done_count, 0)), sum(m.target_count) FROM milestone m"
    " JOIN node n ON n.id = m.node_id WHERE m.deleted_at IS NULL AND m.target_count > 0"
    " AND n.deleted_at IS NULL AND {where} GROUP BY m.node_id"
)


class PlanTree:
    def __init__(self, settings: PlanSettings, today: date) -> None:
        self.settings = settings
        self.today = today
        self.root = TreeItem(0, None)
        self.by_id: dict[int, TreeItem] = {}

    # -- loading ------------------------------------------------------------------
    # Plain sqlite3 and set queries: a 20,000-action plan loads in a few tens of ms.

    @classmethod
    def load(cls, con: sqlite3.Connection, plan_id: int, today: date) -> PlanTree:
        t = cls(PlanSettings.read(con, plan_id), today)
        t._read(con, "", "n.plan_id = ?", (plan_id,), t.root)
        return t

    def _read(
        self,
        con: sqlite3.Connection,
        prefix: str,
        where: str,
        params: tuple[int, ...],
        top: TreeItem,
    ) -> None:
        """Read the live nodes `where` selects and hang each under its parent among them.

        Reading a whole plan (`top` is the root), a top-level node goes under the root and
        one whose parent is not live is left out. Reading a subtree, the node whose parent
        was not read is the subtree's top and goes under `top`.
        """
        rows = con.execute(
            prefix + _NODE_SQL + where + " ORDER BY n.position, n.id", params
        ).fetchall()
        read: dict[int, TreeItem] = {}
        parents = []
        for row in rows:
            item = TreeItem(row[0], None)
            _fill(item, row)
            read[item.id] = item
            parents.append(row[1])
        whole_plan = top is self.root
        for item, parent_id in zip(list(read.values()), parents, strict=True):
            parent = read.get(parent_id) if parent_id is not None else None
            if parent is None:
                if whole_plan and parent_id is not None:
                    del read[item.id]  # under a deleted parent: not part of the live tree
                    continue
                parent = top
            item.parent = parent
            parent.children.append(item)
        self.by_id.update(read)
        self._load_details(con, prefix, where, params)

    def _load_details(
        self, con: sqlite3.Connection, prefix: str, where: str, params: tuple[int, ...]
    ) -> None:
        by_id = self.by_id
        for attr, sql in PEOPLE_SQL.items():
            for nid, name in con.execute(prefix + sql.format(where=where), params):
                item = by_id.get(nid)
                if item is not None:
                    getattr(item, attr).append(name)
        for nid, done, target in con.execute(prefix + _DELIVERY_SQL.format(where=where), params):
            item = by_id.get(nid)
            if item is not None:
                item.delivery = Delivery(int(done or 0), int(target or 0))

    def refresh(self, con: sqlite3.Connection, node_id: int) -> TreeItem | None:
        """Re-read one node's fields after an edit; clears its ancestors' roll-ups."""
        item = self.by_id.get(node_id)
        row = con.execute(_NODE_SQL + "n.id = ?", (node_id,)).fetchone()
        if item is None or row is None:
            return None
        _fill(item, row)
        item.officers, item.partners, item.delivery = [], [], NO_DELIVERY
        self._load_details(con, "", "n.id = ?", (node_id,))
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

    def insert_subtree(
        self, con: sqlite3.Connection, node_id: int, parent_id: int | None, row: int
    ) -> TreeItem:
        """Read a node and its live descendants (a restored delete, a redone add) and hang
        them in place; only that subtree is read, however large the plan."""
        holder = TreeItem(-1, None)  # catches the subtree's top while it is read
        self._read(con, _SUBTREE_SQL, "n.id IN (SELECT id FROM sub)", (node_id,), holder)
        (item,) = holder.children
        parent = self.parent_item(parent_id)
        item.parent = parent
        parent.children.insert(row, item)
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

    def last_update(self, con: sqlite3.Connection, item: TreeItem) -> date | None:
        """The date of the node's latest update, read when a view first shows the node."""
        if item._last_update is None:
            (latest,) = con.execute(
                "SELECT max(date) FROM progress_update WHERE node_id = ? AND deleted_at IS NULL",
                (item.id,),
            ).fetchone()
            item._last_update = (parse_day(latest),)
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


def _fill(item: TreeItem, row: tuple[object, ...]) -> None:
    _id, _parent, ref, title, outcome, description, target, status, department = row
    item.ref = str(ref or "")
    item.title = str(title or "")
    item.outcome = str(outcome or "")
    item.description = str(description or "")
    item.target_date = parse_day(target) if isinstance(target, str) else None
    item.status = Status.parse(status) if isinstance(status, str) else None
    item.department = str(department or "")
