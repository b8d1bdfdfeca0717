"""Reading the audit trail (`asbdesk.audit` writes it): a node's change history for the
detail editor, and a desk's, a plan's or a node's written to CSV or Excel.

Plain sqlite3, like the window's other reads, and no Qt. Times are stored in UTC and shown
in the computer's local time, dd/mm/yyyy HH:MM; a workbook's When is a date cell in that
format, so Excel sorts and filters it as a date.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from asbdesk.outfile import written_whole

# What each entity is called in a sentence ("Added milestone …").
ENTITY_WORDS = {
    "plan": "plan",
    "node": "item",
    "milestone": "milestone",
    "update": "update",
    "field": "field",
    "indicator": "indicator",
    "indicator value": "indicator value",
    "session": "session",
    "risk": "risk",
}
LIFECYCLE = ("Added", "Deleted", "Restored", "Imported")


class HistoryError(ValueError):
    """A history that cannot be written where asked; the message says what to do."""


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: datetime  # UTC
    who: str
    plan_id: int | None
    plan: str
    node_id: int | None
    node_ref: str
    node_title: str
    entity: str
    item: str
    field: str
    old: str | None
    new: str | None
    reason: str | None
    action: str

    @property
    def local_at(self) -> datetime:
        """The computer's local time, without a time zone (as a spreadsheet holds it)."""
        return self.at.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)

    @property
    def when(self) -> str:
        """Local time, as an officer reads it: 15/11/2019 14:05."""
        return self.local_at.strftime("%d/%m/%Y %H:%M")

    @property
    def lifecycle(self) -> bool:
        """Added, deleted, restored or imported, rather than a field changed."""
        return self.field in LIFECYCLE

    @property
    def what(self) -> str:
        """What changed, in words: "Status", "Milestone ‘20 x Stapleford’: Done",
        "Added update"."""
        word = ENTITY_WORDS.get(self.entity, self.entity)
        if self.entity == "node" or not word:  # not word: a change not described
            return self.field
        if self.lifecycle:  # the record is named in the value (`change`)
            return f"{self.field} {word}"
        named = f"{word} ‘{self.item}’" if self.item else word
        return f"{named[0].upper()}{named[1:]}: {self.field}"

    @property
    def change(self) -> str:
        """From and to in one line: "Amber → Green"; for a record added or deleted, what."""
        old, new = self.old or "", self.new or ""
        if self.lifecycle:
            return new or old
        return f"{old or '(none)'} → {new or '(none)'}"


_SELECT = """
SELECT a.id, a.at, a.who, a.plan_id, coalesce(p.title, ''), a.node_id, a.node_ref,
       a.node_title, a.entity, a.item, a.field, a.old, a.new, a.reason, a.action
FROM audit_entry a LEFT JOIN plan p ON p.id = a.plan_id
"""


def _entry(row: tuple[object, ...]) -> HistoryEntry:
    (id_, at, who, plan_id, plan, node_id, ref, title, entity, item, field, old, new) = row[:13]
    reason, action = row[13:]
    return HistoryEntry(
        int(str(id_)),
        datetime.fromisoformat(str(at)),
        str(who),
        int(str(plan_id)) if plan_id is not None else None,
        str(plan),
        int(str(node_id)) if node_id is not None else None,
        str(ref),
        str(title),
        str(entity),
        str(item),
        str(field),
        None if old is None else str(old),
        None if new is None else str(new),
        None if reason is None else str(reason),
        str(action),
    )


def node_history(con: sqlite3.Connection, node_id: int, limit: int = 500) -> list[HistoryEntry]:
    """The changes to a node, its milestones, updates and fields, newest first."""
    rows = con.execute(
        _SELECT + " WHERE a.node_id = ? ORDER BY a.id DESC LIMIT ?", (node_id, limit)
    ).fetchall()
    return [_entry(r) for r in rows]


def node_history_count(con: sqlite3.Connection, node_id: int) -> int:
    row = con.execute("SELECT count(*) FROM audit_entry WHERE node_id = ?", (node_id,)).fetchone()
    return int(row[0]) if row else 0


