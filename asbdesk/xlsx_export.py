"""A plan, or a partner's part of it, as an Excel workbook to send out and take back.

Partners (police, housing associations, Victim Care) have no asbdesk. They get a workbook
with one row per node, the hierarchy kept (a ref and title column per level, Excel's row
outline, parents in bold), a "Your update" column and a status column with a dropdown, the
rest locked; empty rows at the bottom take new actions. A hidden column holds each row's
stable ID (the node's UUID) and a very hidden sheet holds what the export was (which plan,
when, for whom) and a short fingerprint of every cell as sent, so the workbook that comes
back can be matched row by row (`asbdesk.takeback`) and each change told from what was sent.

Partner-safe: internal updates and fields are never read, and every text that a
spreadsheet would take for a formula (= + - @, a tab or a line break first) is written as
text with Excel's quote prefix, so no spreadsheet runs it.

The sheet is streamed with openpyxl's write-only mode, one style array per kind of cell,
a 20,000-action plan takes about 15 s on a 2-core laptop, 2.7-2.9x openpyxl writing the
same cells bare (bench/bench_export.py).

No Qt here.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import Outline, PageSetupProperties

from asbdesk import __version__
from asbdesk.desk import Desk
from asbdesk.indicators import time_order
from asbdesk.models import PartnerExport
from asbdesk.outfile import output_path, written_whole
from asbdesk.periods import format_date
from asbdesk.plan_tree import PlanTree, TreeItem
from asbdesk.rag import Status
from asbdesk.sessions import KINDS, grand_total, read_sessions, totals_by_place, totals_by_quarter
from asbdesk.words import count, level_name

ProgressFn = Callable[[int, int], None]  # (done, total); raising in it cancels the export

FORMAT = "asbdesk partner workbook"
VERSION = 1
PLAN_SHEET = "Plan"
META_SHEET = "asbdesk"
ID_HEADING = "asbdesk ID"
TITLE_ROW, NOTE_ROW, HELP_ROW, HEADER_ROW = 1, 2, 3, 4
NEW_ROWS = 25  # empty rows left open at the bottom for new actions
EXCEL_TEXT_LIMIT = 32_767
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
STATUS_WORDS = [s.word for s in Status]
PROGRESS_EVERY = 500


class ExportError(ValueError):
    """An export that cannot be written; the message says why and what to do."""


@dataclass
class ExportOptions:
    """Which part of which plan, and whether partners are to fill it in and send it back."""

    plan_id: int
    node_id: int | None = None  # one commitment (or any node) and what is under it
    partner: str = ""  # actions of this partner (listed on them or on a parent)
    officer: str = ""  # actions led by this officer or department
    statuses: frozenset[Status | None] | None = None  # None: every status
    for_partners: bool = True  # "Your update", a status dropdown, locked cells, new rows
    indicators: bool = True  # the indicators sheet, and the sessions' totals per quarter


@dataclass
class Column:
    key: str
    heading: str
    width: float
    editable: bool = False  # a partner writes here (in the rows sent for their update)
    kind: str = "text"  # text | date | status | id


@dataclass
class ExportRow:
    item: TreeItem
    depth: int
    values: dict[str, Any]
    open_for_update: bool  # "Your update" unlocked
    open_status: bool  # status unlocked (an action's own status, not a roll-up)


@dataclass
class ExportTable:
    """The rows and columns of an export, as the desk holds them now."""

    plan_title: str
    council: str
    level_names: list[str]
    columns: list[Column]
    rows: list[ExportRow]
    scope: str
    colour_key: dict[str, str]


@dataclass
class ExportResult:
    path: Path
    export_uuid: str
    rows: int
    actions: int
    scope: str
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# What goes in: the rows a filter selects, with the values a partner may see


_MILESTONES_SQL = (
    "SELECT m.node_id, m.text, m.target_count, m.done_count FROM milestone m"
    " JOIN node n ON n.id = m.node_id WHERE n.plan_id = ? AND n.deleted_at IS NULL"
    " AND m.deleted_at IS NULL ORDER BY m.node_id, m.position, m.id"
)
# The latest shared update of each node; status changes are told by the status column.
_UPDATES_SQL = (
    "SELECT node_id, text, date FROM (SELECT u.node_id, u.text, u.date, row_number() OVER"
    " (PARTITION BY u.node_id ORDER BY u.date DESC, u.id DESC) AS k FROM progress_update u"
    " JOIN node n ON n.id = u.node_id WHERE n.plan_id = ? AND n.deleted_at IS NULL"
    " AND u.deleted_at IS NULL AND NOT u.internal AND u.kind != 'status') WHERE k = 1"
)
_EXTRAS_SQL = (
    "SELECT e.node_id, e.name, e.value FROM extra_field e JOIN node n ON n.id = e.node_id"
    " WHERE n.plan_id = ? AND n.deleted_at IS NULL AND NOT e.internal ORDER BY e.name"
)


def milestone_line(text: str, target: int | None, done: int | None) -> str:
    if target:
        return f"{text} ({done or 0} of {target} done)"
    return text


def read_table(
    con: sqlite3.Connection, options: ExportOptions, today: date, tree: PlanTree | None = None
) -> ExportTable:
    """The rows `options` select from the desk as it is now, with every column's value."""
    tree = tree or PlanTree.load(con, options.plan_id, today)
    settings = tree.settings
    plan_row = con.execute(
        "SELECT council, deleted_at FROM plan WHERE id = ?", (options.plan_id,)
    ).fetchone()
    if plan_row is None or plan_row[1] is not None:
        raise ExportError("That plan is not in this desk any more.")
    chosen = select_rows(tree, options)
    ids = {it.id for it, _open in chosen}
    uuids = dict(con.execute("SELECT id, uuid FROM node WHERE plan_id = ?", (options.plan_id,)))
    milestones: dict[int, list[str]] = defaultdict(list)
    for nid, text, target, done in con.execute(_MILESTONES_SQL, (options.plan_id,)):
        if nid in ids:
            milestones[nid].append(milestone_line(text, target, done))
    updates = {
        nid: (text, date.fromisoformat(day))
        for nid, text, day in con.execute(_UPDATES_SQL, (options.plan_id,))
        if nid in ids
    }
    extras: dict[int, dict[str, str]] = defaultdict(dict)
    for nid, name, value in con.execute(_EXTRAS_SQL, (options.plan_id,)):
        if nid in ids:
            extras[nid][name] = value
    depth_of: dict[int, int] = {}
    rows: list[ExportRow] = []
    for item, matched in chosen:
        parent = item.parent
        depth = 0 if parent is None or parent.id == 0 else depth_of[parent.id] + 1
        depth_of[item.id] = depth
        status = tree.effective_status(item)
        update = updates.get(item.id)
        values: dict[str, Any] = {
            f"ref{depth}": item.ref,
            f"title{depth}": item.title,
            "outcome": item.outcome,
            "lead": item.lead_text,
            "partners": "; ".join(item.partners),
            "target_date": item.target_date,
            "milestones": "\n".join(milestones.get(item.id, ())),
            "update": update[0] if update else "",
            "update_date": update[1] if update else None,
            "status": status.word if status else "",
            "your_update": "",
            "id": uuids[item.id],
        }
        for name, value in extras.get(item.id, {}).items():
            values["extra:" + name] = value
        rows.append(
            ExportRow(
                item,
                depth,
                values,
                open_for_update=matched,
                open_status=matched and not tree.is_rolled_up(item),
            )
        )
    depth_count = max((r.depth for r in rows), default=0) + 1
    depth_count = max(depth_count, min(len(settings.level_names), 8))
    extra_names = sorted({k for r in rows for k in r.values if k.startswith("extra:")})
    return ExportTable(
        plan_title=settings.title,
        council=str(plan_row[0] or ""),
        level_names=[settings.level_name(d) for d in range(depth_count)],
        columns=_columns(settings.level_names, depth_count, extra_names, options.for_partners),
        rows=rows,
        scope=describe_scope(tree, options),
        colour_key=dict(settings.colour_key),
    )


