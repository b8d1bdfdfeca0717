"""Every user edit as a command object with `do()` and `undo()`, each one transaction.

The GUI wraps these in `QUndoCommand`s; the command line and the tests call them as they
are. Each returns the changes it made (`Change`s), so a view can update exactly the rows
concerned instead of reloading the plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from asbdesk import tree
from asbdesk.audit import note_move, recording_command
from asbdesk.changes import (
    Change,
    NodeChanged,
    NodeInserted,
    NodeMoved,
    NodeRemoved,
    PlanChanged,
    PlansChanged,
)
from asbdesk.desk import Desk
from asbdesk.models import (
    Department,
    ExtraField,
    Milestone,
    Node,
    Officer,
    Partner,
    Plan,
    Update,
    node_officer,
    node_partner,
    utcnow,
)
from asbdesk.periods import Quarter
from asbdesk.rag import Status
from asbdesk.refs import default_ref_styles
from asbdesk.who import current_user


class Command(Protocol):
    label: str

    def do(self, desk: Desk) -> list[Change]: ...

    def undo(self, desk: Desk) -> list[Change]: ...


def _node(s: Session, node_id: int) -> Node:
    node = s.get(Node, node_id)
    if node is None:
        raise LookupError(f"node {node_id} is not in this desk")
    return node


def _touch(node: Node) -> None:
    # Links and child rows do not dirty the node itself; its stamp must still move.
    node.updated_at = utcnow()
    node.updated_by = current_user()


# ---------------------------------------------------------------------------------------
# Structure


@dataclass
class AddNode:
    """Add a node under `parent_id` at `row` (None: at the end)."""

    plan_id: int
    parent_id: int | None
    row: int | None
    fields: dict[str, Any] = field(default_factory=dict)
    label: str = "Add"
    node_id: int | None = None
    _mark: str | None = None

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            if self.node_id is None:
                node = tree.insert_node(s, self.plan_id, self.parent_id, self.row, **self.fields)
                self.node_id = node.id
                row = tree.row_of(s, node)
            else:  # redo brings back the same record, so its UUID is kept
                node = _node(s, self.node_id)
                assert self._mark is not None
                row = self.row if self.row is not None else 1 << 30
                tree.restore(s, node, self._mark, row)
                row = tree.row_of(s, node)
            self.row = row
        return [NodeInserted(self.node_id, self.parent_id, row)]

    def undo(self, desk: Desk) -> list[Change]:
        assert self.node_id is not None
        with desk.transaction() as s:
            node = _node(s, self.node_id)
            self._mark, row = tree.soft_delete(s, node)
        return [NodeRemoved(self.node_id, self.parent_id, row)]


@dataclass
class DeleteNode:
    node_id: int
    label: str = "Delete"
    _mark: str | None = None
    _row: int = 0
    _parent_id: int | None = None

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            node = _node(s, self.node_id)
            self._parent_id = node.parent_id
            self._mark, self._row = tree.soft_delete(s, node)
        return [NodeRemoved(self.node_id, self._parent_id, self._row)]

    def undo(self, desk: Desk) -> list[Change]:
        assert self._mark is not None
        with desk.transaction() as s:
            node = _node(s, self.node_id)
            tree.restore(s, node, self._mark, self._row)
        return [NodeInserted(self.node_id, self._parent_id, self._row)]


@dataclass
class MoveNode:
    """Move a node to `new_row` under `new_parent_id` (the row counted without the node)."""

    node_id: int
    new_parent_id: int | None
    new_row: int
    label: str = "Move"
    _old_parent_id: int | None = None
    _old_row: int = 0

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            node = _node(s, self.node_id)
            self._old_parent_id = node.parent_id
            self._old_row = tree.move(s, node, self.new_parent_id, self.new_row)
            new_row = tree.row_of(s, node)
            note_move(s, node, self._old_parent_id, self._old_row, self.new_parent_id, new_row)
        self.new_row = new_row
        return [
            NodeMoved(self.node_id, self._old_parent_id, self._old_row, self.new_parent_id, new_row)
        ]

    def undo(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            node = _node(s, self.node_id)
            came_from = tree.move(s, node, self._old_parent_id, self._old_row)
            back = tree.row_of(s, node)
            note_move(s, node, self.new_parent_id, came_from, self._old_parent_id, back)
        return [
            NodeMoved(
                self.node_id, self.new_parent_id, self.new_row, self._old_parent_id, self._old_row
            )
        ]


def indent(desk: Desk, node_id: int) -> MoveNode | None:
    """The move that makes a node the last child of the sibling above it, if there is one."""
    with desk.session() as s:
        node = _node(s, node_id)
        siblings = tree.live_children(s, node.plan_id, node.parent_id)
        row = [n.id for n in siblings].index(node.id)
        if row == 0:
            return None
        above = siblings[row - 1]
        count = len(tree.live_children(s, node.plan_id, above.id))
    return MoveNode(node_id, above.id, count, label="Indent")


def outdent(desk: Desk, node_id: int) -> MoveNode | None:
    """The move that puts a node just after its parent, one level up."""
    with desk.session() as s:
        node = _node(s, node_id)
        if node.parent_id is None:
            return None
        parent = _node(s, node.parent_id)
        parent_row = tree.row_of(s, parent)
    return MoveNode(node_id, parent.parent_id, parent_row + 1, label="Outdent")


def shift(desk: Desk, node_id: int, delta: int) -> MoveNode | None:
    """The move one place up (-1) or down (+1) among its siblings."""
    with desk.session() as s:
        node = _node(s, node_id)
        count = len(tree.live_children(s, node.plan_id, node.parent_id))
        row = tree.row_of(s, node)
    target = row + delta
    if not 0 <= target < count:
        return None
    return MoveNode(node_id, node.parent_id, target, label="Move up" if delta < 0 else "Move down")


@dataclass
class RenumberRefs:
    plan_id: int
    styles: list[str] | None = None
    label: str = "Renumber refs"
    _old: dict[int, str] = field(default_factory=dict)

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            plan = s.get(Plan, self.plan_id)
            assert plan is not None
            styles = self.styles or default_ref_styles(len(plan.level_names))
            new = tree.renumbered_refs(s, self.plan_id, styles)
            live = select(Node.id, Node.ref).where(
                Node.plan_id == self.plan_id, Node.deleted_at.is_(None)
            )
            current = {node_id: ref for node_id, ref in s.execute(live)}
            self._old = {i: current[i] for i, ref in new.items() if current[i] != ref}
            _set_refs(s, {i: new[i] for i in self._old})
        return [PlanChanged(self.plan_id)]

    def undo(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            _set_refs(s, self._old)
        return [PlanChanged(self.plan_id)]


def _set_refs(s: Session, refs: dict[int, str]) -> None:
    """All the refs in one bulk UPDATE by primary key: a 20,000-action plan renumbers at once."""
    if refs:
        s.execute(update(Node), [{"id": i, "ref": r} for i, r in refs.items()])


# ---------------------------------------------------------------------------------------
# Fields of a node

# The status and its reason change only through ChangeStatus, which records the reason.
NODE_FIELDS = ("ref", "title", "description", "outcome", "target_date")


def set_fields(
    record: Any, values: dict[str, Any], allowed: tuple[str, ...], old: dict[str, Any]
) -> None:
    """Set `values` on `record`, keeping each field's value from before the *first* do in
    `old`: a redo must not take the values a failed undo left behind as the ones to return to."""
    for name in values:
        if name not in allowed:
            raise ValueError(f"{name} is not a field that can be edited this way")
    for name, value in values.items():
        old.setdefault(name, getattr(record, name))
        setattr(record, name, value)


@dataclass
class EditNode:
    """Set plain fields of a node: ref, title, description, outcome, target date."""

    node_id: int
    changes: dict[str, Any]
    label: str = "Edit"
    _old: dict[str, Any] = field(default_factory=dict)

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            set_fields(_node(s, self.node_id), self.changes, NODE_FIELDS, self._old)
        return [NodeChanged(self.node_id)]

    def undo(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            set_fields(_node(s, self.node_id), self._old, NODE_FIELDS, {})
        return [NodeChanged(self.node_id)]


def split_names(text: str) -> list[str]:
    """Names typed into one box, separated by semicolons or new lines."""
    return unique_names(p for chunk in text.splitlines() for p in chunk.split(";"))


def unique_names(names: Iterable[str]) -> list[str]:
    """Names trimmed, blanks dropped, and each name once: records match names in any case."""
    seen: set[str] = set()
    out = []
    for name in (n.strip() for n in names):
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


def find_or_create(s: Session, model: type[Officer | Department | Partner], name: str) -> Any:
    """The reusable record with this name (any case), made if it is new."""
    found = s.scalar(select(model).where(model.name == name))
    if found is None:
        found = model(name=name)
        s.add(found)
        s.flush()
    return found


@dataclass
class SetPeople:
    """Set a node's lead officers, lead department and partners (None: leave as is)."""

    node_id: int
    officers: list[str] | None = None
    department: str | None = None
    partners: list[str] | None = None
    label: str = "Edit leads"
    _old: tuple[list[str], str, list[str]] | None = None

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            node = _node(s, self.node_id)
            if self._old is None:  # as it was before the first do, for every undo
                self._old = _people(node)
            self._apply(s, node, self.officers, self.department, self.partners)
        return [NodeChanged(self.node_id)]

    def undo(self, desk: Desk) -> list[Change]:
        assert self._old is not None
        officers, department, partners = self._old
        with desk.transaction() as s:
            self._apply(s, _node(s, self.node_id), officers, department, partners)
        return [NodeChanged(self.node_id)]

    @staticmethod
    def _apply(
        s: Session,
        node: Node,
        officers: list[str] | None,
        department: str | None,
        partners: list[str] | None,
    ) -> None:
        if officers is not None:
            node.officers = [find_or_create(s, Officer, n) for n in unique_names(officers)]
        if department is not None:
            node.department = find_or_create(s, Department, department) if department else None
        if partners is not None:
            node.partners = [find_or_create(s, Partner, n) for n in unique_names(partners)]
        renumber_links(s, node)
        _touch(node)


