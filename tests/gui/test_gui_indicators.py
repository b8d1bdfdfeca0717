"""The Indicators tab shows a plan's indicator tables as the committee papers print them."""

from __future__ import annotations

from PySide6.QtCore import Qt

from .helpers import BROXTOWE, GUI_MARKS, WELWYN, show_plan

pytestmark = GUI_MARKS


def _table(window) -> dict[str, list[str]]:
    table = window.indicators.table
    rows: dict[str, list[str]] = {}
    for g in range(table.topLevelItemCount()):
        group = table.topLevelItem(g)
        for r in range(group.childCount()):
            item = group.child(r)
            rows[f"{group.text(0)} / {item.text(0)}"] = [
                item.text(c) for c in range(1, table.columnCount())
            ]
    return rows


def test_broxtowe_indicators_with_partial_and_missing_values(window, qtbot):
    show_plan(window, BROXTOWE)
    window.tabs.setCurrentWidget(window.indicators)
    table = window.indicators.table
    headers = [table.headerItem().text(c) for c in range(table.columnCount())]
    assert headers == ["Indicator", "2017/18", "2018/19", "2019/20", "Better when"]
    rows = _table(window)
    assert len(rows) == 7
    assert rows["Reports of Anti-Social Behaviour / Environmental Health"] == [
        "564",
        "480",
        "234 (Q1–Q2)",
        "lower",
    ]
    day = (
        "Perception of Safety / "
        "Percentage of people surveyed who feel safe in the community during the day"
    )
    assert rows[day] == ["100%", "96%", "Not yet available", "higher"]
    assert table.topLevelItem(0).child(0).textAlignment(1) & Qt.AlignmentFlag.AlignRight


def test_a_plan_without_indicators_says_so(window, qtbot):
    window.tabs.setCurrentWidget(window.indicators)
    show_plan(window, WELWYN)
    assert window.indicators.empty.isVisible()
    assert not window.indicators.table.isVisible()
    show_plan(window, BROXTOWE)
    assert window.indicators.table.isVisible()
    assert len(_table(window)) == 7
