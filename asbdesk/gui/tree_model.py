"""The plan's tree as one `QAbstractItemModel`, over the in-memory `PlanTree`.

Indexes carry node ids (never Python object pointers, which Qt does not keep alive).
Edits arrive as `Change`s from the operations layer and are signalled precisely
(`beginInsertRows`, `beginMoveRows` …) so the selection and the editor survive them.
"""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from asbdesk.changes import NodeChanged, NodeInserted, NodeMoved, NodeRemoved, PlanChanged
from asbdesk.gui.operations import Operations
from asbdesk.periods import format_date
from asbdesk.plan_tree import PlanTree, TreeItem

MIME_TYPE = "application/x-asbdesk-node"
Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()  # the invalid index Qt passes for "the root"


class Column(IntEnum):
    REF = 0
    TITLE = 1
    LEAD = 2
    TARGET = 3
    STATUS = 4
    DELIVERED = 5
    LAST_UPDATE = 6


_COLUMNS = len(Column)

HEADERS = {
    Column.REF: "Ref",
    Column.TITLE: "Title",
    Column.LEAD: "Lead",
    Column.TARGET: "Target date",
    Column.STATUS: "Status",
    Column.DELIVERED: "Delivered %",
    Column.LAST_UPDATE: "Last update",
}

# Roles the delegate, the filter and the tests read.
NODE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2  # effective status value ("red") or None
DISAGREEMENT_ROLE = Qt.ItemDataRole.UserRole + 3  # why the evidence disagrees, or None
SUGGESTION_ROLE = Qt.ItemDataRole.UserRole + 4  # suggested status value or None
ROLLED_UP_ROLE = Qt.ItemDataRole.UserRole + 5


