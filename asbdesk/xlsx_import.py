"""Importing a plan from an Excel workbook into a desk: what `asbdesk import` does with the
automatic reading (or a saved mapping), and what the wizard does once the officer has
checked the reading.

Three steps: open the workbook (`ImportSource`), read a sheet into a plan (`prepare`),
write it (`ImportPlan`, an undoable command) in one transaction, as a new plan of the desk
or under an existing one. A failure at any step leaves the desk as it was.

Part of importing a plan from Excel (issue 3); no Qt here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.workbook.workbook import Workbook

from asbdesk import tree
from asbdesk.changes import Change, PlanChanged, PlansChanged
from asbdesk.commands import next_plan_position, set_plan_deleted
from asbdesk.desk import Desk
from asbdesk.json_io import import_indicators, import_nodes, import_plan
from asbdesk.models import Indicator, Node, Plan, new_uuid
from asbdesk.words import level_name
from asbdesk.xlsx_grid import Grid, collector_paused, find_header, read_grid
from asbdesk.xlsx_indicators import looks_like_indicator_sheet, read_indicator_tables
from asbdesk.xlsx_open import WorkbookError, open_workbook
from asbdesk.xlsx_plan import BuiltPlan, ProgressFn, build_plan
from asbdesk.xlsx_reading import (
    Reading,
    ReadingError,
    apply_mapping,
    check_mapping,
    propose_reading,
)


class ImportSource:
    """A workbook opened for importing, its sheets read once each and kept."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.book: Workbook = open_workbook(self.path)
        self.sheets: list[str] = list(self.book.sheetnames)
        saved = getattr(self.book.properties, "modified", None)
        self.saved: date | None = saved.date() if isinstance(saved, datetime) else None
        self._grids: dict[str, Grid] = {}

    def grid(self, sheet: str, progress: ProgressFn | None = None) -> Grid:
        if sheet not in self.sheets:
            raise WorkbookError(
                f"{self.path.name} has no sheet '{sheet}'. Its sheets: {', '.join(self.sheets)}."
            )
        if sheet not in self._grids:
            self._grids[sheet] = read_grid(self.book[sheet], progress)
        return self._grids[sheet]

    def plan_sheet(self, progress: ProgressFn | None = None) -> str:
        """The first sheet with a header row: the plan, not a cover or an indicator table.
        Sheets are read one at a time, stopping at the plan."""
        for sheet in self.sheets:
            if find_header(self.grid(sheet, progress)) is not None:
                return sheet
        raise WorkbookError(
            f"No sheet of {self.path.name} has a header row naming columns such as Action, "
            "Outcome, Lead, Target date or Status. Choose the sheet, or check the file."
        )

    def indicator_sheets(self, besides: str) -> list[str]:
        """Other sheets laid out as indicator tables (periods across, measures down)."""
        return [s for s in self.sheets if s != besides and looks_like_indicator_sheet(self.grid(s))]

    def close(self) -> None:
        close = getattr(self.book, "close", None)
        if close is not None:
            close()


@dataclass
class Prepared:
    """A plan read from a sheet, ready to preview and write."""

    sheet: str
    reading: Reading
    built: BuiltPlan
    indicator_sheets: list[str] = field(default_factory=list)
    from_sheets: list[dict[str, Any]] = field(default_factory=list)  # their indicators

    @property
    def plan(self) -> dict[str, Any]:
        return self.built.plan

    @property
    def warnings(self) -> list[str]:
        return self.built.warnings

    def own_indicators(self) -> list[dict[str, Any]]:
        """The indicators read from the plan's own sheet (a list of measures), without
        those of the indicator sheets."""
        theirs = {id(i) for i in self.from_sheets}
        return [i for i in self.plan["indicators"] if id(i) not in theirs]

    def level_counts(self) -> dict[str, int]:
        """Nodes per level, named as the plan names its levels."""
        names = self.plan["level_names"]
        counts: dict[str, int] = {}

        def walk(nodes: list[dict[str, Any]], depth: int) -> None:
            for node in nodes:
                name = level_name(names, depth)
                counts[name] = counts.get(name, 0) + 1
                walk(node["children"], depth + 1)

        walk(self.plan["children"], 0)
        return counts


def prepare(
    source: ImportSource,
    sheet: str,
    reading: Reading,
    today: date,
    indicators: bool = True,
    progress: ProgressFn | None = None,
    as_at: date | None = None,
) -> Prepared:
    """The plan `sheet` holds as `reading` says, with the indicator tables of the
    workbook's other sheets when `indicators`. Updates in a column whose heading gives no
    date are dated `as_at`, else when the workbook was last saved."""
    grid = source.grid(sheet)
    as_at = as_at or source.saved
    built = build_plan(grid, reading, today, report_date=as_at, progress=progress)
    if built.plan["title"] == grid.title:  # no title above the header: the file's name
        built.plan["title"] = source.path.stem
    found = source.indicator_sheets(sheet) if indicators else []
    from_sheets: list[dict[str, Any]] = []
    for name in found:
        tables = read_indicator_tables(source.grid(name))
        from_sheets += tables.indicators
        built.warnings += [f"sheet '{name}': {w}" for w in tables.warnings]
        built.notes.append(f"sheet '{name}' → {len(tables.indicators)} indicators")
    built.plan["indicators"] += from_sheets
    return Prepared(sheet, reading, built, found, from_sheets)


