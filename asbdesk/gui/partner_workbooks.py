"""The window's side of File ▸ Export to Excel… and File ▸ Take back partner updates…:
open the dialogs on the plan shown, say what was written, and run the take-back through
the window's undo stack as one step ("Take back partner updates").

A returned workbook that cannot be taken back (not an asbdesk export, from another desk,
damaged) gets a message and changes nothing. When the workbook belongs to another plan of
the desk, Apply shows that plan (`MainWindow._show_plan_of`), as an undo there does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from asbdesk import settings
from asbdesk.words import count

if TYPE_CHECKING:
    from asbdesk.gui.main_window import MainWindow
    from asbdesk.gui.takeback_dialog import TakebackDialog
    from asbdesk.xlsx_export import ExportResult

TAKEBACK_FOLDER_KEY = "takeback_folder"  # settings.json: where the last returned file was


def export_to_excel(window: MainWindow) -> None:
    """The export dialog on the plan shown; it writes the workbook, the status bar says what."""
    from asbdesk.gui.export_dialog import ExportDialog

    if window._editor is not None:
        window._editor.commit_pending()  # what is being typed goes in the workbook too
    tree = window.model.tree
    if tree is None:
        window.statusBar().showMessage("There is no plan to export yet.", 8000)
        return
    tree.today = window.model.today
    dialog = ExportDialog(window.desk, tree, window.selected_node_id(), window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.exported.connect(lambda result: _exported(window, result))
    dialog.open()


def _exported(window: MainWindow, result: ExportResult) -> None:
    text = (
        f"Exported {count(result.rows, 'row')} ({count(result.actions, 'action')}, "
        f"{result.scope}) to {result.path}."
    )
    window.statusBar().showMessage(text, 15000)
    if result.warnings:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Export to Excel",
            text + "\n\n" + "\n".join(result.warnings),
            parent=window,
        )
        box.setObjectName("exportWarnings")
        box.open()


def take_back(window: MainWindow) -> None:
    """Choose the workbook a partner returned, then review it."""
    from asbdesk.gui.export_dialog import export_folder

    saved = settings.get(TAKEBACK_FOLDER_KEY)
    start = saved if isinstance(saved, str) and Path(saved).is_dir() else export_folder()
    name, _ = QFileDialog.getOpenFileName(
        window,
        "Take back partner updates",
        str(start),
        "Excel workbooks (*.xlsx);;All files (*)",
    )
    if name:
        take_back_file(window, Path(name))


def take_back_file(window: MainWindow, path: Path) -> None:
    """Read what the returned workbook at `path` changes and show it for review; nothing
    is written before the officer presses Apply."""
    from asbdesk.gui.takeback_dialog import TakebackDialog
    from asbdesk.takeback import TakebackError, read_review

    if window._editor is not None:
        window._editor.commit_pending()  # compared with the desk as the officer left it
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        review = read_review(
            window.desk, path, today=window.model.today, open_plan_id=window.current_plan_id()
        )
    except TakebackError as exc:
        window.ops.show_error(exc)
        return
    except OSError as exc:
        window.ops.show_error(
            TakebackError(f"{path.name} could not be read: {exc.strerror or exc}.")
        )
        return
    finally:
        QApplication.restoreOverrideCursor()
    settings.put(TAKEBACK_FOLDER_KEY, str(path.parent))
    names = [str(n) for (n,) in window.desk.reader.execute("SELECT name FROM partner")]
    names.sort(key=str.casefold)
    refs = cited_refs(window, review.plan_id, {c.node_id for c in review.changes})
    dialog = TakebackDialog(review, names, window.model.today, window, refs=refs)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: _apply(window, dialog))
    dialog.open()


def cited_refs(window: MainWindow, plan_id: int, node_ids: set[int]) -> dict[int, str]:
    """Refs as officers cite them: "2.2 a)" where actions are lettered afresh under each
    objective, "1.3" where the ref holds its parent's already."""
    from asbdesk.plan_tree import PlanTree

    tree = PlanTree.load(window.desk.reader, plan_id, window.model.today)
    out: dict[int, str] = {}
    for node_id in node_ids:
        item = tree.by_id.get(node_id)
        if item is None:
            continue
        parent = item.parent
        above = parent.ref if parent is not None and parent.id != 0 else ""
        cited = item.ref if not above or item.ref.startswith(above) else f"{above} {item.ref}"
        out[node_id] = cited.strip()
    return out


def _apply(window: MainWindow, dialog: TakebackDialog) -> None:
    """The ticked changes, as one undoable step."""
    command = dialog.command()
    review = command.review
    changes = sum(c.accepted for c in review.changes)
    new = sum(n.accepted for n in review.new_actions)
    what = " and ".join(
        [count(changes, "change")] * bool(changes) + [count(new, "new row")] * bool(new)
    )
    if window.ops.run(command):
        status = window.statusBar()
        status.showMessage(
            f"Took back {what} from {review.path.name}, credited to {command.author}. "
            "Edit ▸ Undo takes it back.",
            15000,
        )
        # An undo (or any other step) makes the message stale: it goes with the next.
        window.ops.undo_stack.indexChanged.connect(
            status.clearMessage, Qt.ConnectionType.UniqueConnection
        )
