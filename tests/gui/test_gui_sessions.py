"""Edit ▸ Log a session… (Ctrl+L) and the Sessions tab: the officer types up Tuesday's
Stapleford drop-in from the keyboard alone, it counts towards "20 x Stapleford" and the
plan shows it; undo takes it back; the next form remembers the place and kind; the tab
lists, filters and totals the plan's sessions by financial quarter, and a session edited or
deleted there comes back with Ctrl+Z."""

from __future__ import annotations

import re
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QColor, QImage, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QWidget,
)

from asbdesk import settings
from asbdesk.gui.main_window import MainWindow
from asbdesk.gui.session_form import SessionForm
from asbdesk.gui.sessions_view import SessionsView
from asbdesk.gui.tree_model import Column
from asbdesk.sessions import LogSession, SessionFields

from .helpers import (
    BROXTOWE,
    GUI_MARKS,
    WELWYN,
    cell,
    focus,
    redo_key,
    row_at,
    show_plan,
    undo_key,
)

pytestmark = GUI_MARKS

STAPLEFORD = "20 x Stapleford"

# The names typed into Officer(s) pop up a list to complete from, which raises itself and
# grabs the keyboard: the offscreen platform cannot and says so, about itself, not asbdesk.
POPUP_OFFSCREEN = pytest.mark.qt_log_ignore(
    r"^This plugin does not support propagateSizeHints\(\)$",
    r"^This plugin does not support raise\(\)$",
    r"^This plugin does not support grabbing the keyboard$",
)


# -- the officer's steps ----------------------------------------------------------------


