"""The desk as JSON (`docs/json-format.md`): export, and import of plans in the same form.

The demo desk ships as JSON in `resources/demo/` and is read by `import_plan`, so the
format is exercised on every first run.
"""

from __future__ import annotations

import os
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session, selectinload

from asbdesk import __version__
from asbdesk.commands import find_or_create, unique_names
from asbdesk.desk import Desk
from asbdesk.models import (
    Base,
    Department,
    ExtraField,
    FieldSession,
    Indicator,
    IndicatorValue,
    Milestone,
    Node,
    Officer,
    Partner,
    Plan,
    Risk,
    Update,
    node_officer,
    node_partner,
    utcnow,
)
from asbdesk.rag import DEFAULT_COLOUR_KEY, Status
from asbdesk.risks import RiskError, RiskFields
from asbdesk.risks import write as write_risk
from asbdesk.sessions import SessionError, SessionFields
from asbdesk.sessions import write as write_session
from asbdesk.who import current_user

FORMAT = "asbdesk-desk"
# 2: internal updates and fields, field sessions and the risk register (an older asbdesk
# reading a version 2 file would share what is internal and drop the field work).
VERSION = 2


class FormatError(ValueError):
    """A JSON file that is not an asbdesk plan; the message says what is wrong."""


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise FormatError(f"{where}: '{value}' is not an ISO date (YYYY-MM-DD).") from exc


def _status(value: Any, where: str) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and value in _STATUSES:  # nearly every one: no Enum made
        return _STATUSES[value]
    try:
        return Status(str(value)).value
    except ValueError as exc:
        allowed = ", ".join(s.value for s in Status)
        raise FormatError(f"{where}: status '{value}' is not one of {allowed}.") from exc


_STATUSES = {s.value: s.value for s in Status}


