"""The risk register on the Risks tab, as Charnwood's strategy asks for one: the officer adds
a risk with its severity, likelihood, owner, review date and mitigating actions, finds it in
its heat-map cell, lists a cell's risks by choosing the cell, sees a review that is overdue,
and takes a slip back with Ctrl+Z."""

from __future__ import annotations

from datetime import date

from conftest import TODAY
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
)

from asbdesk.desk import Desk
from asbdesk.gui.main_window import MainWindow
from asbdesk.gui.risk_heat_map import SEVERITIES
from asbdesk.gui.risk_register import OVERDUE, REVIEW, RISK
from asbdesk.gui.risks_view import RisksView
from asbdesk.risks import RiskRow, read_risks

from .helpers import (
    BROXTOWE,
    GUI_MARKS,
    WELWYN,
    answering_dialog,
    focus,
    ok_button,
    redo_key,
    show_plan,
    undo_key,
)

pytestmark = GUI_MARKS

TURNOVER = "Turnover in the Communities team leaves drop-ins unstaffed"
SHARING = "Partners stop sharing case information at the ASB Panel"


# -- the officer's steps ----------------------------------------------------------------


def _risks_tab(window: MainWindow, plan: int) -> RisksView:
    show_plan(window, plan)
    window.show_risks()
    assert window.risks.table.hasFocus() or not window.risks.table.isVisible()
    return window.risks


def _saved(desk: Desk, window: MainWindow) -> list[RiskRow]:
    plan_id = window.current_plan_id()
    assert plan_id is not None
    return read_risks(desk.reader, plan_id, TODAY)


def _choose(combo: QComboBox, value: int) -> None:
    i = combo.findData(value)
    assert i >= 0
    combo.setCurrentIndex(i)


def _risk(
    qtbot,
    description: str,
    severity: int,
    likelihood: int,
    owner: str = "",
    review: date | None = None,
    action: str = "",
):
    """Fill in the risk dialog and press OK."""

    def answer(dialog: QDialog) -> None:
        box = dialog.findChild(QPlainTextEdit, "descriptionEdit")
        box.selectAll()
        qtbot.keyClicks(box, description)
        _choose(dialog.findChild(QComboBox, "severityCombo"), severity)
        _choose(dialog.findChild(QComboBox, "likelihoodCombo"), likelihood)
        dialog.findChild(QComboBox, "ownerCombo").setCurrentText(owner)
        no_date = dialog.findChild(QCheckBox, "noReviewCheck")
        no_date.setChecked(review is None)
        dates = dialog.findChild(QDateEdit, "reviewDateEdit")
        assert dates.isEnabled() is (review is not None)
        if review is not None:
            dates.setDate(QDate(review.year, review.month, review.day))
        if action:
            qtbot.keyClicks(dialog.findChild(QLineEdit, "actionsFilter"), action)
            actions = dialog.findChild(QListWidget, "actionsList")
            shown = [
                actions.item(r) for r in range(actions.count()) if not actions.item(r).isHidden()
            ]
            assert len(shown) == 1, [i.text() for i in shown]
            shown[0].setCheckState(Qt.CheckState.Checked)
            assert dialog.findChild(QLabel, "chosenLabel").text() == "1 action chosen"
        ok_button(dialog).click()
        assert not dialog.isVisible(), dialog.findChild(QLabel, "messageLabel").text()

    return answer


def _cell_text(view: RisksView, severity: int, likelihood: int) -> str:
    model = view.heat_map.model
    return str(model.index_of(severity, likelihood).data())


def _counts(view: RisksView) -> dict[tuple[int, int], int]:
    """Every cell of the heat map that is not 0, by (severity, likelihood)."""
    model = view.heat_map.model
    out = {}
    for row in range(model.rowCount()):
        for col in range(model.columnCount()):
            n = int(model.index(row, col).data())
            if n:
                out[model.cell(model.index(row, col))] = n
    return out


def _click_cell(view: RisksView, qtbot, severity: int, likelihood: int) -> None:
    grid = view.heat_map.view
    rect = grid.visualRect(view.heat_map.model.index_of(severity, likelihood))
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _listed(view: RisksView) -> list[str]:
    table = view.table
    return [table.item(r, RISK).text() for r in range(table.rowCount()) if not table.isRowHidden(r)]


def _ctrl_z(view: RisksView, qtbot) -> None:
    focus(qtbot, view.table)
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


# -- adding risks ------------------------------------------------------------------------


