"""A worksheet as the importer reads it: a grid of cleaned cell texts with what the layout
says about them, and the row that holds the column headings.

Councils' sheets put title rows, a colour key and blank rows above the header, repeat the
header on each printed page or before each commitment, and merge a commitment's banner
across the table or a parent down over its children. The grid records each cell's merge
and fill so the next steps (banners, levels, status colours) can read them; a merged
cell's value is shown in every cell it covers.

Part of importing a plan from Excel (issue 3); no Qt here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl.utils import column_index_from_string
from openpyxl.worksheet.worksheet import Worksheet

# Words councils use in the heading of each column of an action plan, in lower case.
HEADER_WORDS = (
    "target",
    "action",
    "objective",
    "commitment",
    "priority",
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


@dataclass
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

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def cell(self, row: int, column: int) -> Cell:
        """1-based, like Excel; an empty cell beyond the used range."""
        if 1 <= row <= len(self.rows) and 1 <= column <= len(self.rows[row - 1]):
            return self.rows[row - 1][column - 1]
        return Cell(None, "", None)

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
    lines = (_SPACES.sub(" ", line).strip() for line in str(value).splitlines())
    return "\n".join(line for line in lines if line)


def _fill(cell: Any) -> str | None:
    fill = getattr(cell, "fill", None)
    if fill is None or fill.fill_type != "solid":
        return None
    rgb = fill.fgColor.rgb if fill.fgColor is not None else None
    if not isinstance(rgb, str) or len(rgb) < 6:
        return None  # a theme or indexed colour: not a colour a RAG key can be read from
    return rgb[-6:].upper()


def read_grid(sheet: Worksheet, progress: Any = None) -> Grid:
    grid = Grid(title=sheet.title)
    width = sheet.max_column
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=width):
        grid.rows.append([Cell(c.value, clean_text(c.value), _fill(c)) for c in row])
    for merged in sheet.merged_cells.ranges:
        top, left, bottom, right = merged.min_row, merged.min_col, merged.max_row, merged.max_col
        origin = grid.cell(top, left)
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if r > grid.height or c > len(grid.rows[r - 1]):
                    continue
                target = grid.rows[r - 1][c - 1]
                target.merge = (top, left, bottom, right)
                target.is_merge_origin = (r, c) == (top, left)
                if not target.is_merge_origin:
                    target.value, target.text = origin.value, origin.text
                    target.fill = target.fill or origin.fill
    grid.hidden_rows = {r for r, d in sheet.row_dimensions.items() if d.hidden}
    grid.hidden_columns = {
        column_index_from_string(letter)
        for letter, dim in sheet.column_dimensions.items()
        if dim.hidden
    }
    return grid


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
