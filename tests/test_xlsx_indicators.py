"""Reading a sheet of indicator tables: Broxtowe's Performance sheet gives the indicators of
the hand-made demo plan, a made-up quarterly sheet warns about every cell it could not
read, a plan sheet gives none, and no grid makes the reader fail."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from asbdesk.paths import resource
from asbdesk.xlsx_grid import Cell, Grid, clean_text, read_grid
from asbdesk.xlsx_indicators import (
    looks_like_indicator_sheet,
    period_heading,
    read_indicator_tables,
)
from asbdesk.xlsx_open import open_workbook

DATA = Path(__file__).parent / "data"


def _grid(name: str, sheet: str) -> Grid:
    return read_grid(open_workbook(DATA / name)[sheet])


def test_broxtowe_performance_sheet_gives_the_demo_plans_seven_indicators() -> None:
    grid = _grid("broxtowe-2019-20.xlsx", "Performance")
    assert looks_like_indicator_sheet(grid)
    reading = read_indicator_tables(grid)
    demo = json.loads(resource("demo", "broxtowe-2019-20.json").read_text("utf-8"))
    assert reading.indicators == demo["indicators"]
    assert reading.warnings == []
    assert reading.rows == {1, 2, 3, 4, 5, 6, 8, 9, 11, 12, 13}


def test_broxtowe_values_partial_periods_and_percentages() -> None:
    reading = read_indicator_tables(_grid("broxtowe-2019-20.xlsx", "Performance"))
    by_name = {i["name"]: i for i in reading.indicators}
    housing = by_name["Housing"]
    assert housing["group"] == "Reports of Anti-Social Behaviour"
    assert housing["values"][2] == {
        "period": "2019/20",
        "value": 75,
        "partial": "Q1–Q2",
        "available": True,
    }
    night = by_name["Percentage of people surveyed who feel safe in the community at night"]
    assert (night["group"], night["source"]) == (
        "Perception of Safety",
        "Nottinghamshire County Council survey",
    )
    assert (night["unit"], night["direction"]) == ("percent", "higher")
    assert [v["value"] for v in night["values"]] == [50, 72, None]  # 0.5 and 0.72 held
    assert night["values"][2]["available"] is False  # "Not yet available"


def test_period_headings_councils_write() -> None:
    def read(text: str) -> tuple[str, str | None] | None:
        heading = period_heading(text)
        return None if heading is None else (heading.period, heading.partial)

    assert read("2017/18") == ("2017/18", None)
    assert read("2019/20 (Qtrs1&2)") == ("2019/20", "Q1–Q2")
    assert read("2019/20 (Q1-Q2)") == ("2019/20", "Q1–Q2")
    assert read("2019/20 Q1-Q3") == ("2019/20", "Q1–Q3")
    assert read("2019/20 Q3") == ("Q3 2019/20", None)
    assert read("Q1 2019/20") == ("Q1 2019/20", None)
    assert read("2019-20") == ("2019/20", None)
    assert read("2019/2020") == ("2019/20", None)
    assert read("2019/20 (Q1 to Q4)") == ("2019/20", None)
    assert period_heading("2019/20 (provisional)") is not None
    assert period_heading("2019/20 (provisional)").unread == "(provisional)"  # type: ignore[union-attr]
    for text in ("2019/21", "Target", "", "2019", "Q5 2019/20"):
        assert read(text) is None


def test_a_made_up_quarterly_sheet_warns_about_what_it_could_not_read(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Indicators"
    rows: list[list[object]] = [
        [
            "Satisfaction with ASB case handling (Source: Hertfordshire Constabulary)",
            "Q1 2020/21",
            "Q2 2020/21",
            "Q3 2020/21",
            "Q4 2020/21",
        ],
        ["Percentage of victims satisfied", 0.8, 0.85, "tbc", "see note"],
        ["Cases closed"],
        [None, 5, 6],
        ["Proportion confident to report", "-", "N/A", 0.5, 0.55],
        [],
        ["Incidents"],
        [None, "2019/20", "2020/21 (Q1-Q3)", "Comment"],
        ["Noise complaints", "1,234", 900, "rising"],
        ["Fly-tipping reports", 50, 40, None, "extra"],
        ["Rate of repeat victims", 0.1, "n/a"],
    ]
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "made-up.xlsx")
    grid = _grid_of(tmp_path / "made-up.xlsx", "Indicators")

    reading = read_indicator_tables(grid)

    assert reading.warnings == [
        "row 2: 'Percentage of victims satisfied' Q4 2020/21 'see note' kept as not available",
        "row 3: 'Cases closed' has no values",
        "row 4: values with no label in column 1, not read",
        "row 8: column 4 'Comment' is not a period, its cells not read",
        "row 10: 'extra' in column 5, which has no heading, not read",
    ]
    names = [i["name"] for i in reading.indicators]
    assert names == [
        "Percentage of victims satisfied",
        "Cases closed",
        "Proportion confident to report",
        "Noise complaints",
        "Fly-tipping reports",
        "Rate of repeat victims",
    ]
    satisfied, closed, confident, noise, _, repeat = reading.indicators
    assert satisfied["group"] == "Satisfaction with ASB case handling"
    assert satisfied["source"] == "Hertfordshire Constabulary"
    assert (satisfied["unit"], satisfied["direction"]) == ("percent", "higher")
    assert [(v["period"], v["value"], v["available"]) for v in satisfied["values"]] == [
        ("Q1 2020/21", 80, True),
        ("Q2 2020/21", 85, True),
        ("Q3 2020/21", None, False),
        ("Q4 2020/21", None, False),  # the junk, kept as not available
    ]
    assert closed["values"] == []
    assert (confident["unit"], confident["direction"]) == ("percent", "higher")
    assert [v["value"] for v in confident["values"]] == [None, None, 50, 55]
    assert noise["group"] == "Incidents"
    assert noise["unit"] == "count"
    assert [(v["period"], v["value"], v["partial"]) for v in noise["values"]] == [
        ("2019/20", 1234, None),
        ("2020/21", 900, "Q1–Q3"),
    ]
    # A rate held as a fraction is a percentage; a rate per 1,000 would be a count.
    assert (repeat["unit"], repeat["direction"]) == ("percent", "lower")
    assert [v["value"] for v in repeat["values"]] == [10, None]
    assert reading.rows == {1, 2, 3, 5, 7, 8, 9, 10, 11}


def _grid_of(path: Path, sheet: str) -> Grid:
    return read_grid(open_workbook(path)[sheet])


def test_an_empty_sheet_and_a_plan_sheet_hold_no_indicators() -> None:
    for grid in (
        Grid(title="Empty"),
        read_grid(Workbook().active),
        _grid("welwyn-hatfield-2019.xlsx", "Action Plan"),
        _grid("broxtowe-2019-20.xlsx", "Action Plan"),
    ):
        assert not looks_like_indicator_sheet(grid)
        assert read_indicator_tables(grid).indicators == []


_VALUES = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.sampled_from(
        ["2019/20", "Q1 2020/21", "2019/20 (Qtrs1&2)", "n/a", "Not yet available", "96%", "1,0"]
    ),
)


@st.composite
def _grids(draw: st.DrawFn) -> Grid:
    rows = draw(st.lists(st.lists(_VALUES, max_size=6), max_size=8))
    grid = Grid(title="Fuzz", rows=[[Cell(v, clean_text(v), None) for v in row] for row in rows])
    for row in grid.rows:
        for cell in row:
            if draw(st.booleans()):
                top, left = draw(st.integers(-1, 9)), draw(st.integers(-1, 7))
                cell.merge = (top, left, top + 1, left + 1)
    return grid


@given(_grids())
def test_no_grid_makes_the_reader_fail(grid: Grid) -> None:
    reading = read_indicator_tables(grid)
    looks_like_indicator_sheet(grid)
    json.dumps(reading.indicators)
    assert reading.rows <= set(range(1, grid.height + 1))