def _columns(
    level_names: list[str], depth_count: int, extras: list[str], for_partners: bool
) -> list[Column]:
    cols: list[Column] = []
    for d in range(depth_count):
        name = level_name(level_names, d)
        cols.append(Column(f"ref{d}", f"{name} ref", 8))
        cols.append(Column(f"title{d}", name, 34 if d == depth_count - 1 else 24))
    cols += [
        Column("outcome", "Outcome", 26),
        Column("lead", "Lead", 18),
        Column("partners", "Partners", 18),
        Column("target_date", "Target date", 11, kind="date"),
        Column("milestones", "Milestones", 26),
        Column("update", "Latest update", 40),
        Column("update_date", "Update date", 11, kind="date"),
        Column("status", "Status", 11, editable=for_partners, kind="status"),
    ]
    cols += [Column(key, key.removeprefix("extra:"), 18) for key in extras]
    if for_partners:
        cols.append(Column("your_update", "Your update", 40, editable=True))
    cols.append(Column("id", ID_HEADING, 10, kind="id"))
    return cols


def _matches_names(names: Iterable[str], wanted: str) -> bool:
    w = wanted.casefold()
    return any(n.casefold() == w for n in names)


def select_rows(tree: PlanTree, options: ExportOptions) -> list[tuple[TreeItem, bool]]:
    """The rows, in plan order: each chosen node with its ancestors (for context), and
    whether the row itself was chosen (open for an update) or is only a parent shown."""
    top = tree.root
    if options.node_id is not None:
        found = tree.by_id.get(options.node_id)
        if found is None:
            raise ExportError("That part of the plan is not in it any more.")
        top = found
    chosen: set[int] = set()
    # Partners and officers named on a parent cover what is under it.
    stack: list[tuple[TreeItem, bool, bool]] = [(top, False, False)]
    if top is not tree.root:
        p = top.parent
        has_partner = has_officer = False
        while p is not None and p.id != 0:
            has_partner = has_partner or _matches_names(p.partners, options.partner)
            has_officer = has_officer or _matches_names(
                [*p.officers, p.department], options.officer
            )
            p = p.parent
        stack = [(top, has_partner, has_officer)]
    while stack:
        item, partner_above, officer_above = stack.pop()
        if item.id != 0:
            partner_above = partner_above or _matches_names(item.partners, options.partner)
            officer_above = officer_above or _matches_names(
                [*item.officers, item.department], options.officer
            )
            if not item.children and _keeps(tree, item, options, partner_above, officer_above):
                chosen.add(item.id)
        stack.extend((c, partner_above, officer_above) for c in item.children)
    shown = set(chosen)
    for nid in chosen:
        p = tree.by_id[nid].parent
        while p is not None and p.id != 0 and p.id not in shown:
            shown.add(p.id)
            p = p.parent
    # A parent is open for an update when everything under it was chosen (a whole
    # commitment, or a partner named on it), not when it is only there for context.
    open_parent: set[int] = set()
    for item in _walk(tree.root):
        if item.children and item.id in shown and _keeps_parent(tree, item, options):
            open_parent.add(item.id)
    return [
        (it, it.id in chosen or it.id in open_parent) for it in _walk(tree.root) if it.id in shown
    ]