def _open_form(window: MainWindow, qtbot, where: QWidget | None = None) -> SessionForm:
    """Ctrl+L, wherever the focus is in the window."""
    focus(qtbot, where or window.view)
    qtbot.keyClick(where or window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    return _shown_form(window, qtbot)


def _shown_form(window: MainWindow, qtbot) -> SessionForm:
    found = [f for f in window.findChildren(SessionForm) if f.isVisible()]
    assert len(found) == 1, f"{len(found)} session forms shown"
    form = found[0]
    qtbot.waitExposed(form)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    return form


def _key(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed where the focus is, as on a real keyboard."""
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, key, modifier)


def _type(qtbot, text: str) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClicks(widget, text)


def _tab_to(qtbot, form: SessionForm, target: QWidget) -> None:
    """Tab on from the field with the focus, and arrive at `target`."""
    _key(qtbot, Qt.Key.Key_Tab)
    assert _owner(QApplication.focusWidget()) is target, QApplication.focusWidget()


def _owner(widget: QWidget | None) -> QWidget | None:
    """The box a focused inner line edit belongs to (an editable combo's, a spin box's)."""
    while widget is not None and isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
        widget = widget.parent()
    return widget


def _down_to(qtbot, combo: QComboBox, text: str) -> None:
    """Down arrow until the box shows `text`, as an officer steps through a list."""
    for _ in range(combo.count()):
        if text in combo.currentText():
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{text!r} is not offered in {combo.objectName()}")


def _milestone(window: MainWindow, text: str) -> tuple[int, int]:
    ms_id, done = window.desk.reader.execute(
        "SELECT m.id, m.done_count FROM milestone m JOIN node n ON n.id = m.node_id"
        " WHERE n.plan_id = ? AND m.text = ? AND m.deleted_at IS NULL",
        (window.current_plan_id(), text),
    ).fetchone()
    return int(ms_id), int(done)


def _sessions(window: MainWindow, place: str) -> list[tuple]:
    return window.desk.reader.execute(
        "SELECT date, kind, contacts, categories, notes, milestone_id, deleted_at"
        " FROM field_session WHERE place = ? ORDER BY id",
        (place,),
    ).fetchall()


def _log(window: MainWindow, on: date, place: str, **kw) -> None:
    plan = window.current_plan_id()
    assert plan is not None
    assert window.ops.run(LogSession(plan, SessionFields(on=on, place=place, **kw)))


def _show_tab(window: MainWindow, qtbot) -> SessionsView:
    qtbot.keyClick(
        window,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.tabs.currentWidget() is window.sessions
    return window.sessions


def _list(view: SessionsView) -> list[tuple[str, ...]]:
    model = view.model
    return [
        tuple(model.index(r, c).data() for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def _totals(view: SessionsView) -> dict[str, list[str]]:
    """The totals by quarter as read on screen: the header, and each row by its name."""
    t = view.totals
    rows = {"": [t.headerItem().text(c) for c in range(1, t.columnCount())]}
    for r in range(t.topLevelItemCount()):
        item = t.topLevelItem(r)
        rows[item.text(0)] = [item.text(c) for c in range(1, t.columnCount())]
    return rows


def _labels_and_buttons(root: QWidget) -> list[QLabel | QAbstractButton]:
    """What can carry an Alt letter (not the rich text of the RAG counts, whose &nbsp; is
    none)."""
    plain = [w for w in root.findChildren(QLabel) if w.textFormat() != Qt.TextFormat.RichText]
    return [*plain, *root.findChildren(QAbstractButton)]


def _choose(combo: QComboBox, text: str) -> None:
    i = combo.findText(text)
    assert i >= 0, f"{text!r} not in {[combo.itemText(j) for j in range(combo.count())]}"
    combo.setCurrentIndex(i)


# -- logging from the keyboard --------------------------------------------------------------


@POPUP_OFFSCREEN
def test_a_drop_in_is_logged_from_the_keyboard_alone_and_undone(window, qtbot):
    show_plan(window, BROXTOWE)
    action_row = row_at(window, "1", "1.1")
    delivered_before = cell(action_row, Column.DELIVERED)
    ms_id, done = _milestone(window, STAPLEFORD)
    assert done == 10
    logged_before = len(_sessions(window, "Stapleford"))

    form = _open_form(window, qtbot, where=window.filter_bar.search)  # typing a search
    assert form.date_edit.hasFocus()
    assert form.date_edit.date() == QDate(2019, 11, 15)  # the window's today
    _type(qtbot, "12/11/2019")
    _tab_to(qtbot, form, form.place_combo)
    _type(qtbot, "Stapleford")
    _tab_to(qtbot, form, form.kind_combo)
    _type(qtbot, "d")
    assert form.kind_combo.currentText() == "Drop-in"
    _tab_to(qtbot, form, form.officers_edit)
    _type(qtbot, "Communities Officer; PCSO Bailey")
    _tab_to(qtbot, form, form.partners_edit)
    _type(qtbot, "Nottinghamshire Police")
    _tab_to(qtbot, form, form.contacts_spin)
    _type(qtbot, "14")
    _tab_to(qtbot, form, form.milestone_combo)
    _down_to(qtbot, form.milestone_combo, STAPLEFORD)
    assert "(10 of 20 done)" in form.milestone_combo.currentText()
    _tab_to(qtbot, form, form.notes_edit)
    _type(qtbot, "Parking on the estate raised by three residents")
    _tab_to(qtbot, form, form.follow_ups_edit)
    _tab_to(qtbot, form, form.categories)
    for _ in range(10):  # down the list to Noise, the first of the second group
        if form.categories.currentItem().text(0) == "Noise":
            break
        _key(qtbot, Qt.Key.Key_Down)
    _key(qtbot, Qt.Key.Key_Space)
    assert form.categories.currentItem().checkState(0) == Qt.CheckState.Checked
    # Back to a one-line field by its Alt letter, and Enter saves.
    _key(qtbot, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    assert _owner(QApplication.focusWidget()) is form.contacts_spin
    _key(qtbot, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: not form.isVisible())
    saved = _sessions(window, "Stapleford")
    assert len(saved) == logged_before + 1
    on, kind, contacts, categories, notes, milestone, deleted = saved[-1]
    assert (on, kind, contacts, milestone, deleted) == ("2019-11-12", "drop-in", 14, ms_id, None)
    assert categories == '["Noise"]'
    assert notes == "Parking on the estate raised by three residents"
    assert _milestone(window, STAPLEFORD)[1] == 11
    # The plan tree follows: 1.1's delivered share grew (20 of 40 where it was 19).
    assert cell(row_at(window, "1", "1.1"), Column.DELIVERED) != delivered_before
    assert cell(row_at(window, "1", "1.1"), Column.DELIVERED) == "50%"
    assert "12/11/2019 Drop-in at Stapleford, 14 contacts" in window.statusBar().currentMessage()
    assert window.undo_action.text() == "&Undo Log session"

    undo_key(window, qtbot)
    assert _milestone(window, STAPLEFORD)[1] == 10
    assert _sessions(window, "Stapleford")[-1][-1] is not None  # deleted again
    assert cell(row_at(window, "1", "1.1"), Column.DELIVERED) == delivered_before


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("06/11/2018", QDate(2018, 11, 6)), ("1/4/2018", QDate(2018, 4, 1))]
    + [("31.3.2019", QDate(2019, 3, 31)), ("06112018", QDate(2018, 11, 6))],
)
def test_a_date_typed_with_slashes_keeps_its_year(window, qtbot, typed, expected):
    """Qt moves to the month by itself after "06" (or "6"): the "/" typed next must not
    move it on again, or the month goes into the year and the year typed is lost."""
    show_plan(window, BROXTOWE)
    form = _open_form(window, qtbot)
    assert form.date_edit.hasFocus()
    _type(qtbot, typed)
    assert form.date_edit.date() == expected
    form.reject()


def test_the_last_place_kind_and_officers_are_offered_next_time(window, qtbot):
    show_plan(window, BROXTOWE)
    form = _open_form(window, qtbot)
    form.place_combo.setEditText("Kimberley")
    _choose(form.kind_combo, "Patrol")
    form.officers_edit.setText("Neighbourhood Wardens")
    assert form.save()
    assert settings.last_session() == ("Kimberley", "patrol", ["Neighbourhood Wardens"])

    again = _open_form(window, qtbot)
    assert again.place_combo.currentText() == "Kimberley"
    assert again.kind_combo.currentText() == "Patrol"
    assert again.officers_edit.text() == "Neighbourhood Wardens"
    assert again.date_edit.date() == QDate(2019, 11, 15)
    assert again.contacts_spin.value() == 0
    assert again.milestone_combo.currentText() == "None"
    again.reject()


def test_save_and_log_another_keeps_the_day_and_place(window, qtbot):
    show_plan(window, BROXTOWE)
    before = _milestone(window, STAPLEFORD)[1]
    form = _open_form(window, qtbot)
    form.date_edit.setDate(QDate(2019, 11, 5))
    form.place_combo.setEditText("Stapleford")
    form.officers_edit.setText("Communities Officer")
    form.partners_edit.setText("Nottinghamshire Police")
    form.contacts_spin.setValue(6)
    _down_to(qtbot, form.milestone_combo, STAPLEFORD)
    assert form.another_button is not None
    form.another_button.click()

    assert form.isVisible()
    assert _milestone(window, STAPLEFORD)[1] == before + 1
    assert form.date_edit.date() == QDate(2019, 11, 5)
    assert form.place_combo.currentText() == "Stapleford"
    assert form.officers_edit.text() == "Communities Officer"
    assert (form.partners_edit.text(), form.contacts_spin.value()) == ("", 0)
    assert f"{STAPLEFORD} (11 of 20 done)" in form.milestone_combo.currentText()
    assert "Logged: 05/11/2019 Drop-in at Stapleford" in form.message.text()
    assert form.date_edit.hasFocus()
    _key(qtbot, Qt.Key.Key_Escape)  # Esc closes the form; the one saved stays
    qtbot.waitUntil(lambda: not form.isVisible())
    assert _milestone(window, STAPLEFORD)[1] == before + 1


def test_a_session_without_a_place_is_refused_at_the_form(window, qtbot):
    show_plan(window, BROXTOWE)
    count_before = window.desk.reader.execute("SELECT count(*) FROM field_session").fetchone()
    form = _open_form(window, qtbot)
    form.place_combo.setEditText("   ")
    form.contacts_spin.setFocus()
    _key(qtbot, Qt.Key.Key_Enter)
    assert form.isVisible()
    assert form.message.text().startswith("Say where the session was")
    assert form.message.isVisible()
    assert _owner(QApplication.focusWidget()) is form.place_combo
    now = window.desk.reader.execute("SELECT count(*) FROM field_session").fetchone()
    assert now == count_before
    assert not window.ops.undo_stack.canUndo()
    form.reject()


def test_the_form_is_named_and_ordered_for_the_keyboard(window, qtbot):
    action = next(a for a in window.findChildren(QAction) if a.text() == "&Log a session…")
    assert action.shortcut() == QKeySequence("Ctrl+L")
    others = [a for a in window.findChildren(QAction) if a is not action]
    assert not [a.text() for a in others if QKeySequence("Ctrl+L") in a.shortcuts()]

    form = _open_form(window, qtbot)
    texts = [w.text() for w in _labels_and_buttons(form) if w.isVisible()]
    letters = [m.group(1).lower() for t in texts if (m := re.search(r"&([^&])", t))]
    assert len(letters) == len(set(letters)), sorted(letters)
    fields = [
        w
        for w in form.findChildren(QWidget)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.isVisible()
        and not isinstance(w.parent(), (QComboBox, QAbstractSpinBox))
        and not isinstance(w, QAbstractButton)
        and w.objectName() != "qt_scrollarea_viewport"
    ]
    assert [w.objectName() for w in fields if not w.accessibleName()] == []
    for label in form.findChildren(QLabel):
        if "&" in label.text():
            assert label.buddy() is not None, label.text()
    names = []
    form.date_edit.setFocus()
    while not names or _owner(QApplication.focusWidget()) is not form.date_edit:
        names.append(_owner(QApplication.focusWidget()).objectName())
        _key(qtbot, Qt.Key.Key_Tab)
        assert len(names) < 30, names
    assert names == [
        "dateEdit",
        "placeCombo",
        "kindCombo",
        "officersEdit",
        "partnersEdit",
        "contactsSpin",
        "milestoneCombo",
        "notesEdit",
        "followUpsEdit",
        "categoriesTree",
        "saveButton",
        "anotherButton",
        "cancelButton",
    ]
    form.reject()


@POPUP_OFFSCREEN
def test_officers_complete_name_by_name(window, qtbot):
    show_plan(window, BROXTOWE)
    form = _open_form(window, qtbot)
    focus(qtbot, form.officers_edit)
    form.officers_edit.clear()
    _type(qtbot, "Communities Officer; ASB Enf")
    popup = form.officers_edit.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert form.officers_edit.text() == "Communities Officer; ASB Enforcement Officer"
    assert form.isVisible()  # Return took the name; the next one saves
    form.reject()


# -- the Sessions tab --------------------------------------------------------------------------


def test_the_tab_filters_and_totals_across_the_financial_year_end(welwyn, qtbot, qtmodeltester):
    view = _show_tab(welwyn, qtbot)
    assert view.model.rowCount() == 0
    assert view.summary.text().startswith("No sessions logged for this plan yet")
    _log(welwyn, date(2019, 3, 31), "Hatfield town centre", contacts=5, categories=("Noise",))
    _log(
        welwyn,
        date(2019, 4, 1),
        "Welwyn Garden City",
        kind="patrol",
        officers=("ASB Team Leader",),
        contacts=7,
        categories=("Noise", "Street drinking"),
    )
    _log(welwyn, date(2019, 4, 2), "Hatfield town centre", contacts=2, partners=("Herts Police",))
    # Logged while the tab is on screen: it has read them already.
    assert [r[:3] for r in _list(view)] == [
        ("02/04/2019", "Drop-in", "Hatfield town centre"),
        ("01/04/2019", "Patrol", "Welwyn Garden City"),
        ("31/03/2019", "Drop-in", "Hatfield town centre"),
    ]
    # Categories in the typology's order: misuse of public space before disregard.
    assert _list(view)[1][3:7] == ("ASB Team Leader", "", "7", "Street drinking, Noise")
    qtmodeltester.check(view.model)
    periods = [view.period_filter.itemText(i) for i in range(view.period_filter.count())]
    assert periods == ["All", "2019/20", "Q1 2019/20", "2018/19", "Q4 2018/19"]
    assert _totals(view) == {
        "": ["Q4 2018/19", "Q1 2019/20", "Total"],
        "Sessions": ["1", "2", "3"],
        "Contacts": ["5", "9", "14"],
        "Noise": ["1", "1", "2"],
        "Street drinking": ["", "1", "1"],
    }
    assert view.summary.text() == "3 sessions, 14 contacts."

    _choose(view.period_filter, "Q4 2018/19")
    assert [r[0] for r in _list(view)] == ["31/03/2019"]
    assert _totals(view)["Sessions"] == ["1", "1"]
    _choose(view.period_filter, "2019/20")
    assert [r[0] for r in _list(view)] == ["02/04/2019", "01/04/2019"]
    assert _totals(view) == {
        "": ["Q1 2019/20", "Total"],
        "Sessions": ["2", "2"],
        "Contacts": ["9", "9"],
        "Noise": ["1", "1"],
        "Street drinking": ["1", "1"],
    }
    assert view.summary.text() == "2 sessions of 3, 9 contacts."
    _choose(view.place_filter, "Hatfield town centre")
    assert [r[0] for r in _list(view)] == ["02/04/2019"]
    _choose(view.period_filter, "All")
    _choose(view.kind_filter, "Patrol")
    assert _list(view) == []
    assert view.summary.text() == "No session matches the filters (of 3)."
    view.clear_button.click()
    _choose(view.officer_filter, "ASB Team Leader")
    assert [r[2] for r in _list(view)] == ["Welwyn Garden City"]
    assert _totals(view)["Contacts"] == ["7", "7"]

    # Another plan has its own sessions; the filters start again there.
    show_plan(welwyn, BROXTOWE)
    assert view.officer_filter.currentText() == "Anyone"
    assert "Welwyn Garden City" not in [r[2] for r in _list(view)]
    assert view.model.rowCount() > 0  # the demo's drop-ins


def test_edit_and_delete_from_the_list_are_undoable(window, qtbot):
    show_plan(window, BROXTOWE)
    view = _show_tab(window, qtbot)
    _choose(view.place_filter, "Stapleford")
    _log(window, date(2019, 11, 12), "Stapleford", contacts=3, milestone_id=None)
    top = _list(view)[0]
    assert top[:3] == ("12/11/2019", "Drop-in", "Stapleford") and top[7] == ""
    done = _milestone(window, STAPLEFORD)[1]

    # Enter on the row opens it; it now counts towards Stapleford, with 9 contacts.
    view.select(view.model.rows[0].id)
    focus(qtbot, view.table)
    _key(qtbot, Qt.Key.Key_Return)
    form = _shown_form(window, qtbot)
    assert form.windowTitle() == "Edit session" and form.another_button is None
    assert form.contacts_spin.value() == 3
    form.contacts_spin.setValue(9)
    _down_to(qtbot, form.milestone_combo, STAPLEFORD)
    form.save_button.click()
    qtbot.waitUntil(lambda: not form.isVisible())
    assert _list(view)[0][5] == "9"
    assert _list(view)[0][7].endswith(STAPLEFORD)
    assert _milestone(window, STAPLEFORD)[1] == done + 1
    undo_key(window, qtbot)
    assert _list(view)[0][5] == "3"
    assert _milestone(window, STAPLEFORD)[1] == done

    # Delete, on a session that counts: it goes, and its one with it; undo brings both.
    rows = view.model.rowCount()
    counted = next(r for r in view.model.rows if r.milestone.endswith(STAPLEFORD))
    view.select(counted.id)
    focus(qtbot, view.table)
    _key(qtbot, Qt.Key.Key_Delete)
    assert view.model.rowCount() == rows - 1
    assert counted.id not in [r.id for r in view.model.rows]
    assert _milestone(window, STAPLEFORD)[1] == done - 1
    assert "Ctrl+Z brings it back" in window.statusBar().currentMessage()
    undo_key(window, qtbot)
    assert view.model.rowCount() == rows
    assert _milestone(window, STAPLEFORD)[1] == done


def test_undo_of_a_session_in_another_plan_shows_that_plan(window, qtbot):
    show_plan(window, WELWYN)
    _log(window, date(2019, 11, 1), "Hatfield market")
    show_plan(window, BROXTOWE)
    undo_key(window, qtbot)
    assert window.plan_combo.currentIndex() == WELWYN
    assert _sessions(window, "Hatfield market")[0][-1] is not None


def test_on_the_sessions_tab_the_tree_keys_do_nothing(window, qtbot):
    show_plan(window, BROXTOWE)
    rows = window.model.rowCount()
    view = _show_tab(window, qtbot)
    assert view.table.hasFocus()
    assert not window.add_sibling_action.isEnabled()
    texts = [w.text() for w in _labels_and_buttons(window) if w.isVisibleTo(window)]
    letters = [m.group(1).lower() for t in texts if (m := re.search(r"&([^&])", t))]
    assert len(letters) == len(set(letters)), sorted(letters)
    assert not {"f", "e", "v", "h"} & set(letters), "a field takes a menu's letter"
    view.table.clearSelection()
    view.table.setCurrentIndex(view.model.index(-1, -1))
    qtbot.keyClick(view.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.model.rowCount() == rows
    assert not window.ops.undo_stack.canUndo()


def test_a_session_whose_milestone_went_keeps_it_until_the_officer_chooses(window, qtbot):
    """Editing the contacts of a session whose milestone was deleted since must not quietly
    take it off the milestone: the form shows it and asks for another choice."""
    from asbdesk.commands import DeleteMilestone

    show_plan(window, BROXTOWE)
    ms_id, _done = _milestone(window, STAPLEFORD)
    _log(window, date(2019, 11, 12), "Stapleford", contacts=3, milestone_id=ms_id)
    (node,) = window.desk.reader.execute(
        "SELECT node_id FROM milestone WHERE id = ?", (ms_id,)
    ).fetchone()
    assert window.ops.run(DeleteMilestone(node, ms_id))
    view = _show_tab(window, qtbot)
    view.select(view.model.rows[0].id)
    view.edit_current()
    form = _shown_form(window, qtbot)
    assert form.milestone_combo.currentText().endswith("(no longer countable)")
    form.contacts_spin.setValue(4)
    form.save_button.click()
    assert form.isVisible()
    assert "no longer in the plan" in form.message.text()
    assert form.milestone_combo.hasFocus()
    _choose(form.milestone_combo, "None")
    form.save_button.click()
    qtbot.waitUntil(lambda: not form.isVisible())
    assert _list(view)[0][5] == "4" and _list(view)[0][7] == ""


# -- the session just saved is the one seen ---------------------------------------------------


def _shown_current(view: SessionsView, day: str, place: str) -> None:
    """The tab's current row is that session, selected and scrolled into view."""
    index = view.table.currentIndex()
    assert index.isValid()
    shown = _list(view)[index.row()]
    assert (shown[0], shown[2]) == (day, place)
    assert view.table.selectionModel().isRowSelected(index.row())
    viewport = view.table.viewport().rect()
    assert viewport.contains(view.table.visualRect(index).center()), "not scrolled to"


@POPUP_OFFSCREEN
def test_a_session_just_logged_or_edited_is_selected_and_scrolled_to(window, qtbot):
    show_plan(window, BROXTOWE)
    for day in range(1, 29):  # more than the tab shows at once
        _log(window, date(2019, 10, day), "Eastwood", contacts=1)
    view = _show_tab(window, qtbot)
    view.select(view.model.rows[0].id)  # the newest, at the top

    # Ctrl+L on the tab: an old session goes to the foot of the list, and is shown there.
    form = _open_form(window, qtbot, where=view.table)
    form.date_edit.setDate(QDate(2017, 5, 3))
    form.place_combo.setEditText("Chilwell Olympia")
    form.save_button.click()
    qtbot.waitUntil(lambda: not form.isVisible())
    _shown_current(view, "03/05/2017", "Chilwell Olympia")

    # Ctrl+L from the plan, with the tab filtered to Eastwood: the officer stays on the
    # plan; the tab, when next shown, shows the new session, the filter cleared for it.
    _choose(view.place_filter, "Eastwood")
    view.select(view.model.rows[0].id)
    window.show_tree()
    form = _open_form(window, qtbot)
    form.date_edit.setDate(QDate(2017, 6, 1))
    form.place_combo.setEditText("Bramcote")
    form.save_button.click()
    qtbot.waitUntil(lambda: not form.isVisible())
    QApplication.processEvents()
    assert window.tabs.currentWidget() is window.splitter
    window.activateWindow()  # (the offscreen platform does not give it back by itself)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    view = _show_tab(window, qtbot)
    assert view.place_filter.currentText() == "Any place"
    _shown_current(view, "01/06/2017", "Bramcote")

    # Edited from the top of the list to a date that moves it to the foot: followed there.
    newest = view.model.rows[0]
    view.select(newest.id)
    view.table.scrollToTop()
    focus(qtbot, view.table)
    _key(qtbot, Qt.Key.Key_Return)
    form = _shown_form(window, qtbot)
    form.date_edit.setDate(QDate(2016, 9, 9))
    form.save_button.click()
    qtbot.waitUntil(lambda: not form.isVisible())
    _shown_current(view, "09/09/2016", newest.place)


def test_undo_and_redo_of_a_session_show_the_sessions_tab(window, qtbot):
    show_plan(window, BROXTOWE)
    _log(window, date(2019, 11, 12), "Chilwell Olympia")
    QApplication.processEvents()
    assert window.tabs.currentWidget() is window.splitter  # an edit leaves the plan shown

    undo_key(window, qtbot)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.sessions)
    assert window.statusBar().currentMessage() == "Undone: Log session"
    assert "Chilwell Olympia" not in [row[2] for row in _list(window.sessions)]

    window.show_tree()
    redo_key(window, qtbot)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.sessions)
    assert window.statusBar().currentMessage() == "Redone: Log session"
    _shown_current(window.sessions, "12/11/2019", "Chilwell Olympia")


