"""Starting a new plan in a desk: asked for its title and level names, shown at once."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from asbdesk.gui.tree_model import Column

from .helpers import GUI_MARKS, cell

pytestmark = GUI_MARKS


def test_new_plan_is_shown_ready_for_its_first_item(window, qtbot, monkeypatch):
    answers = iter([("Charnwood ASB Strategy 2009-12", True), ("Key priority > Initiative", True)])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: next(answers)))
    plans = window.plan_combo.count()

    window.new_plan()

    assert window.plan_combo.count() == plans + 1
    assert window.plan_combo.currentText() == "Charnwood ASB Strategy 2009-12"
    assert window.model.rowCount() == 0
    assert window.add_child_action.isEnabled()

    window.add_sibling_action.trigger()  # nothing selected: a first top-level item
    first = window.proxy.index(0, 0)
    assert cell(first, Column.TITLE) == "New key priority"
    assert cell(first, Column.REF) == "1"

    window.undo_action.trigger()  # the item
    window.undo_action.trigger()  # the plan
    assert window.plan_combo.count() == plans
    assert "Charnwood" not in [window.plan_combo.itemText(i) for i in range(plans)]
