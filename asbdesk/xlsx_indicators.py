"""A sheet of performance indicator tables, read into indicators in the JSON plan form
`json_io` imports.

Councils put their indicators beside the plan as small tables: a title row ("Reports of
Anti-Social Behaviour"), a row of period headings ("2017/18", "2019/20 (Qtrs1&2)") with
the title in column 1 or on the row above, then one row per measure, its label in
column 1. Blank rows separate the tables. Percentages are usually held as fractions
(0.96 shown as 96%) and figures not yet published as "Not yet available". Nothing is
dropped silently: a value that is neither a number nor a "not available" word is kept
as not available, and it and every other doubt is a warning.

Part of importing a plan from Excel (issue 3); no Qt here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from asbdesk.periods import parse_period
from asbdesk.xlsx_grid import Grid

NOT_AVAILABLE = {"not yet available", "not available", "n/a", "na", "-", "–", "—", "tbc", "tba"}
_PERCENT = re.compile(r"percent|per cent|%|proportion", re.IGNORECASE)
_RATE = re.compile(r"\brate\b", re.IGNORECASE)
# Measures where a rise is good. Hate crime is under-reported, so more reports are read as
# more victims coming forward, as the Broxtowe plan does.
_HIGHER = re.compile(r"\bsafe\b|\bsatisf|\bconfiden|\btrust|\bresolved|hate crime", re.I)
_TITLE_BRACKET = re.compile(r"^(?P<title>.+?)\s*\((?P<bracket>[^()]+)\)$")
# A closing bracket that says where the figures come from, not what they count:
# "(Nottinghamshire County Council survey)" but not "(Police & Communities combined)".
_SOURCE = re.compile(r"survey|^(?:source|data)\b|\b(?:council|constabulary|police|ons)$", re.I)
_SOURCE_LEAD = re.compile(r"^(?:source|data)(?:\s+from)?\s*:?\s*", re.I)
_YEARS = re.compile(r"\d{4}\s*[/\-–]")  # quickly rules out most cells
_YEAR_THEN_REST = re.compile(r"^(?P<year>.*?\d{4}\s*[/\-–]\s*\d{2,4})\s*(?P<rest>.*)$")
_QUARTERS = re.compile(
    r"^[(\[]?\s*(?:q|qtrs?|quarters?)\s*[1-4](?:\s*(?:&|and|,|-|–|to)\s*(?:q|qtrs?|quarters?)?"
    r"\s*[1-4])*\s*[)\]]?$",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"^\([^()]*\)$")
_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?\s*%?$")


@dataclass(frozen=True)
class PeriodHeading:
    period: str  # "2019/20" or "Q1 2020/21"
    partial: str | None  # the part covered, "Q1–Q2"; None for the whole period
    unread: str = ""  # words after the period that are neither (a warning)


@dataclass
class IndicatorReading:
    indicators: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: set[int] = field(default_factory=set)  # 1-based rows the tables took


@lru_cache(maxsize=4096)
def period_heading(text: str) -> PeriodHeading | None:
    """The period a column heading names ("2019/20 (Qtrs1&2)" → 2019/20, part Q1–Q2),
    or None when it names none. Words after the period are taken only when bracketed, as
    "(provisional)": a plan's "2019/20 we will review…" is not a heading."""
    if len(text) > 40 or not _YEARS.search(text):
        return None
    period = _period(text)
    if period is not None:
        return PeriodHeading(period, None)
    match = _YEAR_THEN_REST.match(text.strip())
    period = _period(match["year"]) if match else None
    if match is None or period is None:
        return None
    rest = match["rest"]
    if not _QUARTERS.match(rest) or period.startswith("Q"):
        return PeriodHeading(period, None, rest) if _BRACKETED.match(rest) else None
    numbers = sorted({int(n) for n in re.findall(r"[1-4]", rest)})
    if numbers[0] == 1 and numbers[-1] == 4:
        return PeriodHeading(period, None)
    first, last = numbers[0], numbers[-1]
    return PeriodHeading(period, f"Q{first}" if first == last else f"Q{first}–Q{last}")


