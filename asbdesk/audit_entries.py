"""From the notes a transaction took (`asbdesk.audit`) to the rows of the audit trail:
what is recorded of each kind of record, its values worded as officers read them, and the
folding that keeps the trail readable (a new or imported plan is one entry, a branch is
one entry on its top node, a status change's own update is left to the status entry).

No Qt here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from asbdesk.models import (
    AuditEntry,
    ExtraField,
    FieldSession,
    Indicator,
    IndicatorValue,
    Milestone,
    Node,
    Partner,
    Plan,
    Risk,
    Update,
    utcnow,
)
from asbdesk.periods import format_date
from asbdesk.rag import Status
from asbdesk.who import current_user
from asbdesk.words import count

# ---------------------------------------------------------------------------------------
# What is recorded, and how its values read


@dataclass(frozen=True)
class Kind:
    entity: str  # AuditEntry.entity
    fields: dict[str, str]  # attribute → the field's name as officers read it
    soft_delete: bool = True  # deleted by setting deleted_at

    @property
    def keys(self) -> tuple[str, ...]:
        return (*self.fields, "deleted_at") if self.soft_delete else tuple(self.fields)


KINDS: dict[type[Any], Kind] = {
    Plan: Kind(
        "plan",
        {
            "title": "Title",
            "council": "Council",
            "start_date": "Start date",
            "end_date": "End date",
            "level_names": "Level names",
            "colour_key": "Colour key",
            "amber_lag": "Amber threshold",
            "red_lag": "Red threshold",
            "rollup_status": "Roll-up of status",
            "rollup_percent": "Roll-up of delivered %",
        },
    ),
    Node: Kind(
        "node",
        {
            "ref": "Ref",
            "title": "Title",
            "description": "Description",
            "outcome": "Outcome",
            "target_date": "Target date",
            "status": "Status",
            "parent_id": "Place in the plan",
            "department": "Lead department",
            "officers": "Lead officers",
            "partners": "Partners",
        },
    ),
    Milestone: Kind(
        "milestone",
        {"text": "Text", "target_count": "Target", "done_count": "Done", "due_date": "Due"},
    ),
    Update: Kind(
        "update",
        {
            "date": "Date",
            "period": "Period",
            "text": "Text",
            "author": "Author",
            "status": "Status",
            "internal": "Internal",
        },
    ),
    ExtraField: Kind(
        "field", {"name": "Name", "value": "Value", "internal": "Internal"}, soft_delete=False
    ),
    Indicator: Kind(
        "indicator",
        {
            "group": "Group",
            "name": "Name",
            "unit": "Unit",
            "direction": "Better when",
            "target": "Target",
            "source": "Source",
        },
        soft_delete=False,
    ),
    IndicatorValue: Kind(
        "indicator value",
        {
            "period": "Period",
            "value": "Value",
            "partial": "Part of the period",
            "available": "Available",
        },
        soft_delete=False,
    ),
    FieldSession: Kind(
        "session",
        {
            "date": "Date",
            "place": "Place",
            "kind": "Kind",
            "contacts": "Contacts",
            "categories": "ASB categories",
            "notes": "Notes",
            "follow_ups": "Follow-ups",
            "milestone_id": "Counts towards",
            "officers": "Officers",
            "partners": "Partners present",
        },
    ),
    Risk: Kind(
        "risk",
        {
            "description": "Description",
            "severity": "Severity",
            "likelihood": "Likelihood",
            "owner_id": "Owner",
            "review_date": "Review date",
            "actions": "Mitigating actions",
        },
    ),
}
COLLECTIONS = ("officers", "partners", "actions")  # many-to-many: lists of names
# Not an attribute: a node moved up or down under the same parent (`audit.note_move`).
ROW = "row"
ROW_FIELD = "Place in the plan"
RECORDS = ("department",)  # many-to-one: a name

# Lifecycle entries' `field`.
ADDED, DELETED, RESTORED, IMPORTED = "Added", "Deleted", "Restored", "Imported"


# The plan settings' choices, as the plan settings dialog words them.
_SETTING_WORDS = {
    "rollup_status": {"worst": "The worst of their children", "none": "Their own status"},
    "rollup_percent": {
        "mean": "The average of their children",
        "none": "Their own milestones only",
    },
}


def value_text(attr: str, value: Any) -> str:
    """A value as an officer reads it: 31/03/2020, Amber, Internal, 20 %, names."""
    if attr == "status":
        if value is None or value == "":
            return "Not set"
        try:
            return Status(value).word
        except ValueError:
            return str(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return format_date(value)
    if attr == "internal":
        return "Internal" if value else "Shared"
    if attr == "available":
        return "Yes" if value else "Not yet available"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if attr in ("amber_lag", "red_lag"):
        return f"{float(value) * 100:g} %"
    if attr == "kind":  # a session's
        from asbdesk.sessions import KINDS as SESSION_KINDS  # sessions loads the audit

        return SESSION_KINDS.get(str(value), str(value))
    if attr in _SETTING_WORDS:
        return _SETTING_WORDS[attr].get(str(value), str(value))
    if attr == "actions" and isinstance(value, Node):
        return f"{value.ref} {_short(value.title, 60)}".strip()
    if attr == "level_names":
        return " > ".join(str(v) for v in value)
    if attr == "colour_key" and isinstance(value, dict):
        return "; ".join(f"{value_text('status', k)}: {v}" for k, v in value.items())
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, list | tuple):
        return "; ".join(value_text(attr, v) for v in value)
    name = getattr(value, "name", None)
    if isinstance(name, str):
        return name  # an officer, department or partner
    return str(value)


def _short(text: str, most: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= most else text[: most - 1] + "…"


# ---------------------------------------------------------------------------------------
# Notes taken while a transaction runs

# Tables an import writes to straight: their new rows are counted, not listed.
BULK_TABLES = ("node", "milestone", "progress_update", "extra_field")


def get_value(record: Any, attr: str) -> Any:
    """An attribute of an ORM record, or a column of a row read for a bulk change."""
    if isinstance(record, dict):
        return record.get(attr)
    return getattr(record, attr, None)


@dataclass
class Changed:
    kind: Kind
    record: Any  # the ORM record, or its row as a dict
    fields: dict[str, list[Any]] = field(default_factory=dict)  # attr → [first old, last new]


@dataclass
class Log:
    added: dict[int, tuple[Kind, Any]] = field(default_factory=dict)  # by id(record)
    removed: dict[tuple[str, int], tuple[Kind, dict[str, Any]]] = field(default_factory=dict)
    changed: dict[tuple[str, int], Changed] = field(default_factory=dict)

    def change(self, kind: Kind, pk: int, record: Any, attr: str, old: Any, new: Any) -> None:
        key = (kind.entity, pk)
        entry = self.changed.get(key)
        if entry is None:
            entry = self.changed[key] = Changed(kind, record)
        else:
            entry.record = record
        if attr in entry.fields:
            entry.fields[attr][1] = new
        else:
            entry.fields[attr] = [old, new]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def copy(self) -> Log:
        """The notes as they are now, kept apart from the notes taken later."""
        changed = {
            key: Changed(c.kind, c.record, {a: list(v) for a, v in c.fields.items()})
            for key, c in self.changed.items()
        }
        return Log(dict(self.added), dict(self.removed), changed)


def primary_key(obj: Any) -> int | None:
    identity = inspect(obj).identity
    return int(identity[0]) if identity else None


def chunks(ids: Iterable[Any], size: int = 500) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for i in ids:
        batch.append(i)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# ---------------------------------------------------------------------------------------
# From notes to entries

_COLUMNS = "at who plan_id node_id node_ref node_title entity item field old new reason action"
# Straight to SQLite: renumbering a plan of 20,000 actions writes as many entries.
INSERT_SQL = (
    f"INSERT INTO audit_entry ({', '.join(_COLUMNS.split())}) "
    f"VALUES ({', '.join('?' * len(_COLUMNS.split()))})"
)


@dataclass
class _Event:
    kind: Kind
    pk: int
    record: Any
    field: str  # an attribute, or ADDED / DELETED / RESTORED
    old: Any = None
    new: Any = None
    under: int = 0  # a branch's nodes folded into this one's entry


_WORDS = {
    "node": "item",
    "milestone": "milestone",
    "progress_update": "update",
    "extra_field": "field",
    "indicator": "indicator",
    "session": "session",
    "risk": "risk",
}


@dataclass(frozen=True)
class Recording:
    """What the changes being made are credited to (`asbdesk.audit.recording`)."""

    action: str  # "Change status", "Undo: Change status"
    reason: str | None = None
    source: str = ""  # the file an import read, named in its entry


def stored_now(session: Session) -> Any:
    """The time now, stored as SQLAlchemy stores a DateTime."""
    dialect = session.get_bind().dialect
    stored = AuditEntry.__table__.c.at.type.dialect_impl(dialect).bind_processor(dialect)
    now = utcnow()
    return stored(now) if stored is not None else now


NOT_DESCRIBED = "Change not described"


def undescribed_row(session: Session, recording: Recording | None) -> tuple[Any, ...]:
    """The entry written when describing a transaction's changes failed: when, who and
    the command, so the trail still shows that something was changed."""
    action = recording.action if recording else ""
    reason = recording.reason if recording else None
    when = stored_now(session)
    where = (None, None, "", "", "", "")  # plan, node, ref, title, entity, item
    return (when, current_user(), *where, NOT_DESCRIBED, None, None, reason, action)


class Entries:
    """The entries a transaction's notes make, folded as the module docstring says."""

    def __init__(
        self,
        session: Session,
        log: Log,
        bulk: dict[int, Counter[str]],
        recording: Recording | None,
    ) -> None:
        self.s = session
        self.log = log
        self.bulk = bulk
        self.at = stored_now(session)  # one moment for the transaction
        self.who = current_user()
        self.recording = recording
        self._plans: dict[tuple[str, Any], int | None] = {}

    def rows(self) -> list[tuple[Any, ...]]:
        """The entries as rows for `INSERT_SQL`."""
        events = self._events()
        events = [e for e in events if not _is_status_update(e.record)]
        summaries, events = self._summaries(events)
        events = self._fold_branches(events)
        nodes = self._nodes(events)
        names = self._names(events)
        rows = [*summaries]
        for e in events:
            rows.extend(self._row(e, nodes, names))
        return rows

    # -- events ----------------------------------------------------------------------

    def _events(self) -> list[_Event]:
        log = self.log
        out: list[_Event] = []
        added_keys: set[tuple[str, int]] = set()
        for kind, obj in log.added.values():
            pk = primary_key(obj)
            if pk is None:
                continue
            added_keys.add((kind.entity, pk))  # added and removed again: nothing to say
            if not (inspect(obj).deleted or inspect(obj).detached):
                out.append(_Event(kind, pk, obj, ADDED))
        for (entity, pk), (kind, snap) in log.removed.items():
            if (entity, pk) not in added_keys:
                out.append(_Event(kind, pk, snap, DELETED, old=snap))
        for key, changed in log.changed.items():
            if key in added_keys or key in log.removed:
                continue  # made (or removed) in this transaction: one entry says so
            for attr, (old, new) in changed.fields.items():
                if attr == "deleted_at":
                    if (old is None) != (new is None):
                        life = DELETED if new is not None else RESTORED
                        out.append(_Event(changed.kind, key[1], changed.record, life))
                elif _differs(attr, old, new):
                    out.append(_Event(changed.kind, key[1], changed.record, attr, old, new))
        return out

    def _summaries(self, events: list[_Event]) -> tuple[list[tuple[Any, ...]], list[_Event]]:
        """One entry for each plan added, or imported into, with what came with it."""
        new_plans = {e.pk: e for e in events if e.kind.entity == "plan" and e.field == ADDED}
        orm_nodes = Counter(
            get_value(e.record, "plan_id")
            for e in events
            if e.kind.entity == "node" and e.field == ADDED
        )
        imported = {p for p, c in self.bulk.items() if c["node"] > orm_nodes.get(p, 0)}
        plans = set(new_plans) | imported
        if not plans:
            return [], events
        kept: list[_Event] = []
        brought: dict[int, Counter[str]] = {p: Counter() for p in plans}
        for e in events:
            plan_id = self._plan_of(e)
            if e.field == ADDED and plan_id in plans:
                if e.kind.entity not in ("plan", "node", "milestone", "update", "field"):
                    brought[plan_id][e.kind.entity] += 1  # counted from the tables
                continue
            kept.append(e)
        rows = []
        for plan_id in sorted(plans):
            counts = self.bulk.get(plan_id, Counter()) + brought[plan_id]
            what = [
                count(counts[t], _WORDS.get(t, t))
                for t in (*BULK_TABLES, "indicator", "session", "risk")
                if counts[t]
            ]
            title = self.s.scalar(select(Plan.title).where(Plan.id == plan_id)) or ""
            source = self.recording.source if self.recording else ""
            if plan_id in imported:
                text = ", ".join(what) or "nothing"
                field_, new = IMPORTED, text + (f" from {source}" if source else "")
            else:
                field_ = ADDED
                new = title + (f" ({', '.join(what)})" if what else "")
            rows.append(self._entry(plan_id, None, "", "", "plan", "", field_, None, new))
        return rows, kept

    def _fold_branches(self, events: list[_Event]) -> list[_Event]:
        """A branch added, deleted or restored is one entry on its top node; what hangs off
        a record added or removed with it (a new action's update) goes with it."""
        life = (ADDED, DELETED, RESTORED)
        groups: dict[str, dict[int, _Event]] = {f: {} for f in life}
        for e in events:
            if e.kind.entity == "node" and e.field in life:
                groups[e.field][e.pk] = e
        dropped: set[int] = set()
        for group in groups.values():
            for e in group.values():
                top, parent = e, get_value(e.record, "parent_id")
                while parent in group:
                    top = group[parent]
                    parent = get_value(top.record, "parent_id")
                if top is not e:
                    top.under += 1
                    dropped.add(id(e))
        ind_groups: dict[str, set[int]] = {f: set() for f in life}
        for e in events:
            if e.kind.entity == "indicator" and e.field in life:
                ind_groups[e.field].add(e.pk)
        out = []
        for e in events:
            if id(e) in dropped:
                continue
            if e.field in life:
                owner = get_value(e.record, "node_id")
                if e.kind.entity in ("milestone", "update", "field") and owner in groups[e.field]:
                    continue
                if e.kind.entity == "indicator value":
                    if get_value(e.record, "indicator_id") in ind_groups[e.field]:
                        continue
            out.append(e)
        return out

    # -- what the entries name -------------------------------------------------------

    def _plan_of(self, e: _Event) -> int | None:
        entity = e.kind.entity
        if entity == "plan":
            return e.pk
        if entity in ("node", "indicator", "session", "risk"):
            return _as_int(get_value(e.record, "plan_id"))
        if entity == "indicator value":
            key: tuple[str, Any] = ("indicator", get_value(e.record, "indicator_id"))
            query = select(Indicator.plan_id).where(Indicator.id == key[1])
        else:
            key = ("node", get_value(e.record, "node_id"))
            query = select(Node.plan_id).where(Node.id == key[1])
        if key not in self._plans:
            self._plans[key] = self.s.scalar(query)
        return self._plans[key]

    def _nodes(self, events: list[_Event]) -> dict[int, tuple[int, str, str]]:
        """Every node the entries name: id → (plan, ref, title)."""
        ids: set[int] = set()
        for e in events:
            if e.kind.entity == "node":
                ids.add(e.pk)
                if e.field == "parent_id":
                    ids.update(i for i in (e.old, e.new) if i is not None)
                elif e.field == ROW:
                    ids.update(v[0] for v in (e.old, e.new) if v[0] is not None)
            elif e.kind.entity in ("milestone", "update", "field"):
                ids.add(get_value(e.record, "node_id"))
        out: dict[int, tuple[int, str, str]] = {}
        connection = self.s.connection()
        for chunk in chunks(sorted(ids), 900):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, plan_id, ref, title FROM node WHERE id IN ({marks})"
            for node_id, plan_id, ref, title in connection.exec_driver_sql(sql, tuple(chunk)):
                out[node_id] = (plan_id, ref, title)
        return out

    def _names(self, events: list[_Event]) -> dict[tuple[str, int], str]:
        """Milestones and partners that a session or risk names by id."""
        wanted: dict[str, set[int]] = {"milestone_id": set(), "owner_id": set()}
        for e in events:
            if e.field in wanted:
                wanted[e.field].update(i for i in (e.old, e.new) if i is not None)
        out: dict[tuple[str, int], str] = {}
        for attr, model, column in (
            ("milestone_id", Milestone, Milestone.text),
            ("owner_id", Partner, Partner.name),
        ):
            for chunk in chunks(sorted(wanted[attr])):
                for i, name in self.s.execute(select(model.id, column).where(model.id.in_(chunk))):
                    out[(attr, i)] = name
        return out

    # -- rows ------------------------------------------------------------------------

    def _row(
        self,
        e: _Event,
        nodes: dict[int, tuple[int, str, str]],
        names: dict[tuple[str, int], str],
    ) -> list[tuple[Any, ...]]:
        entity = e.kind.entity
        node_id: int | None = None
        if entity == "node":
            node_id = e.pk
        elif entity in ("milestone", "update", "field"):
            node_id = _as_int(get_value(e.record, "node_id"))
        if node_id is not None:
            plan_id: int | None
            plan_id, ref, title = nodes.get(node_id, (None, "", ""))
        else:
            plan_id, ref, title = self._plan_of(e), "", ""
        if plan_id is None:
            plan_id = self._plan_of(e)
        item = "" if entity == "node" else _item(e.record, entity)
        if e.field in (ADDED, RESTORED, DELETED):
            text = _summary(e.record, entity)
            if e.under:
                text += f" (and {count(e.under, 'item')} under it)"
            old, new = (text, None) if e.field == DELETED else (None, text)
            life = e.field
            if life == ADDED and not e.kind.soft_delete and self._undoing():
                life = RESTORED  # a record deleted for good comes back as a new row
            return [self._entry(plan_id, node_id, ref, title, entity, item, life, old, new)]
        label = ROW_FIELD if e.field == ROW else e.kind.fields[e.field]
        old = self._text(e.field, e.old, nodes, names)
        new = self._text(e.field, e.new, nodes, names)
        reason = self.recording.reason if self.recording else None
        if reason is None and self.recording is None and entity == "node" and e.field == "status":
            # Made outside any command (a script): the reason is the one it stored.
            reason = str(get_value(e.record, "status_reason") or "") or None
        return [self._entry(plan_id, node_id, ref, title, entity, item, label, old, new, reason)]

    def _undoing(self) -> bool:
        return self.recording is not None and self.recording.action.startswith("Undo: ")

    def _text(
        self,
        attr: str,
        value: Any,
        nodes: dict[int, tuple[int, str, str]],
        names: dict[tuple[str, int], str],
    ) -> str:
        if attr == "parent_id":
            if value is None:
                return "Top of the plan"
            _plan, ref, title = nodes.get(value, (0, "", ""))
            return f"Under {ref} {_short(title, 60)}".replace("  ", " ").strip()
        if attr == ROW:  # (parent, row counted from 1)
            parent, row = value
            if parent is None:
                return f"Row {row} at the top of the plan"
            _plan, ref, title = nodes.get(parent, (0, "", ""))
            return f"Row {row} under {ref} {_short(title, 60)}".replace("  ", " ").strip()
        if attr in ("milestone_id", "owner_id"):
            return names.get((attr, value), "") if value is not None else ""
        return value_text(attr, value)

    def _entry(
        self,
        plan_id: int | None,
        node_id: int | None,
        ref: str,
        title: str,
        entity: str,
        item: str,
        field_: str,
        old: str | None,
        new: str | None,
        reason: str | None = None,
    ) -> tuple[Any, ...]:
        action = self.recording.action if self.recording else ""
        where = (plan_id, node_id, ref or "", title or "", entity, item)
        return (self.at, self.who, *where, field_, old, new, reason, action)


