"""Taking back a workbook partners returned: a review of what they changed, then one
undoable command that applies what the officer accepted.

Rows are matched by the hidden ID column (the node's UUID), never by title. The very
hidden sheet `xlsx_export` wrote says which export the workbook is and holds a
fingerprint of each cell as sent, so a cell the partner changed is told from one the desk
changed since (a conflict, when both did). Nothing is written before the officer accepts:
`read_review` only reads. `TakeBack` applies the accepted changes in one transaction:
updates become dated progress updates credited to the partner, statuses and other edited
cells are set, rows the partner added become new actions; rows the partner deleted are
reported and never deleted in the desk.

No Qt here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from asbdesk import tree
from asbdesk.changes import Change, PlanChanged
from asbdesk.commands import find_or_create, renumber_links, split_names
from asbdesk.desk import Desk
from asbdesk.models import (
    ExtraField,
    Node,
    Officer,
    Partner,
    PartnerExport,
    Update,
    utcnow,
)
from asbdesk.periods import DateFormError, Quarter, format_date, parse_target_date
from asbdesk.rag import Status
from asbdesk.refs import next_ref
from asbdesk.who import current_user
from asbdesk.words import count
from asbdesk.xlsx_export import (
    FORMAT,
    ID_HEADING,
    META_SHEET,
    PLAN_SHEET,
    ExportOptions,
    cell_text,
    fingerprint,
    read_table,
)
from asbdesk.xlsx_open import WorkbookError, open_workbook

# What each column's change does when accepted.
FIELD_LABELS = {
    "your_update": "Update",
    "update": "Latest update written over",
    "update_date": "Update date",
    "status": "Status",
    "outcome": "Outcome",
    "lead": "Lead",
    "partners": "Partners",
    "target_date": "Target date",
    "milestones": "Milestones",
}
# Cells whose change cannot be applied as it stands: the officer edits the desk instead.
NOT_APPLIED = ("update_date", "milestones")


class TakebackError(ValueError):
    """A workbook that cannot be taken back; the message says why and what to do."""


@dataclass
class ItemChange:
    """One changed cell of one row, with what the desk holds now."""

    row: int  # the sheet's row number
    node_id: int
    ref: str
    title: str
    key: str  # the export column's key
    label: str
    old: str  # as the desk holds it now, shown
    new: str  # as the partner left it, shown
    value: Any  # the new value, as the desk would hold it
    conflict: str = ""  # what the desk changed since the export, when it did
    locked: bool = False  # the cell was read only in the workbook
    applicable: bool = True
    accepted: bool = True

    @property
    def notes(self) -> list[str]:
        """What the officer should know before ticking it."""
        out = []
        if self.conflict:
            out.append(f"Conflict: {self.conflict}")
        if self.locked:
            out.append("Edited in a read-only cell")
        if not self.applicable:
            out.append("Not applied: change it in the desk")
        return out


@dataclass
class NewAction:
    row: int
    depth: int
    title: str
    ref: str
    parent_id: int | None  # an existing node …
    parent_new: int | None  # … or an earlier new action (its index in `new_actions`)
    parent_label: str
    level: str
    outcome: str = ""
    lead: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    target_date: date | None = None
    status: Status | None = None
    update: str = ""
    accepted: bool = True


@dataclass
class Review:
    path: Path
    export_uuid: str
    plan_id: int
    plan_title: str
    partner: str
    scope: str
    exported_at: datetime | None
    on: date  # the date accepted updates get
    changes: list[ItemChange] = field(default_factory=list)
    new_actions: list[NewAction] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # rows deleted in the workbook
    warnings: list[str] = field(default_factory=list)
    taken_back_before: str = ""  # when this workbook was taken back already, said so
    known_export: bool = True

    @property
    def empty(self) -> bool:
        return not self.changes and not self.new_actions and not self.missing

    def accept_all(self, accepted: bool = True) -> None:
        for c in self.changes:
            c.accepted = accepted and c.applicable
        for n in self.new_actions:
            n.accepted = accepted

    @property
    def accepted(self) -> int:
        return sum(c.accepted for c in self.changes) + sum(n.accepted for n in self.new_actions)

    def lines(self) -> list[str]:
        """The review as text, for the command line."""
        out = [
            f"'{self.plan_title}', exported "
            f"{format_date(self.exported_at.date()) if self.exported_at else '(date unknown)'}"
            f" for {self.partner or 'partners'} ({self.scope}); updates dated "
            f"{format_date(self.on)}."
        ]
        if self.taken_back_before:
            out.append(self.taken_back_before)
        out += self.warnings
        if self.empty:
            out.append("Nothing has changed: the workbook holds what was sent.")
        for c in self.changes:
            mark = "[x]" if c.accepted else "[ ]"
            out.append(f"{mark} row {c.row}, {c.ref} {c.title}: {c.label}")
            if c.key != "your_update" and c.key != "update":
                out.append(f"      was: {_one_line(c.old) or '(empty)'}")
            out.append(f"      now: {_one_line(c.new) or '(empty)'}")
            out += [f"      {note}" for note in c.notes]
        for n in self.new_actions:
            mark = "[x]" if n.accepted else "[ ]"
            out.append(
                f"{mark} row {n.row}: new {n.level.lower()} '{n.ref + ' ' if n.ref else ''}"
                f"{n.title}' under {n.parent_label}"
            )
        for m in self.missing:
            out.append(f"    deleted in the workbook, kept in the desk: {m}")
        return out


def _one_line(text: str, limit: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------
# Reading the returned workbook


@dataclass
class _Returned:
    meta: dict[str, Any]
    columns: list[tuple[str, str]]  # (key, heading) as exported
    prints: dict[str, tuple[list[str], str]]  # uuid -> (fingerprints, "u"/"s": open cells)
    rows: list[tuple[int, dict[str, Any]]]  # (sheet row, key -> value)
    modified: datetime | None


def _read(path: Path) -> _Returned:
    try:
        wb = open_workbook(path)
    except WorkbookError as exc:
        raise TakebackError(str(exc)) from exc
    if META_SHEET not in wb.sheetnames:
        raise TakebackError(
            f"{path.name} is not a workbook asbdesk exported for partners (it has none of "
            "the hidden details asbdesk writes into one). To bring in a plan kept in a "
            "spreadsheet, use File ▸ Import plan from Excel."
        )
    meta: dict[str, Any] = {}
    prints: dict[str, tuple[list[str], str]] = {}
    in_rows = False
    for row in wb[META_SHEET].iter_rows(values_only=True):
        if not row or row[0] is None:
            continue
        if in_rows:
            prints[str(row[0])] = (
                str(row[1] or "").split(","),
                str(row[3] or "") if len(row) > 3 else "",
            )
        elif row[0] == "rows":
            in_rows = True
        else:
            meta[str(row[0])] = row[1] if len(row) > 1 else None
    if meta.get("format") != FORMAT:
        raise TakebackError(f"{path.name} is not a workbook asbdesk exported for partners.")
    if int(meta.get("version") or 0) > 1:
        raise TakebackError(
            f"{path.name} was exported by a newer asbdesk; install it to take this one back."
        )
    try:
        columns = [(str(k), str(h)) for k, h in json.loads(str(meta.get("columns")))]
    except (ValueError, TypeError) as exc:
        raise TakebackError(f"{path.name}: its hidden export details are damaged.") from exc
    sheet = wb[PLAN_SHEET] if PLAN_SHEET in wb.sheetnames else None
    all_rows = list(sheet.iter_rows(values_only=True)) if sheet is not None else []
    header_at = next(
        (i for i, r in enumerate(all_rows[:50]) if r and ID_HEADING in [cell_text(v) for v in r]),
        None,
    )
    if header_at is None:
        raise TakebackError(
            f"{path.name} has lost the plan's '{ID_HEADING}' column (or its '{PLAN_SHEET}' "
            "sheet), which matches each row to the desk. Ask the partner to write their "
            "updates into the workbook as it was sent, without deleting columns."
        )
    by_heading = {h: k for k, h in columns}
    keys: dict[int, str] = {}
    for i, heading in enumerate(all_rows[header_at]):
        key = by_heading.get(cell_text(heading))
        if key is not None and key not in keys.values():
            keys[i] = key
    rows = []
    for offset, r in enumerate(all_rows[header_at + 1 :], start=header_at + 2):
        values = {key: r[i] for i, key in keys.items() if i < len(r)}
        if any(cell_text(v) for v in values.values()):
            rows.append((offset, values))
    modified = wb.properties.modified if isinstance(wb.properties.modified, datetime) else None
    return _Returned(meta, columns, prints, rows, modified)


# ---------------------------------------------------------------------------------------
# The review


def read_review(
    desk: Desk,
    path: str | Path,
    *,
    today: date | None = None,
    open_plan_id: int | None = None,
) -> Review:
    """What the returned workbook at `path` changes, against the desk as it is now."""
    path = Path(path)
    today = today or date.today()
    got = _read(path)
    con = desk.reader
    plan_uuid = str(got.meta.get("plan") or "")
    plan_title = str(got.meta.get("plan title") or "")
    found = con.execute("SELECT id, deleted_at, title FROM plan WHERE uuid = ?", (plan_uuid,))
    plan = found.fetchone()
    exported = _when(got.meta.get("exported at"))
    sent = f" (exported on {format_date(exported.date())})" if exported else ""
    if plan is None:
        raise TakebackError(
            f"{path.name} comes from the plan '{plan_title}'{sent}, which is not in this "
            "desk. Open the desk it was exported from and take it back there."
        )
    if plan[1] is not None:
        raise TakebackError(
            f"{path.name} comes from the plan '{plan[2]}'{sent}, which has been deleted from "
            "this desk. Restore the plan (Edit ▸ Undo, or a backup) before taking it back."
        )
    plan_id = int(plan[0])
    export_uuid = str(got.meta.get("export") or "")
    record = con.execute(
        "SELECT taken_back_at, taken_back_by FROM partner_export WHERE uuid = ?", (export_uuid,)
    ).fetchone()
    on = today
    if got.modified is not None:
        saved = got.modified.date()
        if (exported is None or saved >= exported.date()) and saved <= today:
            on = saved
    review = Review(
        path=path,
        export_uuid=export_uuid,
        plan_id=plan_id,
        plan_title=str(plan[2]),
        partner=str(got.meta.get("partner") or ""),
        scope=str(got.meta.get("scope") or ""),
        exported_at=exported,
        on=on,
        known_export=record is not None,
    )
    if open_plan_id is not None and open_plan_id != plan_id:
        review.warnings.append(
            f"This workbook belongs to the plan '{plan[2]}', not the one open: its changes "
            "go to that plan."
        )
    if record is None:
        review.warnings.append(
            "This workbook was not exported from this desk file (perhaps from a copy of "
            "it): it is matched by the plan, and conflicts are judged against what was sent."
        )
    elif record[0] is not None:
        when = _when(record[0])
        review.taken_back_before = (
            f"This workbook was taken back already, on "
            f"{format_date(when.date()) if when else '?'} by {record[1] or 'someone'}: only "
            "what differs from the desk now is shown."
        )
    _compare(review, got, con, today)
    return review


def _when(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _compare(review: Review, got: _Returned, con: Any, today: date) -> None:
    table = read_table(con, ExportOptions(review.plan_id, for_partners=True), today)
    now = {r.values["id"]: r for r in table.rows}
    node_ids = dict(
        con.execute(
            "SELECT uuid, id FROM node WHERE plan_id = ? AND deleted_at IS NULL",
            (review.plan_id,),
        )
    )
    live_updates: dict[int, set[str]] = {}
    for nid, text in con.execute(
        "SELECT u.node_id, u.text FROM progress_update u JOIN node n ON n.id = u.node_id"
        " WHERE n.plan_id = ? AND u.deleted_at IS NULL",
        (review.plan_id,),
    ):
        live_updates.setdefault(nid, set()).add(cell_text(text))
    titles: dict[int | None, set[str]] = {}
    for r in table.rows:
        parent = r.item.parent
        pid = None if parent is None or parent.id == 0 else parent.id
        titles.setdefault(pid, set()).add(r.item.title.casefold())
    # An internal field is never sent, so a cell under a shared column of the same name
    # came out empty for its node: whatever a partner writes there must not overwrite it.
    internal = set(
        con.execute(
            "SELECT e.node_id, 'extra:' || e.name FROM extra_field e JOIN node n"
            " ON n.id = e.node_id WHERE n.plan_id = ? AND e.internal",
            (review.plan_id,),
        )
    )
    keys = [k for k, _h in got.columns if k != "id"]
    editable = {"your_update", "status"} if got.meta.get("for partners") == "yes" else set()
    headings = dict(got.columns)
    seen: set[str] = set()
    # The rows above a new row, nearest last: (depth, node id or None, new action index or None)
    above: list[tuple[int, int | None, int | None, str]] = []
    for row_number, values in got.rows:
        uuid = cell_text(values.get("id"))
        sent = got.prints.get(uuid)
        if uuid and uuid in seen:
            review.warnings.append(
                f"Row {row_number} repeats the ID of an earlier row (a copied row); it is "
                "read as a new action."
            )
            uuid, sent = "", None
        if uuid and uuid not in node_ids:
            if sent is not None:
                review.warnings.append(
                    f"Row {row_number} is an action deleted from the desk since the export; "
                    "its changes are not taken back."
                )
                seen.add(uuid)
                continue
            review.warnings.append(
                f"Row {row_number} has an ID this plan does not know; it is read as a new action."
            )
            uuid = ""
        if not uuid:
            _new_action(review, table.level_names, row_number, values, above, titles)
            continue
        seen.add(uuid)
        node_id = node_ids[uuid]
        current = now.get(uuid)
        if current is None:  # live, but not a row of the whole plan (under a deleted parent)
            continue
        depth = current.depth
        above.append((depth, node_id, None, f"{current.item.ref} {current.item.title}".strip()))
        prints = dict(zip(keys, sent[0], strict=False)) if sent else {}
        for key in keys:
            if key not in values:
                continue  # the column was deleted; nothing to compare
            new = values[key]
            if (node_id, key) in internal:
                if cell_text(new):
                    review.warnings.append(
                        f"Row {row_number}: '{headings[key]}' is an internal field of "
                        f"{current.item.ref} in the desk; what the workbook holds there is not "
                        "taken back."
                    )
                continue
            was_sent = prints.get(key)
            if was_sent is not None and fingerprint(new) == was_sent:
                continue  # as sent
            desk_now = current.values.get(key)
            if key == "your_update" or key == "update":
                text = cell_text(new)
                if not text or text in live_updates.get(node_id, set()):
                    continue  # empty, or taken back already
            elif cell_text(new) == cell_text(desk_now):
                continue  # the desk holds it already
            change = _change(review, row_number, current, key, new, desk_now, headings)
            if change is None:
                continue
            sent_latest = prints.get("update")
            if key in ("your_update", "update"):
                if sent_latest is not None and fingerprint(current.values["update"]) != sent_latest:
                    latest = current.values.get("update") or ""
                    day = current.values.get("update_date")
                    change.conflict = (
                        f"the desk has a newer update ({format_date(day)}): "
                        f"'{_one_line(str(latest), 80)}'"
                    )
            elif was_sent is not None and fingerprint(desk_now) != was_sent:
                change.conflict = "changed in the desk since the export"
            open_cells = sent[1] if sent else ""
            change.locked = (
                key not in editable
                or (key == "your_update" and "u" not in open_cells)
                or (key == "status" and "s" not in open_cells)
            )
            change.applicable = key not in NOT_APPLIED
            change.accepted = change.applicable and not change.conflict and not change.locked
            review.changes.append(change)
    for uuid in got.prints:
        if uuid not in seen and uuid in now:
            item = now[uuid].item
            review.missing.append(f"{item.ref} {item.title}".strip())


def _change(
    review: Review,
    row_number: int,
    current: Any,
    key: str,
    new: Any,
    desk_now: Any,
    headings: dict[str, str],
) -> ItemChange | None:
    item = current.item
    label = FIELD_LABELS.get(key) or headings.get(key, key)
    value: Any = cell_text(new)
    shown_new = cell_text(new)
    shown_old = cell_text(desk_now)
    if key == "status":
        if not value:
            value = None
        else:
            value = _status(value)
            if value is None:
                review.warnings.append(
                    f"Row {row_number}: the status '{shown_new}' is not one of "
                    f"{', '.join(s.word for s in Status)}; it is not taken back."
                )
                return None
    elif key in ("target_date", "update_date"):
        shown_old = format_date(desk_now) if isinstance(desk_now, date) else shown_old
        value = _day(new)
        if value is None and shown_new:
            review.warnings.append(
                f"Row {row_number}: '{shown_new}' in {label} is not a date asbdesk can read; "
                "it is not taken back."
            )
            return None
        shown_new = format_date(value) if value else ""
    elif key in ("lead", "partners"):
        value = split_names(shown_new)
    elif key.startswith(("ref", "title")):
        depth = int(key.removeprefix("ref").removeprefix("title"))
        if depth != current.depth:
            review.warnings.append(
                f"Row {row_number}: text typed in the {label} column of a "
                f"row at level {current.depth + 1} is not taken back."
            )
            return None
        label = "Ref" if key.startswith("ref") else "Title"
    return ItemChange(
        row=row_number,
        node_id=item.id,
        ref=item.ref,
        title=item.title,
        key=key,
        label=label,
        old=shown_old,
        new=shown_new,
        value=value,
    )


def _status(text: str) -> Status | None:
    t = text.strip().casefold()
    for s in Status:
        if s.word.casefold() == t or s.value == t:
            return s
    return None


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parse_target_date(text)
    except (DateFormError, ValueError):
        return None


def _new_action(
    review: Review,
    level_names: list[str],
    row_number: int,
    values: dict[str, Any],
    above: list[tuple[int, int | None, int | None, str]],
    titles: dict[int | None, set[str]],
) -> None:
    depth = -1
    for key in values:
        if key.startswith("title") and cell_text(values[key]):
            depth = max(depth, int(key.removeprefix("title")))
    if depth < 0:
        review.warnings.append(
            f"Row {row_number} has text but no title in any level's column; it is not taken "
            "back. Give it a title to add it as a new action."
        )
        return
    parent_id: int | None = None
    parent_new: int | None = None
    parent_label = "the top of the plan"
    for d, nid, new_index, label in reversed(above):
        if d < depth:
            parent_id, parent_new, parent_label = nid, new_index, label
            break
    title = cell_text(values.get(f"title{depth}"))
    if parent_new is None and title.casefold() in titles.get(parent_id, set()):
        return  # taken back already: the desk has it under the same parent
    status_text = cell_text(values.get("status"))
    new = NewAction(
        row=row_number,
        depth=depth,
        title=title,
        ref=cell_text(values.get(f"ref{depth}")),
        parent_id=parent_id,
        parent_new=parent_new,
        parent_label=parent_label,
        level=level_names[min(depth, len(level_names) - 1)] if level_names else "Action",
        outcome=cell_text(values.get("outcome")),
        lead=split_names(cell_text(values.get("lead"))),
        partners=split_names(cell_text(values.get("partners"))),
        target_date=_day(values.get("target_date")),
        status=_status(status_text) if status_text else None,
        update=cell_text(values.get("your_update")) or cell_text(values.get("update")),
    )
    review.new_actions.append(new)
    above.append((depth, None, len(review.new_actions) - 1, f"{new.ref} {new.title}".strip()))


# ---------------------------------------------------------------------------------------
# Applying


@dataclass
class TakeBack:
    """Apply the accepted changes of a review, in one transaction; undoable."""

    review: Review
    author: str
    on: date
    label: str = "Take back partner updates"
    _done: bool = False
    _old_fields: dict[int, dict[str, Any]] = field(default_factory=dict)
    _new_fields: dict[int, dict[str, Any]] = field(default_factory=dict)
    _update_ids: list[int] = field(default_factory=list)
    _new_nodes: list[tuple[int, str | None, int]] = field(default_factory=list)
    _old_taken: tuple[datetime | None, str | None] = (None, None)

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            if not self._done:
                self._first(s)
                self._done = True
            else:
                self._redo(s)
        return [PlanChanged(self.review.plan_id)]

    def undo(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            for node_id, values in self._old_fields.items():
                _set(s, s.get(Node, node_id), values)
            now = utcnow()
            for uid in self._update_ids:
                upd = s.get(Update, uid)
                if upd is not None:
                    upd.deleted_at = now
            for i, (node_id, _mark, _row) in enumerate(self._new_nodes):
                node = s.get(Node, node_id)
                if node is not None and node.deleted_at is None:
                    mark, row = tree.soft_delete(s, node)
                    self._new_nodes[i] = (node_id, mark, row)
            self._mark_taken(s, *self._old_taken)
        return [PlanChanged(self.review.plan_id)]

    def _redo(self, s: Session) -> None:
        for node_id, _mark, _row in reversed(self._new_nodes):
            node = s.get(Node, node_id)
            if node is not None and node.deleted_at is not None and _mark is not None:
                tree.restore(s, node, _mark, _row)
        for uid in self._update_ids:
            upd = s.get(Update, uid)
            if upd is not None:
                upd.deleted_at = None
        for node_id, values in self._new_fields.items():
            _set(s, s.get(Node, node_id), values)
        self._mark_taken(s, utcnow(), current_user())

    def _first(self, s: Session) -> None:
        review, author, on = self.review, self.author, self.on
        period = Quarter.of(on).label
        by_node: dict[int, list[ItemChange]] = {}
        for c in review.changes:
            if c.accepted and c.applicable:
                by_node.setdefault(c.node_id, []).append(c)
        for node_id, changes in by_node.items():
            node = s.get(Node, node_id)
            if node is None or node.deleted_at is not None:
                continue
            values: dict[str, Any] = {}
            texts: list[str] = []
            for c in changes:
                if c.key in ("your_update", "update"):
                    texts.append(c.value)
                elif c.key == "status":
                    values["status"] = c.value.value if c.value else None
                elif c.key.startswith("ref"):
                    values["ref"] = c.value
                elif c.key.startswith("title"):
                    values["title"] = c.value
                elif c.key in ("outcome", "target_date"):
                    values[c.key] = c.value
                elif c.key == "lead":
                    dept = node.department.name if node.department else ""
                    values["officers"] = [n for n in c.value if n.casefold() != dept.casefold()]
                elif c.key == "partners":
                    values["partners"] = c.value
                elif c.key.startswith("extra:"):
                    values[c.key] = c.value
            old_status = node.status
            self._old_fields[node_id] = _get(node, values)
            self._new_fields[node_id] = values
            _set(s, node, values)
            status = values.get("status")
            for text in texts:
                self._add_update(s, node_id, on, period, text, author, status, "progress")
            if "status" in values and not texts:
                old_word = Status(old_status).word if old_status else "not set"
                new_word = Status(values["status"]).word if values["status"] else "not set"
                self._add_update(
                    s,
                    node_id,
                    on,
                    period,
                    f"Status {old_word} → {new_word} ({author}'s return)",
                    author,
                    values["status"],
                    "status",
                )
        made: list[int | None] = []
        for new in review.new_actions:
            made.append(self._add_node(s, new, made) if new.accepted else None)
        record = s.scalars(
            select(PartnerExport).where(PartnerExport.uuid == review.export_uuid)
        ).first()
        if record is not None:
            self._old_taken = (record.taken_back_at, record.taken_back_by)
        self._mark_taken(s, utcnow(), current_user())

    def _add_update(
        self,
        s: Session,
        node_id: int,
        on: date,
        period: str,
        text: str,
        author: str,
        status: str | None,
        kind: str,
    ) -> None:
        upd = Update(
            node_id=node_id,
            date=on,
            period=period,
            text=text,
            author=author,
            status=status,
            kind=kind,
        )
        s.add(upd)
        s.flush()
        self._update_ids.append(upd.id)

    def _add_node(self, s: Session, new: NewAction, made: list[int | None]) -> int:
        parent_id = new.parent_id
        if new.parent_new is not None:
            parent_id = made[new.parent_new] if new.parent_new < len(made) else None
            if parent_id is None:  # its new parent was rejected: under that one's parent
                parent_id = self.review.new_actions[new.parent_new].parent_id
        plan_id = self.review.plan_id
        ref = new.ref
        if not ref:
            parent = s.get(Node, parent_id) if parent_id is not None else None
            siblings = tree.live_children(s, plan_id, parent_id)
            levels = _level_count(s, plan_id)
            ref = next_ref(
                parent.ref if parent else "", [n.ref for n in siblings], new.depth, levels
            )
        node = tree.insert_node(
            s,
            plan_id,
            parent_id,
            None,
            ref=ref,
            title=new.title,
            outcome=new.outcome,
            target_date=new.target_date,
            status=new.status.value if new.status else None,
        )
        node.officers = [find_or_create(s, Officer, n) for n in new.lead]
        node.partners = [find_or_create(s, Partner, n) for n in new.partners]
        renumber_links(s, node)
        if new.update:
            period = Quarter.of(self.on).label
            status = new.status.value if new.status else None
            self._add_update(
                s, node.id, self.on, period, new.update, self.author, status, "progress"
            )
        self._new_nodes.append((node.id, None, 0))
        return node.id

    def _mark_taken(self, s: Session, at: datetime | None, by: str | None) -> None:
        record = s.scalars(
            select(PartnerExport).where(PartnerExport.uuid == self.review.export_uuid)
        ).first()
        if record is not None:
            record.taken_back_at, record.taken_back_by = at, by


def _level_count(s: Session, plan_id: int) -> int:
    from asbdesk.models import Plan

    plan = s.get(Plan, plan_id)
    return len(plan.level_names) if plan else 1


def _get(node: Node, values: dict[str, Any]) -> dict[str, Any]:
    old: dict[str, Any] = {}
    for key in values:
        if key == "officers":
            old[key] = [o.name for o in node.officers]
        elif key == "partners":
            old[key] = [p.name for p in node.partners]
        elif key.startswith("extra:"):
            name = key.removeprefix("extra:")
            found = next((e for e in node.extras if e.name == name), None)
            old[key] = found.value if found else None
        else:
            old[key] = getattr(node, key)
    return old


def _set(s: Session, node: Node | None, values: dict[str, Any]) -> None:
    if node is None:
        return
    people = False
    for key, value in values.items():
        if key == "officers":
            node.officers = [find_or_create(s, Officer, n) for n in value]
            people = True
        elif key == "partners":
            node.partners = [find_or_create(s, Partner, n) for n in value]
            people = True
        elif key.startswith("extra:"):
            name = key.removeprefix("extra:")
            found = next((e for e in node.extras if e.name == name), None)
            if value is None:
                if found is not None:
                    node.extras.remove(found)
            elif found is None:
                node.extras.append(ExtraField(name=name, value=value))
            else:
                found.value = value
        else:
            setattr(node, key, value)
    if people:
        renumber_links(s, node)
    node.updated_at = utcnow()
    node.updated_by = current_user()
    s.flush()


def summary(review: Review) -> str:
    parts = [count(sum(c.accepted for c in review.changes), "change")]
    parts.append(count(sum(n.accepted for n in review.new_actions), "new action"))
    return ", ".join(parts)
