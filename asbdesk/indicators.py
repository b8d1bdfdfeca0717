"""A plan's performance indicators as the window and reports show them (plain sqlite3 reads)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date

from asbdesk.periods import FinancialYear, PeriodError, parse_period


@dataclass(frozen=True)
class IndicatorValueRow:
    period: str
    value: float | None
    partial: str | None
    available: bool

    def text(self, unit: str) -> str:
        """As a plan prints it: "234 (Q1–Q2)", "96%", "Not yet available"."""
        if not self.available:
            return "Not yet available"
        if self.value is None:
            return ""
        v = self.value
        shown = f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"
        if unit == "percent":
            shown += "%"
        return f"{shown} ({self.partial})" if self.partial else shown


@dataclass
class IndicatorRow:
    id: int
    group: str
    name: str
    unit: str
    direction: str
    target: float | None
    source: str
    values: list[IndicatorValueRow] = field(default_factory=list)


def read_indicators(con: sqlite3.Connection, plan_id: int) -> list[IndicatorRow]:
    rows = {
        r[0]: IndicatorRow(*r)
        for r in con.execute(
            'SELECT id, "group", name, unit, direction, target, source FROM indicator'
            " WHERE plan_id = ? ORDER BY position, id",
            (plan_id,),
        )
    }
    for ind_id, period, value, partial, available in con.execute(
        "SELECT v.indicator_id, v.period, v.value, v.partial, v.available FROM indicator_value v"
        " JOIN indicator i ON i.id = v.indicator_id WHERE i.plan_id = ? ORDER BY v.position, v.id",
        (plan_id,),
    ):
        rows[ind_id].values.append(IndicatorValueRow(period, value, partial, bool(available)))
    return list(rows.values())


def periods_of(indicators: list[IndicatorRow]) -> list[str]:
    """Every period any of the indicators has a value for, oldest first: by when the
    period starts (a year before its first quarter), not by its label, so Q3 2024/25
    comes before Q1 2025/26. Labels that are not periods keep their order, last."""
    return sorted({v.period for ind in indicators for v in ind.values}, key=_period_order)


def _period_order(label: str) -> tuple[int, date, int, str]:
    try:
        period = parse_period(label)
    except PeriodError:
        return (1, date.max, 0, label)
    return (0, period.start, 0 if isinstance(period, FinancialYear) else 1, label)