def _strong(image: QImage, points: list[tuple[int, int]], base: QColor) -> int:
    """How many of the points (in the widget's pixels) stand out from the background."""
    ratio = image.devicePixelRatio()
    out = 0
    for x, y in points:
        c = image.pixelColor(int(x * ratio), int(y * ratio))
        pairs = ((c.red(), base.red()), (c.green(), base.green()), (c.blue(), base.blue()))
        out += sum((a - b) ** 2 for a, b in pairs) ** 0.5 > 120
    return out


def test_the_category_under_the_keyboard_is_outlined_where_it_is_seen(window, qtbot):
    """The categories are tick boxes, never selected: while the list has the focus, the
    one Space would tick is outlined strongly enough to find at a glance."""
    form = _open_form(window, qtbot)
    tree = form.categories
    item = form._category_items()[2]
    tree.setCurrentItem(item)
    focus(qtbot, tree)
    rect = tree.visualItemRect(item)
    # Beyond the words, where nothing but an outline is drawn: the row's top and foot.
    start = rect.left() + tree.fontMetrics().horizontalAdvance(item.text(0)) + 40
    edges = [
        (x, y) for x in range(start, rect.right() - 4) for y in (rect.top() + 1, rect.bottom() - 1)
    ]
    base = tree.palette().color(QPalette.ColorRole.Base)
    assert _strong(tree.viewport().grab().toImage(), edges, base) >= 0.9 * len(edges)

    focus(qtbot, form.notes_edit)  # not while the focus is elsewhere
    assert _strong(tree.viewport().grab().toImage(), edges, base) == 0
    form.reject()
