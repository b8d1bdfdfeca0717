"""Reading and editing exported workbooks in tests the way a partner's Excel would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from asbdesk.desk import Desk
from asbdesk.xlsx_export import HEADER_ROW, ID_HEADING, PLAN_SHEET


def plan_id(desk: Desk, part: str) -> int:
    row = desk.reader.execute(
        "SELECT id FROM plan WHERE title LIKE ? AND deleted_at IS NULL", (f"%{part}%",)
    ).fetchone()
    assert row is not None, part
    return int(row[0])


def node(desk: Desk, plan: int, ref: str, title_part: str = "") -> tuple[int, str]:
    """(id, uuid) of the live node with this ref (and title part, where refs repeat)."""
    rows = desk.reader.execute(
        "SELECT id, uuid FROM node WHERE plan_id = ? AND ref = ? AND title LIKE ?"
        " AND deleted_at IS NULL",
        (plan, ref, f"%{title_part}%"),
    ).fetchall()
    assert len(rows) == 1, (ref, title_part, rows)
    return int(rows[0][0]), str(rows[0][1])


class Sheet:
    """The plan sheet of an exported workbook, addressed by heading and row ID."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wb = openpyxl.load_workbook(path)
        self.ws = self.wb[PLAN_SHEET]
        self.headings = [c.value for c in self.ws[HEADER_ROW]]
        self.id_col = self.headings.index(ID_HEADING) + 1

    def col(self, heading: str) -> int:
        return self.headings.index(heading) + 1

    def row_of(self, uuid: str) -> int:
        for r in range(HEADER_ROW + 1, self.ws.max_row + 1):
            if self.ws.cell(r, self.id_col).value == uuid:
                return r
        raise KeyError(uuid)

    def cell(self, uuid: str, heading: str) -> Any:
        return self.ws.cell(self.row_of(uuid), self.col(heading))

    def set(self, uuid: str, heading: str, value: Any) -> None:
        self.cell(uuid, heading).value = value

    def data_rows(self) -> list[int]:
        return [
            r
            for r in range(HEADER_ROW + 1, self.ws.max_row + 1)
            if self.ws.cell(r, self.id_col).value
        ]

    def first_empty_row(self) -> int:
        return max(self.data_rows()) + 1

    def save(self, path: Path | None = None) -> Path:
        target = path or self.path
        self.wb.save(target)
        return target