def _keeps(
    tree: PlanTree, item: TreeItem, options: ExportOptions, partner: bool, officer: bool
) -> bool:
    if options.partner and not partner:
        return False
    if options.officer and not officer:
        return False
    if options.statuses is not None and tree.effective_status(item) not in options.statuses:
        return False
    return True


def _keeps_parent(tree: PlanTree, item: TreeItem, options: ExportOptions) -> bool:
    if options.statuses is not None:
        return False
    if options.partner and not _matches_names(item.partners, options.partner):
        return False
    if options.officer and not _matches_names([*item.officers, item.department], options.officer):
        return False
    return True


def _walk(root: TreeItem) -> Iterable[TreeItem]:
    stack = list(reversed(root.children))
    while stack:
        item = stack.pop()
        yield item
        stack.extend(reversed(item.children))


def describe_scope(tree: PlanTree, options: ExportOptions) -> str:
    parts = []
    if options.node_id is not None and options.node_id in tree.by_id:
        it = tree.by_id[options.node_id]
        parts.append(f"{tree.settings.level_name(it.depth)} {it.ref} {it.title}".strip())
    if options.partner:
        parts.append(f"actions of {options.partner}")
    if options.officer:
        parts.append(f"actions led by {options.officer}")
    if options.statuses is not None:
        order = [*Status, None]
        words = [s.word if s else "not set" for s in order if s in options.statuses]
        parts.append(" and ".join(words) + " only")
    return "; ".join(parts) or "the whole plan"


