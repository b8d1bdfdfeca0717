"""One node as the detail editor shows it, read with plain sqlite3 (no ORM on the read path)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date

from asbdesk.plan_tree import PEOPLE_SQL, parse_day
from asbdesk.rag import Status
from asbdesk.words import level_name


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
    internal: bool  # kept in the desk: never in an export for partners


@dataclass(frozen=True)
class ExtraRow:
    """A named extra field (a column an import brought), as the editor lists it."""

    id: int
    name: str
    value: str
    internal: bool  # kept in the desk: never in an export for partners


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
    extras: list[ExtraRow] = field(default_factory=list)


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
    nid, plan_id, _parent, ref, title, descr, outcome, dept, target, status, reason, levels = row
    (depth,) = con.execute(
        "WITH RECURSIVE up(id) AS (SELECT parent_id FROM node WHERE id = ?"
        " UNION ALL SELECT n.parent_id FROM node n JOIN up ON n.id = up.id)"
        " SELECT count(*) - 1 FROM up",
        (nid,),
    ).fetchone()
    record = NodeRecord(
        id=nid,
        plan_id=plan_id,
        level=level_name(json.loads(levels) if levels else [], depth),
        ref=ref or "",
        title=title or "",
        description=descr or "",
        outcome=outcome or "",
        department=dept or "",
        target_date=parse_day(target),
        status=Status.parse(status),
        status_reason=reason or "",
    )
    for attr, sql in PEOPLE_SQL.items():
        names = [name for _nid, name in con.execute(sql.format(where="n.id = ?"), (nid,))]
        setattr(record, attr, names)
    record.all_departments = [
        r[0] for r in con.execute("SELECT name FROM department ORDER BY name COLLATE NOCASE")
    ]
    record.milestones = [
        MilestoneRow(mid, text or "", target_count, done_count, parse_day(due))
        for mid, text, target_count, done_count, due in con.execute(
            "SELECT id, text, target_count, done_count, due_date FROM milestone"
            " WHERE node_id = ? AND deleted_at IS NULL ORDER BY position, id",
            (nid,),
        )
    ]
    record.updates = [
        UpdateRow(
            uid, date.fromisoformat(on), period or "", text or "", author or "", st, kind, bool(i)
        )
        for uid, on, period, text, author, st, kind, i in con.execute(
            "SELECT id, date, period, text, author, status, kind, internal FROM progress_update"
            " WHERE node_id = ? AND deleted_at IS NULL ORDER BY date, id",
            (nid,),
        )
    ]
    record.extras = [
        ExtraRow(fid, name, value or "", bool(internal))
        for fid, name, value, internal in con.execute(
            "SELECT id, name, value, internal FROM extra_field WHERE node_id = ? ORDER BY name",
            (nid,),
        )
    ]
    return record
