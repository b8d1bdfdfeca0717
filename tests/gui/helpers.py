"""What the GUI tests share: finding rows as an officer reads them (by ref), answering the
modal dialogs the window opens, and reading the desk afresh to see what was saved."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QWidget,
)
from sqlalchemy import select

from asbdesk.desk import Desk
from asbdesk.gui.main_window import MainWindow
from asbdesk.gui.tree_model import Column
from asbdesk.models import Node

# Every GUI test drives real widgets, and a Qt warning fails it. The offscreen platform's
# one complaint about size hints is about the platform, not asbdesk, so it alone is let by.
GUI_MARKS = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore(r"^This plugin does not support propagateSizeHints\(\)$"),
]

BROXTOWE, WELWYN = 0, 1  # rows of the plan picker: the demo desk's two plans

Index = QModelIndex | QPersistentModelIndex
RefPath = tuple[str, ...]


# -- the tree as the officer sees it ----------------------------------------------------


def show_plan(window: MainWindow, row: int) -> None:
    window.plan_combo.setCurrentIndex(row)
    assert window.plan_combo.currentIndex() == row


def row_at(window: MainWindow, *refs: str) -> QModelIndex:
    """The shown row reached by refs from the top, as "1", "1.3", "b)"; column 0."""
    model = window.proxy
    parent = QModelIndex()
    for depth, ref in enumerate(refs):
        found = [
            model.index(r, 0, parent)
            for r in range(model.rowCount(parent))
            if model.index(r, 0, parent).data() == ref
        ]
        if len(found) != 1:
            shown = [model.index(r, 0, parent).data() for r in range(model.rowCount(parent))]
            raise LookupError(f"{refs[: depth + 1]} is not one shown row; the rows are {shown}")
        parent = found[0]
    return parent


def cell(index: Index, column: Column) -> str:
    """The text a column shows for the row of `index`."""
    return index.siblingAtColumn(column).data() or ""


def child_titles(index: Index) -> list[str]:
    model = index.model() if index.isValid() else None
    assert model is not None
    return [cell(model.index(r, 0, index), Column.TITLE) for r in range(model.rowCount(index))]


def shown_rows(window: MainWindow) -> list[RefPath]:
    """Every row the filtered tree holds, as ref paths, in plan order."""
    out: list[RefPath] = []

    def walk(parent: QModelIndex, path: RefPath) -> None:
        for r in range(window.proxy.rowCount(parent)):
            index = window.proxy.index(r, 0, parent)
            here = (*path, index.data())
            out.append(here)
            walk(index, here)

    walk(QModelIndex(), ())
    return out


def shown_leaves(window: MainWindow) -> list[RefPath]:
    rows = shown_rows(window)
    return [r for r in rows if not any(o[: len(r)] == r and o != r for o in rows)]


def source_rows(window: MainWindow) -> list[QModelIndex]:
    """Every row of the unfiltered plan (the tree model itself), parents first."""
    out: list[QModelIndex] = []
    stack = [QModelIndex()]
    while stack:
        parent = stack.pop()
        for r in range(window.model.rowCount(parent)):
            index = window.model.index(r, 0, parent)
            out.append(index)
            stack.append(index)
    return out


def node_id(window: MainWindow, index: Index) -> int:
    """The desk's id of the node a shown row stands for."""
    found = window.model.node_id(window.proxy.mapToSource(index))
    assert found is not None
    return found


def click_row(window: MainWindow, qtbot, index: QModelIndex) -> None:
    """Click the row's title, as an officer picks a node in the tree."""
    view = window.view
    target = index.siblingAtColumn(Column.TITLE)
    view.scrollTo(target)
    rect = view.visualRect(target)
    assert rect.isValid(), "the row is not on screen"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def select_row(window: MainWindow, index: QModelIndex) -> None:
    window.view.scrollTo(index)
    window.view.setCurrentIndex(index)
    assert window.view.currentIndex().siblingAtColumn(0) == index.siblingAtColumn(0)


def focus(qtbot, widget: QWidget) -> None:
    """Give `widget` the keyboard focus, its window first: the offscreen platform has no
    window manager to hand activation back to the main window when a dialog closes."""
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window())
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(widget.hasFocus)


def undo_key(window: MainWindow, qtbot) -> None:
    """Ctrl+Z from the tree, as the officer presses it after an edit."""
    focus(qtbot, window.view)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def redo_key(window: MainWindow, qtbot) -> None:
    focus(qtbot, window.view)
    qtbot.keyClick(window.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)


def wait_not_editing(qtbot, view: QAbstractItemView) -> None:
    """An in-place editor commits on Enter through a queued call: wait for it to close."""
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def rag_words(window: MainWindow) -> str:
    """The status bar's RAG counts as plain text, as read on screen."""
    doc = QTextDocument()
    doc.setHtml(window.rag_label.text())
    return " ".join(doc.toPlainText().replace("\u00a0", " ").split())


# -- modal dialogs ----------------------------------------------------------------------


def ok_button(dialog: QWidget) -> QPushButton:
    box = dialog.findChild(QDialogButtonBox, "buttonBox")
    assert box is not None
    button = box.button(QDialogButtonBox.StandardButton.Ok)
    assert button is not None
    return button


def cancel_button(dialog: QWidget) -> QPushButton:
    box = dialog.findChild(QDialogButtonBox, "buttonBox")
    assert box is not None
    button = box.button(QDialogButtonBox.StandardButton.Cancel)
    assert button is not None
    return button


@contextmanager
def answering_dialog(handler: Callable[[QDialog], None]) -> Iterator[list[QDialog]]:
    """Run `handler` on the modal dialog the block opens (it blocks in `exec()`).

    Whatever the handler does or fails at, the dialog is closed afterwards, so a failing
    test never hangs on an open dialog; an exception in the handler fails the test.
    """
    seen: list[QDialog] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog), f"no modal dialog is open ({dialog!r})"
        seen.append(dialog)
        try:
            handler(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(answer)
    timer.start(0)
    try:
        yield seen
    finally:
        timer.stop()
    assert seen, "the dialog did not open"


# -- the desk, read afresh ----------------------------------------------------------------


def saved_fields(desk: Desk, node: int) -> dict[str, object]:
    """The node as the desk file has it now, read in a new session."""
    with desk.session() as s:
        n = s.get(Node, node)
        assert n is not None
        return {
            "title": n.title,
            "ref": n.ref,
            "parent_id": n.parent_id,
            "position": n.position,
            "deleted": n.deleted_at is not None,
            "status": n.status,
            "status_reason": n.status_reason,
            "target_date": n.target_date,
            "officers": [o.name for o in n.officers],
            "milestones": [
                (m.text, m.target_count, m.done_count) for m in n.milestones if m.deleted_at is None
            ],
            "updates": [(u.date, u.period, u.text) for u in n.updates if u.deleted_at is None],
        }


def saved_children(desk: Desk, plan_id: int, parent: int | None) -> list[tuple[int, int]]:
    """(id, position) of a parent's live children in the desk, in position order."""
    with desk.session() as s:
        rows = s.execute(
            select(Node.id, Node.position)
            .where(
                Node.plan_id == plan_id,
                Node.parent_id.is_(None) if parent is None else Node.parent_id == parent,
                Node.deleted_at.is_(None),
            )
            .order_by(Node.position, Node.id)
        ).all()
    return [(r[0], r[1]) for r in rows]


def dense(children: list[tuple[int, int]]) -> bool:
    return [p for _i, p in children] == list(range(len(children)))


def uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")
