"""Importing a plan from an Excel workbook into a desk, with the automatic reading: what
`asbdesk import` does, and what the wizard will do once the officer has checked it.

The whole plan is written in one transaction, as a new plan of the desk: a failure
leaves the desk as it was.

Part of importing a plan from Excel (issue 3); no Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from asbdesk.commands import next_plan_position
from asbdesk.desk import Desk
from asbdesk.json_io import import_plan
from asbdesk.plan_tree import PlanTree
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
        grid = _plan_sheet(path, book.worksheets)
    reading = propose_reading(grid)
    today = today or date.today()
    built = build_plan(grid, reading, today, report_date=_last_saved(book))
    if built.plan["title"] == grid.title:  # no title above the header: the file's name
        built.plan["title"] = path.stem
    with desk.transaction() as s:
        plan = import_plan(s, built.plan, position=next_plan_position(s))
        plan_id = plan.id
    # Counted as the window will show the plan, by the same code.
    counts = PlanTree.load(desk.reader, plan_id, today).level_counts()
    return ImportResult(plan_id, built.plan["title"], grid.title, counts, built.warnings)


def _plan_sheet(path: Path, sheets: list[Worksheet]) -> Grid:
    """The first sheet with a header row: the plan, not a cover or an indicator table.
    Sheets are read one at a time, stopping at the plan."""
    for sheet in sheets:
        grid = read_grid(sheet)
        if find_header(grid) is not None:
            return grid
    raise WorkbookError(
        f"No sheet of {path.name} has a header row naming columns such as Action, Outcome, "
        "Lead, Target date or Status. Choose the sheet with --sheet, or check the file."
    )


def _last_saved(book: Workbook) -> date | None:
    """When the workbook was last saved: the date of updates whose column names none."""
    saved = getattr(book.properties, "modified", None)
    return saved.date() if isinstance(saved, datetime) else None
