"""A worksheet as the importer reads it: a grid of cleaned cell texts with what the layout
says about them, and the row that holds the column headings.

Councils' sheets put title rows, a colour key and blank rows above the header, repeat the
header on each printed page or before each commitment, and merge a commitment's banner
across the table or a parent down over its children. The grid records each cell's merge
and fill so the next steps (banners, levels, status colours) can read them; a merged
cell's value is shown in every cell it covers.

A plan can run to tens of thousands of rows: a sheet of a workbook `open_workbook` opened
(read-only) is read in one pass over its XML, and `read_grid` reports its progress to a
callback that may cancel it.

Part of importing a plan from Excel (issue 3); no Qt here.
"""

from __future__ import annotations

import gc
import re
import xml.etree.ElementTree as ElementTree
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl.utils import column_index_from_string, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import SHEET_MAIN_NS

from asbdesk.xlsx_open import unreadable

ProgressFn = Callable[[int, int], None]  # (done, total); raising in it cancels the work
PROGRESS_EVERY = 500  # rows between two progress reports

# Words councils use in the heading of each column of an action plan, in lower case.
HEADER_WORDS = (
    "target",
    "action",
    "objective",
    "commitment",
    "priority",
    "theme",
    "recommendation",
    "outcome",
    "lead",
    "officer",
    "accountable",
    "responsib",
    "milestone",
    "date",
    "deadline",
    "timescale",
    "update",
    "progress",
    "status",
    "rag",
    "ref",
    "how it will be achieved",
    "partner",
    "comment",
)


@dataclass(slots=True)  # a sheet of 20,000 rows is 120,000 of these
class Cell:
    value: Any  # as Excel holds it: text, number, datetime or None
    text: str  # cleaned text ("" when empty)
    fill: str | None  # "RRGGBB" of a solid fill, None when not filled
    merge: tuple[int, int, int, int] | None = None  # (top, left, bottom, right), 1-based
    is_merge_origin: bool = True


@dataclass
class Grid:
    title: str
    rows: list[list[Cell]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)  # 1-based
    hidden_columns: set[int] = field(default_factory=set)
    # (rows counted, width): readers ask the width once per row, so it is counted again
    # only when rows were added, not over the whole sheet each time.
    _width: tuple[int, int] = field(default=(-1, 0), init=False, repr=False, compare=False)

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        counted, width = self._width
        if counted != len(self.rows):
            width = max(map(len, self.rows), default=0)
            self._width = (len(self.rows), width)
        return width

    def cell(self, row: int, column: int) -> Cell:
        """1-based, like Excel; an empty cell beyond the used range."""
        if row > 0 and column > 0:  # asked half a million times by a large import
            try:
                return self.rows[row - 1][column - 1]
            except IndexError:
                pass
        return Cell(None, "", None)

    def first_text(self, row: int) -> str:
        """The first non-empty text of a row ("" for an empty one)."""
        return next((t for t in self.texts(row) if t), "")

    def texts(self, row: int) -> list[str]:
        return [c.text for c in self.rows[row - 1]] if 1 <= row <= len(self.rows) else []


