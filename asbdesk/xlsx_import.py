"""Importing a plan from an Excel workbook into a desk, with the automatic reading: what
`asbdesk import` does, and what the wizard will do once the officer has checked it.

The whole plan is written in one transaction, as a new plan of the desk: a failure
leaves the desk as it was.

Part of importing a plan from Excel (issue 3); no Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from asbdesk.desk import Desk
from asbdesk.json_io import import_plan
from asbdesk.models import Plan
from asbdesk.xlsx_grid import Grid, find_header, read_grid
from asbdesk.xlsx_open import WorkbookError, open_workbook
from asbdesk.xlsx_plan import build_plan
from asbdesk.xlsx_reading import propose_reading


@dataclass
class ImportResult:
    plan_id: int
    title: str
    sheet: str
    counts: dict[str, int] = field(default_factory=dict)  # level name → nodes
    warnings: list[str] = field(default_factory=list)


def import_workbook(
    desk: Desk, path: str | Path, sheet: str | None = None, today: date | None = None
) -> ImportResult:
    path = Path(path)
    book = open_workbook(path)
    if sheet is not None:
        if sheet not in book.sheetnames:
            raise WorkbookError(
                f"{path.name} has no sheet '{sheet}'. Its sheets: {', '.join(book.sheetnames)}."
            )
        grid = read_grid(book[sheet])
    else:
        grid = _plan_sheet(path, [read_grid(ws) for ws in book.worksheets])
    reading = propose_reading(grid)
    built = build_plan(grid, reading, today or date.today(), title=_title(grid, path))
    with desk.transaction() as s:
        position = len(s.query(Plan.id).all())
        plan = import_plan(s, built.plan, position=position)
        plan_id = plan.id
    counts: dict[str, int] = {}
    stack = [(n, 0) for n in built.plan["children"]]
    while stack:
        node, depth = stack.pop()
        name = reading.level_names[min(depth, len(reading.level_names) - 1)]
        counts[name] = counts.get(name, 0) + 1
        stack.extend((c, depth + 1) for c in node["children"])
    return ImportResult(plan_id, built.plan["title"], grid.title, counts, built.warnings)


def _plan_sheet(path: Path, grids: list[Grid]) -> Grid:
    """The first sheet with a header row: the plan, not a cover or an indicator table."""
    for grid in grids:
        if find_header(grid) is not None:
            return grid
    raise WorkbookError(
        f"No sheet of {path.name} has a header row naming columns such as Action, Outcome, "
        "Lead, Target date or Status. Choose the sheet with --sheet, or check the file."
    )


def _title(grid: Grid, path: Path) -> str:
    """The plan's title: the first text above the header, else the file's name."""
    header = find_header(grid)
    for r in range(1, header.row if header else 1):
        texts = [t for t in grid.texts(r) if t]
        if texts:
            return texts[0].split("\n")[0]
    return path.stem