def _people(node: Node) -> tuple[list[str], str, list[str]]:
    return (
        [o.name for o in node.officers],
        node.department.name if node.department else "",
        [p.name for p in node.partners],
    )


def renumber_links(s: Session, node: Node) -> None:
    """Keep leads and partners in the order typed: the first lead is the one reports name."""
    s.flush()
    for table, key, linked in (
        (node_officer, node_officer.c.officer_id, node.officers),
        (node_partner, node_partner.c.partner_id, node.partners),
    ):
        for position, record in enumerate(linked):
            assert isinstance(record, Officer | Partner)
            s.execute(
                table.update()
                .where(table.c.node_id == node.id, key == record.id)
                .values(position=position)
            )


@dataclass
class ChangeStatus:
    """An officer's status change; the reason goes into the node's history as an update."""

    node_id: int
    status: Status | None
    reason: str
    on: date
    label: str = "Change status"
    _old: tuple[str | None, str] | None = None
    _update_id: int | None = None

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            node = _node(s, self.node_id)
            if self._old is None:  # as it was before the first do, for every undo
                self._old = (node.status, node.status_reason)
            node.status = self.status.value if self.status else None
            node.status_reason = self.reason
            if self._update_id is None:
                old_word = Status(self._old[0]).word if self._old[0] else "not set"
                new_word = self.status.word if self.status else "not set"
                upd = Update(
                    node_id=node.id,
                    date=self.on,
                    period=Quarter.of(self.on).label,
                    text=f"Status {old_word} → {new_word}: {self.reason}",
                    author=current_user(),
                    status=node.status,
                    kind="status",
                )
                s.add(upd)
                s.flush()
                self._update_id = upd.id
            else:
                upd_again = s.get(Update, self._update_id)
                assert upd_again is not None
                upd_again.deleted_at = None
        return [NodeChanged(self.node_id)]

    def undo(self, desk: Desk) -> list[Change]:
        assert self._old is not None
        with desk.transaction() as s:
            node = _node(s, self.node_id)
            node.status, node.status_reason = self._old
            upd = s.get(Update, self._update_id)
            if upd is not None:
                upd.deleted_at = utcnow()
        return [NodeChanged(self.node_id)]


