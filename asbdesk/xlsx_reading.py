"""The importer's proposed reading of a sheet: which row is the header, which rows are
banners (a commitment across the table) or a colour key, which columns carry the levels
of the plan, and which field each other column is. The officer corrects it in the wizard;
`propose_reading` is the automatic reading the command line uses.

Part of importing a plan from Excel (issue 3); no Qt here.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from asbdesk.periods import DateFormError, PeriodError, parse_period, parse_target_date
from asbdesk.rag import Status
from asbdesk.xlsx_grid import Grid, HeaderReading, find_header

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
# Every field a column can be mapped to, as the wizard names them.
FIELD_LABELS: dict[str, str] = {
    "title": "Action (title)",
    "level": "A level above the actions",
    "ref": "Ref",
    "outcome": "Outcome",
    "lead": "Lead officer / department",
    "partners": "Partners",
    "milestones": "Milestones",
    "target_date": "Target date",
    "update": "Progress update",
    "status": "Status (RAG)",
    "extra": "Keep as a named extra field",
    "skip": "Skip (do not import)",
}
_PLAN_SPAN = re.compile(
    r"^(?P<start>[A-Za-z]+\.?\s+\d{4})\s*(?:[-–—]|to)\s*(?P<end>[A-Za-z]+\.?\s+\d{4})$"
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

# Words for a status, in a status cell or a colour key ("Green – on track"), lower case.
STATUS_WORDS: dict[str, Status] = {
    "red": Status.RED,
    "r": Status.RED,
    "off track": Status.RED,
    "amber": Status.AMBER,
    "a": Status.AMBER,
    "at risk": Status.AMBER,
    "delayed": Status.AMBER,
    "yellow": Status.AMBER,
    "green": Status.GREEN,
    "g": Status.GREEN,
    "on track": Status.GREEN,
    "on target": Status.GREEN,
    "blue": Status.BLUE,
    "b": Status.BLUE,
    "complete": Status.BLUE,
    "completed": Status.BLUE,
    "done": Status.BLUE,
    "grey": Status.GREY,
    "gray": Status.GREY,
    "not started": Status.NOT_STARTED,
}
_STATUS_START = re.compile(
    r"^(?P<word>"
    + "|".join(sorted((re.escape(w) for w in STATUS_WORDS), key=len, reverse=True))
    + r")\b\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_KEY_HEADINGS = ("colour key", "color key", "key", "rag key", "rag status key", "status key")
# What a list below the table is when its heading says so: measures, not actions.
MEASURE_WORDS = ("measure", "indicator", "kpi", "performance")


def status_word(text: str) -> tuple[Status, str] | None:
    """The status a cell's words give, and what follows them ("Green – funding agreed" →
    GREEN, "funding agreed"); single letters only on their own."""
    m = _STATUS_START.match(text.strip())
    if m is None or (len(m["word"]) == 1 and m["rest"]):
        return None
    return STATUS_WORDS[m["word"].lower()], m["rest"].strip(" -–—:;,.")


def fill_status(fill: str | None, key: dict[str, Status]) -> Status | None:
    """The status a fill colour stands for: the sheet's colour key, else the nearest of
    red, amber, green and blue for a strong colour; None for pale, grey or other fills."""
    if not fill:
        return None
    if fill in key:
        return key[fill]
    try:
        r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return None
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)
    if sat < 0.4 or not 0.15 < light < 0.85:
        return None
    degrees = hue * 360
    for upto, status in ((15, Status.RED), (65, Status.AMBER), (170, Status.GREEN)):
        if degrees < upto:
            return status
    if 185 <= degrees < 260:
        return Status.BLUE
    return Status.RED if degrees >= 340 else None


@dataclass
class ColourKey:
    colours: dict[str, Status] = field(default_factory=dict)  # fill → status
    wording: dict[Status, str] = field(default_factory=dict)  # status → the key's words
    rows: list[int] = field(default_factory=list)


def read_colour_key(grid: Grid, header_row: int) -> ColourKey:
    """The sheet's colour key: above the header, or in a block under a "Colour Key" heading
    anywhere, rows of a swatch and a few words starting with a status ("Red – Progress
    well below target"). Below the header without such a heading, a filled cell beside
    "On track" is an action's status, not a key."""
    key = ColourKey()
    in_block = False
    for r in range(1, grid.height + 1):
        texts = [t for t in grid.texts(r) if t]
        if len(texts) == 1 and texts[0].lower().rstrip(":") in _KEY_HEADINGS:
            key.rows.append(r)
            in_block = True
            continue
        if r >= header_row and not in_block:
            continue
        found = _key_line(grid, r, texts)
        if found is None:
            in_block = False
            continue
        fill, status, words = found
        key.colours[fill] = status
        key.wording[status] = words
        key.rows.append(r)
    return key


def _key_line(grid: Grid, r: int, texts: list[str]) -> tuple[str, Status, str] | None:
    """A swatch and its words: (fill, status, words), or None for any other row."""
    filled = [c for c, cell in enumerate(grid.rows[r - 1], start=1) if cell.fill]
    if not filled or len(texts) > 2 or len(filled) > 2:
        return None
    for c in filled:
        cell = grid.cell(r, c)
        words = cell.text or grid.cell(r, c + 1).text
        found = status_word(words) if words else None
        if found is not None and cell.fill and (len(texts) == 1 or not cell.text):
            return cell.fill, found[0], words.replace("\n", " ")
    return None


@dataclass
class ListBlock:
    """Rows after the table with one text each: a list such as "Success measures", read as
    indicators when its heading says so, else as a parent and its actions."""

    heading_row: int
    item_rows: list[int]
    as_indicators: bool


@dataclass
class Reading:
    sheet: str
    header_row: int
    repeated_headers: tuple[int, ...]
    columns: dict[int, str]  # column (1-based) → field name, "level", or "extra"
    headings: dict[int, str]  # column → its heading as the sheet has it
    level_columns: list[int]  # parent levels, top first
    banner_rows: list[int] = field(default_factory=list)
    key_rows: list[int] = field(default_factory=list)  # a colour key, wherever it is
    level_names: list[str] = field(default_factory=list)
    colour_key: ColourKey = field(default_factory=ColourKey)
    lists: list[ListBlock] = field(default_factory=list)
    split: bool = True  # several items in one cell become separate actions

    def column_of(self, name: str) -> int | None:
        return next((c for c, f in self.columns.items() if f == name), None)


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


def propose_reading(grid: Grid, header_row: int | None = None) -> Reading:
    """The automatic reading of a sheet, or of it with the header the officer picked."""
    if header_row is not None:
        header: HeaderReading | None = _header_at(grid, header_row)
    else:
        header = find_header(grid)
    if header is None:
        raise ReadingError(
            f"No header row was found on the sheet '{grid.title}': no row in the first 40 "
            "names three or more columns such as Action, Outcome, Lead, Target date, Status. "
            "Choose the header row yourself, or check this is the plan's sheet."
        )
    headings = {c: t for c, t in enumerate(grid.texts(header.row), start=1) if t}
    if not headings:
        raise ReadingError(f"Row {header.row} of '{grid.title}' is empty: it cannot be the header.")
    columns = {c: field_of(t) for c, t in headings.items()}
    _one_of_each(columns)
    reading = Reading(
        sheet=grid.title,
        header_row=header.row,
        repeated_headers=header.repeats,
        columns=columns,
        headings=headings,
        level_columns=[],
        colour_key=read_colour_key(grid, header.row),
    )
    _settle_levels(reading)
    reading.key_rows = [r for r in reading.colour_key.rows if r != header.row]
    _find_banners(grid, reading)
    reading.level_names = _level_names(grid, reading)
    return reading


def _header_at(grid: Grid, row: int) -> HeaderReading:
    if not 1 <= row <= grid.height:
        raise ReadingError(f"The sheet '{grid.title}' has no row {row}.")
    header = [t.lower() for t in grid.texts(row)]
    repeats = tuple(
        r for r in range(row + 1, grid.height + 1) if [t.lower() for t in grid.texts(r)] == header
    )
    return HeaderReading(row, repeats)


def _one_of_each(columns: dict[int, str]) -> None:
    """One column per single-valued field: a second "Ref" or "Target date" is kept as an
    extra field under its own heading rather than overwriting the first."""
    seen: set[str] = set()
    for c, name in sorted(columns.items()):
        if name in ("title", "ref", "outcome", "target_date", "status"):
            if name in seen:
                columns[c] = "extra"
            seen.add(name)


def _settle_levels(reading: Reading) -> None:
    """Level columns, top first; with no column naming the actions, the last level column
    holds them ("Ref | Commitment | Progress")."""
    levels = [c for c, f in sorted(reading.columns.items()) if f == "level"]
    if "title" not in reading.columns.values() and levels:
        reading.columns[levels[-1]] = "title"
        levels = levels[:-1]
    reading.level_columns = levels


def reread(grid: Grid, reading: Reading) -> Reading:
    """The reading again after the officer changed the columns: levels, banners and names
    follow the new mapping; the level names they typed are kept where they still fit."""
    named = list(reading.level_names)
    _settle_levels(reading)
    reading.banner_rows, reading.lists = [], []
    _find_banners(grid, reading)
    proposed = _level_names(grid, reading)
    reading.level_names = named if len(named) == len(proposed) else proposed
    return reading


def _find_banners(grid: Grid, reading: Reading) -> None:
    """Rows below the header with text in one cell only, or one text merged across the
    table: a commitment's banner. A run of such rows with nothing under them at the end
    of the table is a list ("Success measures" and its items), not commitments."""
    above = reading.header_row - 1  # a first banner may sit just above the first header
    while above > 0 and not any(grid.texts(above)):
        above -= 1
    # ... unless it is the plan's period ("April 2019 – March 2020"), merged across too.
    period = above > 0 and plan_span(grid.first_text(above)) is not None
    rows = [above] if above > 0 and above not in reading.key_rows and not period else []
    single: list[int] = []
    skip = {*reading.repeated_headers, *reading.key_rows}
    for r in [*rows, *range(reading.header_row + 1, grid.height + 1)]:
        if r in skip:
            continue
        texts = [t for t in dict.fromkeys(grid.texts(r)) if t]  # under a heading or not
        if len(texts) != 1:
            continue
        first = grid.cell(r, 1)
        merged_across = first.merge is not None and first.merge[3] - first.merge[1] >= 1
        only_first = first.text and not any(grid.texts(r)[1:])
        if merged_across or (
            only_first and r > reading.header_row and not _is_merged_down(grid, r)
        ):
            # Above the header only a banner merged across counts: a title row or the
            # plan's period ("April 2019 – March 2020") also has text in one cell.
            single.append(r)
    reading.banner_rows = single
    _find_lists(grid, reading)


def _has_body(grid: Grid, skip: set[int], row: int, following: int) -> bool:
    """Whether a data row lies between a banner and the next banner (or the end)."""
    return any(r not in skip and any(grid.texts(r)) for r in range(row + 1, following))


def _find_lists(grid: Grid, reading: Reading) -> None:
    banners = reading.banner_rows
    if not banners:
        return
    bounds = [*banners[1:], grid.height + 1]
    skip = {*reading.repeated_headers, *reading.key_rows, reading.header_row}
    bodiless = {
        r for r, nxt in zip(banners, bounds, strict=True) if not _has_body(grid, skip, r, nxt)
    }
    # The trailing run of banners with nothing under them, after the last data row.
    run: list[int] = []
    for r in reversed(banners):
        if r not in bodiless:
            break
        run.insert(0, r)
    if not run or not _is_list_heading(grid.first_text(run[0])) or len(run) < 2:
        return  # banners with nothing under them yet: a plan still being written
    heading_text = grid.first_text(run[0])
    as_indicators = any(w in heading_text.lower() for w in MEASURE_WORDS)
    reading.banner_rows = [r for r in banners if r not in run]
    reading.lists.append(ListBlock(run[0], run[1:], as_indicators))


def _is_list_heading(text: str) -> bool:
    words = text.lower()
    return words.rstrip().endswith(":") or any(w in words for w in MEASURE_WORDS)


def plan_span(text: str) -> tuple[date, date] | None:
    """ "April 2019 – March 2020" or "2019/20": the plan's first and last day."""
    m = _PLAN_SPAN.match(text.strip())
    if m:
        try:
            start, end = parse_target_date(m["start"]), parse_target_date(m["end"])
        except DateFormError:
            return None
        return (start.replace(day=1), end) if start <= end else None
    try:
        period = parse_period(text)
    except PeriodError:
        return None
    return period.start, period.end


def _is_merged_down(grid: Grid, row: int) -> bool:
    merge = grid.cell(row, 1).merge
    return merge is not None and merge[2] > merge[0]


def _level_names(grid: Grid, reading: Reading) -> list[str]:
    names: list[str] = []
    if reading.banner_rows:
        words = grid.first_text(reading.banner_rows[0]).split()
        first_word = words[0].strip(":-–") if words else ""
        names.append(first_word.capitalize() if first_word else "Commitment")
    names += [reading.headings[c].split()[0].capitalize() for c in reading.level_columns]
    title_heading = next(
        (reading.headings[c] for c, f in reading.columns.items() if f == "title"), "Action"
    )
    leaf = title_heading.split()[0].capitalize()
    names.append("Action" if leaf.lower() in ("how", "title") else leaf)
    return names


MAPPING_FORMAT = "asbdesk import mapping"


def mapping_of(reading: Reading) -> dict[str, Any]:
    """What the officer settled, to read next quarter's sheet from the same council the
    same way: columns by their heading (not their letter), level names, splitting."""
    return {
        "format": MAPPING_FORMAT,
        "version": 1,
        "sheet": reading.sheet,
        "columns": {reading.headings[c]: f for c, f in sorted(reading.columns.items())},
        "level_names": list(reading.level_names),
        "split": reading.split,
    }


def check_mapping(mapping: Any) -> dict[str, str]:
    """The saved columns (heading → field) of a mapping, or why it cannot be used."""
    if not isinstance(mapping, dict) or mapping.get("format") != MAPPING_FORMAT:
        raise ReadingError("This file is not an asbdesk import mapping.")
    columns = mapping.get("columns")
    if not isinstance(columns, dict) or not all(
        isinstance(h, str) and f in FIELD_LABELS for h, f in columns.items()
    ):
        raise ReadingError("The mapping's columns are damaged: save the mapping again.")
    return columns


def apply_mapping(grid: Grid, mapping: Any) -> Reading:
    """The reading a saved mapping gives this sheet: its header is the row that holds most
    of the saved headings; a column the mapping does not know is read automatically."""
    columns = check_mapping(mapping)
    saved = {h.lower(): f for h, f in columns.items()}
    best, best_row = 0, None
    for r in range(1, min(grid.height, 40) + 1):
        hits = sum(t.lower() in saved for t in dict.fromkeys(grid.texts(r)) if t)
        if hits > best:
            best, best_row = hits, r
    if best_row is None or best * 2 < len(saved):
        raise ReadingError(
            f"The sheet '{grid.title}' has no row with the headings of the saved mapping "
            f"({', '.join(list(columns)[:4])} …). Check it is the same council's sheet, or "
            "read it without the mapping."
        )
    reading = propose_reading(grid, best_row)
    for c, heading in reading.headings.items():
        reading.columns[c] = saved.get(heading.lower(), reading.columns[c])
    names = mapping.get("level_names")
    if isinstance(names, list) and all(isinstance(n, str) for n in names):
        reading.level_names = list(names)
    reading.split = bool(mapping.get("split", True))
    return reread(grid, reading)