def _count(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FormatError(f"{where}: milestone count {value!r} is not a whole number of 0 or more.")
    return value


def _contacts(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FormatError(f"{where}: contacts {value!r} is not a whole number of 0 or more.")
    return value


def _flag(value: Any, where: str) -> bool:
    # Strict: an "internal" read wrongly would send a note meant for the desk to partners.
    if not isinstance(value, bool):
        raise FormatError(f"{where} must be true or false, not {value!r}.")
    return value


def _internal_fields(data: dict[str, Any], extra: dict[Any, Any], where: str) -> set[str]:
    """The names of the node's extra fields marked internal (a file written before fields
    could be internal has none); each must name one of its `extra` fields."""
    names = data.get("internal_fields") or []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise FormatError(f"{where}: 'internal_fields' must be a list of extra fields' names.")
    for name in names:
        if name not in extra:
            raise FormatError(f"{where}: internal field '{name}' is not one of its extra fields.")
    return set(names)


def _names(data: dict[str, Any], key: str, where: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise FormatError(f"{where}: '{key}' must be a list of names, not {type(value).__name__}.")
    if len(value) == 1 and isinstance(value[0], str) and value[0] == value[0].strip() != "":
        return [value[0]]  # one lead, as most nodes of a council's sheet have
    return unique_names(str(n) for n in value)


# ---------------------------------------------------------------------------------------
# Export


def export_desk(desk: Desk) -> dict[str, Any]:
    with desk.session() as s:
        plans = s.scalars(
            select(Plan).where(Plan.deleted_at.is_(None)).order_by(Plan.position, Plan.id)
        ).all()
        return {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "exported_by": f"asbdesk {__version__}",
            "plans": [export_plan(s, p) for p in plans],
        }


def export_plan(s: Session, plan: Plan) -> dict[str, Any]:
    nodes = s.scalars(
        select(Node)
        .where(Node.plan_id == plan.id, Node.deleted_at.is_(None))
        .options(
            selectinload(Node.officers),
            selectinload(Node.partners),
            selectinload(Node.department),
            selectinload(Node.milestones),
            selectinload(Node.updates),
            selectinload(Node.extras),
        )
        .order_by(Node.position, Node.id)
    ).all()
    children: dict[int | None, list[Node]] = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)

    def node_dict(n: Node, depth: int) -> dict[str, Any]:
        return {
            "uuid": n.uuid,
            "ref": n.ref,
            "level": plan.level_name(depth),
            "title": n.title,
            "description": n.description,
            "outcome": n.outcome,
            "lead": [o.name for o in n.officers],
            "department": n.department.name if n.department else None,
            "partners": [p.name for p in n.partners],
            "target_date": _iso(n.target_date),
            "status": n.status,
            "status_reason": n.status_reason,
            "extra": {e.name: e.value for e in n.extras},
            "internal_fields": [e.name for e in n.extras if e.internal],
            "milestones": [
                {
                    "uuid": m.uuid,
                    "text": m.text,
                    "target_count": m.target_count,
                    "done_count": m.done_count,
                    "due_date": _iso(m.due_date),
                }
                for m in n.milestones
                if m.deleted_at is None
            ],
            "updates": [
                {
                    "uuid": u.uuid,
                    "date": _iso(u.date),
                    "period": u.period,
                    "text": u.text,
                    "author": u.author,
                    "status": u.status,
                    "kind": u.kind,
                    "internal": u.internal,
                }
                for u in n.updates
                if u.deleted_at is None
            ],
            "children": [],  # filled below
        }

    return {
        "uuid": plan.uuid,
        "title": plan.title,
        "council": plan.council,
        "start_date": _iso(plan.start_date),
        "end_date": _iso(plan.end_date),
        "level_names": list(plan.level_names),
        "colour_key": dict(plan.colour_key),
        "thresholds": {"amber_lag": plan.amber_lag, "red_lag": plan.red_lag},
        "rollup": {"status": plan.rollup_status, "percent": plan.rollup_percent},
        "indicators": [
            {
                "uuid": ind.uuid,
                "group": ind.group,
                "name": ind.name,
                "unit": ind.unit,
                "direction": ind.direction,
                "target": ind.target,
                "source": ind.source,
                "values": [
                    {
                        "period": v.period,
                        "value": v.value,
                        "partial": v.partial,
                        "available": v.available,
                    }
                    for v in ind.values
                ],
            }
            for ind in plan.indicators
        ],
        "children": _nest(children, node_dict),
        "sessions": _export_sessions(s, plan),
        "risks": _export_risks(s, plan),
    }


def _export_sessions(s: Session, plan: Plan) -> list[dict[str, Any]]:
    sessions = s.scalars(
        select(FieldSession)
        .where(FieldSession.plan_id == plan.id, FieldSession.deleted_at.is_(None))
        .options(selectinload(FieldSession.officers), selectinload(FieldSession.partners))
        .order_by(FieldSession.date, FieldSession.id)
    ).all()
    return [
        {
            "uuid": f.uuid,
            "date": _iso(f.date),
            "place": f.place,
            "kind": f.kind,
            "officers": [o.name for o in f.officers],
            "partners": [p.name for p in f.partners],
            "contacts": f.contacts,
            "categories": list(f.categories),
            "notes": f.notes,
            "follow_ups": f.follow_ups,
            # Only a milestone that is exported too: one deleted, or on a deleted
            # action, is not in the file.
            "counts_towards": f.milestone.uuid
            if f.milestone is not None
            and f.milestone.deleted_at is None
            and f.milestone.node.deleted_at is None
            else None,
        }
        for f in sessions
    ]


def _export_risks(s: Session, plan: Plan) -> list[dict[str, Any]]:
    risks = s.scalars(
        select(Risk)
        .where(Risk.plan_id == plan.id, Risk.deleted_at.is_(None))
        .order_by(Risk.position, Risk.id)
    ).all()
    return [
        {
            "uuid": r.uuid,
            "description": r.description,
            "severity": r.severity,
            "likelihood": r.likelihood,
            "owner": r.owner.name if r.owner else None,
            "review_date": _iso(r.review_date),
            "actions": [n.uuid for n in r.actions if n.deleted_at is None],
        }
        for r in risks
    ]


def _nest(
    children: dict[int | None, list[Node]], node_dict: Callable[[Node, int], dict[str, Any]]
) -> list[dict[str, Any]]:
    """The nested `children` lists, built with a stack: a deep plan must not exhaust
    Python's recursion limit."""
    top: list[dict[str, Any]] = []
    stack: list[tuple[Node, int, list[dict[str, Any]]]] = [
        (n, 0, top) for n in reversed(children.get(None, []))
    ]
    while stack:
        n, depth, siblings = stack.pop()
        d = node_dict(n, depth)
        siblings.append(d)
        stack.extend((c, depth + 1, d["children"]) for c in reversed(children.get(n.id, [])))
    return top


# ---------------------------------------------------------------------------------------
# Import


def import_plan(
    s: Session,
    data: dict[str, Any],
    position: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Plan:
    """Add one plan, in the form `export_plan` writes, to the desk open in `s`.

    UUIDs in the data are kept, so a plan exported and imported is the same plan; a
    UUID already in the desk is refused rather than silently duplicated. `progress` is
    as `import_nodes` calls it.
    """
    if not isinstance(data, dict) or not isinstance(data.get("children", []), list):
        raise FormatError("This is not an asbdesk plan: a plan must be a JSON object.")
    if data.get("uuid") and s.scalar(select(Plan.id).where(Plan.uuid == data["uuid"])):
        raise FormatError(f"The plan '{data.get('title', '')}' is already in this desk.")
    thresholds = data.get("thresholds") or {}
    rollup = data.get("rollup") or {}
    plan = Plan(
        title=str(data.get("title", "")),
        council=str(data.get("council", "")),
        start_date=_date(data.get("start_date"), "plan start"),
        end_date=_date(data.get("end_date"), "plan end"),
        level_names=list(data.get("level_names") or ["Action"]),
        colour_key={**DEFAULT_COLOUR_KEY, **(data.get("colour_key") or {})},
        amber_lag=float(thresholds.get("amber_lag", 0.0)),
        red_lag=float(thresholds.get("red_lag", 0.2)),
        rollup_status=str(rollup.get("status", "worst")),
        rollup_percent=str(rollup.get("percent", "mean")),
        position=position,
    )
    if data.get("uuid"):
        plan.uuid = data["uuid"]
    s.add(plan)
    s.flush()
    import_indicators(s, plan, data.get("indicators") or [], 0)
    import_nodes(s, plan, data.get("children") or [], 0, progress)
    import_field_work(s, plan, data)
    return plan


def import_field_work(s: Session, plan: Plan, data: dict[str, Any]) -> None:
    """The plan's sessions and risks (after its nodes: they refer to milestones and
    actions by UUID). A session's count is already in its milestone's done count."""
    sessions, risks = data.get("sessions") or [], data.get("risks") or []
    if not isinstance(sessions, list) or not isinstance(risks, list):
        raise FormatError("A plan's 'sessions' and 'risks' must be lists.")
    if not sessions and not risks:
        return
    milestones = dict(
        s.execute(
            select(Milestone.uuid, Milestone.id).join(Node).where(Node.plan_id == plan.id)
        ).all()
    )
    nodes = dict(s.execute(select(Node.uuid, Node.id).where(Node.plan_id == plan.id)).all())
    for i, f in enumerate(sessions, start=1):
        where = f"session {i}"
        if not isinstance(f, dict):
            raise FormatError(f"{where} must be an object.")
        on = _date(f.get("date"), where)
        if on is None:
            raise FormatError(f"{where} has no date.")
        counts_towards = f.get("counts_towards")
        if counts_towards is not None and counts_towards not in milestones:
            raise FormatError(f"{where} counts towards a milestone that is not in the plan.")
        fields = SessionFields(
            on=on,
            place=str(f.get("place", "")),
            kind=str(f.get("kind", "drop-in")),
            officers=tuple(_names(f, "officers", where)),
            partners=tuple(_names(f, "partners", where)),
            contacts=_contacts(f.get("contacts", 0), where),
            categories=tuple(str(c) for c in f.get("categories") or []),
            notes=str(f.get("notes", "")),
            follow_ups=str(f.get("follow_ups", "")),
            milestone_id=milestones.get(counts_towards) if counts_towards else None,
        )
        try:
            fields = fields.checked()
        except SessionError as exc:
            raise FormatError(f"{where}: {exc}") from None
        record = FieldSession(plan_id=plan.id, date=on)
        if f.get("uuid"):
            record.uuid = str(f["uuid"])
        s.add(record)
        s.flush()
        write_session(s, record, fields)
    for i, r in enumerate(risks, start=1):
        where = f"risk {i}"
        if not isinstance(r, dict):
            raise FormatError(f"{where} must be an object.")
        actions = r.get("actions") or []
        if not isinstance(actions, list) or any(a not in nodes for a in actions):
            raise FormatError(f"{where} names a mitigating action that is not in the plan.")
        try:
            risk_fields = RiskFields(
                str(r.get("description", "")),
                r.get("severity", 0),  # checked: a whole number from 1 to 5
                r.get("likelihood", 0),
                str(r.get("owner") or ""),
                _date(r.get("review_date"), where),
                tuple(nodes[a] for a in actions),
            ).checked()
        except RiskError as exc:
            raise FormatError(f"{where}: {exc}") from None
        risk = Risk(plan_id=plan.id, position=i)
        if r.get("uuid"):
            risk.uuid = str(r["uuid"])
        s.add(risk)
        s.flush()
        write_risk(s, risk, risk_fields)


def import_indicators(s: Session, plan: Plan, indicators: list[dict[str, Any]], start: int) -> None:
    """Add indicators to `plan`, from position `start` on (a plan has a few dozen)."""
    for position, data in enumerate(indicators, start):
        ind = Indicator(
            plan_id=plan.id,
            position=position,
            group=str(data.get("group", "")),
            name=str(data.get("name", "")),
            unit=str(data.get("unit", "count")),
            direction=str(data.get("direction", "lower")),
            target=data.get("target"),
            source=str(data.get("source", "")),
        )
        if data.get("uuid"):
            ind.uuid = data["uuid"]
        for i, v in enumerate(data.get("values") or []):
            available = bool(v.get("available", v.get("value") is not None))
            ind.values.append(
                IndicatorValue(
                    position=i,
                    period=str(v.get("period", "")),
                    value=None if not available else v.get("value"),
                    partial=v.get("partial"),
                    available=available,
                )
            )
        s.add(ind)
    s.flush()


NODE_BATCH = 500  # nodes written between two progress reports


def import_nodes(
    s: Session,
    plan: Plan,
    children: list[dict[str, Any]],
    start: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[int]:
    """Add `children`, each with its subtree, milestones, updates and extra fields, at the
    top of `plan` from position `start` on; the ids of those top-level nodes.

    A plan read from a council's sheet can hold tens of thousands of nodes: one ORM object
    and flush each took minutes. So every node is read and checked first (a bad value
    names its node), then its rows are written straight to SQLite with `executemany`,
    `NODE_BATCH` nodes at a time, each column filled as the models' defaults and
    `find_or_create` / `renumber_links` fill it. `progress(nodes written, nodes in all)`
    is called after each batch; an exception it raises (the officer's Cancel) is passed
    on, and the caller's transaction, rolled back, leaves nothing written.
    """
    s.flush()  # the plan, and anything else pending, before the rows that refer to it
    rows = _NodeRows(s, plan.id, (s.scalar(select(func.max(Node.id))) or 0) + 1)
    top = [rows.add(child, None, position) for position, child in enumerate(children, start)]
    connection = s.connection()
    # SQLite's page cache (2 MB) would spill a large import to the log mid-transaction
    # and read it back: the write takes half as long again with room for it.
    cache = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = {-_IMPORT_CACHE_KIB}")
    try:
        done = 0
        for batch in rows.batches:
            for table, batch_rows in zip(_TABLES, batch.tables(), strict=True):
                if batch_rows:
                    connection.exec_driver_sql(table.sql, batch_rows)
            done += len(batch.nodes)
            if progress is not None and batch.nodes:
                progress(done, rows.count)
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache or 0)}")
    return top


_IMPORT_CACHE_KIB = 64 * 1024  # SQLite takes the pages as they are needed, not at once


class _Insert:
    """An INSERT of the named columns of a table, as the DB-API takes it (qmark style),
    the columns checked against the models when the module loads."""

    def __init__(self, table: Table, *columns: str) -> None:
        for column in columns:
            assert column in table.c, f"{table.name} has no column {column}"
        names = ", ".join(f'"{c}"' for c in columns)
        self.sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})'


