"""Indicators: defining them, their values per period, and the round trip through Excel."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import TODAY
from openpyxl import load_workbook
from xlsx_helpers import plan_id

from asbdesk.indicator_edits import (
    AddIndicator,
    DeleteIndicator,
    EditIndicator,
    IndicatorError,
    IndicatorFields,
    SetIndicatorValue,
    ValueFields,
)
from asbdesk.indicators import (
    IndicatorRow,
    IndicatorValueRow,
    covered_until,
    periods_of,
    read_indicators,
    time_order,
)
from asbdesk.xlsx_export import ExportOptions, write_workbook
from asbdesk.xlsx_import import import_workbook


def shown(desk, plan, name):
    (ind,) = [i for i in read_indicators(desk.reader, plan) if i.name == name]
    return {v.period: v.text(ind.unit) for v in ind.values}


def test_define_an_indicator_and_enter_values_partial_and_not_yet_available(demo_desk):
    plan = plan_id(demo_desk, "Welwyn")
    add = AddIndicator(
        plan,
        IndicatorFields("% who feel safe at night", "Perception", "percent", "higher", 75),
    )
    add.do(demo_desk)
    steps = [
        SetIndicatorValue(plan, add.indicator_id, ValueFields("2018-19", 71)),
        SetIndicatorValue(plan, add.indicator_id, ValueFields("2019/20", 74.5, "Q1–Q2")),
        SetIndicatorValue(plan, add.indicator_id, ValueFields("q3 2019/20", available=False)),
    ]
    for step in steps:
        step.do(demo_desk)
    assert shown(demo_desk, plan, "% who feel safe at night") == {
        "2018/19": "71%",
        "2019/20": "74.5% (Q1–Q2)",
        "Q3 2019/20": "Not yet available",
    }
    # Correcting a value, then undoing the correction.
    fix = SetIndicatorValue(plan, add.indicator_id, ValueFields("2018/19", 70))
    fix.do(demo_desk)
    assert shown(demo_desk, plan, "% who feel safe at night")["2018/19"] == "70%"
    fix.undo(demo_desk)
    assert shown(demo_desk, plan, "% who feel safe at night")["2018/19"] == "71%"
    steps[2].undo(demo_desk)  # a value that was new goes again
    assert "Q3 2019/20" not in shown(demo_desk, plan, "% who feel safe at night")

    edit = EditIndicator(
        plan,
        add.indicator_id,
        IndicatorFields("% feeling safe at night", "Perception", "percent", "higher"),
    )
    edit.do(demo_desk)
    assert shown(demo_desk, plan, "% feeling safe at night")["2018/19"] == "71%"
    edit.undo(demo_desk)
    delete = DeleteIndicator(plan, add.indicator_id)
    delete.do(demo_desk)
    assert read_indicators(demo_desk.reader, plan) == []
    delete.undo(demo_desk)
    (back,) = read_indicators(demo_desk.reader, plan)
    assert (back.name, back.target, back.id) == ("% who feel safe at night", 75, add.indicator_id)
    assert [v.text("percent") for v in back.values] == ["71%", "74.5% (Q1–Q2)"]


def test_what_cannot_be_saved_says_why(demo_desk):
    plan = plan_id(demo_desk, "Welwyn")
    for fields, message in (
        (IndicatorFields(" "), "name"),
        (IndicatorFields("x", unit="euros"), "count or a %"),
        (IndicatorFields("x", direction="sideways"), "lower or higher"),
        (IndicatorFields("x", unit="percent", target=120), "120% is not a percentage"),
    ):
        with pytest.raises(IndicatorError, match=message):
            AddIndicator(plan, fields).do(demo_desk)
    add = AddIndicator(plan, IndicatorFields("Calls"))
    add.do(demo_desk)
    for value, message in (
        (ValueFields("Spring 2019", 3), "not a period"),
        (ValueFields("2019/21", 3), "not a financial year"),
        (ValueFields("2019/20", 3, available=False), "no number"),
    ):
        with pytest.raises(IndicatorError, match=message):
            SetIndicatorValue(plan, add.indicator_id, value).do(demo_desk)
    (ind,) = read_indicators(demo_desk.reader, plan)
    assert ind.values == []


def test_periods_sort_by_when_they_start():
    row = IndicatorRow(1, "", "n", "count", "lower", None, "")
    for label in ("Q1 2025/26", "Q3 2024/25", "2024/25", "2019/20", "Q4 2024/25"):
        row.values.append(IndicatorValueRow(label, 1, None, True))
    assert periods_of([row]) == ["2019/20", "2024/25", "Q3 2024/25", "Q4 2024/25", "Q1 2025/26"]


def test_a_part_of_a_year_ends_where_the_part_ends():
    assert covered_until("2019/20") == date(2020, 3, 31)
    assert covered_until("2019/20", "Q1–Q2") == date(2019, 9, 30)
    assert covered_until("2019/20", "Qtrs1&2") == date(2019, 9, 30)
    assert covered_until("Q3 2019/20", "October–November") == date(2019, 11, 30)
    assert covered_until("2019/20", "January") == date(2020, 1, 31)
    assert covered_until("2019/20", "so far") == date(2020, 3, 31)  # unread: the whole year
    assert covered_until("Spring") is None
    in_time = sorted(
        [("2019/20", None), ("Q4 2019/20", None), ("Q3 2019/20", None), ("2019/20", "Q1–Q2")],
        key=lambda p: time_order(*p),
    )
    assert in_time == [
        ("2019/20", "Q1–Q2"),
        ("Q3 2019/20", None),
        ("Q4 2019/20", None),
        ("2019/20", None),
    ]


def test_the_exported_sheet_puts_a_part_of_a_year_beside_the_year_in_time_order(
    demo_desk, tmp_path
):
    plan = plan_id(demo_desk, "Broxtowe")
    hate = next(i for i in read_indicators(demo_desk.reader, plan) if "Hate" in i.name)
    SetIndicatorValue(plan, hate.id, ValueFields("Q3 2019/20", 30)).do(demo_desk)
    path = tmp_path / "brox.xlsx"
    write_workbook(demo_desk, ExportOptions(plan, for_partners=False), path, today=TODAY)
    sheet = load_workbook(path)["Indicators"]
    header = [c.value for c in sheet[1]][6:]
    assert header == ["2017/18", "2018/19", "2019/20 (Q1–Q2)", "Q3 2019/20", "2019/20"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == hate.name)
    part = row[6 + header.index("2019/20 (Q1–Q2)")]
    assert part.value == 68 and part.number_format.endswith('"(Q1–Q2)"')  # reads "68 (Q1–Q2)"
    assert row[6 + header.index("2018/19")].number_format == "General"


def test_partial_periods_and_not_yet_available_survive_export_and_import(demo_desk, desk, tmp_path):
    plan = plan_id(demo_desk, "Broxtowe")
    night = next(i for i in read_indicators(demo_desk.reader, plan) if "night" in i.name)
    fields = IndicatorFields(night.name, night.group, "percent", "higher", 75, "Residents' survey")
    EditIndicator(plan, night.id, fields).do(demo_desk)
    before = {i.name: i for i in read_indicators(demo_desk.reader, plan)}
    assert any(v.partial for i in before.values() for v in i.values)
    assert any(not v.available for i in before.values() for v in i.values)
    path = tmp_path / "brox.xlsx"
    write_workbook(demo_desk, ExportOptions(plan, for_partners=False), path, today=TODAY)
    sheet = load_workbook(path)["Indicators"]
    header = [c.value for c in sheet[1]]
    assert "2019/20 (Q1–Q2)" in header
    safe = next(r for r in sheet.iter_rows(min_row=2) if "during the day" in str(r[1].value))
    assert safe[2].value == "%" and safe[6].value == 1 and safe[6].number_format == "0%"

    import_workbook(desk, path, today=TODAY)
    new_plan = desk.reader.execute("SELECT id FROM plan").fetchone()[0]
    after = {i.name: i for i in read_indicators(desk.reader, new_plan)}
    assert after.keys() == before.keys()
    for name, ind in before.items():
        described = (ind.group, ind.unit, ind.direction, ind.target, ind.source)
        assert (after[name].group, after[name].unit, after[name].direction) == described[:3]
        assert (after[name].target, after[name].source) == described[3:], name
        assert [(v.period, v.value, v.partial, v.available) for v in after[name].values] == [
            (v.period, v.value, v.partial, v.available) for v in ind.values
        ], name