@dataclass
class AddUpdate:
    node_id: int
    on: date
    period: str
    text: str
    author: str
    status: Status | None
    internal: bool = False  # kept in the desk: never in an export for partners
    label: str = "Add update"
    update_id: int | None = None

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            node = _node(s, self.node_id)
            if self.update_id is None:
                upd = Update(
                    node_id=node.id,
                    date=self.on,
                    period=self.period,
                    text=self.text,
                    author=self.author,
                    status=self.status.value if self.status else None,
                    kind="progress",
                    internal=self.internal,
                )
                s.add(upd)
                s.flush()
                self.update_id = upd.id
            else:
                again = s.get(Update, self.update_id)
                assert again is not None
                again.deleted_at = None
            _touch(node)
        return [NodeChanged(self.node_id)]

    def undo(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            upd = s.get(Update, self.update_id)
            assert upd is not None
            upd.deleted_at = utcnow()
        return [NodeChanged(self.node_id)]


@dataclass
class SetInternal:
    """Mark one update (`update_id`) or one extra field (`field_id`) of a node internal,
    kept in the desk and never exported for partners, or shared (`internal` False)."""

    node_id: int
    internal: bool
    update_id: int | None = None
    field_id: int | None = None
    label: str = ""
    _old: bool | None = None

    def __post_init__(self) -> None:
        if (self.update_id is None) == (self.field_id is None):
            raise TypeError("SetInternal marks one update or one extra field: give one id")
        if not self.label:
            what = "update" if self.update_id is not None else "field"
            self.label = f"Mark {what} {'internal' if self.internal else 'shared'}"

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            record = self._record(s)
            if self._old is None:  # as it was before the first do, for every undo
                self._old = record.internal
            record.internal = self.internal
            _touch(_node(s, self.node_id))
        return [NodeChanged(self.node_id)]

    def undo(self, desk: Desk) -> list[Change]:
        assert self._old is not None
        with desk.transaction() as s:
            self._record(s).internal = self._old
            _touch(_node(s, self.node_id))
        return [NodeChanged(self.node_id)]

    def _record(self, s: Session) -> Update | ExtraField:
        record: Update | ExtraField | None
        if self.update_id is not None:
            record = s.get(Update, self.update_id)
        else:
            record = s.get(ExtraField, self.field_id)
        if record is None or record.node_id != self.node_id:
            what = (
                f"update {self.update_id}"
                if self.update_id is not None
                else f"extra field {self.field_id}"
            )
            raise LookupError(f"{what} is not on node {self.node_id}")
        return record


# ---------------------------------------------------------------------------------------
# Milestones

MILESTONE_FIELDS = ("text", "target_count", "done_count", "due_date")


@dataclass
class AddMilestone:
    node_id: int
    text: str = ""
    target_count: int | None = None
    done_count: int | None = None
    due_date: date | None = None
    label: str = "Add milestone"
    milestone_id: int | None = None

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            node = _node(s, self.node_id)
            if self.milestone_id is None:
                live = [m for m in node.milestones if m.deleted_at is None]
                ms = Milestone(
                    node_id=node.id,
                    position=(max((m.position for m in live), default=-1) + 1),
                    text=self.text,
                    target_count=self.target_count,
                    done_count=self.done_count,
                    due_date=self.due_date,
                )
                s.add(ms)
                s.flush()
                self.milestone_id = ms.id
            else:
                again = s.get(Milestone, self.milestone_id)
                assert again is not None
                again.deleted_at = None
            _touch(node)
        return [NodeChanged(self.node_id)]

    def undo(self, desk: Desk) -> list[Change]:
        return _set_milestone_deleted(desk, self.node_id, self.milestone_id, deleted=True)


@dataclass
class DeleteMilestone:
    node_id: int
    milestone_id: int
    label: str = "Delete milestone"

    def do(self, desk: Desk) -> list[Change]:
        return _set_milestone_deleted(desk, self.node_id, self.milestone_id, deleted=True)

    def undo(self, desk: Desk) -> list[Change]:
        return _set_milestone_deleted(desk, self.node_id, self.milestone_id, deleted=False)


def _set_milestone_deleted(
    desk: Desk, node_id: int, milestone_id: int | None, *, deleted: bool
) -> list[Change]:
    with desk.transaction() as s:
        ms = s.get(Milestone, milestone_id)
        assert ms is not None
        ms.deleted_at = utcnow() if deleted else None
        _touch(_node(s, node_id))
    return [NodeChanged(node_id)]


@dataclass
class EditMilestone:
    node_id: int
    milestone_id: int
    changes: dict[str, Any]
    label: str = "Edit milestone"
    _old: dict[str, Any] = field(default_factory=dict)

    def do(self, desk: Desk) -> list[Change]:
        return self._apply(desk, self.changes, self._old)

    def undo(self, desk: Desk) -> list[Change]:
        return self._apply(desk, self._old, {})

    def _apply(self, desk: Desk, values: dict[str, Any], old: dict[str, Any]) -> list[Change]:
        with desk.transaction() as s:
            ms = s.get(Milestone, self.milestone_id)
            assert ms is not None
            set_fields(ms, values, MILESTONE_FIELDS, old)
            _check_counts(ms)
            _touch(_node(s, self.node_id))
        return [NodeChanged(self.node_id)]


def _check_counts(ms: Milestone) -> None:
    for name in ("target_count", "done_count"):
        value = getattr(ms, name)
        if value is not None and value < 0:
            raise ValueError("A milestone count cannot be negative.")


# ---------------------------------------------------------------------------------------
# Plans

PLAN_FIELDS = (
    "title",
    "council",
    "start_date",
    "end_date",
    "level_names",
    "colour_key",
    "amber_lag",
    "red_lag",
    "rollup_status",
    "rollup_percent",
)


@dataclass
class EditPlan:
    plan_id: int
    changes: dict[str, Any]
    label: str = "Edit plan settings"
    _old: dict[str, Any] = field(default_factory=dict)

    def do(self, desk: Desk) -> list[Change]:
        return self._apply(desk, self.changes, self._old)

    def undo(self, desk: Desk) -> list[Change]:
        return self._apply(desk, self._old, {})

    def _apply(self, desk: Desk, values: dict[str, Any], old: dict[str, Any]) -> list[Change]:
        with desk.transaction() as s:
            plan = s.get(Plan, self.plan_id)
            assert plan is not None
            # Checked as the plan will be, so a lone threshold or date is checked against the rest.
            check_plan_values({**{f: getattr(plan, f) for f in PLAN_FIELDS}, **values})
            set_fields(plan, values, PLAN_FIELDS, old)
        return [PlanChanged(self.plan_id)]


def check_plan_values(values: dict[str, Any]) -> None:
    """Refuse settings that would break the plan, with a message an officer can act on."""
    for name in values:
        if name not in PLAN_FIELDS:
            raise ValueError(f"{name} is not a plan setting")
    names = values.get("level_names")
    if names is not None and (not names or any(not n.strip() for n in names)):
        raise ValueError("Every level needs a name, and a plan needs at least one level.")
    amber = values.get("amber_lag", 0.0)
    red = values.get("red_lag", max(amber, 0.2))
    if not 0 <= red <= 1:
        raise ValueError("The Red threshold must be between 0 % and 100 %.")
    if not 0 <= amber <= red:
        raise ValueError("The Amber threshold must be between 0 % and the Red threshold.")
    if values.get("rollup_status", "worst") not in ("worst", "none"):
        raise ValueError("Roll-up of status must be 'worst' or 'none'.")
    if values.get("rollup_percent", "mean") not in ("mean", "none"):
        raise ValueError("Roll-up of delivered % must be 'mean' or 'none'.")
    start, end = values.get("start_date"), values.get("end_date")
    if start is not None and end is not None and end < start:
        raise ValueError("The plan cannot end before it starts.")


def next_plan_position(s: Session) -> int:
    """Where a new plan goes in the desk's list: after every plan there is."""
    return int(s.scalar(select(func.count(Plan.id))) or 0)


@dataclass
class AddPlan:
    title: str
    level_names: list[str]
    council: str = ""
    start_date: date | None = None
    end_date: date | None = None
    label: str = "New plan"
    plan_id: int | None = None

    def do(self, desk: Desk) -> list[Change]:
        check_plan_values(
            {
                "level_names": self.level_names,
                "start_date": self.start_date,
                "end_date": self.end_date,
            }
        )
        with desk.transaction() as s:
            if self.plan_id is None:
                count = next_plan_position(s)
                plan = Plan(
                    title=self.title,
                    council=self.council,
                    level_names=self.level_names,
                    start_date=self.start_date,
                    end_date=self.end_date,
                    position=count,
                )
                s.add(plan)
                s.flush()
                self.plan_id = plan.id
            else:
                set_plan_deleted(s, self.plan_id, False)
        return [PlansChanged(self.plan_id)]

    def undo(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            set_plan_deleted(s, self.plan_id, True)
        return [PlansChanged()]


def set_plan_deleted(s: Session, plan_id: int | None, deleted: bool) -> None:
    """A plan put away (undoing its adding) or brought back (redoing it), records kept."""
    plan = s.get(Plan, plan_id)
    assert plan is not None
    plan.deleted_at = utcnow() if deleted else None


def run(desk: Desk, command: Command) -> list[Change]:
    """Do a command outside any undo stack (the command line, scripts), its changes
    credited to it in the audit trail."""
    with recording_command(command):
        return command.do(desk)
