"""A plan's performance indicators as the window and reports show them (plain sqlite3 reads)."""

from __future__ import annotations

import calendar
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date

from asbdesk.periods import MONTHS, FinancialYear, PeriodError, Quarter, parse_period


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


# "Q1–Q2", "Qtrs 1&2", "Quarters 1 to 3": the quarters named after the first Q word.
_QUARTERS = re.compile(r"\bq(?:tr|uarter)?s?\s*(?P<rest>[1-4].*)$", re.I)


def covered_until(period: str, partial: str | None = None) -> date | None:
    """The last day a value for `period` covers: the period's end, or for part of it so
    far the end of that part ("Q1–Q2" of 2019/20 runs to 30/09/2019; "October" of
    Q3 2019/20 to 31/10/2019). A part it cannot read counts as the whole period; None
    when `period` is not a period at all."""
    try:
        whole = parse_period(period)
    except PeriodError:
        return None
    if not partial:
        return whole.end
    quarters = _QUARTERS.search(partial)
    if quarters is not None and isinstance(whole, FinancialYear):
        return Quarter(whole, max(int(n) for n in re.findall(r"[1-4]", quarters["rest"]))).end
    words = re.findall(r"[a-z]+", partial.lower())
    months = [MONTHS[w] for w in words if w in MONTHS]
    if months:
        # The month's last day within the period: a financial year's March is next year's.
        day = whole.start
        while day <= whole.end:
            if day.month == months[-1]:
                return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return whole.end


def time_order(label: str, partial: str | None = None) -> tuple[int, date, int, str]:
    """Sort key of a value in time: by the last day it covers, so 2019/20's Q1–Q2 comes
    before Q3 2019/20, and the whole of 2019/20 after its Q4. Labels that are not periods
    keep their order, last."""
    end = covered_until(label, partial)
    if end is None:
        return (1, date.max, 0, label)
    whole_year = isinstance(parse_period(label), FinancialYear) and not partial
    return (0, end, 1 if whole_year else 0, label)