# ---------------------------------------------------------------------------------------
# Fingerprints: what was sent, so the returned workbook's changes can be told apart


def cell_text(value: Any) -> str:
    """A cell's value as text, the same for what was sent and what comes back."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = safe_text(str(value))[0].replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def fingerprint(value: Any) -> str:
    """A short digest of a cell as sent ("" for an empty cell)."""
    text = cell_text(value)
    return hashlib.blake2b(text.encode(), digest_size=5).hexdigest() if text else ""


# ---------------------------------------------------------------------------------------
# Writing


def safe_text(text: str) -> tuple[str, bool]:
    """Text a cell can hold (no control characters, within Excel's limit), and whether a
    spreadsheet would take it for a formula."""
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > EXCEL_TEXT_LIMIT:
        text = text[: EXCEL_TEXT_LIMIT - 1] + "…"
    return text, text.startswith(FORMULA_STARTS)


_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_EDIT_HEADER_FILL = PatternFill("solid", fgColor="BF8F00")
_EDIT_FILL = PatternFill("solid", fgColor="FFF2CC")
_TOP_FILL = PatternFill("solid", fgColor="DDEBF7")


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def _status_fill(status: Status) -> PatternFill:
    return PatternFill("solid", fgColor=_hex(status.colour))


def _status_font(status: Status, bold: bool = False) -> Font:
    dark = status in (Status.RED, Status.GREEN, Status.BLUE)
    return Font(bold=bold, color="FFFFFF" if dark else "000000")


class _Styles:
    """One openpyxl style array per kind of cell, copied onto each cell: setting font,
    fill and border on every cell would register each style again, cell by cell."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self._arrays: dict[tuple[Any, ...], Any] = {}

    def cell(self, value: Any, key: tuple[Any, ...]) -> Any:
        c = WriteOnlyCell(self.ws, value)
        arr = self._arrays.get(key)
        if arr is None:
            arr = self._arrays[key] = self._make(key)
        c._style = copy(arr)
        return c

    def _make(self, key: tuple[Any, ...]) -> Any:
        kind, bold, top, locked, quote, status = key
        t = WriteOnlyCell(self.ws, None)
        t.border = _BORDER
        t.alignment = _WRAP
        t.protection = Protection(locked=locked)
        if kind == "date":
            t.number_format = "dd/mm/yyyy"
        if kind == "header":
            t.font = Font(bold=True, color="FFFFFF")
            t.fill = _EDIT_HEADER_FILL if not locked else _HEADER_FILL
            t.protection = Protection(locked=True)
        elif status is not None:
            t.fill = _status_fill(status)
            t.font = _status_font(status, bold)
        else:
            t.font = Font(bold=bold)
            if not locked:
                t.fill = _EDIT_FILL
            elif top:
                t.fill = _TOP_FILL
        if quote:
            t.quotePrefix = True
        return t._style


def write_workbook(
    desk: Desk,
    options: ExportOptions,
    path: str | Path,
    *,
    today: date | None = None,
    progress: ProgressFn | None = None,
) -> ExportResult:
    """Write the export to `path` (whole, or not at all) and record it in the desk.

    A desk open read-only can still send a copy to read (`for_partners` off): it is not
    recorded, as it never comes back. One for partners to fill in must be recorded, for
    taking it back, so a read-only desk refuses it.
    """
    from asbdesk.models import new_uuid
    from asbdesk.who import current_user

    if desk.read_only and options.for_partners:
        raise ExportError(
            "This desk is open read-only, so a workbook for partners to fill in and send "
            "back cannot be recorded in it. Export a copy to read (without partners' "
            "updates), or export from the desk where it is open for editing."
        )
    path = output_path(path, ".xlsx", ExportError)
    today = today or date.today()
    table = read_table(desk.reader, options, today)
    if not table.rows:
        raise ExportError(
            f"Nothing in the plan matches ({table.scope}); there is nothing to export."
        )
    export_uuid = new_uuid()
    made_at = datetime.now(UTC).replace(tzinfo=None)
    wb = Workbook(write_only=True)
    try:
        warnings = _write_plan_sheet(wb, table, options, today, progress)
    except BaseException:
        _abandon(wb)
        raise
    _write_key_sheet(wb, table)
    if options.indicators:
        _write_indicator_sheet(wb, desk.reader, options.plan_id)
        _write_sessions_sheet(wb, desk.reader, options.plan_id)
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "export": export_uuid,
        "plan": _plan_uuid(desk.reader, options.plan_id),
        "plan title": table.plan_title,
        "desk": desk.path.name,
        "partner": options.partner,
        "scope": table.scope,
        "for partners": "yes" if options.for_partners else "no",
        "exported at": made_at.isoformat(timespec="seconds"),
        "exported by": current_user(),
        "program": f"asbdesk {__version__}",
        "header row": HEADER_ROW,
        "columns": json.dumps([[c.key, c.heading] for c in table.columns], ensure_ascii=False),
    }
    _write_meta_sheet(wb, meta, table)
    wb.properties.creator = f"asbdesk {__version__}"
    wb.properties.title = table.plan_title
    with written_whole(path, ExportError) as part:
        wb.save(part)
    actions = sum(1 for r in table.rows if not r.item.children)
    if desk.read_only:
        return ExportResult(path, export_uuid, len(table.rows), actions, table.scope, warnings)
    try:
        with desk.transaction() as s:
            s.add(
                PartnerExport(
                    uuid=export_uuid,
                    plan_id=options.plan_id,
                    partner=options.partner,
                    scope=table.scope,
                    rows=len(table.rows),
                    file_name=path.name,
                    created_at=made_at,
                )
            )
    except BaseException:
        path.unlink(missing_ok=True)  # an export the desk does not know could not come back
        raise
    return ExportResult(path, export_uuid, len(table.rows), actions, table.scope, warnings)


