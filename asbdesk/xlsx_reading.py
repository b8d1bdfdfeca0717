"""The importer's proposed reading of a sheet: which row is the header, which rows are
banners (a commitment across the table) or a colour key, which columns carry the levels
of the plan, and which field each other column is. The officer corrects it in the wizard;
`propose_reading` is the automatic reading the command line uses.

Part of importing a plan from Excel (issue 3); no Qt here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from asbdesk.rag import Status
from asbdesk.xlsx_grid import Grid, find_header

# Fields a column can be, with the heading words that name them, most specific first.
FIELD_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("target_date", ("target date", "deadline", "due date", "timescale", "date")),
    ("title", ("how it will be achieved", "action", "activity", "initiative", "task")),
    ("outcome", ("outcome", "measure of success", "success measure")),
    ("lead", ("lead", "officer", "accountable", "responsib", "owner")),
    ("partners", ("partner",)),
    ("milestones", ("milestone",)),
    ("update", ("update", "progress")),
    ("status", ("status", "rag")),
    ("ref", ("ref", "no.", "number")),
)
# Headings that name a level above the actions: the column is a parent merged down over
# its children, or filled once and left blank below.
LEVEL_WORDS = ("target", "objective", "commitment", "priority", "recommendation", "theme")

# The fills councils use for RAG, and the words of a colour key beside them.
RAG_FILLS = {
    "FF0000": Status.RED,
    "C00000": Status.RED,
    "FFC000": Status.AMBER,
    "FFFF00": Status.AMBER,
    "00B050": Status.GREEN,
    "92D050": Status.GREEN,
    "0070C0": Status.BLUE,
    "00B0F0": Status.BLUE,
}


@dataclass
class Reading:
    sheet: str
    header_row: int
    repeated_headers: tuple[int, ...]
    columns: dict[int, str]  # column (1-based) → field name, "level", or "extra"
    headings: dict[int, str]  # column → its heading as the sheet has it
    level_columns: list[int]  # parent levels, top first
    banner_rows: list[int] = field(default_factory=list)
    key_rows: list[int] = field(default_factory=list)  # a colour key inside the table
    level_names: list[str] = field(default_factory=list)


class ReadingError(ValueError):
    """No reading can be proposed; the message says why and what to do."""


def _names(words: str, names: tuple[str, ...]) -> bool:
    """Whether `words` holds one of `names` at the start of a word ("date" is not in
    "update"; "responsib" is in "responsible")."""
    return any(re.search(r"\b" + re.escape(n), words) for n in names)


def field_of(heading: str) -> str:
    """The field a column heading names: a field, "level" or "extra" (kept, not dropped)."""
    words = heading.lower()
    if not words:
        return "extra"
    if not _names(words, ("date",)) and _names(words, LEVEL_WORDS):
        return "level"
    for name, names in FIELD_WORDS:
        if _names(words, names):
            return name
    return "extra"


def propose_reading(grid: Grid) -> Reading:
    header = find_header(grid)
    if header is None:
        raise ReadingError(
            f"No header row was found on the sheet '{grid.title}': no row in the first 40 "
            "names three or more columns such as Action, Outcome, Lead, Target date, Status. "
            "Choose the header row yourself, or check this is the plan's sheet."
        )
    headings = {c: t for c, t in enumerate(grid.texts(header.row), start=1) if t}
    columns = {c: field_of(t) for c, t in headings.items()}
    levels = [c for c, f in columns.items() if f == "level"]
    if "title" not in columns.values() and levels:
        # No column names the actions: the last level column holds them.
        columns[levels[-1]] = "title"
        levels = levels[:-1]
    reading = Reading(
        sheet=grid.title,
        header_row=header.row,
        repeated_headers=header.repeats,
        columns=columns,
        headings=headings,
        level_columns=levels,
    )
    _find_banners(grid, reading)
    reading.level_names = _level_names(grid, reading)
    return reading


def _find_banners(grid: Grid, reading: Reading) -> None:
    """Rows below the header with text in one cell only, or one text merged across the
    table: a commitment's banner; a row of swatches and key wording is a colour key."""
    width = max(reading.columns, default=1)
    above = reading.header_row - 1  # a first banner may sit just above the first header
    while above > 0 and not any(grid.texts(above)):
        above -= 1
    rows = [above] if above > 0 else []
    for r in [*rows, *range(reading.header_row + 1, grid.height + 1)]:
        if r in reading.repeated_headers:
            continue
        texts = [t for t in dict.fromkeys(grid.texts(r)[:width]) if t]
        if len(texts) != 1:
            continue
        first = grid.cell(r, 1)
        merged_across = first.merge is not None and first.merge[3] - first.merge[1] >= 1
        only_first = grid.texts(r)[0] and not any(grid.texts(r)[1:width])
        if any(grid.cell(r, c).fill in RAG_FILLS for c in range(1, width + 1)):
            reading.key_rows.append(r)
        elif merged_across or (
            only_first and r > reading.header_row and not _is_merged_down(grid, r)
        ):
            # Above the header only a banner merged across counts: a title row or the
            # plan's period ("April 2019 – March 2020") also has text in one cell.
            reading.banner_rows.append(r)


def _is_merged_down(grid: Grid, row: int) -> bool:
    merge = grid.cell(row, 1).merge
    return merge is not None and merge[2] > merge[0]


def _level_names(grid: Grid, reading: Reading) -> list[str]:
    names: list[str] = []
    if reading.banner_rows:
        first_word = grid.texts(reading.banner_rows[0])[0].split()[0].strip(":-–")
        names.append(first_word.capitalize() if first_word else "Commitment")
    names += [reading.headings[c].split()[0].capitalize() for c in reading.level_columns]
    title_heading = next(
        (reading.headings[c] for c, f in reading.columns.items() if f == "title"), "Action"
    )
    leaf = title_heading.split()[0].capitalize()
    names.append("Action" if leaf.lower() in ("how", "title") else leaf)
    return names
