"""The window as a whole: plan settings, the RAG counts in the status bar, and a screen that
is actually drawn."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QSpinBox

from asbdesk.gui.tree_model import Column
from asbdesk.models import Plan
from asbdesk.rag import STATUS_ORDER

from .helpers import (
    BROXTOWE,
    GUI_MARKS,
    WELWYN,
    answering_dialog,
    cancel_button,
    cell,
    ok_button,
    rag_words,
    row_at,
    select_row,
    show_plan,
    source_rows,
    undo_key,
)

pytestmark = GUI_MARKS


# -- plan settings --------------------------------------------------------------------------


def test_renaming_the_levels_renames_them_in_the_editor(welwyn, qtbot, demo_desk):
    select_row(welwyn, row_at(welwyn, "1"))
    assert welwyn.editor.heading.text() == "Commitment 1"
    seen: dict[str, str] = {}

    def rename_levels(dialog: QDialog) -> None:
        levels = dialog.findChild(QLineEdit, "levelsEdit")
        seen["levels"] = levels.text()
        levels.selectAll()
        qtbot.keyClicks(levels, "Priority > Task")
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)

    with answering_dialog(rename_levels):
        welwyn.plan_settings()

    assert seen["levels"] == "Commitment > Objective > Action"
    assert welwyn.editor.heading.text() == "Priority 1"
    assert rag_words(welwyn).startswith("38 tasks:")
    select_row(welwyn, row_at(welwyn, "1", "1.3"))
    assert welwyn.editor.heading.text() == "Task 1.3"  # a two-level plan now: the rest are tasks
    with demo_desk.session() as s:
        plan = s.get(Plan, welwyn.current_plan_id())
        assert list(plan.level_names) == ["Priority", "Task"]

    undo_key(welwyn, qtbot)
    assert welwyn.editor.heading.text() == "Objective 1.3"
    assert rag_words(welwyn).startswith("38 actions:")


def test_an_amber_threshold_above_red_is_refused_in_the_dialog(welwyn, qtbot, demo_desk):
    seen: dict[str, object] = {}

    def bad_thresholds(dialog: QDialog) -> None:
        dialog.findChild(QSpinBox, "amberSpin").setValue(30)
        dialog.findChild(QSpinBox, "redSpin").setValue(10)
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
        seen["open"] = dialog.isVisible()
        seen["message"] = dialog.findChild(QLabel, "messageLabel").text()
        qtbot.mouseClick(cancel_button(dialog), Qt.MouseButton.LeftButton)

    with answering_dialog(bad_thresholds):
        welwyn.plan_settings()

    assert seen["open"] is True
    assert "Amber threshold must be between 0 % and the Red threshold" in seen["message"]
    assert welwyn.ops.undo_stack.count() == 0
    with demo_desk.session() as s:
        plan = s.get(Plan, welwyn.current_plan_id())
        assert (plan.amber_lag, plan.red_lag) == (0.0, 0.2)


# -- the status bar ---------------------------------------------------------------------------


def _counted_from_the_tree(window) -> dict[str, int]:
    """What the Status column shows for the plan's actions (its rows without children)."""
    words = Counter(
        cell(index, Column.STATUS) or "Not set"
        for index in source_rows(window)
        if not window.model.hasChildren(index)
    )
    return {st.word: words.get(st.word, 0) for st in STATUS_ORDER} | {
        "Not set": words.get("Not set", 0)
    }


def test_the_status_bar_counts_welwyn_hatfield_actions_by_status(welwyn):
    # Checked by hand against the demo plan on 15/11/2019.
    assert welwyn.rag_label.accessibleName() == (
        "RAG counts: Red 8, Amber 5, Green 18, Blue 3, Grey 0, Not started 0, Not set 4"
    )
    assert rag_words(welwyn) == (
        "38 actions: Red 8 Amber 5 Green 18 Blue 3 Grey 0 Not started 0 Not set 4"
    )
    assert _counted_from_the_tree(welwyn) == {
        "Red": 8,
        "Amber": 5,
        "Green": 18,
        "Blue": 3,
        "Grey": 0,
        "Not started": 0,
        "Not set": 4,
    }


def test_the_status_bar_follows_the_plan_shown(window):
    for plan, level in ((BROXTOWE, "actions"), (WELWYN, "actions")):
        show_plan(window, plan)
        counts = _counted_from_the_tree(window)
        expected = ", ".join(f"{word} {n}" for word, n in counts.items())
        assert window.rag_label.accessibleName() == f"RAG counts: {expected}"
        total = sum(counts.values())
        assert rag_words(window).startswith(f"{total} {level}: ")
        assert rag_words(window).endswith(" ".join(f"{w} {n}" for w, n in counts.items()))


# -- drawn on screen ---------------------------------------------------------------------------


def test_the_window_is_drawn_at_1366_by_768(welwyn, qtbot):
    qtbot.waitUntil(lambda: welwyn.view.viewport().isVisible())
    image = welwyn.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert (image.width(), image.height()) == (1366, 768)

    pixels = memoryview(image.constBits()).cast("I")
    colours = Counter(pixels)
    most, count = colours.most_common(1)[0]
    assert len(colours) > 50, "the window looks blank"
    assert count < 0.9 * len(pixels), f"{count / len(pixels):.0%} of it is #{most:06x}"
    # The Red chips are painted in the tree and beside the counts in the status bar.
    assert colours[QColor("#FF0000").rgb() & 0xFFFFFFFF] > 50
