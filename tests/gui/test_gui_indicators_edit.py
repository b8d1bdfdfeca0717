"""Keeping the indicator tables up to date on the Indicators tab: the officer defines a new
indicator, adds next year's column, types this half-year's figure (or marks the survey
"not yet available"), reads the trend beside the table, and takes a slip back with Ctrl+Z."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QLabel, QLineEdit

from asbdesk.desk import Desk
from asbdesk.gui.indicators_view import IndicatorsView
from asbdesk.gui.main_window import MainWindow
from asbdesk.indicators import IndicatorRow, read_indicators

from .helpers import BROXTOWE, GUI_MARKS, answering_dialog, focus, ok_button, show_plan

pytestmark = GUI_MARKS

HATE_CRIME = "Number of Hate Crime Incidents reported"
SAFE_BY_DAY = "Percentage of people surveyed who feel safe in the community during the day"


# -- the officer's steps ----------------------------------------------------------------


def _indicators_tab(window: MainWindow) -> IndicatorsView:
    show_plan(window, BROXTOWE)
    window.show_indicators()
    return window.indicators


def _saved(desk: Desk, window: MainWindow, name: str) -> IndicatorRow | None:
    """The indicator as the desk file has it now."""
    plan_id = window.current_plan_id()
    assert plan_id is not None
    return next((i for i in read_indicators(desk.reader, plan_id) if i.name == name), None)


def _id_of(view: IndicatorsView, name: str) -> int:
    return next(i.id for i in view.indicators if i.name == name)


def _row(view: IndicatorsView, name: str) -> dict[str, str]:
    """The table's row for an indicator: heading → the text of its cell, group included."""
    table = view.table
    heads = [table.headerItem().text(c) for c in range(table.columnCount())]
    for g in range(table.topLevelItemCount()):
        group = table.topLevelItem(g)
        for r in range(group.childCount()):
            item = group.child(r)
            if item.text(0) == name:
                return {"group": group.text(0)} | {h: item.text(c) for c, h in enumerate(heads)}
    raise LookupError(f"{name!r} is not a row of the table")


def _go_to_cell(view: IndicatorsView, qtbot, name: str, period: str) -> None:
    """Select the indicator's cell for `period`, the focus in the table (before a dialog is
    awaited: waiting for the focus would answer it too soon)."""
    view.select(_id_of(view, name), period)
    assert view.current_period() == period
    focus(qtbot, view.table)


def _type_value(qtbot, value: str, partial: str = "", unavailable: bool = False):
    def answer(dialog: QDialog) -> None:
        box = dialog.findChild(QLineEdit, "valueEdit")
        box.selectAll()
        qtbot.keyClicks(box, value)
        dialog.findChild(QComboBox, "partialCombo").setCurrentText(partial)
        check = dialog.findChild(QCheckBox, "unavailableCheck")
        check.setChecked(unavailable)
        assert box.isEnabled() is not unavailable  # no number for a figure not out yet
        ok_button(dialog).click()
        assert not dialog.isVisible(), dialog.findChild(QLabel, "messageLabel").text()

    return answer


def _ctrl_z(view: IndicatorsView, qtbot) -> None:
    focus(qtbot, view.table)
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


# -- defining an indicator --------------------------------------------------------------