def load_mapping(path: str | Path) -> Any:
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReadingError(f"The mapping {path.name} could not be read: {exc.strerror}.") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReadingError(f"{path.name} is not an asbdesk import mapping.") from exc


@dataclass
class ImportPlan:
    """Writing an imported plan: as a new plan of the desk, or its top-level nodes and
    indicators added to an existing plan. One transaction; undo takes it all away again
    (a plan or its nodes soft-deleted, so a redo brings back the same records)."""

    data: dict[str, Any]
    into_plan_id: int | None = None
    label: str = "Import from Excel"
    source: str = ""  # the workbook's file name, which the audit trail's entry names
    plan_id: int | None = None
    progress: ProgressFn | None = None
    _nodes: list[int] = field(default_factory=list)
    _marks: list[tuple[int, str, int]] = field(default_factory=list)

    def do(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            if self.into_plan_id is None:
                if self.plan_id is None:
                    plan = import_plan(s, self.data, next_plan_position(s), self.progress)
                    self.plan_id = plan.id
                else:
                    set_plan_deleted(s, self.plan_id, False)
                return [PlansChanged(self.plan_id)]
            existing = s.get(Plan, self.into_plan_id)
            if existing is None or existing.deleted_at is not None:
                raise ReadingError("The plan to import into is no longer on the desk.")
            self.plan_id = existing.id
            indicators = self.data.get("indicators") or []
            for indicator in indicators:  # the same records again on a redo
                indicator.setdefault("uuid", new_uuid())
            import_indicators(s, existing, indicators, len(existing.indicators))
            if not self._nodes:
                start = len(tree.live_children(s, existing.id, None))
                self._nodes = import_nodes(
                    s, existing, self.data.get("children") or [], start, self.progress
                )
                return [PlanChanged(existing.id)]
            for node_id, mark, row in reversed(self._marks):
                node = s.get(Node, node_id)
                assert node is not None
                tree.restore(s, node, mark, row)
            self._marks = []
        return [PlanChanged(existing.id)]  # the plan reloads: many nodes came back

    def undo(self, desk: Desk) -> list[Change]:
        with desk.transaction() as s:
            if self.into_plan_id is None:
                set_plan_deleted(s, self.plan_id, True)
                return [PlansChanged()]
            for node_id in self._nodes:
                node = s.get(Node, node_id)
                assert node is not None
                mark, row = tree.soft_delete(s, node)
                self._marks.append((node_id, mark, row))
            uuids = [i["uuid"] for i in self.data.get("indicators") or []]
            for indicator in s.query(Indicator).filter(Indicator.uuid.in_(uuids)):
                s.delete(indicator)
        return [PlanChanged(self.into_plan_id)]


@dataclass
class ImportResult:
    plan_id: int
    title: str
    sheet: str
    counts: dict[str, int] = field(default_factory=dict)  # level name → nodes
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def import_workbook(
    desk: Desk,
    path: str | Path,
    sheet: str | None = None,
    today: date | None = None,
    mapping: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """`asbdesk import`: the automatic reading (or `mapping`'s), written as a new plan."""
    today = today or date.today()
    if mapping is not None:
        check_mapping(mapping)
    with collector_paused():
        return _import_workbook(desk, Path(path), sheet, today, mapping, progress)


def _import_workbook(
    desk: Desk,
    path: Path,
    sheet: str | None,
    today: date,
    mapping: Any,
    progress: Callable[[int, int], None] | None,
) -> ImportResult:
    source = ImportSource(path)
    try:
        if sheet is None and mapping is not None:
            sheet = _mapped_sheet(source, mapping)
        sheet = sheet or source.plan_sheet()
        grid = source.grid(sheet, progress)
        reading = apply_mapping(grid, mapping) if mapping is not None else propose_reading(grid)
        prepared = prepare(source, sheet, reading, today)
    finally:
        source.close()
    command = ImportPlan(prepared.plan, progress=progress)
    command.do(desk)
    assert command.plan_id is not None
    counts = prepared.level_counts()
    return ImportResult(
        command.plan_id,
        prepared.plan["title"],
        sheet,
        counts,
        prepared.warnings,
        prepared.built.notes,
    )


def _mapped_sheet(source: ImportSource, mapping: dict[str, Any]) -> str | None:
    """The sheet the mapping was saved from, else the first it reads; None when none."""
    named = mapping.get("sheet")
    sheets = [named] if named in source.sheets else []
    for sheet in [*sheets, *source.sheets]:
        try:
            apply_mapping(source.grid(sheet), mapping)
        except ReadingError:
            continue
        return str(sheet)
    return None