def _period(text: str) -> str | None:
    try:
        return parse_period(text).label
    except ValueError:
        return None


def _own_texts(grid: Grid, row: int) -> dict[int, str]:
    """Column → text of the row's filled cells; a cell merged across from its left is
    the same text again, so it is left out."""
    texts = {}
    for column, text in enumerate(grid.texts(row), start=1):
        merge = grid.cell(row, column).merge if text else None
        if text and not (merge and merge[0] == row and merge[1] < column):
            texts[column] = " ".join(text.splitlines())
    return texts


def _headings(grid: Grid, row: int) -> dict[int, PeriodHeading]:
    found = {c: period_heading(t) for c, t in _own_texts(grid, row).items() if c >= 2}
    return {c: h for c, h in found.items() if h is not None}


def _is_header(grid: Grid, row: int) -> bool:
    return len(_headings(grid, row)) >= 2


def looks_like_indicator_sheet(grid: Grid) -> bool:
    """Whether some row holds two or more period headings from column 2 on."""
    return any(_is_header(grid, r) for r in range(1, grid.height + 1))


def read_indicator_tables(grid: Grid) -> IndicatorReading:
    """Every table of the sheet, top to bottom, as indicators with warnings."""
    reading = IndicatorReading()
    row = 1
    while row <= grid.height:
        row = _read_table(grid, row, reading) if _is_header(grid, row) else row + 1
    return reading


# The columns before the periods of the Indicators sheet asbdesk's Excel export writes.
EXPORT_COLUMNS = ("Group", "Indicator", "Unit", "Better when", "Target", "Source")


def _read_table(grid: Grid, header: int, reading: IndicatorReading) -> int:
    """Reads the table whose period headings are on row `header`; the row after it."""
    texts = _own_texts(grid, header)
    if [texts.get(c) for c in range(1, 3)] == list(EXPORT_COLUMNS[:2]):
        return _read_exported(grid, header, texts, reading)
    title = texts.get(1, "")
    above = _own_texts(grid, header - 1) if header > 1 else {}
    if not title and set(above) == {1} and header - 1 not in reading.rows:
        title = above[1]
        reading.rows.add(header - 1)
    if not title:
        reading.warnings.append(f"row {header}: the table here has no title")
    headings = _headings(grid, header)
    reading.rows.add(header)
    for column, text in texts.items():
        heading = headings.get(column)
        if column > 1 and heading is None:
            reading.warnings.append(
                f"row {header}: column {column} '{text}' is not a period, its cells not read"
            )
        elif heading is not None and heading.unread:
            reading.warnings.append(
                f"row {header}: '{text}' read as {heading.period}, '{heading.unread}' not"
            )
    group, source = title, ""
    match = _TITLE_BRACKET.match(title)
    if match and _SOURCE.search(match["bracket"].strip()):
        group, source = match["title"], _SOURCE_LEAD.sub("", match["bracket"].strip())
    row = header + 1
    while row <= grid.height:
        cells = _own_texts(grid, row)
        if not cells or _is_header(grid, row):
            break
        if set(cells) == {1} and _is_header(grid, row + 1):
            break  # the next table's title
        for column in sorted(set(cells) - set(texts) - {1}):
            reading.warnings.append(
                f"row {row}: '{cells[column]}' in column {column}, which has no heading, not read"
            )
        indicator = _read_row(grid, row, cells.get(1, ""), group, headings, reading)
        if indicator is not None:
            indicator["source"] = source
            reading.indicators.append(indicator)
            reading.rows.add(row)
        row += 1
    return row