_STAMPS = ("uuid", "created_at", "created_by", "updated_at", "updated_by")
_NODE = _Insert(
    Base.metadata.tables[Node.__tablename__],
    *("id", "plan_id", "parent_id", "position", "ref", "title", "description", "outcome"),
    *("department_id", "target_date", "status", "status_reason", *_STAMPS),
)
_TABLES = (  # in the order a batch writes them: a node before the rows that refer to it
    _NODE,
    _Insert(node_officer, "node_id", "officer_id", "position"),
    _Insert(node_partner, "node_id", "partner_id", "position"),
    _Insert(
        Base.metadata.tables[Milestone.__tablename__],
        *("node_id", "position", "text", "target_count", "done_count", "due_date", *_STAMPS),
    ),
    _Insert(
        Base.metadata.tables[Update.__tablename__],
        *("node_id", "date", "period", "text", "author", "status", "kind", "internal", *_STAMPS),
    ),
    _Insert(
        Base.metadata.tables[ExtraField.__tablename__],
        *("node_id", "name", "value", "internal", *_STAMPS),
    ),
)

_Row = tuple[Any, ...]


@dataclass
class _Batch:
    """The rows of up to `NODE_BATCH` nodes and of what hangs off them."""

    nodes: list[_Row] = field(default_factory=list)
    officers: list[_Row] = field(default_factory=list)
    partners: list[_Row] = field(default_factory=list)
    milestones: list[_Row] = field(default_factory=list)
    updates: list[_Row] = field(default_factory=list)
    extras: list[_Row] = field(default_factory=list)

    def tables(self) -> tuple[list[_Row], ...]:
        """The rows of each of `_TABLES`."""
        return (
            self.nodes,
            self.officers,
            self.partners,
            self.milestones,
            self.updates,
            self.extras,
        )


