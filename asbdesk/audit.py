"""The audit trail: every change to a desk recorded in the transaction that makes it.

Each entry says who changed which field of what, when, from what to what (as an officer
reads them: dates dd/mm/yyyy, status words, names), the reason given, and the command
that did it ("Change status"; "Undo: Change status" for its undo, which is recorded like
any change, with the values the other way round).

Recorded centrally, by listeners on every SQLAlchemy session, so no command writes its
own entries and none can forget them:

- `before_flush` notes what the ORM is about to write, from the attributes' history;
- `do_orm_execute` notes what a bulk UPDATE changes (a deleted branch restored, refs
  renumbered), reading the rows before and after;
- `before_commit` turns the notes into `AuditEntry` rows, in the same transaction.

Rows an import writes straight to SQLite are counted, not listed: one entry per plan says
what the import brought ("Imported 54 items, 39 milestones …"). In the same way a new
plan is one entry, and a branch added, deleted or restored is one entry on its top node
("… and 5 items under it"). Noise is left out: stamps, sort positions, a status change's
own progress update (the status entry has its reason). A node moved up or down under the
same parent is the exception to sort positions: `MoveNode` says which node moved
(`note_move`), and its entry gives the row it left and the row it took.

A bug in describing a change must not lose the change: the transaction then commits with
a bare entry ("Change not described": when, who, the command) and the error is logged.

Which command is running comes from `recording()`, which the window's operations and the
command line put around each do, undo and redo; a change made outside one is recorded
with no command named.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Table, event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from asbdesk.audit_entries import (
    BULK_TABLES,
    COLLECTIONS,
    INSERT_SQL,
    KINDS,
    RECORDS,
    ROW,
    Entries,
    Kind,
    Log,
    Recording,
    chunks,
    primary_key,
    undescribed_row,
)
from asbdesk.models import IndicatorValue, Node

# ---------------------------------------------------------------------------------------
# Which command is running


_current: ContextVar[Recording | None] = ContextVar("asbdesk_audit_recording", default=None)


@contextmanager
def recording(action: str, reason: str | None = None, source: str = "") -> Iterator[None]:
    """Changes committed while the block runs are credited to `action`, with `reason`."""
    token = _current.set(Recording(action, reason or None, source))
    try:
        yield
    finally:
        _current.reset(token)


def recording_command(command: Any, step: str = "") -> AbstractContextManager[None]:
    """`recording` for a command's do (`step` ""), or its "Undo" or "Redo". An undo takes
    back the reason given for the change, so it gives none of its own."""
    label = str(getattr(command, "label", "") or "Change")
    reason = getattr(command, "reason", None) if step != "Undo" else None
    source = str(getattr(command, "source", "") or "")
    return recording(f"{step}: {label}" if step else label, reason, source)


# ---------------------------------------------------------------------------------------
# Notes taken while a transaction runs

logger = logging.getLogger(__name__)
_LOG = "asbdesk.audit"
_START = "asbdesk.audit.start"
_SAVEPOINTS = "asbdesk.audit.savepoints"  # savepoint → the notes when it began
_BY_TABLE = {model.__table__.name: (model, kind) for model, kind in KINDS.items()}
# Columns a bulk change reads besides those it records: what its entry names.
_CONTEXT = {"plan_id", "node_id", "indicator_id", "parent_id", "kind", "title", "text", "name"}
_CONTEXT |= {"description", "date", "place", "status_reason", "available", "value", "partial"}


def _log(session: Session) -> Log:
    log = session.info.get(_LOG)
    if log is None:
        log = session.info[_LOG] = Log()
    assert isinstance(log, Log)
    return log


def _snapshot(obj: Any) -> dict[str, Any]:
    """A record about to be deleted, as its entry will need it."""
    out = {a.key: getattr(obj, a.key) for a in inspect(obj).mapper.column_attrs}
    if isinstance(obj, IndicatorValue):
        out["indicator_name"] = obj.indicator.name if obj.indicator is not None else ""
    return out


def note_move(
    session: Session,
    node: Node,
    from_parent: int | None,
    from_row: int,
    to_parent: int | None,
    to_row: int,
) -> None:
    """A node moved up or down among its siblings (rows counted from 0). Sort positions are
    noise (every sibling's shifts), so the command that moves the node says which it was;
    a move to another parent is recorded from `parent_id` itself."""
    pk = primary_key(node)
    if pk is not None and from_parent == to_parent and from_row != to_row:
        old, new = (from_parent, from_row + 1), (to_parent, to_row + 1)
        _log(session).change(KINDS[Node], pk, node, ROW, old, new)


@event.listens_for(Session, "after_begin")
def _after_begin(session: Session, _transaction: Any, connection: Any) -> None:
    sql = "SELECT " + ", ".join(f"(SELECT max(id) FROM {t})" for t in BULK_TABLES)
    # Before the first statement of the transaction, though maybe after its first
    # before_flush: the notes taken so far are kept.
    session.info[_START] = tuple(connection.exec_driver_sql(sql).one())


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    log = _log(session)
    with session.no_autoflush:
        for obj in session.new:
            kind = KINDS.get(type(obj))
            if kind is not None:
                log.added[id(obj)] = (kind, obj)
        for obj in session.deleted:
            _note_removed(log, obj)
        for obj in session.dirty:
            kind = KINDS.get(type(obj))
            if kind is not None and id(obj) not in log.added and obj not in session.deleted:
                _note_changes(session, log, kind, obj)


def _note_removed(log: Log, obj: Any) -> None:
    kind = KINDS.get(type(obj))
    pk = primary_key(obj)
    if kind is not None and pk is not None:
        log.removed[(kind.entity, pk)] = (kind, _snapshot(obj))


def _note_changes(session: Session, log: Log, kind: Kind, obj: Any) -> None:
    state = inspect(obj)
    pk = primary_key(obj)
    if pk is None:
        return
    keys = kind.keys
    for attr in set(keys) - state.unmodified_intersection(keys):
        history = state.attrs[attr].history
        if attr in COLLECTIONS:
            # The list as it was, in its order (the first lead is the one reports name).
            before = state.committed_state.get(attr)
            old: Any = (
                list(before) if isinstance(before, list) else [*history.unchanged, *history.deleted]
            )
            new: Any = list(getattr(obj, attr))
        else:
            new = history.added[0] if history.added else getattr(obj, attr)
            if history.deleted:
                old = history.deleted[0]
            else:  # the old value was never loaded: it is still in the database
                old = _stored(session, obj, attr)
        log.change(kind, pk, obj, attr, old, new)
    # An extra field taken off its node is deleted as an orphan during the flush.
    if isinstance(obj, Node) and not state.unmodified_intersection(("extras",)):
        for gone in state.attrs["extras"].history.deleted:
            _note_removed(log, gone)


def _stored(session: Session, obj: Any, attr: str) -> Any:
    model = type(obj)
    table: Table = model.__table__
    if attr in RECORDS:
        prop = inspect(model).relationships[attr]
        (column,) = prop.local_columns
        target = session.scalar(select(column).where(table.c.id == obj.id))
        return session.get(prop.mapper.class_, target) if target is not None else None
    return session.scalar(select(table.c[attr]).where(table.c.id == obj.id))


@event.listens_for(Session, "do_orm_execute")
def _bulk_update(state: ORMExecuteState) -> Any:
    """A bulk UPDATE of an audited table: what it changes, read before and after."""
    if not state.is_update:
        return None
    found = _BY_TABLE.get(getattr(getattr(state.statement, "table", None), "name", ""))
    if found is None:
        return None
    model, kind = found
    table: Table = model.__table__  # the plain table: its rows, not ORM records
    session, log = state.session, _log(state.session)
    params = state.parameters
    columns = [table.c.id, *(c for c in table.c if c.name in kind.keys or c.name in _CONTEXT)]
    if isinstance(params, list):  # by primary key, one dict of values per row
        rows = _rows(session, columns, [p["id"] for p in params])
        given = {a for p in params for a in p}
        keys = [a for a in kind.keys if a in given]
        for p in params:
            row = rows.get(p["id"])
            if row is None:
                continue
            for attr in keys:
                if attr in p:
                    log.change(kind, p["id"], row, attr, row[attr], p[attr])
        return None
    where = getattr(state.statement, "whereclause", None)
    if where is None:
        return None
    names = [c.name for c in columns]
    before = {
        r[0]: dict(zip(names, r, strict=True))
        for r in session.execute(select(*columns).where(where))
    }
    result = state.invoke_statement()
    after = _rows(session, columns, list(before))
    for pk, row in after.items():
        for attr in kind.keys:
            if attr in row and row[attr] != before[pk][attr]:
                log.change(kind, pk, row, attr, before[pk][attr], row[attr])
    return result


def _rows(session: Session, columns: list[Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    """Rows by id, as dicts of `columns` (the first is the id)."""
    names = [c.name for c in columns]
    out: dict[int, dict[str, Any]] = {}
    for chunk in chunks(ids):
        for r in session.execute(select(*columns).where(columns[0].in_(chunk))):
            out[r[0]] = dict(zip(names, r, strict=True))
    return out


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    session.flush()  # what is still pending is noted too
    log = session.info.pop(_LOG, None) or Log()
    start = session.info.pop(_START, None)
    session.info.pop(_SAVEPOINTS, None)
    recorded = _current.get()
    try:
        bulk = _bulk_counts(session, start)
        if not log and not bulk:
            return
        rows = Entries(session, log, bulk, recorded).rows()
    except Exception:
        # A bug in describing the change must not cost the officer the change itself:
        # the trail says that something was changed, when and by whom, and the log why.
        logger.exception("The audit trail could not describe a change; recorded it bare.")
        rows = [undescribed_row(session, recorded)]
    if rows:
        session.connection().exec_driver_sql(INSERT_SQL, rows)


@event.listens_for(Session, "after_transaction_create")
def _after_transaction_create(session: Session, transaction: Any) -> None:
    if transaction.nested:  # a savepoint: the notes as they are, for its rollback
        session.info.setdefault(_SAVEPOINTS, {})[transaction] = _log(session).copy()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous: Any) -> None:
    """The transaction's notes go with it. A savepoint rolled back takes only the notes
    made since it began: what was done before it is still committed, and recorded."""
    if previous.nested:
        saved = session.info.get(_SAVEPOINTS, {}).pop(previous, None)
        if saved is not None:
            session.info[_LOG] = saved
        return
    if previous.parent is not None:
        return
    for key in (_LOG, _START, _SAVEPOINTS):
        session.info.pop(key, None)


def _bulk_counts(session: Session, start: tuple[Any, ...] | None) -> dict[int, Counter[str]]:
    """Rows this transaction added to the tables an import writes straight to: plan →
    table → rows (the ORM's own inserts included)."""
    if start is None:
        return {}
    connection = session.connection()
    sql = "SELECT " + ", ".join(f"(SELECT max(id) FROM {t})" for t in BULK_TABLES)
    now = connection.exec_driver_sql(sql).one()
    out: dict[int, Counter[str]] = {}
    for table, before, after in zip(BULK_TABLES, start, now, strict=True):
        if after is None or (before is not None and after <= before):
            continue
        if table == "node":
            sql = "SELECT plan_id, count(*) FROM node WHERE id > ? GROUP BY plan_id"
        else:
            sql = (
                f"SELECT n.plan_id, count(*) FROM {table} t JOIN node n ON n.id = t.node_id "
                "WHERE t.id > ? GROUP BY n.plan_id"
            )
        for plan_id, n in connection.exec_driver_sql(sql, (before or 0,)).all():
            out.setdefault(plan_id, Counter())[table] = n
    return out