def text_cell(ws: Any, text: str) -> Any:
    """A cell holding `text` as text, whatever it starts with."""
    value, quote = safe_text(text)
    c = WriteOnlyCell(ws, value)
    if quote:
        c.data_type = "s"
        c.quotePrefix = True
    return c


def _heading(styles: _Styles, col: Column) -> Any:
    text, quote = safe_text(col.heading)
    c = styles.cell(text, ("header", True, False, not col.editable, quote, None))
    if quote:
        c.data_type = "s"
    return c


def _abandon(wb: Workbook) -> None:
    """Close the sheets a cancelled export was streaming and remove their temporary files."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        rows = getattr(ws, "_rows", None)
        if rows is not None:
            rows.close()
        writer.close()
        if isinstance(writer.out, str):
            writer.cleanup()


def _plan_uuid(con: sqlite3.Connection, plan_id: int) -> str:
    (uuid,) = con.execute("SELECT uuid FROM plan WHERE id = ?", (plan_id,)).fetchone()
    return str(uuid)


def _write_plan_sheet(
    wb: Workbook,
    table: ExportTable,
    options: ExportOptions,
    today: date,
    progress: ProgressFn | None,
) -> list[str]:
    ws = wb.create_sheet(PLAN_SHEET)
    cols = table.columns
    last_col = get_column_letter(len(cols))
    for i, col in enumerate(cols, start=1):
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.width = col.width
        if col.kind == "id":
            dim.hidden = True
    ws.sheet_properties.outlinePr = Outline(summaryBelow=False, summaryRight=False)
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.left.text = table.plan_title.replace("&", "&&")
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.center.text = f"Exported {format_date(today)}"

    styles = _Styles(ws)
    title_cell = text_cell(ws, table.plan_title)
    title_cell.font = Font(bold=True, size=14)
    ws.append([title_cell])
    who = f"For {options.partner}. " if options.partner else ""
    note = WriteOnlyCell(
        ws,
        f"{who}Exported from asbdesk on {format_date(today)}: {table.scope}, "
        f"{count(len(table.rows), 'row')}.",
    )
    note.font = Font(italic=True)
    ws.append([note])
    if options.for_partners:
        help_cell = WriteOnlyCell(
            ws,
            "Please write your update in the yellow 'Your update' column and choose a status "
            "from the list; the other columns are read only. Add new actions in the empty "
            "rows at the bottom. Keep the file as .xlsx and send it back.",
        )
        help_cell.font = Font(bold=True, color="7F6000")
        ws.append([help_cell])
    else:
        ws.append([])
    ws.row_dimensions[HEADER_ROW].height = _height(
        max(_lines(c.heading, c.width, bold=True) for c in cols)
    )
    ws.append([_heading(styles, c) for c in cols])

    warnings: list[str] = []
    long_cells = 0
    total = len(table.rows)
    status_rows: list[int] = []
    statuses = {s.word: s for s in Status}
    row_number = HEADER_ROW
    for n, row in enumerate(table.rows):
        row_number += 1
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)
        parent = bool(row.item.children)
        top = row.depth == 0
        values = row.values
        cells = []
        lines = 1
        for col in cols:
            value = values.get(col.key)
            locked = True
            if options.for_partners:
                if col.key == "your_update":
                    locked = not row.open_for_update
                elif col.key == "status":
                    locked = not row.open_status
            quote = False
            if isinstance(value, str):
                if len(value) > EXCEL_TEXT_LIMIT:
                    long_cells += 1
                value, quote = safe_text(value)
                if len(value) > col.width or "\n" in value:
                    lines = max(lines, _lines(value, col.width, parent))
            status = statuses.get(value) if col.kind == "status" and value else None
            c = styles.cell(value, (col.kind, parent, top, locked, quote, status))
            if quote:
                c.data_type = "s"  # never a formula, even when it starts with "="
            cells.append(c)
        dims = ws.row_dimensions[row_number]
        if row.depth:
            dims.outlineLevel = min(row.depth, 7)
        if lines > 1:
            # Spreadsheets do not grow a row to its wrapped text on opening a file.
            dims.height = _height(lines)
        if options.for_partners and row.open_status:
            status_rows.append(row_number)
        ws.append(cells)
    last_row = row_number
    if options.for_partners:
        for _ in range(NEW_ROWS):
            row_number += 1
            ws.append(
                [
                    styles.cell(None, (c.kind, False, False, c.kind == "id", False, None))
                    for c in cols
                ]
            )
        _partner_controls(ws, cols, status_rows, last_row, row_number)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{last_row}"
    if progress is not None:
        progress(total, total)
    if long_cells:
        warnings.append(
            f"{count(long_cells, 'cell')} held more than Excel's {EXCEL_TEXT_LIMIT:,} "
            "characters and were cut short in the workbook."
        )
    return warnings


def _lines(text: str, width: float, bold: bool = False) -> int:
    """About how many lines `text` wraps to in a column `width` characters wide."""
    per_line = max(1, int(width * (1.0 if bold else 1.15)) - 1)
    return sum((len(part) - 1) // per_line + 1 if part else 1 for part in text.split("\n"))


def _height(lines: int) -> float:
    return float(min(409, 15 * lines + 2))  # points; Excel's tallest row is 409


def _partner_controls(
    ws: Any, cols: list[Column], status_rows: list[int], last_row: int, end_row: int
) -> None:
    """The status dropdown, its colours, and the sheet locked but for the yellow cells."""
    status_col = get_column_letter(next(i for i, c in enumerate(cols, 1) if c.key == "status"))
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUS_WORDS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Status",
        error="Choose a status from the list: " + ", ".join(STATUS_WORDS) + ".",
        promptTitle="Status",
        prompt="Choose from the list.",
    )
    dv.showInputMessage = True
    ranges = _ranges(status_rows)
    ranges.append((last_row + 1, end_row))
    for first, last in ranges:
        dv.add(f"{status_col}{first}:{status_col}{last}")
    ws.data_validations.append(dv)
    whole = f"{status_col}{HEADER_ROW + 1}:{status_col}{end_row}"
    for status in Status:
        ws.conditional_formatting.add(
            whole,
            CellIsRule(
                operator="equal",
                formula=[f'"{status.word}"'],
                fill=_status_fill(status),
                font=_status_font(status),
            ),
        )
    p = ws.protection
    p.sheet = True
    # Partners may still sort, filter, fold, resize and add or remove rows.
    p.sort = p.autoFilter = p.formatColumns = p.formatRows = False
    p.insertRows = p.deleteRows = False


def _ranges(rows: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for r in rows:
        if out and out[-1][1] == r - 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


def _write_key_sheet(wb: Workbook, table: ExportTable) -> None:
    ws = wb.create_sheet("Colour key")
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 90
    head = [WriteOnlyCell(ws, "Status"), WriteOnlyCell(ws, "Meaning")]
    for c in head:
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = _HEADER_FILL
    ws.append(head)
    for status in Status:
        word = WriteOnlyCell(ws, status.word)
        word.fill = _status_fill(status)
        word.font = _status_font(status, bold=True)
        m = text_cell(ws, table.colour_key.get(status.value, ""))
        m.alignment = _WRAP
        ws.append([word, m])


def _write_indicator_sheet(wb: Workbook, con: sqlite3.Connection, plan_id: int) -> None:
    indicators = con.execute(
        'SELECT id, "group", name, unit, direction, target, source FROM indicator'
        " WHERE plan_id = ? ORDER BY position, id",
        (plan_id,),
    ).fetchall()
    if not indicators:
        return
    values: dict[int, dict[str, tuple[float | None, bool]]] = defaultdict(dict)
    # A part of a year so far and the whole year are two columns, "2019/20 (Q1–Q2)" and
    # "2019/20" (the heading is what the import reads the part from). In time order, by
    # the last day each covers, they stand side by side with the year's quarters between,
    # and each figure of a part says so in its cell ("234 (Q1–Q2)"), as the plan prints it.
    parts: dict[str, tuple[tuple[int, date, int, str], str | None]] = {}
    for ind_id, period, value, partial, available in con.execute(
        "SELECT v.indicator_id, v.period, v.value, v.partial, v.available FROM indicator_value v"
        " JOIN indicator i ON i.id = v.indicator_id WHERE i.plan_id = ?"
        " ORDER BY v.indicator_id, v.position, v.id",
        (plan_id,),
    ):
        heading = f"{period} ({partial})" if partial else period
        parts.setdefault(heading, (time_order(period, partial), partial))
        values[ind_id][heading] = (value, bool(available))
    periods = sorted(parts, key=lambda h: parts[h][0])
    ws = wb.create_sheet("Indicators")
    fixed = ["Group", "Indicator", "Unit", "Better when", "Target", "Source"]
    widths = [22, 50, 8, 12, 10, 22] + [14] * len(periods)
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "C2"
    _append_heading_row(ws, fixed + periods)
    for ind_id, group, name, unit, direction, target, source in indicators:
        percent = unit == "percent"
        row: list[Any] = [
            text_cell(ws, group or ""),
            text_cell(ws, name or ""),
            "%" if percent else "count",
            f"{direction or 'lower'}",
            _number(ws, target, percent),
            text_cell(ws, source or ""),
        ]
        for heading in periods:
            found = values[ind_id].get(heading)
            if found is None:
                row.append(None)
            elif not found[1]:
                c = WriteOnlyCell(ws, "Not yet available")
                c.font = Font(italic=True, color="7F7F7F")
                row.append(c)
            else:
                row.append(_number(ws, found[0], percent, parts[heading][1]))
        ws.append(row)


def _append_heading_row(ws: Any, texts: list[str]) -> None:
    """A sheet's heading row: white bold text on the header fill, wrapped."""
    cells = []
    for text in texts:
        c = text_cell(ws, text)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = _HEADER_FILL
        c.alignment = _WRAP
        cells.append(c)
    ws.append(cells)


