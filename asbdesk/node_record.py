"""One node as the detail editor shows it, read with plain sqlite3 (no ORM on the read path)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date

from asbdesk.rag import Status


@dataclass(frozen=True)
class MilestoneRow:
    id: int
    text: str
    target_count: int | None
    done_count: int | None
    due_date: date | None


@dataclass(frozen=True)
class UpdateRow:
    id: int
    date: date
    period: str
    text: str
    author: str
    status: str | None
    kind: str


@dataclass
class NodeRecord:
    id: int
    plan_id: int
    level: str
    ref: str
    title: str
    description: str
    outcome: str
    department: str
    target_date: date | None
    status: Status | None
    status_reason: str
    officers: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    all_departments: list[str] = field(default_factory=list)
    milestones: list[MilestoneRow] = field(default_factory=list)
    updates: list[UpdateRow] = field(default_factory=list)
    extras: list[tuple[str, str]] = field(default_factory=list)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def read_node(con: sqlite3.Connection, node_id: int | None) -> NodeRecord | None:
    """The live node `node_id` with what hangs off it; None if it is gone (deleted)."""
    if node_id is None:
        return None
    row = con.execute(
        "SELECT n.id, n.plan_id, n.parent_id, n.ref, n.title, n.description, n.outcome,"
        " d.name, n.target_date, n.status, n.status_reason, p.level_names"
        " FROM node n JOIN plan p ON p.id = n.plan_id"
        " LEFT JOIN department d ON d.id = n.department_id"
        " WHERE n.id = ? AND n.deleted_at IS NULL",
        (node_id,),
    ).fetchone()
    if row is None:
        return None
    nid, plan_id, parent_id, ref, title, descr, outcome, dept, target, status, reason, levels = row
    depth = 0
    while parent_id is not None:
        depth += 1
        (parent_id,) = con.execute(
            "SELECT parent_id FROM node WHERE id = ?", (parent_id,)
        ).fetchone()
    names = json.loads(levels) if levels else []
    names = names or ["Action"]
    record = NodeRecord(
        id=nid,
        plan_id=plan_id,
        level=names[min(depth, len(names) - 1)],
        ref=ref or "",
        title=title or "",
        description=descr or "",
        outcome=outcome or "",
        department=dept or "",
        target_date=_day(target),
        status=Status.parse(status),
        status_reason=reason or "",
    )
    record.officers = [
        r[0]
        for r in con.execute(
            "SELECT o.name FROM node_officer l JOIN officer o ON o.id = l.officer_id"
            " WHERE l.node_id = ? ORDER BY l.position",
            (nid,),
        )
    ]
    record.partners = [
        r[0]
        for r in con.execute(
            "SELECT p.name FROM node_partner l JOIN partner p ON p.id = l.partner_id"
            " WHERE l.node_id = ? ORDER BY l.position",
            (nid,),
        )
    ]
    record.all_departments = [
        r[0] for r in con.execute("SELECT name FROM department ORDER BY name COLLATE NOCASE")
    ]
    record.milestones = [
        MilestoneRow(mid, text or "", target_count, done_count, _day(due))
        for mid, text, target_count, done_count, due in con.execute(
            "SELECT id, text, target_count, done_count, due_date FROM milestone"
            " WHERE node_id = ? AND deleted_at IS NULL ORDER BY position, id",
            (nid,),
        )
    ]
    record.updates = [
        UpdateRow(uid, date.fromisoformat(on), period or "", text or "", author or "", st, kind)
        for uid, on, period, text, author, st, kind in con.execute(
            "SELECT id, date, period, text, author, status, kind FROM progress_update"
            " WHERE node_id = ? AND deleted_at IS NULL ORDER BY date, id",
            (nid,),
        )
    ]
    record.extras = [
        (name, value or "")
        for name, value in con.execute(
            "SELECT name, value FROM extra_field WHERE node_id = ? ORDER BY name", (nid,)
        )
    ]
    return record