_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_text(value: Any) -> str:
    """A cell as text, with stray spacing removed and line breaks kept."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # one line, no tab or odd space: already clean (most cells)
    return "\n".join(filter(None, map(str.strip, _SPACES.sub(" ", text).splitlines())))


def _solid(fill: Any) -> str | None:
    """ "RRGGBB" of a solid fill."""
    if fill is None or fill.fill_type != "solid":
        return None
    rgb = fill.fgColor.rgb if fill.fgColor is not None else None
    if not isinstance(rgb, str) or len(rgb) < 6:
        return None  # a theme or indexed colour: not a colour a RAG key can be read from
    return rgb[-6:].upper()


def read_grid(sheet: Worksheet | ReadOnlyWorksheet, progress: ProgressFn | None = None) -> Grid:
    """The sheet as a grid, as wide as its widest row (or merge) on every row.

    `progress(rows read, rows in the sheet)` is called every few hundred rows and once
    at the end; an exception it raises (the officer's Cancel) stops the reading and is
    passed on as it is. A sheet whose XML cannot be read raises `WorkbookError`."""
    with collector_paused():
        if isinstance(sheet, ReadOnlyWorksheet):
            grid, merges = _read_streamed(sheet, progress)
        else:
            grid, merges = _read_loaded(sheet, progress)
        _spread_merges(grid, merges)
    if progress is not None:
        progress(grid.height, grid.height)
    return grid


def _spread_merges(grid: Grid, merges: list[_Merge]) -> None:
    """Each merged cell marked with its merge; Excel shows the whole merged area as its
    first cell, so the others take its value, text and fill."""
    for top, left, bottom, right in merges:
        for r in range(top, min(bottom, grid.height) + 1):
            row = grid.rows[r - 1]
            row += [Cell(None, "", None) for _ in range(right - len(row))]
        origin = grid.cell(top, left)
        for r in range(top, min(bottom, grid.height) + 1):
            row = grid.rows[r - 1]
            for c in range(left, right + 1):
                target = row[c - 1]
                target.merge = (top, left, bottom, right)
                target.is_merge_origin = (r, c) == (top, left)
                if not target.is_merge_origin:
                    target.value, target.text = origin.value, origin.text
                    target.fill = origin.fill


_Merge = tuple[int, int, int, int]  # top, left, bottom, right


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a grid (or a plan from it) is built: 100,000s
    of new objects, none of them garbage, which each full collection would walk again (a
    fifth of the time of reading a 20,000-row sheet, a third of importing it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_streamed(
    sheet: ReadOnlyWorksheet, progress: ProgressFn | None
) -> tuple[Grid, list[_Merge]]:
    """A sheet of a workbook opened read-only (`xlsx_open.open_workbook`), in one pass over
    its XML: the cells, then the merges and the hidden rows and columns around them
    (openpyxl's read-only sheet gives the cells only).

    The XML is parsed by the standard library's C parser, not defusedxml's pure-Python one,
    which takes twice as long: `open_workbook` has refused any part holding a DTD, and
    expat (2.4.1 on) refuses entity amplification in any case."""
    rows = _RowReader(sheet)
    found: dict[int, list[Cell]] = {}
    merges: list[_Merge] = []
    hidden_rows: set[int] = set()
    hidden_columns: list[tuple[int, int]] = []
    total = sheet.max_row or 0
    report_at = PROGRESS_EVERY
    reporting = False
    try:
        with sheet._get_source() as source:
            for _, element in ElementTree.iterparse(source):
                tag = element.tag
                if tag == _ROW:
                    r, cells = rows.read(element)
                    if element.get("hidden") in _TRUE:
                        hidden_rows.add(r)
                    element.clear()  # the rows read are not kept twice
                    if cells:
                        found[r] = cells
                    if progress is not None and r >= report_at:
                        reporting = True
                        progress(r, max(total, r))
                        reporting = False
                        report_at = r + PROGRESS_EVERY
                elif tag == _MERGE:
                    left, top, right, bottom = range_boundaries(element.get("ref", ""))
                    if None in (left, top, right, bottom):
                        raise ValueError(f"a merge of whole rows or columns: {element.get('ref')}")
                    merges.append((top, left, bottom, right))
                elif tag == _COLUMN and element.get("hidden") in _TRUE:
                    first = int(element.get("min", 0))
                    hidden_columns.append((first, int(element.get("max", first))))
    except _UNREADABLE as exc:
        if reporting:
            raise
        raise unreadable(f"The sheet '{sheet.title}'", exc) from exc
    height = max((*found, *(m[2] for m in merges)), default=0)
    width = max((*map(len, found.values()), *(m[3] for m in merges)), default=0)
    grid = Grid(title=sheet.title, hidden_rows=hidden_rows)
    # Rows as long as their last cell, not all as wide as the widest: a stray cell in
    # XFD1 or A1048576 must not make millions of empty cells (`Grid.cell` gives those).
    grid.rows = [found.get(r, []) for r in range(1, height + 1)]
    grid.hidden_columns = {
        c for first, last in hidden_columns for c in range(first, min(last, width) + 1)
    }
    return grid, merges


class _RowReader:
    """A row element's cells, valued as openpyxl's `iter_rows` values them.

    The cells nearly every sheet is made of (a shared text, a plain number) are read
    here; any other (a date, a cached formula text, an inline text, an error, a cell with
    no reference) by openpyxl's own sheet parser."""

    def __init__(self, sheet: ReadOnlyWorksheet) -> None:
        book = sheet.parent
        self.parser = WorkSheetParser(
            None,
            sheet._shared_strings,
            data_only=book.data_only,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        self.shared: list[Any] = sheet._shared_strings
        self.dates: set[int] = book._date_formats
        self.plain = book.data_only  # else a formula is read as its text, by openpyxl
        self.book = book
        self.row = 0
        self.fills: dict[int, str | None] = {}  # style → fill: a sheet has few styles
        self.texts: dict[str, str] = {}  # a text in many cells is cleaned once
        self.columns: dict[str, int] = {}  # "AB" → 28

    def read(self, element: Any) -> tuple[int, list[Cell]]:
        number = element.get("r")
        self.row = int(float(number)) if number else self.row + 1
        if not 0 < self.row <= EXCEL_ROWS:
            raise ValueError(f"row number {number} is outside a worksheet")
        cells: list[Cell] = []
        for c in element:
            ref, kind, style = c.get("r"), c.get("t", "n"), int(c.get("s", 0))
            if ref is None:
                column = len(cells) + 1
            else:
                letters = ref.rstrip("0123456789")
                column = self.columns.get(letters) or self.columns.setdefault(
                    letters, column_index_from_string(letters)
                )
            if not self.plain or kind not in ("s", "n") or kind == "n" and style in self.dates:
                self.parser.row_counter, self.parser.col_counter = self.row, column - 1
                value = self.parser.parse_cell(c)["value"]
            elif (v := c.findtext(_VALUE)) is None or v == "":
                value = None
            elif kind == "s":
                value = self.shared[int(v)]
            else:
                value = float(v) if "." in v or "E" in v or "e" in v else int(v)
            cell = Cell(value, self._text(value), self._fill(style))
            if column <= len(cells):  # out of order: Excel never writes it, others might
                cells[column - 1] = cell
                continue
            cells += [Cell(None, "", None) for _ in range(column - 1 - len(cells))]
            cells.append(cell)
        return self.row, cells

    def _text(self, value: Any) -> str:
        if not isinstance(value, str):
            return clean_text(value)
        text = self.texts.get(value)
        if text is None:
            text = self.texts[value] = clean_text(value)
        return text

    def _fill(self, style: int) -> str | None:
        if style not in self.fills:
            book = self.book
            self.fills[style] = _solid(book._fills[book._cell_styles[style].fillId])
        return self.fills[style]


_ROW = f"{{{SHEET_MAIN_NS}}}row"
_COLUMN = f"{{{SHEET_MAIN_NS}}}col"
_MERGE = f"{{{SHEET_MAIN_NS}}}mergeCell"
_VALUE = f"{{{SHEET_MAIN_NS}}}v"
# What a damaged or malformed sheet raises while it is parsed.
EXCEL_ROWS = 1_048_576
_UNREADABLE = (
    ElementTree.ParseError,
    OverflowError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
)
_TRUE = ("1", "true")


def _read_loaded(sheet: Worksheet, progress: ProgressFn | None) -> tuple[Grid, list[_Merge]]:
    """A sheet built in memory, or of a workbook loaded whole."""
    grid = Grid(title=sheet.title)
    width, height = sheet.max_column, sheet.max_row
    for r, row in enumerate(sheet.iter_rows(min_row=1, max_row=height, max_col=width), 1):
        grid.rows.append(
            [Cell(c.value, clean_text(c.value), _solid(getattr(c, "fill", None))) for c in row]
        )
        if progress is not None and r % PROGRESS_EVERY == 0:
            progress(r, height)
    grid.hidden_rows = {r for r, d in sheet.row_dimensions.items() if d.hidden}
    grid.hidden_columns = {
        c
        for letter, dim in sheet.column_dimensions.items()
        if dim.hidden
        for c in range(
            dim.min or column_index_from_string(letter),
            min(dim.max or column_index_from_string(letter), width) + 1,
        )
    }
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in sheet.merged_cells.ranges]
    return grid, merges


def header_score(texts: list[str]) -> int:
    """How many cells of a row read like column headings of an action plan."""
    score = 0
    for text in texts:
        words = text.lower()
        if words and len(words) <= 40 and any(w in words for w in HEADER_WORDS):
            score += 1
    return score


@dataclass(frozen=True)
class HeaderReading:
    row: int  # 1-based
    repeats: tuple[int, ...]  # later rows that repeat it (a header per page or commitment)


def find_header(grid: Grid, search_rows: int = 40) -> HeaderReading | None:
    """The first row that reads as a header: three or more distinct cells of heading words,
    at least half of its filled cells (a banner merged across the table shows one text in
    every cell, so it counts once and is not taken for a header). Later rows with the same
    headings are its repeats."""
    found = next(
        (
            r
            for r in range(1, min(grid.height, search_rows) + 1)
            if _reads_as_header([t for t in dict.fromkeys(grid.texts(r)) if t])
        ),
        None,
    )
    if found is None:
        return None
    header = [t.lower() for t in grid.texts(found)]
    repeats = tuple(
        r for r in range(found + 1, grid.height + 1) if [t.lower() for t in grid.texts(r)] == header
    )
    return HeaderReading(found, repeats)


def _reads_as_header(texts: list[str]) -> bool:
    score = header_score(texts)
    return score >= 3 and score * 2 >= len(texts)