def test_a_new_indicator_and_its_figures_reach_the_desk_and_the_table(window, qtbot, demo_desk):
    view = _indicators_tab(window)

    def define(dialog: QDialog) -> None:
        qtbot.keyClicks(dialog.findChild(QLineEdit, "nameEdit"), "Community Triggers received")
        dialog.findChild(QComboBox, "groupCombo").setCurrentText("Case reviews")
        unit = dialog.findChild(QComboBox, "unitCombo")
        unit.setCurrentIndex(unit.findData("count"))
        direction = dialog.findChild(QComboBox, "directionCombo")
        direction.setCurrentIndex(direction.findData("lower"))
        qtbot.keyClicks(dialog.findChild(QLineEdit, "targetEdit"), "5")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "sourceEdit"), "ASB Team case log")
        ok_button(dialog).click()

    with answering_dialog(define):
        view.add_button.click()

    saved = _saved(demo_desk, window, "Community Triggers received")
    assert saved is not None
    assert (saved.group, saved.unit, saved.direction, saved.target, saved.source) == (
        "Case reviews",
        "count",
        "lower",
        5.0,
        "ASB Team case log",
    )
    assert _row(view, "Community Triggers received")["group"] == "Case reviews"
    assert view.current_indicator_id() == saved.id  # the new row is the one selected
    assert view.chart.caption.text() == "Community Triggers received"
    assert view.chart.target_line is not None and view.chart.target_line.name() == "Target 5"

    _go_to_cell(view, qtbot, "Community Triggers received", "2019/20")
    with answering_dialog(_type_value(qtbot, "3", partial="Q1–Q2")):
        qtbot.keyClick(view.table, Qt.Key.Key_F2)
    _go_to_cell(view, qtbot, "Community Triggers received", "2018/19")
    with answering_dialog(_type_value(qtbot, "7")):
        qtbot.keyClick(view.table, Qt.Key.Key_Return)

    saved = _saved(demo_desk, window, "Community Triggers received")
    assert saved is not None
    assert [(v.period, v.value, v.partial, v.available) for v in saved.values] == [
        ("2019/20", 3.0, "Q1–Q2", True),
        ("2018/19", 7.0, None, True),
    ]
    row = _row(view, "Community Triggers received")
    assert (row["2018/19"], row["2019/20"], row["2017/18"]) == ("7", "3 (Q1–Q2)", "")
    assert view.chart.plotted() == [("2018/19", 7.0, False), ("2019/20", 3.0, True)]


def test_a_nameless_indicator_is_refused_in_the_dialog(window, qtbot, demo_desk):
    view = _indicators_tab(window)
    before = len(view.indicators)

    def nameless(dialog: QDialog) -> None:
        qtbot.keyClicks(dialog.findChild(QLineEdit, "targetEdit"), "lots")
        ok_button(dialog).click()
        assert dialog.isVisible()
        assert "is a number" in dialog.findChild(QLabel, "messageLabel").text()
        dialog.findChild(QLineEdit, "targetEdit").clear()
        ok_button(dialog).click()
        assert dialog.isVisible()
        assert dialog.findChild(QLabel, "messageLabel").text() == "Give the indicator a name."

    with answering_dialog(nameless):
        view.add_button.click()
    assert len(read_indicators(demo_desk.reader, window.current_plan_id())) == before
    assert not window.ops.undo_stack.canUndo()


def test_editing_an_indicator_regroups_it(window, qtbot, demo_desk):
    view = _indicators_tab(window)
    view.select(_id_of(view, HATE_CRIME))

    def regroup(dialog: QDialog) -> None:
        assert dialog.findChild(QLineEdit, "nameEdit").text() == HATE_CRIME
        groups = dialog.findChild(QComboBox, "groupCombo")
        assert groups.currentText() == "Hate Crime Incidents"
        assert groups.findText("Perception of Safety") >= 0  # the groups there are, offered
        groups.setCurrentText("Perception of Safety")
        ok_button(dialog).click()

    with answering_dialog(regroup):
        view.edit_button.click()
    saved = _saved(demo_desk, window, HATE_CRIME)
    assert saved is not None and saved.group == "Perception of Safety"
    assert _row(view, HATE_CRIME)["group"] == "Perception of Safety"


# -- periods and values -------------------------------------------------------------------


def test_not_yet_available_shows_as_such_and_leaves_a_gap_in_the_chart(window, qtbot, demo_desk):
    view = _indicators_tab(window)
    view.select(_id_of(view, HATE_CRIME))

    def next_year(dialog: QDialog) -> None:
        combo = dialog.findChild(QComboBox, "periodCombo")
        assert combo.currentText() == "2020/21"  # the year after the table's latest
        ok_button(dialog).click()

    with answering_dialog(next_year):
        view.period_button.click()
    assert view.periods == ["2017/18", "2018/19", "2019/20", "2020/21"]
    assert view.current_period() == "2020/21"

    with answering_dialog(_type_value(qtbot, "", unavailable=True)):
        qtbot.keyClick(view.table, Qt.Key.Key_F2)

    assert _row(view, HATE_CRIME)["2020/21"] == "Not yet available"
    saved = _saved(demo_desk, window, HATE_CRIME)
    assert saved is not None
    assert [(v.value, v.available) for v in saved.values if v.period == "2020/21"] == [
        (None, False)
    ]
    chart = view.chart
    assert chart.axis_labels() == ["2017/18", "2018/19", "2019/20 (Q1–Q2)", "2020/21"]
    assert [p for p, _v, _partial in chart.plotted()] == ["2017/18", "2018/19", "2019/20"]
    assert "not yet available: 2020/21" in chart.details.text()