class _NodeRows:
    """Nodes read from the plan's JSON into table rows, in batches. Ids are given in the
    order the ORM would give them (a parent before its children, siblings in order), from
    the first id after the desk's last, so children can name their parent."""

    def __init__(self, s: Session, plan_id: int, first_id: int) -> None:
        self.s = s
        self.plan_id = plan_id
        self.next_id = first_id
        self.count = 0
        self.batches = [_Batch()]
        self.people: dict[tuple[type[Any], str], int] = {}
        # Dates stored as SQLAlchemy stores them, so the ORM reads these rows as its own.
        dialect = s.get_bind().dialect
        self.day = Node.__table__.c.target_date.type.dialect_impl(dialect).bind_processor(dialect)
        moment = Node.__table__.c.created_at.type.dialect_impl(dialect).bind_processor(dialect)
        now, who = utcnow(), current_user()  # one import, one moment
        when = moment(now) if moment is not None else now
        self.stamp = (when, who, when, who)
        self.uuids = _uuids()

    def add(self, data: Any, parent_id: int | None, position: int) -> int:
        """The node and its subtree (with a stack: a deep plan must not exhaust Python's
        recursion limit); the node's id."""
        first = self.next_id
        stack = [(data, parent_id, position)]
        while stack:
            data, parent_id, position = stack.pop()
            node_id = self._node(data, parent_id, position)
            kids = data.get("children") or []
            if not isinstance(kids, list):
                raise FormatError(f"{_where(data)}: 'children' must be a list of nodes.")
            stack.extend((kid, node_id, i) for i, kid in reversed(list(enumerate(kids))))
        return first

    def _node(self, data: Any, parent_id: int | None, position: int) -> int:
        if not isinstance(data, dict):
            raise FormatError(f"A node must be a JSON object, not {type(data).__name__}.")
        where = _where(data)
        node_id, self.next_id, self.count = self.next_id, self.next_id + 1, self.count + 1
        batch = self.batches[-1]
        if len(batch.nodes) == NODE_BATCH:
            batch = _Batch()
            self.batches.append(batch)
        department = str(data["department"]) if data.get("department") else None
        batch.nodes.append(
            (
                node_id,
                self.plan_id,
                parent_id,
                position,
                str(data.get("ref", "")),
                str(data.get("title", "")),
                str(data.get("description", "")),
                str(data.get("outcome", "")),
                self._person(Department, department) if department else None,
                self._day(_date(data.get("target_date"), where)),
                _status(data.get("status"), where),
                str(data.get("status_reason", "")),
                data.get("uuid") or next(self.uuids),
                *self.stamp,
            )
        )
        for key, model, links in (
            ("lead", Officer, batch.officers),
            ("partners", Partner, batch.partners),
        ):
            if data.get(key):
                links += (
                    (node_id, self._person(model, name), i)
                    for i, name in enumerate(_names(data, key, where))
                )
        extra = data.get("extra") or {}
        if not isinstance(extra, dict):
            raise FormatError(f"{where}: 'extra' must be an object of names and values.")
        internal = _internal_fields(data, extra, where)
        for name, value in extra.items():
            batch.extras.append(
                (node_id, str(name), str(value), name in internal, next(self.uuids), *self.stamp)
            )
        for i, m in enumerate(data.get("milestones") or []):
            batch.milestones.append(
                (
                    node_id,
                    i,
                    str(m.get("text", "")),
                    _count(m.get("target_count"), where),
                    _count(m.get("done_count"), where),
                    self._day(_date(m.get("due_date"), where)),
                    m.get("uuid") or next(self.uuids),
                    *self.stamp,
                )
            )
        for u in data.get("updates") or []:
            on = _date(u.get("date"), where)
            if on is None:
                raise FormatError(f"{where}: an update has no date.")
            batch.updates.append(
                (
                    node_id,
                    self._day(on),
                    str(u.get("period", "")),
                    str(u.get("text", "")),
                    str(u.get("author", "")),
                    _status(u.get("status"), where),
                    str(u.get("kind", "progress")),
                    _flag(u.get("internal", False), f"{where}: an update's 'internal'"),
                    u.get("uuid") or next(self.uuids),
                    *self.stamp,
                )
            )
        return node_id

    def _day(self, day: date | None) -> Any:
        return self.day(day) if day is not None and self.day is not None else day

    def _person(self, model: type[Officer | Department | Partner], name: str) -> int:
        """`find_or_create`'s record, asked once per name: names match in any case of
        ASCII letters, as the NOCASE column compares them."""
        key = (model, name.translate(_ASCII_LOWER))
        if key not in self.people:
            self.people[key] = find_or_create(self.s, model, name).id
        return self.people[key]


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _uuids() -> Iterator[str]:
    """Random (version 4) UUIDs as `models.new_uuid` writes them, made from one call for
    random bytes per thousand: `str(uuid4())` costs a plan of 60,000 nodes half a second."""
    while True:
        random = os.urandom(16_000).hex()
        for i in range(0, len(random), 32):
            h = random[i : i + 32]
            variant = "89ab"[int(h[16], 16) & 3]
            yield f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"


def _where(data: dict[str, Any]) -> str:
    """A node as an error message names it: by its ref, else its title."""
    return f"node {data.get('ref') or str(data.get('title', ''))[:40]!r}"