def desk_history(
    con: sqlite3.Connection, plan_id: int | None = None, node_id: int | None = None
) -> list[HistoryEntry]:
    """Every change to the desk, or to one plan or node, newest first."""
    where, args = [], []
    if plan_id is not None:
        where.append("a.plan_id = ?")
        args.append(plan_id)
    if node_id is not None:
        where.append("a.node_id = ?")
        args.append(node_id)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.id DESC"
    return [_entry(r) for r in con.execute(sql, args)]


# ---------------------------------------------------------------------------------------
# Writing it out

HEADINGS = (
    "When",
    "Who",
    "Plan",
    "Ref",
    "Title",
    "What",
    "From",
    "To",
    "Reason",
    "Command",
    "When (UTC)",
)
SUFFIXES = (".csv", ".xlsx")
WHEN_FORMAT = "dd/mm/yyyy hh:mm"  # Excel's, for the When column
_WIDTHS = (17, 18, 30, 8, 40, 30, 30, 30, 30, 26, 20)
_EVERY = 500  # rows between progress reports

Progress = Callable[[int, int], None]


def _texts(e: HistoryEntry) -> tuple[str, ...]:
    """The columns after When, as text."""
    return (
        e.who,
        e.plan,
        e.node_ref,
        e.node_title,
        e.what,
        e.old or "",
        e.new or "",
        e.reason or "",
        e.action,
        e.at.isoformat(sep=" ", timespec="seconds"),
    )


def write_history(
    entries: list[HistoryEntry], path: str | Path, progress: Progress | None = None
) -> Path:
    """`entries` as a CSV file or an Excel workbook, by the file's suffix; written whole
    or not at all. Text a spreadsheet would run as a formula is written as text.
    `progress(done, total)` is called now and then; what it raises stops the writing."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise HistoryError(f"Save the history as a .csv or .xlsx file, not '{path.name}'.")
    if not path.parent.is_dir():
        raise HistoryError(f"The folder {path.parent} does not exist; nothing was written.")
    report = progress or (lambda _done, _total: None)
    with written_whole(path, HistoryError) as part:
        if suffix == ".csv":
            _write_csv(entries, part, report)
        else:
            _write_xlsx(entries, part, report)
    return path


def _write_csv(entries: list[HistoryEntry], path: Path, report: Progress) -> None:
    from asbdesk.xlsx_export import safe_text

    # UTF-8 with a byte-order mark, so Excel reads the names and arrows right. A cell
    # that Excel would take for a formula gets a leading apostrophe, as Excel itself
    # shows text typed that way.
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADINGS)
        for i, e in enumerate(entries):
            if i % _EVERY == 0:
                report(i, len(entries))
            cells = (e.when, *_texts(e))
            writer.writerow(["'" + c if safe_text(c)[1] else c for c in cells])
        report(len(entries), len(entries))


def _write_xlsx(entries: list[HistoryEntry], path: Path, report: Progress) -> None:
    """Streamed (write-only), with no style on a cell but the When column's date format:
    a style set on each of 40,000 rows' cells cost half a minute."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from asbdesk.xlsx_export import _abandon, safe_text, text_cell

    wb = Workbook(write_only=True)
    try:
        ws = wb.create_sheet("Change history")
        for i, width in enumerate(_WIDTHS, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        bold = Font(bold=True)
        heading = []
        for text in HEADINGS:
            c = WriteOnlyCell(ws, text)
            c.font = bold
            heading.append(c)
        ws.append(heading)
        for i, e in enumerate(entries):
            if i % _EVERY == 0:
                report(i, len(entries))
            when = WriteOnlyCell(ws, e.local_at.replace(microsecond=0))
            when.number_format = WHEN_FORMAT
            row: list[object] = [when]
            for text in _texts(e):
                value, formula = safe_text(text)
                # Only text a spreadsheet would run needs a cell of its own.
                row.append(text_cell(ws, text) if formula else value)
            ws.append(row)
        report(len(entries), len(entries))
        wb.save(path)
    except BaseException:
        _abandon(wb)
        raise
