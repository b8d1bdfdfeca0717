"""The desk as JSON (`docs/json-format.md`): export, and import of plans in the same form.

The demo desk ships as JSON in `resources/demo/` and is read by `import_plan`, so the
format is exercised on every first run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from asbdesk import __version__
from asbdesk.commands import find_or_create, renumber_links, unique_names
from asbdesk.desk import Desk
from asbdesk.models import (
    Department,
    ExtraField,
    Indicator,
    IndicatorValue,
    Milestone,
    Node,
    Officer,
    Partner,
    Plan,
    Update,
)
from asbdesk.rag import DEFAULT_COLOUR_KEY, Status

FORMAT = "asbdesk-desk"
VERSION = 1


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
    try:
        return Status(str(value)).value
    except ValueError as exc:
        allowed = ", ".join(s.value for s in Status)
        raise FormatError(f"{where}: status '{value}' is not one of {allowed}.") from exc


def _count(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FormatError(f"{where}: milestone count {value!r} is not a whole number of 0 or more.")
    return value


def _names(data: dict[str, Any], key: str, where: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise FormatError(f"{where}: '{key}' must be a list of names, not {type(value).__name__}.")
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
    }


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
    UUID already in the desk is refused rather than silently duplicated.
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
    s.flush()
    return plan


def import_indicators(s: Session, plan: Plan, indicators: list[dict[str, Any]], start: int) -> None:
    for i, ind in enumerate(indicators):
        _import_indicator(s, plan, ind, start + i)


def import_nodes(
    s: Session,
    plan: Plan,
    children: list[dict[str, Any]],
    start: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[int]:
    ids = []
    for i, child in enumerate(children):
        ids.append(_import_node(s, plan, None, child, start + i))
    s.flush()
    return ids


def _import_indicator(s: Session, plan: Plan, data: dict[str, Any], position: int) -> None:
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
    s.add(ind)
    s.flush()
    for i, v in enumerate(data.get("values") or []):
        available = bool(v.get("available", v.get("value") is not None))
        s.add(
            IndicatorValue(
                indicator_id=ind.id,
                position=i,
                period=str(v.get("period", "")),
                value=None if not available else v.get("value"),
                partial=v.get("partial"),
                available=available,
            )
        )


def _import_node(
    s: Session, plan: Plan, parent_id: int | None, data: dict[str, Any], position: int
) -> int:
    where = f"node {data.get('ref') or data.get('title', '')[:40]!r}"
    node = Node(
        plan_id=plan.id,
        parent_id=parent_id,
        position=position,
        ref=str(data.get("ref", "")),
        title=str(data.get("title", "")),
        description=str(data.get("description", "")),
        outcome=str(data.get("outcome", "")),
        target_date=_date(data.get("target_date"), where),
        status=_status(data.get("status"), where),
        status_reason=str(data.get("status_reason", "")),
    )
    if data.get("uuid"):
        node.uuid = data["uuid"]
    node.officers = [find_or_create(s, Officer, n) for n in _names(data, "lead", where)]
    if data.get("department"):
        node.department = find_or_create(s, Department, str(data["department"]))
    node.partners = [find_or_create(s, Partner, n) for n in _names(data, "partners", where)]
    s.add(node)
    s.flush()
    renumber_links(s, node)
    for name, value in (data.get("extra") or {}).items():
        s.add(ExtraField(node_id=node.id, name=str(name), value=str(value)))
    for i, m in enumerate(data.get("milestones") or []):
        ms = Milestone(
            node_id=node.id,
            position=i,
            text=str(m.get("text", "")),
            target_count=_count(m.get("target_count"), where),
            done_count=_count(m.get("done_count"), where),
            due_date=_date(m.get("due_date"), where),
        )
        if m.get("uuid"):
            ms.uuid = m["uuid"]
        s.add(ms)
    for u in data.get("updates") or []:
        on = _date(u.get("date"), where)
        if on is None:
            raise FormatError(f"{where}: an update has no date.")
        upd = Update(
            node_id=node.id,
            date=on,
            period=str(u.get("period", "")),
            text=str(u.get("text", "")),
            author=str(u.get("author", "")),
            status=_status(u.get("status"), where),
            kind=str(u.get("kind", "progress")),
        )
        if u.get("uuid"):
            upd.uuid = u["uuid"]
        s.add(upd)
    for i, child in enumerate(data.get("children") or []):
        _import_node(s, plan, node.id, child, i)
    return node.id