def _read_exported(
    grid: Grid, header: int, texts: dict[int, str], reading: IndicatorReading
) -> int:
    """An asbdesk export's Indicators sheet: one row per indicator under named columns,
    group and name in the first two; the row after the table."""
    named = {text: column for column, text in texts.items() if text in EXPORT_COLUMNS}
    headings = _headings(grid, header)
    reading.rows.add(header)
    row = header + 1
    while row <= grid.height:
        cells = _own_texts(grid, row)
        if not cells:
            break
        described = {name: cells.get(column, "") for name, column in named.items()}
        indicator = _read_row(
            grid, row, described["Indicator"], described["Group"], headings, reading, described
        )
        if indicator is not None:
            indicator["source"] = described.get("Source", "")
            reading.indicators.append(indicator)
            reading.rows.add(row)
        row += 1
    return row


def _read_row(
    grid: Grid,
    row: int,
    name: str,
    group: str,
    headings: dict[int, PeriodHeading],
    reading: IndicatorReading,
    described: dict[str, str] | None = None,
) -> dict[str, Any] | None:
    """The indicator on `row`, or None when it has no label. `described` holds the
    columns an asbdesk export writes beside the name (Unit, Better when, Target, Source),
    which then say what the words would otherwise be read for."""
    cells = {c: grid.cell(row, c) for c in headings}
    cells = {c: cell for c, cell in cells.items() if cell.text}
    if not name:
        if cells:
            reading.warnings.append(f"row {row}: values with no label in column 1, not read")
        return None
    if not cells:
        reading.warnings.append(f"row {row}: '{name}' has no values")
    words = f"{group} {name}"
    values: list[dict[str, Any]] = []
    typed: list[dict[str, Any]] = []  # held as numbers by Excel: 0.96 may be 96%
    percent = bool(_PERCENT.search(words))
    for column, cell in cells.items():
        heading = headings[column]
        value: dict[str, Any] = {"period": heading.period, "value": None}
        value |= {"partial": heading.partial, "available": False}
        number = cell.value
        if isinstance(number, int | float) and not isinstance(number, bool):
            if math.isfinite(number):
                value |= {"value": number, "available": True}
                typed.append(value)
        elif _NUMBER.match(cell.text):
            value |= {"value": float(cell.text.rstrip("% ").replace(",", "")), "available": True}
            percent = percent or cell.text.endswith("%")
        if not value["available"] and cell.text.lower().rstrip(".") not in NOT_AVAILABLE:
            reading.warnings.append(
                f"row {row}: '{name}' {heading.period} '{cell.text}' kept as not available"
            )
        values.append(value)
    numbers = [v["value"] for v in typed]
    as_fractions = bool(numbers) and all(abs(n) <= 1 for n in numbers)
    percent = percent or (as_fractions and bool(_RATE.search(words)))
    if described is not None and described.get("Unit") in ("%", "count"):
        # asbdesk writes a percentage as Excel keeps one: 0.96, shown 96%.
        percent = as_fractions = described["Unit"] == "%"
    if percent and as_fractions:
        for v in typed:
            v["value"] = round(v["value"] * 100, 9)
    elif percent and any(0 < abs(n) < 1 for n in numbers):
        reading.warnings.append(
            f"row {row}: '{name}' mixes fractions and percentages, kept as typed"
        )
    for v in values:
        if isinstance(v["value"], float) and v["value"].is_integer():
            v["value"] = int(v["value"])
    direction = "higher" if _HIGHER.search(words) else "lower"
    target = None
    if described is not None:
        if described.get("Better when") in ("lower", "higher"):
            direction = described["Better when"]
        target = _number(described.get("Target", ""), percent)
    return {
        "group": group,
        "name": name,
        "unit": "percent" if percent else "count",
        "direction": direction,
        "target": target,
        "source": "",
        "values": values,
    }


def _number(text: str, percent: bool) -> float | None:
    """A target as the export wrote it: "12", "1,200", "75%" or a fraction "0.75"."""
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    value = float(text.rstrip("% ").replace(",", ""))
    if percent and not text.endswith("%") and abs(value) <= 1:
        value *= 100
    return int(value) if value.is_integer() else value