class PlanTreeModel(QAbstractItemModel):
    def __init__(self, ops: Operations, today: date | None = None) -> None:
        super().__init__(ops)
        self.ops = ops
        self._fixed_today = today  # tests and screenshots pin the date
        self.tree: PlanTree | None = None
        self.plan_id: int | None = None
        self._con = ops.desk.reader  # reads only; writes go through `ops`
        ops.changed.connect(self.apply)

    @property
    def today(self) -> date:
        """Read afresh, so a laptop woken after midnight dates and rates things right."""
        return self._fixed_today or date.today()

    # -- loading -----------------------------------------------------------------

    def set_plan(self, plan_id: int | None) -> None:
        self.beginResetModel()
        self.plan_id = plan_id
        self.tree = None if plan_id is None else PlanTree.load(self._con, plan_id, self.today)
        self.endResetModel()

    def reload(self) -> None:
        self.set_plan(self.plan_id)

    # -- lookup ------------------------------------------------------------------

    def item(self, index: Index) -> TreeItem | None:
        if self.tree is None:
            return None
        if not index.isValid():
            return self.tree.root
        return self.tree.by_id.get(index.internalId())

    def node_id(self, index: Index) -> int | None:
        item = self.item(index) if index.isValid() else None
        return item.id if item else None

    def index_of(self, node_id: int | None, column: int = 0) -> QModelIndex:
        if self.tree is None or node_id is None or node_id not in self.tree.by_id:
            return QModelIndex()
        item = self.tree.by_id[node_id]
        return self.createIndex(item.row, column, item.id)

    # -- structure ---------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = _NO_PARENT) -> QModelIndex:
        # Checked here rather than with hasIndex(), which calls back into Python twice:
        # views and the filter ask for thousands of indexes when a plan is shown.
        parent_item = self.item(parent)
        if (
            parent_item is None
            or not 0 <= column < _COLUMNS
            or not 0 <= row < len(parent_item.children)
            or (parent.isValid() and parent.column() != 0)
        ):
            return QModelIndex()
        return self.createIndex(row, column, parent_item.children[row].id)

    def parent(self, index: Index = _NO_PARENT) -> QModelIndex:  # type: ignore[override]
        item = self.item(index) if index.isValid() else None
        if item is None or item.parent is None or item.parent.id == 0:
            return QModelIndex()
        return self.createIndex(item.parent.row, 0, item.parent.id)

    def rowCount(self, parent: Index = _NO_PARENT) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        item = self.item(parent)
        return len(item.children) if item else 0

    def columnCount(self, parent: Index = _NO_PARENT) -> int:
        return len(Column)

    def hasChildren(self, parent: Index = _NO_PARENT) -> bool:
        return self.rowCount(parent) > 0

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    # -- data --------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index) if index.isValid() else None
        if item is None or self.tree is None:
            return None
        col = Column(index.column())
        t = self.tree
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(item, col, role)
        if role == Qt.ItemDataRole.EditRole:
            if col == Column.REF:
                return item.ref
            if col == Column.TITLE:
                return item.title
            return self._display(item, col, role)
        if role == NODE_ID_ROLE:
            return item.id
        # Statuses cross Qt as their plain values ("red"): a StrEnum comes back as str anyway.
        if role == STATUS_ROLE:
            status = t.effective_status(item)
            return status.value if status else None
        if role == SUGGESTION_ROLE:
            suggestion = t.suggestion(item)
            return suggestion.status.value if suggestion else None
        if role == DISAGREEMENT_ROLE:
            return t.disagreement(item)
        if role == ROLLED_UP_ROLE:
            return t.is_rolled_up(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, col)
        if role == Qt.ItemDataRole.FontRole and item.children:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == Column.DELIVERED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, item: TreeItem, col: Column, role: int) -> str:
        assert self.tree is not None
        if col == Column.REF:
            return item.ref
        if col == Column.TITLE:
            return item.title
        if col == Column.LEAD:
            return item.lead_text
        if col == Column.TARGET:
            return format_date(item.target_date)
        if col == Column.STATUS:
            status = self.tree.effective_status(item)
            word = status.word if status else ""
            if role == Qt.ItemDataRole.AccessibleTextRole:
                why = self.tree.disagreement(item)
                return f"{word or 'Not set'}. {why}" if why else (word or "Not set")
            return word
        if col == Column.DELIVERED:
            percent = self.tree.delivered_percent(item)
            return "" if percent is None else f"{percent:.0f}%"
        if col == Column.LAST_UPDATE:
            return format_date(self.tree.last_update(self._con, item))
        return ""

    def _tooltip(self, item: TreeItem, col: Column) -> str | None:
        assert self.tree is not None
        if col == Column.STATUS:
            parts = []
            status = self.tree.effective_status(item)
            if self.tree.is_rolled_up(item):
                parts.append("Rolled up from its children (the worst of them).")
            elif status:
                parts.append(self.tree.settings.colour_key.get(status.value, status.word))
            why = self.tree.disagreement(item)
            if why:
                parts.append(why)
            return "\n".join(parts) or None
        if col == Column.TITLE and item.title:
            return item.title
        return None

    # -- editing in place --------------------------------------------------------

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = (
            Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemIsDropEnabled
        )
        if index.column() in (Column.REF, Column.TITLE):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        item = self.item(index) if index.isValid() else None
        if item is None or role != Qt.ItemDataRole.EditRole:
            return False
        field = {Column.REF: "ref", Column.TITLE: "title"}.get(Column(index.column()))
        if field is None:
            return False
        text = str(value).strip()
        if text == getattr(item, field):
            return False
        if field == "title" and not text:
            return False  # an empty title would leave a blank row nobody can find
        label = "Rename" if field == "title" else "Edit ref"
        return self.ops.run(self.ops.commands().EditNode(item.id, {field: text}, label=label))

    # -- drag and drop -----------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        data = QMimeData()
        ids = list(dict.fromkeys(self.node_id(i) for i in indexes if i.isValid()))
        data.setData(MIME_TYPE, QByteArray(",".join(str(i) for i in ids if i).encode()))
        return data

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        return data.hasFormat(MIME_TYPE) and action == Qt.DropAction.MoveAction

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        """Move the dragged node to `row` under `parent` (the end when `row` is -1)."""
        if not self.canDropMimeData(data, action, row, column, parent) or self.tree is None:
            return False
        raw = bytes(data.data(MIME_TYPE).data()).decode()
        ids = [int(x) for x in raw.split(",") if x]
        if len(ids) != 1 or ids[0] not in self.tree.by_id:
            return False
        item = self.tree.by_id[ids[0]]
        new_parent = self.item(parent)
        if new_parent is None:
            return False
        new_row = len(new_parent.children) if row < 0 else row
        if new_parent is item.parent and item.row < new_row:
            new_row -= 1  # the row was counted with the dragged node still in place
        new_parent_id = None if new_parent.id == 0 else new_parent.id
        if new_parent is item.parent and new_row == item.row:
            return False
        self.ops.run(self.ops.commands().MoveNode(item.id, new_parent_id, new_row))
        # False: the move is done; the view must not also remove the source row.
        return False

    # -- changes from the desk -------------------------------------------------

    def apply(self, changes: list[Any]) -> None:
        if self.tree is None:
            return
        t = self.tree
        t.today = self.today
        for change in changes:
            if isinstance(change, PlanChanged):
                if change.plan_id == self.plan_id:
                    self.reload()
                    return  # reloaded whole: the other changes are in it
            if isinstance(change, NodeChanged):
                if t.refresh(self._con, change.node_id) is not None:
                    self._row_changed(change.node_id)
            elif isinstance(change, NodeInserted):
                if not self.shows(change.node_id, change.parent_id):
                    continue  # an undo in another plan of the desk
                parent = self.index_of(change.parent_id)
                self.beginInsertRows(parent, change.row, change.row)
                t.insert_subtree(self._con, change.node_id, change.parent_id, change.row)
                self.endInsertRows()
                self._ancestors_changed(change.parent_id)
            elif isinstance(change, NodeRemoved):
                if change.node_id not in t.by_id:
                    continue
                item = t.by_id[change.node_id]
                parent_id = None if item.parent is None or item.parent.id == 0 else item.parent.id
                self.beginRemoveRows(self.index_of(parent_id), item.row, item.row)
                t.remove(change.node_id)
                self.endRemoveRows()
                self._ancestors_changed(parent_id)
            elif isinstance(change, NodeMoved):
                self._move(change)

    def shows(self, node_id: int, parent_id: int | None) -> bool:
        """Whether a node (live in the desk) belongs to the plan on screen."""
        if self.tree is None:
            return False
        if parent_id is not None:
            return parent_id in self.tree.by_id
        row = self._con.execute("SELECT plan_id FROM node WHERE id = ?", (node_id,)).fetchone()
        return row is not None and row[0] == self.plan_id

    def _move(self, change: NodeMoved) -> None:
        assert self.tree is not None
        t = self.tree
        item = t.by_id.get(change.node_id)
        if item is None:
            return  # a node of another plan of the desk
        src = self.index_of(change.old_parent_id)
        dst = self.index_of(change.new_parent_id)
        old_row = item.row
        # Qt counts the destination row with the moving row still in place.
        dest_child = change.new_row
        if change.old_parent_id == change.new_parent_id and change.new_row > old_row:
            dest_child += 1
        if self.beginMoveRows(src, old_row, old_row, dst, dest_child):
            t.move(change.node_id, change.new_parent_id, change.new_row)
            self.endMoveRows()
        self._ancestors_changed(change.old_parent_id)
        self._ancestors_changed(change.new_parent_id)

    def _row_changed(self, node_id: int) -> None:
        first = self.index_of(node_id, 0)
        last = self.index_of(node_id, len(Column) - 1)
        self.dataChanged.emit(first, last)
        assert self.tree is not None
        parent = self.tree.by_id[node_id].parent
        self._ancestors_changed(None if parent is None or parent.id == 0 else parent.id)

    def _ancestors_changed(self, node_id: int | None) -> None:
        """Roll-ups (status, delivered %) of every ancestor may have moved."""
        while node_id is not None and self.tree is not None and node_id in self.tree.by_id:
            self.dataChanged.emit(
                self.index_of(node_id, Column.STATUS), self.index_of(node_id, Column.DELIVERED)
            )
            parent = self.tree.by_id[node_id].parent
            node_id = None if parent is None or parent.id == 0 else parent.id