def test_two_risks_added_through_the_dialog_fill_their_heat_map_cell(window, qtbot, demo_desk):
    view = _risks_tab(window, WELWYN)
    assert view.empty.isVisible()  # Welwyn Hatfield keeps no register yet
    assert _counts(view) == {}

    with answering_dialog(
        _risk(
            qtbot,
            "Street Wardens' funding ends in March",
            3,
            3,
            owner="Hertfordshire Police SNT",
            review=date(2020, 2, 28),
            action="enforce the PSPO",
        )
    ):
        view.add_button.click()
    with answering_dialog(_risk(qtbot, "Residents stop reporting noise", 3, 3)):
        view.add_button.click()

    saved = _saved(demo_desk, window)
    assert [(r.description, r.severity, r.likelihood, r.owner) for r in saved] == [
        ("Street Wardens' funding ends in March", 3, 3, "Hertfordshire Police SNT"),
        ("Residents stop reporting noise", 3, 3, ""),
    ]
    assert saved[0].review_date == date(2020, 2, 28) and saved[1].review_date is None
    assert len(saved[0].actions) == 1 and "PSPO" in saved[0].actions[0][1]

    assert _cell_text(view, 3, 3) == "2"
    assert _counts(view) == {(3, 3): 2}  # every other cell says 0
    assert _cell_text(view, 5, 5) == "0"
    assert view.table.rowCount() == 2
    row = {
        view.table.horizontalHeaderItem(c).text(): view.table.item(0, c).text()
        for c in range(view.table.columnCount())
    }
    assert (row["Score"], row["Band"], row["Severity"], row["Likelihood"]) == (
        "9",
        "Medium",
        "3 Moderate",
        "3 Possible",
    )
    assert row["Review by"] == "28/02/2020"
    tip = view.heat_map.model.index_of(3, 3).data(Qt.ItemDataRole.ToolTipRole)
    assert "Residents stop reporting noise" in tip and "2 risks" in tip
    name = view.heat_map.model.index_of(3, 3).data(Qt.ItemDataRole.AccessibleTextRole)
    assert name.startswith("Severity 3 (Moderate), likelihood 3 (Possible): score 9, Medium.")


def test_the_dialog_shows_the_score_as_it_changes_and_refuses_an_empty_risk(
    window, qtbot, demo_desk
):
    view = _risks_tab(window, BROXTOWE)
    before = len(_saved(demo_desk, window))

    def answer(dialog: QDialog) -> None:
        score = dialog.findChild(QLabel, "scoreLabel")
        _choose(dialog.findChild(QComboBox, "severityCombo"), 5)
        _choose(dialog.findChild(QComboBox, "likelihoodCombo"), 4)
        assert score.accessibleName() == "Score 20, Very high"
        _choose(dialog.findChild(QComboBox, "likelihoodCombo"), 1)
        assert score.accessibleName() == "Score 5, Medium"
        ok_button(dialog).click()
        assert dialog.isVisible()
        assert dialog.findChild(QLabel, "messageLabel").text() == "Describe the risk."

    with answering_dialog(answer):
        view.add_button.click()
    assert len(_saved(demo_desk, window)) == before
    assert not window.ops.undo_stack.canUndo()


# -- the register and its heat map -----------------------------------------------------------


def test_the_register_lists_the_highest_score_first(window, qtbot):
    view = _risks_tab(window, BROXTOWE)
    scores = [int(view.table.item(r, 0).text()) for r in range(view.table.rowCount())]
    assert scores == sorted(scores, reverse=True) == [20, 12, 9, 8, 6]
    assert view.table.item(0, 1).text() == "Very high"  # the band in words beside its colour
    assert not view.table.item(0, 1).icon().isNull()
    heads = view.heat_map.model
    assert [heads.headerData(r, Qt.Orientation.Vertical) for r in range(5)] == [
        "5 Severe",
        "4 Major",
        "3 Moderate",
        "2 Minor",
        "1 Negligible",
    ]
    assert SEVERITIES == [5, 4, 3, 2, 1]
    assert heads.headerData(4, Qt.Orientation.Horizontal) == "5\nAlmost certain"


def test_choosing_a_cell_lists_only_its_risks(window, qtbot):
    view = _risks_tab(window, BROXTOWE)
    assert len(_listed(view)) == 5
    assert not view.show_all_button.isEnabled()

    _click_cell(view, qtbot, 4, 2)
    assert _listed(view) == [SHARING]
    assert "1 risk at severity 4 (Major), likelihood 2 (Unlikely)" in view.filter_label.text()

    # From the keyboard: up a row is severity 5, where nothing is listed.
    qtbot.keyClick(view.heat_map.view, Qt.Key.Key_Up)
    assert view.heat_map.chosen() == (5, 2)
    assert _listed(view) == []
    qtbot.keyClick(view.heat_map.view, Qt.Key.Key_Escape)
    assert view.heat_map.chosen() is None
    assert len(_listed(view)) == 5

    _click_cell(view, qtbot, 3, 3)
    assert _listed(view) == [TURNOVER]
    view.show_all_button.click()
    assert len(_listed(view)) == 5