def test_the_trend_chart_follows_the_selected_indicator(window, qtbot):
    view = _indicators_tab(window)
    view.select(_id_of(view, HATE_CRIME), "2018/19")
    chart = view.chart
    assert chart.view.isVisible()
    assert chart.axis_labels() == ["2017/18", "2018/19", "2019/20 (Q1–Q2)"]
    assert chart.plotted() == [
        ("2017/18", 128.0, False),
        ("2018/19", 107.0, False),
        ("2019/20", 68.0, True),  # Q1–Q2 only: a hollow point, reached by a dashed line
    ]
    assert chart.partial_points is not None and chart.partial_points.count() == 1
    assert chart.y_axis.titleText() == "Count"
    assert chart.view.accessibleName() == f"Trend chart: {HATE_CRIME}"
    assert "2019/20: 68 (Q1–Q2)" in chart.view.accessibleDescription()

    view.select(_id_of(view, SAFE_BY_DAY))
    assert [(p, v) for p, v, _partial in chart.plotted()] == [("2017/18", 100.0), ("2018/19", 96.0)]
    assert chart.y_axis.titleText() == "%"
    assert "2019/20: Not yet available" in chart.view.accessibleDescription()

    view.table.setCurrentItem(view.table.topLevelItem(0), 0)  # a group's heading: no chart
    assert not chart.view.isVisible()
    assert not view.edit_button.isEnabled()