def _write_sessions_sheet(wb: Workbook, con: sqlite3.Connection, plan_id: int) -> None:
    """Field work in totals per quarter, then per place (below, in the same columns):
    sessions of each kind, contacts, the ASB categories raised. Totals only: a session's
    notes and names stay in the desk."""
    rows = read_sessions(con, plan_id)
    if not rows:
        return
    kinds = [k for k in KINDS if any(r.kind == k for r in rows)]
    ws = wb.create_sheet("Sessions")
    head = ["Quarter", "Sessions", *(KINDS[k] for k in kinds), "Contacts", "ASB categories raised"]
    for i, w in enumerate([28, 10, *[11] * len(kinds), 10, 80], 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "B2"
    _append_heading_row(ws, head)
    total = grand_total(rows)
    for totals in [*totals_by_quarter(rows), total, None, *totals_by_place(rows)]:
        if totals is None:  # a blank row, then the places' own heading
            ws.append([])
            _append_heading_row(ws, ["Place", *head[1:]])
            continue
        line: list[Any] = [
            text_cell(ws, totals.label),
            totals.sessions,
            *(totals.kinds[k] for k in kinds),
            totals.contacts,
            text_cell(ws, ", ".join(f"{name} {n}" for name, n in totals.raised)),
        ]
        if totals is total:
            line[0].font = Font(bold=True)
        ws.append(line)


def _number(ws: Any, value: float | None, percent: bool, partial: str | None = None) -> Any:
    """A count as it is; a percentage (96 in the desk) as Excel keeps one, 0.96 shown 96%.
    A figure for part of a period shows the part after it, "234 (Q1–Q2)", and stays a
    number Excel can add up."""
    if value is None:
        return None
    if percent:
        c = WriteOnlyCell(ws, value / 100)
        c.number_format = "0%" if float(value).is_integer() else "0.0%"
    else:
        c = WriteOnlyCell(ws, int(value) if float(value).is_integer() else value)
        c.number_format = "General"
    if partial:
        c.number_format += ' "({})"'.format(partial.replace('"', "'"))
    return c


def _write_meta_sheet(wb: Workbook, meta: dict[str, Any], table: ExportTable) -> None:
    ws = wb.create_sheet(META_SHEET)
    ws.sheet_state = "veryHidden"
    for key, value in meta.items():
        ws.append([key, text_cell(ws, value) if isinstance(value, str) else value])
    ws.append([])
    ws.append(["rows"])
    keys = [c.key for c in table.columns if c.kind != "id"]
    for row in table.rows:
        prints = ",".join(fingerprint(row.values.get(k)) for k in keys)
        flags = ("u" if row.open_for_update else "") + ("s" if row.open_status else "")
        ws.append([row.values["id"], prints, row.depth, flags])
