"""Building a plan from a sheet and its reading, in the JSON plan form `json_io` imports.

Banners become top-level nodes, level columns their children (a parent merged down, or
filled once and blank below, is one node), and each row's actions the leaves: several
lettered or numbered items in one cell ("a) … b) …", "1. … 2. …") become separate
actions, with the progress cell beside them split the same way where its letters match
and kept on the parent where they do not. Nothing is dropped silently: every cell that
has no field of its own becomes a named extra field, and every doubt a warning.

Part of importing a plan from Excel (issue 3); no Qt here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from asbdesk.periods import DateFormError, Quarter, parse_target_date
from asbdesk.xlsx_grid import Grid
from asbdesk.xlsx_reading import RAG_FILLS, Reading

# "a) …" or "1. …" at the start of a line: one item each.
_ITEM = re.compile(r"^\s*(?:(?P<letter>[a-z])\)|(?P<number>\d{1,2})[.)])\s+(?P<text>.*)$")
_BULLET = re.compile(r"^\s*[•\-*]\s*")
_COUNT = re.compile(r"^(?P<n>\d+)\s*x\s+", re.IGNORECASE)
_LEADING_REF = re.compile(r"^(?P<ref>\d+(?:\.\d+)*)\s+(?P<title>.+)$", re.DOTALL)
_ORDINALS = {
    w: i
    for i, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve".split(), start=1
    )
}
_BANNER = re.compile(r"^(?P<level>\w+)\s+(?P<n>\w+)\s*[-–—:]\s*(?P<title>.+)$", re.DOTALL)
_STATUS_WORDS = {
    "red": "red",
    "amber": "amber",
    "green": "green",
    "blue": "blue",
    "complete": "blue",
    "completed": "blue",
    "on track": "green",
    "grey": "grey",
    "not started": "not_started",
}


@dataclass
class BuiltPlan:
    plan: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def split_items(text: str) -> list[tuple[str, str]]:
    """("a)", "Finalise draft ASB Policy") … for a cell of lettered or numbered items; a
    line that starts no item continues the one before. [] when the cell is one item."""
    items: list[tuple[str, str]] = []
    for line in text.splitlines():
        m = _ITEM.match(line)
        if m:
            ref = f"{m['letter']})" if m["letter"] else f"{m['number']}."
            items.append((ref, m["text"].strip()))
        elif items:
            items[-1] = (items[-1][0], f"{items[-1][1]} {line.strip()}")
        else:
            return []
    return items if len(items) >= 2 else []


def _milestones(text: str) -> list[dict[str, Any]]:
    out = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        count = _COUNT.match(line)
        out.append(
            {
                "text": line,
                "target_count": int(count["n"]) if count else None,
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


def _update_period(heading: str, today: date) -> tuple[date, str]:
    """The date an update column is for: "Progress Update – March 2017" → 31/03/2017."""
    words = re.sub(r"(?i)^.*?update\s*[-–—:]?\s*", "", heading).strip()
    try:
        on = parse_target_date(words) if words else today
    except DateFormError:
        on = today
    return on, Quarter.of(on).label


def _status(grid: Grid, row: int, column: int) -> str | None:
    cell = grid.cell(row, column)
    word = cell.text.strip().lower()
    if word in _STATUS_WORDS:
        return _STATUS_WORDS[word]
    status = RAG_FILLS.get(cell.fill or "")
    return status.value if status else None


def build_plan(grid: Grid, reading: Reading, today: date, title: str = "") -> BuiltPlan:
    built = BuiltPlan(
        plan={
            "title": title or grid.title,
            "council": "",
            "start_date": None,
            "end_date": None,
            "level_names": reading.level_names,
            "indicators": [],
            "children": [],
        }
    )
    plan_children: list[dict[str, Any]] = built.plan["children"]
    banner: dict[str, Any] | None = None
    parents: list[tuple[tuple[Any, ...], dict[str, Any]] | None] = [None] * len(
        reading.level_columns
    )
    skip = {reading.header_row, *reading.repeated_headers, *reading.key_rows}
    by_field = {f: c for c, f in reading.columns.items()}
    for r in range(1, grid.height + 1):
        if r in reading.banner_rows:
            ref, text = _banner(grid.texts(r)[0], len(plan_children) + 1)
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
            if not cell.text:
                if parents[depth] is None:
                    continue
            else:
                identity = (cell.merge or (r, column), cell.text)
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
        _add_row(grid, reading, r, by_field, siblings, parent, built, today)
    return built


def _add_row(
    grid: Grid,
    reading: Reading,
    r: int,
    by_field: dict[str, int],
    siblings: list[dict[str, Any]],
    parent: dict[str, Any] | None,
    built: BuiltPlan,
    today: date,
) -> None:
    def text(name: str) -> str:
        return grid.cell(r, by_field[name]).text if name in by_field else ""

    items = split_items(text("title"))
    actions = [_node(ref, t) for ref, t in items] if items else [_node("", text("title"))]
    if not actions[0]["title"]:
        if parent is None:
            built.warnings.append(f"row {r}: no action and no parent; the row was not imported")
            return
        # No action on this row: what it holds belongs to its parent, not to a new action.
        built.warnings.append(
            f"row {r}: no action text; its cells were added to '{parent['title'][:40]}'"
        )
        actions = [parent]
    owner = parent if (items or actions[0] is parent) and parent is not None else actions[0]
    owner["outcome"] = owner["outcome"] or text("outcome")
    leads = [n.strip() for n in re.split(r"[\n;]", text("lead")) if n.strip()]
    status = _status(grid, r, by_field["status"]) if "status" in by_field else None
    when: date | None = None
    if "target_date" in by_field:
        when = _target_date(grid, r, by_field["target_date"], owner, built)
    for action in actions:  # only what the row has: a parent's own values stay
        action["lead"] = list(leads) or action["lead"]
        action["status"] = status or action["status"]
        action["target_date"] = when.isoformat() if when else action["target_date"]
    if parent is not None and items:
        parent["lead"] = parent["lead"] or list(leads)
    if not items or parent is None:
        actions[0]["milestones"] = _milestones(text("milestones"))
    elif text("milestones"):
        parent["milestones"] += _milestones(text("milestones"))
    _updates(text("update"), reading, by_field, actions, parent if items else None, today)
    for column, name in reading.columns.items():
        if name == "extra" and grid.cell(r, column).text:
            owner["extra"][reading.headings[column]] = grid.cell(r, column).text
    if actions[0] is not parent:
        siblings.extend(actions)


def _target_date(
    grid: Grid, r: int, column: int, owner: dict[str, Any], built: BuiltPlan
) -> date | None:
    cell = grid.cell(r, column)
    if isinstance(cell.value, datetime | date):
        return cell.value.date() if isinstance(cell.value, datetime) else cell.value
    if not cell.text:
        return None
    try:
        return parse_target_date(cell.text)
    except DateFormError:
        built.warnings.append(f"row {r}: date '{cell.text}' not understood; kept as text")
        owner["extra"]["Target date (as typed)"] = cell.text
        return None


def _updates(
    text: str,
    reading: Reading,
    by_field: dict[str, int],
    actions: list[dict[str, Any]],
    parent: dict[str, Any] | None,
    today: date,
) -> None:
    if not text:
        return
    on, period = _update_period(reading.headings[by_field["update"]], today)

    def update(body: str) -> dict[str, Any]:
        return {
            "date": on.isoformat(),
            "period": period,
            "text": body,
            "author": "",
            "status": None,
            "kind": "progress",
        }

    items = split_items(text)
    by_ref = {a["ref"]: a for a in actions}
    if parent is not None and items and all(ref in by_ref for ref, _ in items):
        for ref, body in items:
            by_ref[ref]["updates"].append(update(body))
        return
    if parent is not None and items:
        # Letters that do not line up with the actions stay whole on the parent.
        parent["updates"].append(update(text))
        return
    actions[0]["updates"].append(update(text))