def test_an_overdue_review_is_flagged(window, qtbot, demo_desk):
    view = _risks_tab(window, BROXTOWE)
    row = _listed(view).index(TURNOVER)
    view.table.selectRow(row)
    focus(qtbot, view.table)

    def earlier(dialog: QDialog) -> None:
        assert dialog.findChild(QPlainTextEdit, "descriptionEdit").toPlainText() == TURNOVER
        dialog.findChild(QDateEdit, "reviewDateEdit").setDate(QDate(2019, 11, 1))
        ok_button(dialog).click()

    with answering_dialog(earlier):
        qtbot.keyClick(view.table, Qt.Key.Key_Return)

    saved = next(r for r in _saved(demo_desk, window) if r.description == TURNOVER)
    assert saved.review_date == date(2019, 11, 1) and saved.overdue
    row = _listed(view).index(TURNOVER)
    cell = view.table.item(row, REVIEW)
    assert cell.text() == "01/11/2019 – Overdue"
    assert cell.font().weight() == QFont.Weight.Bold
    assert cell.foreground().color() == OVERDUE
    assert not cell.icon().isNull()
    assert view.selected_risk_id() == saved.id  # still on the risk just edited


# -- undo ------------------------------------------------------------------------------------


def test_ctrl_z_takes_back_a_new_risk_and_a_deleted_one(window, qtbot, demo_desk):
    view = _risks_tab(window, BROXTOWE)
    with answering_dialog(_risk(qtbot, "Victim Care's contract is not renewed", 3, 3)):
        view.add_button.click()
    assert _cell_text(view, 3, 3) == "2"
    assert len(_saved(demo_desk, window)) == 6

    _ctrl_z(view, qtbot)
    assert _cell_text(view, 3, 3) == "1"
    assert "Victim Care's contract is not renewed" not in _listed(view)
    assert len(_saved(demo_desk, window)) == 5

    view.table.selectRow(_listed(view).index(SHARING))
    focus(qtbot, view.table)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert SHARING not in [r.description for r in _saved(demo_desk, window)]
    assert _cell_text(view, 4, 2) == "0"

    _ctrl_z(view, qtbot)
    assert SHARING in [r.description for r in _saved(demo_desk, window)]
    assert _cell_text(view, 4, 2) == "1"
    assert SHARING in _listed(view)


def test_the_heat_map_model_passes_the_model_tester(window, qtmodeltester):
    view = _risks_tab(window, BROXTOWE)
    qtmodeltester.check(view.heat_map.model, force_py=True)


# -- the search box of the dialog --------------------------------------------------------------


def test_down_from_the_search_box_goes_into_the_actions_and_up_comes_back(window, qtbot):
    view = _risks_tab(window, BROXTOWE)
    seen: list[str] = []

    def answer(dialog: QDialog) -> None:
        search = dialog.findChild(QLineEdit, "actionsFilter")
        actions = dialog.findChild(QListWidget, "actionsList")
        focus(qtbot, search)
        qtbot.keyClicks(search, "promot")
        shown = [r for r in range(actions.count()) if not actions.item(r).isHidden()]
        assert len(shown) >= 2 and shown[0] > 0  # the first action shown is not the list's first
        qtbot.keyClick(search, Qt.Key.Key_Down)
        assert actions.hasFocus()
        assert actions.currentRow() == shown[0]
        qtbot.keyClick(actions, Qt.Key.Key_Down)  # within the list, Down is the list's own
        assert actions.currentRow() == shown[1]
        qtbot.keyClick(actions, Qt.Key.Key_Space)
        seen.append(dialog.findChild(QLabel, "chosenLabel").text())
        qtbot.keyClick(actions, Qt.Key.Key_Up)
        assert actions.hasFocus() and actions.currentRow() == shown[0]
        qtbot.keyClick(actions, Qt.Key.Key_Up)  # from the first shown, back to the box
        assert search.hasFocus()
        assert search.text() == "promot"
        qtbot.keyClick(search, Qt.Key.Key_Up)  # nothing above the box: it stays
        assert search.hasFocus()
        dialog.reject()

    with answering_dialog(answer):
        view.add_button.click()
    assert seen == ["1 action chosen"]


# -- undo shows the tab the change is on -------------------------------------------------------


def test_undo_and_redo_of_a_risk_or_an_indicator_show_its_tab(window, qtbot):
    from asbdesk.indicator_edits import DeleteIndicator
    from asbdesk.risks import AddRisk, RiskFields

    show_plan(window, BROXTOWE)
    plan = window.current_plan_id()
    assert window.ops.run(AddRisk(plan, RiskFields(TURNOVER + " (again)", 2, 2, "", None)))
    (indicator,) = window.desk.reader.execute(
        "SELECT id FROM indicator WHERE plan_id = ? ORDER BY id LIMIT 1", (plan,)
    ).fetchone()
    assert window.ops.run(DeleteIndicator(plan, indicator))

    for tab, said in (
        (window.indicators, "Undone: Delete indicator"),
        (window.risks, "Undone: Add risk"),
    ):
        window.show_tree()
        undo_key(window, qtbot)
        qtbot.waitUntil(lambda tab=tab: window.tabs.currentWidget() is tab)
        assert window.statusBar().currentMessage() == said
    window.show_tree()
    redo_key(window, qtbot)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.risks)
    assert window.statusBar().currentMessage() == "Redone: Add risk"
