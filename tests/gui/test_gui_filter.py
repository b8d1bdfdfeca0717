"""An officer narrows the plan: by words, status, a person or partner, overdue, or due this
quarter. A match keeps its ancestors shown, so it is seen in its place; Clear shows all."""

from __future__ import annotations

from PySide6.QtCore import Qt

from asbdesk.gui.tree_model import Column

from .helpers import (
    GUI_MARKS,
    cell,
    row_at,
    select_row,
    shown_leaves,
    shown_rows,
    source_rows,
)

pytestmark = GUI_MARKS


def _type_search(window, qtbot, text: str) -> None:
    """Type into the search box and wait for the pause after typing to filter."""
    with qtbot.waitSignal(window.filter_bar.changed, timeout=2000):
        qtbot.keyClicks(window.filter_bar.search, text)


def _everything(window) -> int:
    return len(source_rows(window))


def test_typing_a_word_shows_the_matches_in_their_place(welwyn, qtbot):
    everything = _everything(welwyn)
    assert len(shown_rows(welwyn)) == everything

    _type_search(welwyn, qtbot, "noise")

    assert shown_rows(welwyn) == [("1",), ("1", "1.3"), ("1", "1.3", "b)")]
    assert welwyn.view.isExpanded(row_at(welwyn, "1", "1.3"))  # the match is on screen
    assert welwyn.statusBar().currentMessage() == "Filter: 3 items shown"


def test_enter_filters_at_once_and_the_search_ignores_case(welwyn, qtbot):
    search = welwyn.filter_bar.search
    qtbot.keyClicks(search, "BLOOMING")
    qtbot.keyClick(search, Qt.Key.Key_Return)  # no waiting for the pause
    assert shown_rows(welwyn) == [("6",), ("6", "6.3"), ("6", "6.3", "a)")]


def test_search_matches_leads_and_partners_too(welwyn, qtbot):
    _type_search(welwyn, qtbot, "mediation uk")  # a partner, in no title
    assert shown_leaves(welwyn) == [("2", "2.1", "a)")]


def test_status_red_shows_the_red_actions(welwyn, qtbot):
    red = [
        index
        for index in source_rows(welwyn)
        if not welwyn.model.hasChildren(index) and cell(index, Column.STATUS) == "Red"
    ]
    assert len(red) == 8  # as the status bar counts them
    status = welwyn.filter_bar.status

    status.setCurrentIndex(status.findText("Red"))

    leaves = shown_leaves(welwyn)
    assert len(leaves) == 8
    assert leaves == [
        ("1", "1.4", "a)"),
        ("1", "1.4", "b)"),
        ("4", "4.2", "a)"),
        ("4", "4.2", "b)"),
        ("6", "6.3", "a)"),
        ("6", "6.3", "b)"),
        ("6", "6.3", "c)"),
        ("6", "6.3", "d)"),
    ]
    for path in shown_rows(welwyn):
        assert cell(row_at(welwyn, *path), Column.STATUS) == "Red", path


def test_a_person_or_partner_shows_their_part_of_the_plan(welwyn, qtbot):
    person = welwyn.filter_bar.person
    assert person.findText("Street Wardens") > 0
    assert person.findText("Mediation UK") > 0  # partners are offered too

    person.setCurrentIndex(person.findText("Street Wardens"))
    assert shown_rows(welwyn) == [
        ("4",),
        ("4", "4.1"),
        ("4", "4.1", "a)"),
        ("4", "4.1", "b)"),
        ("4", "4.1", "c)"),
    ]

    person.setCurrentIndex(person.findText("Mediation UK"))
    assert shown_rows(welwyn) == [("2",), ("2", "2.1"), ("2", "2.1", "a)")]


def test_overdue_shows_unfinished_actions_past_their_target(welwyn, qtbot):
    # On 15/11/2019: 1.1 a) and c) were due 31/03/2019, 1.1 b) and 4.2 a) 31/01/2019;
    # 2.1 a) was due 31/03/2019 too but is Blue, complete.
    qtbot.mouseClick(welwyn.filter_bar.overdue, Qt.MouseButton.LeftButton)
    assert welwyn.filter_bar.overdue.isChecked()

    assert shown_leaves(welwyn) == [
        ("1", "1.1", "a)"),
        ("1", "1.1", "b)"),
        ("1", "1.1", "c)"),
        ("4", "4.2", "a)"),
    ]
    for path in shown_leaves(welwyn):
        assert cell(row_at(welwyn, *path), Column.TARGET) in ("31/01/2019", "31/03/2019")


def test_due_this_quarter(welwyn, qtbot):
    # No Welwyn action falls due in October to December 2019, so give two a target date.
    for refs, day in ((("1", "1.4", "b)"), "20/12/2019"), (("1", "1.4", "a)"), "15/01/2020")):
        select_row(welwyn, row_at(welwyn, *refs))
        edit = welwyn.editor.target_edit
        edit.setFocus()
        edit.selectAll()
        qtbot.keyClicks(edit, day)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        assert cell(row_at(welwyn, *refs), Column.TARGET) == day

    qtbot.mouseClick(welwyn.filter_bar.due_quarter, Qt.MouseButton.LeftButton)

    assert shown_leaves(welwyn) == [("1", "1.4", "b)")]


def test_filters_combine_and_clear_shows_everything(welwyn, qtbot):
    everything = _everything(welwyn)
    _type_search(welwyn, qtbot, "policy")
    by_word = shown_rows(welwyn)
    assert ("1", "1.1", "a)") in by_word and ("5", "5.1") in by_word
    status = welwyn.filter_bar.status
    status.setCurrentIndex(status.findText("Blue"))
    assert shown_leaves(welwyn) == [("5", "5.1", "a)"), ("5", "5.1", "b)")]

    qtbot.mouseClick(welwyn.filter_bar.clear_button, Qt.MouseButton.LeftButton)

    assert welwyn.filter_bar.search.text() == ""
    assert status.currentText() == "Any status"
    assert len(shown_rows(welwyn)) == everything
    assert welwyn.statusBar().currentMessage() == ""


def test_nothing_matches(welwyn, qtbot):
    _type_search(welwyn, qtbot, "zebra crossing")
    assert shown_rows(welwyn) == []
    assert welwyn.statusBar().currentMessage() == "Filter: 0 items shown"


def test_a_newly_named_lead_can_be_picked_in_the_person_filter(welwyn, qtbot):
    select_row(welwyn, row_at(welwyn, "1", "1.4", "b)"))
    lead = welwyn.editor.lead_edit
    lead.setFocus()
    lead.selectAll()
    qtbot.keyClicks(lead, "Anna Patel; ASB Team")
    qtbot.keyClick(lead, Qt.Key.Key_Return)
    assert cell(row_at(welwyn, "1", "1.4", "b)"), Column.LEAD) == "Anna Patel; ASB Team"

    person = welwyn.filter_bar.person
    assert person.findText("Anna Patel") > 0
    person.setCurrentIndex(person.findText("Anna Patel"))
    assert shown_rows(welwyn) == [("1",), ("1", "1.4"), ("1", "1.4", "b)")]
