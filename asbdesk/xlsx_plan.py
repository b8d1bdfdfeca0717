"""Building a plan from a sheet and its reading, in the JSON plan form `json_io` imports.

Banners become top-level nodes, level columns their children (a parent merged down, or
filled once and blank below, is one node), and each row's actions the leaves: several
lettered or numbered items in one cell ("a) … b) …", "1. … 2. …", on separate lines or
one) become separate actions. A cell beside them that holds one item per action ("1. Dec
2015 2. Sep 2015", one owner each) is split the same way; one whose items do not line up
is kept whole on the parent. Nothing is dropped silently: every cell that has no field of
its own becomes a named extra field, and every doubt a warning.

Part of importing a plan from Excel (issue 3); no Qt here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl.utils import get_column_letter

from asbdesk.periods import DateFormError, Quarter, parse_target_date
from asbdesk.refs import default_ref_styles, letter_ref
from asbdesk.words import count
from asbdesk.xlsx_grid import Grid
from asbdesk.xlsx_reading import FIELD_LABELS, Reading, fill_status, plan_span, status_word

# "a) …", "(b) …" or "1. …" opening an item: at the start of a line, or after a space
# within one when the items run in sequence ("1. Dec 2015 2. Sep 2015").
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_NUMBERS = [str(n) for n in range(1, 100)]
# Every word that opens an item, as (the suffix its ref takes, its letter or number):
# "a)" and "(a)" open a lettered item; "1.", "1)", "(1)" a numbered one.
_MARKS: dict[str, tuple[str, str]] = {
    **{f"{x})": (")", x) for x in _LETTERS},
    **{f"({x})": (")", x) for x in _LETTERS},
    **{f"{open_}{n}{close}": (".", n) for n in _NUMBERS for open_ in ("", "(") for close in ".)"},
}
_FIRST_ITEM = re.compile(r"\s*\(?(?:[a-z]\)|\d{1,2}[.)])\s")
_BULLET = re.compile(r"^\s*[•\-*▪◦·]\s*")
_COUNT = re.compile(r"^(?P<n>\d+)\s*x\s+", re.IGNORECASE)
_LEADING_REF = re.compile(r"^(?P<ref>\d+(?:\.\d+)*)\s+(?P<title>.+)$", re.DOTALL)
_ORDINALS = {
    w: i
    for i, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve".split(), start=1
    )
}
_BANNER = re.compile(r"^(?P<level>\w+)\s+(?P<n>\w+)\s*[-–—:.]\s*(?P<title>.+)$", re.DOTALL)
_COUNCIL = re.compile(r"^(?P<name>[A-Z][\w' -]*?\bCouncil)\b")

ProgressFn = Callable[[int, int], None]


@dataclass
class BuiltPlan:
    plan: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # where each column's cells went


def split_items(text: str, minimum: int = 2) -> list[tuple[str, str]]:
    """("a)", "Finalise draft ASB Policy") … for a cell of lettered or numbered items in
    sequence (a, b, c … or 1, 2, 3 …); text before the first item, items out of sequence,
    or fewer than `minimum` items mean the cell is not a list: []."""
    if not _FIRST_ITEM.match(text):
        return []  # the quick answer for most cells: they do not open with an item
    # Marks are whole words ("a)", "(b)", "2."), so the cell is read a word at a time: an
    # import splits tens of thousands of cells, and this is ten times a regex's speed.
    words = text.split()
    marks = [(i, _MARKS[w]) for i, w in enumerate(words[:-1]) if w in _MARKS]
    if len(marks) < minimum or any(w.strip("(") for w in words[: marks[0][0]]):
        return []
    # The first mark sets the kind (letters or numbers); only marks that continue its
    # sequence open items, others are text ("see 2) above", "Phase 2. review").
    kind = marks[0][1][0]
    sequence = _LETTERS if kind == ")" else _NUMBERS
    kept: list[int] = []
    for i, (mark_kind, key) in marks:
        if mark_kind == kind and len(kept) < len(sequence) and key == sequence[len(kept)]:
            kept.append(i)
    if len(kept) < minimum or kept[0] != marks[0][0]:
        return []  # "b) … a) …": not a list in order; the cell is kept whole
    ends = [*kept[1:], len(words)]
    return [
        (_MARKS[words[i]][1] + kind, " ".join(words[i + 1 : end]))
        for i, end in zip(kept, ends, strict=True)
    ]


def _ref_key(ref: str) -> str:
    return ref.strip().strip("().").lower()


def _milestones(text: str) -> list[dict[str, Any]]:
    """One milestone per line or bullet; a line starting in lower case continues the one
    before (a sentence broken at a page break or by a stray return)."""
    out: list[dict[str, Any]] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        if out and line[0].islower():
            out[-1]["text"] += f" {line}"
            continue
        counted = _COUNT.match(line)
        out.append(
            {
                "text": line,
                "target_count": int(counted["n"]) if counted else None,
                "done_count": None,
                "due_date": None,
            }
        )
    return out


def _node(ref: str, title: str) -> dict[str, Any]:
    return {
        "ref": ref,
        "title": title,
        "description": "",
        "outcome": "",
        "lead": [],
        "department": None,
        "partners": [],
        "target_date": None,
        "status": None,
        "status_reason": "",
        "extra": {},
        "milestones": [],
        "updates": [],
        "children": [],
    }


def _split_ref(text: str) -> tuple[str, str]:
    m = _LEADING_REF.match(text)
    return (m["ref"], m["title"].strip()) if m else ("", text)


def _banner(text: str, number: int) -> tuple[str, str]:
    m = _BANNER.match(text)
    if m and (m["n"].lower() in _ORDINALS or m["n"].isdigit()):
        n = _ORDINALS.get(m["n"].lower()) or int(m["n"])
        return str(n), m["title"].strip()
    return str(number), text


def update_date(heading: str, report_date: date) -> date:
    """The date an update column is for: "Progress Update – March 2017" → 31/03/2017,
    "Update Q3 2019/20" → 31/12/2019; a plain "Update" → the report date."""
    words = re.sub(r"(?i)^.*(?:update|progress)\s*[-–—:]?\s*", "", heading).strip(" ()")
    try:
        return parse_target_date(words) if words else report_date
    except DateFormError:
        return report_date


def _refs(items: list[tuple[str, str]]) -> str:
    return " ".join(ref for ref, _ in items)


def _keep(node: dict[str, Any], name: str, r: int, text: str) -> None:
    """`text` as an extra field of `node`, under a name no other cell has taken."""
    extra = node["extra"]
    key, n = name, 1
    while key in extra and extra[key] != text:
        n += 1
        key = f"{name} (row {r})" if n == 2 else f"{name} (row {r}, {n - 1})"
    extra[key] = text


def _names(text: str) -> list[str]:
    """People or teams in a cell: one per line, or separated by ";" or " / "."""
    return [n.strip() for n in re.split(r"[\n;]|\s/\s", text) if n.strip()]


class _Builder:
    def __init__(self, grid: Grid, reading: Reading, report_date: date) -> None:
        self.grid, self.reading, self.report_date = grid, reading, report_date
        self.warnings: list[str] = []

    # -- one row -----------------------------------------------------------------------

    def add_row(
        self, r: int, siblings: list[dict[str, Any]], parent: dict[str, Any] | None
    ) -> None:
        grid, reading = self.grid, self.reading
        title_col = reading.column_of("title")
        title = grid.cell(r, title_col).text if title_col else ""
        items = split_items(title, minimum=1) if reading.split and parent is not None else []
        if items:
            actions = [_node(ref, t) for ref, t in items]
        elif title:
            actions = [_node("", title)]
        elif parent is not None:
            # No action on this row: what it holds belongs to its parent.
            self.warnings.append(
                f"row {r}: no action text; its cells were added to '{parent['title'][:40]}'"
            )
            actions = []
        else:
            texts = "; ".join(t for t in grid.texts(r) if t)
            self.warnings.append(f"row {r}: no action and no parent; not imported: {texts[:80]}")
            return
        # Cells that do not line up with several actions stay whole on their parent.
        whole = parent if (len(items) > 1 or not actions) else actions[0]
        assert whole is not None
        keys = {_ref_key(a["ref"]): a for a in actions} if items else {}
        for column, name in sorted(reading.columns.items()):
            if name in ("title", "level", "skip") or column == title_col:
                continue
            text = grid.cell(r, column).text
            parts = split_items(text, minimum=1) if keys and reading.split else []
            if parts and all(_ref_key(ref) in keys for ref, _ in parts):
                for ref, body in parts:
                    self._put(name, column, r, body, [keys[_ref_key(ref)]])
            else:
                if parts and len(items) > 1:
                    heading = reading.headings.get(column, _letter(column))
                    self.warnings.append(
                        f"row {r}: the items of '{heading}' ({_refs(parts)}) do not line up "
                        f"with the actions ({_refs(items)}); kept whole on '{whole['title'][:40]}'"
                    )
                every = actions if name in ("lead", "partners", "target_date", "status") else []
                self._put(name, column, r, text, every or [whole])
                if items and name == "lead" and parent is not None and not parent["lead"]:
                    parent["lead"] = _names(text)  # the objective's officer, as its actions'
        for column in range(1, grid.width + 1):
            text = grid.cell(r, column).text
            if column not in reading.columns and text:
                # A cell under no heading: kept, named by its column letter.
                name = f"Column {_letter(column)}"
                _keep(whole, name, r, text)
        siblings.extend(actions)

    def _put(self, name: str, column: int, r: int, text: str, nodes: list[dict[str, Any]]) -> None:
        """A cell's text, or one action's part of it, into its field on `nodes`."""
        grid, reading = self.grid, self.reading
        heading = reading.headings.get(column, f"Column {column}")
        cell = grid.cell(r, column)
        if name == "status":
            found = status_word(text) if text else None
            status = found[0] if found else fill_status(cell.fill, reading.colour_key.colours)
            if text and (found is None or found[1]):
                for node in nodes:
                    _keep(node, heading, r, text)  # the words beyond the status, kept
            if text and found is None and status is None:
                self.warnings.append(f"row {r}: status '{text[:40]}' not understood; kept as text")
            for node in nodes:
                if status is not None and node["status"] not in (None, status.value):
                    _keep(node, heading, r, text or status.word)  # its own status stands
                elif status is not None:
                    node["status"] = status.value
            return
        if not text:
            return
        if name == "lead" or name == "partners":
            for node in nodes:  # a second lead column, or a row added to its parent, adds
                node[name] = list(dict.fromkeys([*node[name], *_names(text)]))
            return
        if name == "target_date":
            when = self._date(r, cell.value if text == cell.text else None, text)
            for node in nodes:
                if when is not None and node["target_date"] not in (None, when.isoformat()):
                    _keep(node, heading, r, text)  # the node has its date: this one is kept
                elif when is not None:
                    node["target_date"] = when.isoformat()
                else:
                    _keep(node, f"{heading} (as typed)", r, text)
            return
        for node in nodes:
            if name == "outcome" and not node["outcome"]:
                node["outcome"] = text
            elif name == "ref" and not node["ref"]:
                node["ref"] = text
            elif name == "milestones":
                node["milestones"] += _milestones(text)
            elif name == "update":
                on = update_date(heading, self.report_date)
                node["updates"].append(
                    {
                        "date": on.isoformat(),
                        "period": Quarter.of(on).label,
                        "text": text,
                        "author": "",  # the action's lead, once the row is read
                        "status": None,
                        "kind": "progress",
                    }
                )
            else:
                _keep(node, heading, r, text)

    def _date(self, r: int, value: Any, text: str) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return parse_target_date(text)
        except DateFormError:
            self.warnings.append(f"row {r}: date '{text}' not understood; kept as text")
            return None


def build_plan(
    grid: Grid,
    reading: Reading,
    today: date,
    title: str = "",
    report_date: date | None = None,
    progress: ProgressFn | None = None,
) -> BuiltPlan:
    """The plan a sheet holds, read as `reading` says. Its title is `title`, else the first
    line above the header, else the sheet's name. `report_date` dates the updates of a
    column whose heading names no period (the file's last save, else today)."""
    builder = _Builder(grid, reading, min(report_date or today, today))
    plan: dict[str, Any] = {
        "title": title,
        "council": "",
        "start_date": None,
        "end_date": None,
        "level_names": reading.level_names,
        "colour_key": {s.value: words for s, words in reading.colour_key.wording.items()},
        "indicators": [],
        "children": [],
    }
    built = BuiltPlan(plan=plan, warnings=builder.warnings)
    _above_header(grid, reading, built)
    plan_children: list[dict[str, Any]] = plan["children"]
    banner: dict[str, Any] | None = None
    parents: list[tuple[tuple[Any, ...], dict[str, Any]] | None] = [None] * len(
        reading.level_columns
    )
    listed = {r for block in reading.lists for r in (block.heading_row, *block.item_rows)}
    skip = {reading.header_row, *reading.repeated_headers, *reading.key_rows, *listed}
    banners = set(reading.banner_rows)
    for r in range(1, grid.height + 1):
        if progress is not None and r % 500 == 0:
            progress(r, grid.height)
        if r in banners:
            ref, text = _banner(grid.first_text(r), len(plan_children) + 1)
            banner = _node(ref, text)
            plan_children.append(banner)
            parents = [None] * len(reading.level_columns)
            continue
        if r <= reading.header_row or r in skip or not any(grid.texts(r)):
            continue
        if r in grid.hidden_rows:
            built.warnings.append(f"row {r} is hidden in the sheet; it was read all the same")
        siblings = banner["children"] if banner is not None else plan_children
        for depth, column in enumerate(reading.level_columns):
            cell = grid.cell(r, column)
            if cell.text:
                # One parent: a cell merged down over its children, or the same name typed
                # again on each of their rows.
                identity = (cell.merge, cell.text)
                current = parents[depth]
                if current is None or current[0] != identity and cell.is_merge_origin:
                    ref, text = _split_ref(cell.text)
                    node = _node(ref, text)
                    siblings.append(node)
                    parents[depth] = (identity, node)
                    parents[depth + 1 :] = [None] * (len(parents) - depth - 1)
            held = parents[depth]
            if held is not None:
                siblings = held[1]["children"]
        parent = parents[-1][1] if parents and parents[-1] is not None else banner
        builder.add_row(r, siblings, parent)
    _lists(grid, reading, plan)
    _fill_refs(plan["children"], "", 0, len(reading.level_names))
    _credit_updates(plan["children"], [])
    built.notes = _column_notes(grid, reading, built)
    _merged_headings(grid, reading, built)
    if grid.hidden_columns & set(reading.columns):
        shown = ", ".join(
            reading.headings[c] for c in sorted(grid.hidden_columns & set(reading.columns))
        )
        built.warnings.append(f"hidden columns were read all the same: {shown}")
    return built


def _merged_headings(grid: Grid, reading: Reading, built: BuiltPlan) -> None:
    """A heading merged across several columns gives each the same heading: say so, since
    the columns under it may hold different things (a two-row header)."""
    seen: set[tuple[int, int, int, int]] = set()
    for c in sorted(reading.headings):
        merge = grid.cell(reading.header_row, c).merge
        if merge is None or merge[3] == merge[1] or merge in seen:
            continue
        seen.add(merge)
        built.warnings.append(
            f"row {reading.header_row}: the heading '{reading.headings[c][:40]}' is merged "
            f"across columns {_letter(merge[1])}–{_letter(merge[3])}; each is read as "
            f"'{FIELD_LABELS[reading.columns[c]]}'. Correct the columns if they differ."
        )


def _above_header(grid: Grid, reading: Reading, built: BuiltPlan) -> None:
    """Title rows: the plan's title, its council and period; anything else there is
    reported, not lost."""
    plan = built.plan
    first_banner = min(reading.banner_rows, default=reading.header_row)
    given = plan["title"]
    plan["title"] = ""
    for r in range(1, min(reading.header_row, first_banner)):
        if r in reading.key_rows:
            continue
        for text in dict.fromkeys(t for t in grid.texts(r) if t):
            line = text.split("\n")[0]
            span = plan_span(line)
            if span is not None and plan["start_date"] is None:
                plan["start_date"], plan["end_date"] = (d.isoformat() for d in span)
            elif not plan["title"]:
                plan["title"] = line
                match = _COUNCIL.match(line)
                if match:
                    plan["council"] = match["name"].strip()
                if text != line:
                    built.warnings.append(
                        f"row {r}: '{text[:60]}' above the header was not imported"
                    )
            else:
                built.warnings.append(f"row {r}: '{text[:60]}' above the header was not imported")
    plan["title"] = given or plan["title"] or grid.title


def _lists(grid: Grid, reading: Reading, plan: dict[str, Any]) -> None:
    """A list below the table: measures become indicators (values to be added), anything
    else a parent with the items as its actions."""
    for block in reading.lists:
        heading = grid.first_text(block.heading_row).rstrip(" :")
        items = [_BULLET.sub("", grid.first_text(r)).strip() for r in block.item_rows]
        if block.as_indicators:
            for name in items:
                plan["indicators"].append(
                    {
                        "group": heading,
                        "name": name,
                        "unit": "count",
                        "direction": "lower",
                        "target": None,
                        "source": "",
                        "values": [],
                    }
                )
        else:
            node = _node("", heading)
            node["children"] = [_node("", name) for name in items]
            plan["children"].append(node)


def _fill_refs(nodes: list[dict[str, Any]], parent_ref: str, depth: int, levels: int) -> None:
    """Refs for a level the sheet left unnumbered (Broxtowe's targets), as Renumber
    would give them (1, 1.1, a)); a level the sheet numbered keeps its own."""
    if nodes and not any(n["ref"] for n in nodes):
        lettered = default_ref_styles(max(levels, depth + 1))[depth] == "letter"
        numbered = bool(parent_ref) and parent_ref[-1].isdigit()
        for i, node in enumerate(nodes):
            if lettered:
                node["ref"] = letter_ref(i)
            else:
                node["ref"] = f"{parent_ref}.{i + 1}" if numbered else str(i + 1)
    for node in nodes:
        _fill_refs(node["children"], node["ref"], depth + 1, levels)


def _credit_updates(nodes: list[dict[str, Any]], inherited: list[str]) -> None:
    """Each update is credited to the officers who lead the action, as they report it."""
    for node in nodes:
        leads = node["lead"] or inherited
        for update in node["updates"]:
            update["author"] = update["author"] or ", ".join(leads)
        _credit_updates(node["children"], leads)


def _column_notes(grid: Grid, reading: Reading, built: BuiltPlan) -> list[str]:
    """Where each column's cells went, for the preview: nothing is dropped silently."""
    filled: dict[int, int] = {}
    skip = {reading.header_row, *reading.repeated_headers, *reading.key_rows, *reading.banner_rows}
    for r in range(reading.header_row + 1, grid.height + 1):
        if r in skip:
            continue
        for c in range(1, grid.width + 1):
            status = reading.columns.get(c) == "status" and grid.cell(r, c).fill
            if grid.cell(r, c).text or status:
                filled[c] = filled.get(c, 0) + 1
    notes = []
    for c, name in sorted(reading.columns.items()):
        heading = reading.headings.get(c, "")
        where = FIELD_LABELS[name] if name != "extra" else f"an extra field '{heading}'"
        if name == "level":
            depth = reading.level_columns.index(c) if c in reading.level_columns else 0
            offset = 1 if reading.banner_rows else 0
            names = reading.level_names
            where = (
                f"the {names[min(depth + offset, len(names) - 1)].lower()} level"
                if names
                else where
            )
        if name == "skip":
            where = "nowhere: skipped"
        notes.append(f"{_letter(c)} '{heading}' → {where} ({count(filled.get(c, 0), 'cell')})")
    for c in sorted(set(filled) - set(reading.columns)):
        cells = count(filled[c], "cell")
        notes.append(f"{_letter(c)} (no heading) → an extra field 'Column {_letter(c)}' ({cells})")
    if reading.banner_rows:
        notes.append(f"{len(reading.banner_rows)} banner rows → the top level")
    for block in reading.lists:
        kind = "indicators" if block.as_indicators else "actions"
        notes.append(f"row {block.heading_row} list of {len(block.item_rows)} → {kind}")
    if reading.colour_key.rows:
        first, last = reading.colour_key.rows[0], reading.colour_key.rows[-1]
        notes.append(f"colour key (rows {first}–{last}) → the plan's colour key")
    return notes


def _letter(column: int) -> str:
    return str(get_column_letter(column))