def _as_int(value: Any) -> int | None:
    return int(value) if value is not None else None


def _differs(attr: str, old: Any, new: Any) -> bool:
    if attr in COLLECTIONS:
        return value_text(attr, old) != value_text(attr, new)
    return bool(old != new)


def _is_status_update(record: Any) -> bool:
    """A status change's own progress update: the status entry, with its reason, says it."""
    return isinstance(record, Update | dict) and get_value(record, "kind") == "status"


def _item(record: Any, entity: str) -> str:
    """Which milestone, update, field … an entry is about."""
    if entity == "milestone":
        return _short(get_value(record, "text") or "")
    if entity == "update":
        on = value_text("date", get_value(record, "date"))
        return f"{on} {_short(get_value(record, 'text') or '', 60)}"
    if entity in ("field", "indicator"):
        return _short(get_value(record, "name") or "")
    if entity == "indicator value":
        name = get_value(record, "indicator_name")
        if name is None and not isinstance(record, dict):
            name = record.indicator.name if record.indicator is not None else ""
        return f"{_short(name or '', 60)}, {get_value(record, 'period') or ''}"
    if entity == "session":
        on = value_text("date", get_value(record, "date"))
        return f"{on} {get_value(record, 'place') or ''}".strip()
    if entity == "risk":
        return _short(get_value(record, "description") or "")
    return ""  # a node or plan: the entry names it in columns of its own


def _summary(record: Any, entity: str) -> str:
    """A record added, deleted or restored, as its entry shows it: saying which it is."""
    if entity in ("node", "plan"):
        return str(get_value(record, "title") or "")
    if entity == "milestone":
        return str(get_value(record, "text") or "")
    if entity == "update":
        return f"{value_text('date', get_value(record, 'date'))}: {get_value(record, 'text') or ''}"
    if entity == "field":
        return f"{get_value(record, 'name')}: {get_value(record, 'value') or ''}"
    if entity == "indicator value":
        if not get_value(record, "available"):
            value = "Not yet available"
        else:
            value = value_text("value", get_value(record, "value"))
            partial = get_value(record, "partial")
            value = f"{value} ({partial})" if partial else value
        return f"{_item(record, entity)}: {value}"
    if entity == "session":
        on = value_text("date", get_value(record, "date"))
        kind = value_text("kind", get_value(record, "kind") or "")
        return f"{on} {kind}, {get_value(record, 'place') or ''}"
    return _item(record, entity)