def test_a_value_that_is_not_a_number_is_refused_in_the_dialog(window, qtbot, demo_desk):
    view = _indicators_tab(window)

    def refuse(dialog: QDialog) -> None:
        box = dialog.findChild(QLineEdit, "valueEdit")
        assert box.text() == "96%"  # the figure there is, to correct
        box.selectAll()
        qtbot.keyClicks(box, "about 90")
        ok_button(dialog).click()
        assert dialog.isVisible()
        assert "is a number" in dialog.findChild(QLabel, "messageLabel").text()
        box.selectAll()
        qtbot.keyClicks(box, "140")
        ok_button(dialog).click()
        assert dialog.isVisible()
        assert "not a percentage" in dialog.findChild(QLabel, "messageLabel").text()

    _go_to_cell(view, qtbot, SAFE_BY_DAY, "2018/19")
    with answering_dialog(refuse):
        qtbot.keyClick(view.table, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    saved = _saved(demo_desk, window, SAFE_BY_DAY)
    assert saved is not None
    assert [v.value for v in saved.values if v.period == "2018/19"] == [96.0]
    assert not window.ops.undo_stack.canUndo()


# -- undo ------------------------------------------------------------------------------------


def test_ctrl_z_takes_a_figure_back(window, qtbot, demo_desk):
    view = _indicators_tab(window)
    _go_to_cell(view, qtbot, HATE_CRIME, "2019/20")
    with answering_dialog(_type_value(qtbot, "71", partial="Q1–Q3")):
        qtbot.keyClick(view.table, Qt.Key.Key_F2)
    assert _row(view, HATE_CRIME)["2019/20"] == "71 (Q1–Q3)"

    _ctrl_z(view, qtbot)

    assert _row(view, HATE_CRIME)["2019/20"] == "68 (Q1–Q2)"
    saved = _saved(demo_desk, window, HATE_CRIME)
    assert saved is not None
    assert [(v.value, v.partial) for v in saved.values if v.period == "2019/20"] == [
        (68.0, "Q1–Q2")
    ]
    assert view.current_indicator_id() == saved.id  # still where the officer was


def test_a_deleted_indicator_comes_back_with_its_figures(window, qtbot, demo_desk):
    view = _indicators_tab(window)
    view.select(_id_of(view, HATE_CRIME))
    focus(qtbot, view.delete_button)
    qtbot.keyClick(view.delete_button, Qt.Key.Key_Space)
    assert _saved(demo_desk, window, HATE_CRIME) is None
    assert HATE_CRIME not in [i.name for i in view.indicators]
    assert "Undo brings it back" in window.statusBar().currentMessage()

    _ctrl_z(view, qtbot)

    saved = _saved(demo_desk, window, HATE_CRIME)
    assert saved is not None and [v.value for v in saved.values] == [128.0, 107.0, 68.0]
    assert _row(view, HATE_CRIME)["2017/18"] == "128"


# -- from the new-user trial ------------------------------------------------------------------


def _add_period(view: IndicatorsView, period: str) -> None:
    def choose(dialog: QDialog) -> None:
        dialog.findChild(QComboBox, "periodCombo").setCurrentText(period)
        ok_button(dialog).click()

    with answering_dialog(choose):
        view.period_button.click()


def _shown_name(view: IndicatorsView, name: str) -> str:
    """The name as the table draws it in its column's width (cut in the middle if long)."""
    table = view.table
    width = table.columnWidth(0) - 2 * table.indentation() - 8
    return table.fontMetrics().elidedText(name, table.textElideMode(), width)


def test_names_stay_told_apart_when_a_period_column_is_added(window, qtbot):
    view = _indicators_tab(window)
    safe_at_night = SAFE_BY_DAY.replace("during the day", "at night")
    _add_period(view, "2020/21")
    _add_period(view, "Q3 2019/20")
    assert view.periods == ["2017/18", "2018/19", "2019/20", "Q3 2019/20", "2020/21"]
    day, night = _shown_name(view, SAFE_BY_DAY), _shown_name(view, safe_at_night)
    assert day != night
    assert day.endswith("during the day") and night.endswith("at night")
    for name in (SAFE_BY_DAY, safe_at_night):
        view.select(_id_of(view, name))
        assert view.table.currentItem().toolTip(0).splitlines()[0] == name  # whole, on hover


def test_the_chart_puts_each_figure_where_it_falls_in_time(window, qtbot):
    view = _indicators_tab(window)
    _add_period(view, "Q3 2019/20")
    _go_to_cell(view, qtbot, HATE_CRIME, "Q3 2019/20")
    with answering_dialog(_type_value(qtbot, "30")):
        qtbot.keyClick(view.table, Qt.Key.Key_F2)
    chart = view.chart
    # The year so far (April to September) comes before its third quarter, not after.
    assert chart.axis_labels() == ["2017/18", "2018/19", "2019/20 (Q1–Q2)", "Q3 2019/20"]
    assert [p for p, _v, _partial in chart.plotted()] == [
        "2017/18",
        "2018/19",
        "2019/20",
        "Q3 2019/20",
    ]
    xs = [chart.x_axis.endValue(label) for label in chart.axis_labels()]
    assert xs == sorted(xs) and xs[2] < xs[3]
    assert chart.x_axis.labelsAngle() == -90  # upright: long labels are neither cut nor on top
    assert chart.x_axis.min() < xs[0] and xs[-1] < chart.x_axis.max()  # room at both ends


def test_enter_value_on_a_name_asks_which_period_the_latest_first(window, qtbot, demo_desk):
    view = _indicators_tab(window)
    view.select(_id_of(view, HATE_CRIME))  # the name, not a cell
    assert view.current_period() is None
    assert view.value_button.isEnabled()

    def answer(dialog: QDialog) -> None:
        periods = dialog.findChild(QComboBox, "periodCombo")
        assert [periods.itemText(i) for i in range(periods.count())] == view.periods
        assert periods.currentText() == "2019/20"  # the latest
        assert dialog.findChild(QLineEdit, "valueEdit").text() == "68"
        assert dialog.findChild(QComboBox, "partialCombo").currentText() == "Q1–Q2"
        periods.setCurrentText("2018/19")
        assert dialog.windowTitle() == "Value for 2018/19"
        box = dialog.findChild(QLineEdit, "valueEdit")
        assert box.text() == "107"  # the figure there is for the period chosen
        box.selectAll()
        qtbot.keyClicks(box, "109")
        ok_button(dialog).click()
        assert not dialog.isVisible(), dialog.findChild(QLabel, "messageLabel").text()

    with answering_dialog(answer):
        view.value_button.click()
    saved = _saved(demo_desk, window, HATE_CRIME)
    assert saved is not None
    assert [v.value for v in saved.values if v.period == "2018/19"] == [109.0]
    assert view.current_period() == "2018/19"  # the cell just filled in
