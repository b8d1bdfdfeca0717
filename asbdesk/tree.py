"""Operations on a plan's tree in the database: insert, soft delete and restore, move, renumber.

Live siblings keep dense positions 0..n-1, so a row in the window is a position here.
Each function works inside the caller's session; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from asbdesk.models import Node, new_uuid, utcnow
from asbdesk.refs import letter_ref


class TreeError(ValueError):
    """An edit the tree cannot take (moving a node into itself …); the message says why."""


def live_children(s: Session, plan_id: int, parent_id: int | None) -> list[Node]:
    return list(
        s.scalars(
            select(Node)
            .where(
                Node.plan_id == plan_id,
                Node.parent_id.is_(None) if parent_id is None else Node.parent_id == parent_id,
                Node.deleted_at.is_(None),
            )
            .order_by(Node.position, Node.id)
        )
    )


def _write_positions(nodes: Sequence[Node]) -> None:
    for position, node in enumerate(nodes):
        if node.position != position:
            node.position = position


def row_of(s: Session, node: Node) -> int:
    siblings = live_children(s, node.plan_id, node.parent_id)
    return [n.id for n in siblings].index(node.id)


def insert_node(
    s: Session, plan_id: int, parent_id: int | None, row: int | None, **fields: Any
) -> Node:
    """A new node at `row` among its siblings (appended when `row` is None)."""
    siblings = live_children(s, plan_id, parent_id)
    row = len(siblings) if row is None else max(0, min(row, len(siblings)))
    node = Node(plan_id=plan_id, parent_id=parent_id, position=row, **fields)
    s.add(node)
    siblings.insert(row, node)
    _write_positions(siblings)
    s.flush()
    return node


def descendants(s: Session, node: Node) -> list[Node]:
    """`node`'s live descendants, parents before children."""
    found: list[Node] = []
    frontier = [node.id]
    while frontier:
        children = list(
            s.scalars(select(Node).where(Node.parent_id.in_(frontier), Node.deleted_at.is_(None)))
        )
        found.extend(children)
        frontier = [c.id for c in children]
    return found


def soft_delete(s: Session, node: Node) -> tuple[str, int]:
    """Delete `node` and its subtree, keeping the rows for undo; returns the mark and the row."""
    row = row_of(s, node)
    mark = new_uuid()
    now = utcnow()
    for n in [node, *descendants(s, node)]:
        n.deleted_at = now
        n.deletion_mark = mark
    siblings = [n for n in live_children(s, node.plan_id, node.parent_id) if n.id != node.id]
    _write_positions(siblings)
    s.flush()
    return mark, row


def restore(s: Session, node: Node, mark: str, row: int) -> None:
    """Undo `soft_delete`: the subtree comes back at `row`."""
    s.execute(
        update(Node)
        .where(Node.deletion_mark == mark)
        .values(deleted_at=None, deletion_mark=None)
        .execution_options(synchronize_session="fetch")
    )
    s.refresh(node)
    siblings = [n for n in live_children(s, node.plan_id, node.parent_id) if n.id != node.id]
    siblings.insert(min(row, len(siblings)), node)
    _write_positions(siblings)
    s.flush()


def is_ancestor(s: Session, maybe_ancestor_id: int, node_id: int | None) -> bool:
    while node_id is not None:
        if node_id == maybe_ancestor_id:
            return True
        node_id = s.scalar(select(Node.parent_id).where(Node.id == node_id))
    return False


def move(s: Session, node: Node, new_parent_id: int | None, new_row: int) -> int:
    """Move `node` to `new_row` under `new_parent_id`; returns the row it came from.

    `new_row` counts the new siblings without `node`, so the result is independent of
    where it came from.
    """
    if new_parent_id is not None and is_ancestor(s, node.id, new_parent_id):
        raise TreeError("A node cannot be moved into itself or one of its own children.")
    old_row = row_of(s, node)
    old_siblings = [n for n in live_children(s, node.plan_id, node.parent_id) if n.id != node.id]
    _write_positions(old_siblings)
    node.parent_id = new_parent_id
    s.flush()
    new_siblings = [n for n in live_children(s, node.plan_id, new_parent_id) if n.id != node.id]
    new_siblings.insert(max(0, min(new_row, len(new_siblings))), node)
    _write_positions(new_siblings)
    s.flush()
    return old_row


def live_tree(s: Session, plan_id: int) -> dict[int | None, list[int]]:
    """Every live node's children, in order, read in one query: parent id → child ids."""
    rows = s.execute(
        select(Node.id, Node.parent_id)
        .where(Node.plan_id == plan_id, Node.deleted_at.is_(None))
        .order_by(Node.position, Node.id)
    )
    children: dict[int | None, list[int]] = {}
    for node_id, parent_id in rows:
        children.setdefault(parent_id, []).append(node_id)
    return children


def renumbered_refs(s: Session, plan_id: int, depth_styles: Sequence[str]) -> dict[int, str]:
    """New refs for every live node of the plan, by level style: "number" gives 1, 1.1,
    1.1.1 …; "letter" gives a), b) … within the parent. Deeper levels take the last style."""
    children = live_tree(s, plan_id)
    refs: dict[int, str] = {}
    # A stack, not recursion: a deep plan must not exhaust Python's recursion limit.
    stack: list[tuple[int | None, str, int]] = [(None, "", 0)]
    while stack:
        parent_id, prefix, depth = stack.pop()
        style = depth_styles[min(depth, len(depth_styles) - 1)] if depth_styles else "number"
        for i, child_id in enumerate(children.get(parent_id, [])):
            if style == "letter":
                ref, child_prefix = letter_ref(i), prefix
            else:
                ref = f"{prefix}{i + 1}"
                child_prefix = f"{ref}."
            refs[child_id] = ref
            stack.append((child_id, child_prefix, depth + 1))
    return refs
