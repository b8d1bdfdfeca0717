"""The window's menus, toolbar and keyboard shortcuts, all in one place.

Keys that change the plan act only while the tree has the focus (`in_tree`), so Alt+Down
in a list box or Delete in a text box never moves or deletes an item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QToolBar

if TYPE_CHECKING:
    from asbdesk.gui.main_window import MainWindow


def _action(
    window: MainWindow,
    menu: QMenu,
    text: str,
    slot: Callable[[], object],
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    tip: str = "",
    *,
    in_tree: bool = False,
    writes: bool = False,
) -> QAction:
    """A menu action; `in_tree` keys act only while the tree has the focus, so Alt+Down
    in a list box or Delete in a text box never changes the plan. `writes`: it changes
    the desk, so it is off while the desk is read-only."""
    action = QAction(text, window)
    if writes:
        window._write_actions.append(action)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(
            f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        )
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    if in_tree:
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        window.view.addAction(action)
    else:
        window.addAction(action)
    return action


def build_menus(window: MainWindow) -> None:
    """The menu bar, the toolbar and every keyboard shortcut of the window."""
    bar = window.menuBar()
    m = bar.addMenu("&File")
    _action(
        window,
        m,
        "&New desk…",
        window.new_desk,
        QKeySequence.StandardKey.New,
        "Start an empty desk file",
    )
    _action(
        window,
        m,
        "&Open desk…",
        window.open_desk,
        QKeySequence.StandardKey.Open,
        "Open a desk file",
    )
    window.recent_menu = m.addMenu("&Recent desks")
    window.recent_menu.aboutToShow.connect(window._fill_recent)
    _action(window, m, "Open the &demo desk", window.demo_requested.emit)
    _action(
        window,
        m,
        "Save a &copy as…",
        window.save_copy,
        "Ctrl+Shift+S",
        "Copy the whole desk to another file",
    )
    _action(
        window,
        m,
        "Restore from &backup…",
        window.restore_from_backup,
        None,
        "Bring back this desk as it was on an earlier day, into a new file",
    )
    m.addSeparator()
    _action(
        window,
        m,
        "New &plan…",
        window.new_plan,
        None,
        "Add an empty plan to this desk",
        writes=True,
    )
    _action(
        window,
        m,
        "&Import plan from Excel…",
        window.import_from_excel,
        "Ctrl+Shift+I",
        "Read the plan your team keeps in a spreadsheet",
        writes=True,
    )
    window.export_action = _action(
        window,
        m,
        "&Export to Excel…",
        window.export_to_excel,
        "Ctrl+Shift+X",
        "Write the plan, or a partner's part of it, to a workbook to send out",
    )
    _action(
        window,
        m,
        "Report as PD&F…",
        window.make_report,
        "Ctrl+Shift+R",
        "A status report for a committee, or an officer's or partner's actions, to print",
    )
    _action(
        window,
        m,
        "&Take back partner updates…",
        window.take_back,
        "Ctrl+Shift+T",
        "Read the workbook a partner sent back and choose which updates to keep",
        writes=True,
    )
    _action(
        window,
        m,
        "Export change &history…",
        window.export_history,
        None,
        "Who changed what in this plan, and when, as a CSV file or an Excel workbook",
    )
    window.plan_settings_action = _action(
        window,
        m,
        "Plan &settings…",
        window.plan_settings,
        "Ctrl+,",
        "Level names, RAG thresholds, colour key",
        writes=True,
    )
    _action(
        window,
        m,
        "&Your name…",
        window.set_your_name,
        None,
        "The name put on your updates and changes",
    )
    m.addSeparator()
    _action(window, m, "&Quit", window.close, QKeySequence.StandardKey.Quit)

    m = bar.addMenu("&Edit")
    undo = window.ops.undo_stack.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = window.ops.undo_stack.createRedoAction(window, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
    m.addAction(undo)
    m.addAction(redo)
    window.undo_action, window.redo_action = undo, redo
    window._write_actions += [undo, redo]
    m.addSeparator()
    window.add_sibling_action = _action(
        window,
        m,
        "Add &sibling",
        window.add_sibling,
        "Ctrl+Return",
        "Add an item after the selected one",
        in_tree=True,
        writes=True,
    )
    window.add_child_action = _action(
        window,
        m,
        "Add c&hild",
        window.add_child,
        "Ctrl+Shift+Return",
        "Add an item under the selected one",
        in_tree=True,
        writes=True,
    )
    _action(
        window,
        m,
        "Re&name",
        window.rename,
        "F2",
        "Rename the selected item",
        in_tree=True,
        writes=True,
    )
    window.delete_action = _action(
        window,
        m,
        "&Delete…",
        window.delete,
        QKeySequence.StandardKey.Delete,
        "Delete the selected item and everything under it",
        in_tree=True,
        writes=True,
    )
    m.addSeparator()
    _action(
        window,
        m,
        "Move &up",
        lambda: window._move("shift", -1),
        "Alt+Up",
        in_tree=True,
        writes=True,
    )
    _action(
        window,
        m,
        "Move do&wn",
        lambda: window._move("shift", 1),
        "Alt+Down",
        in_tree=True,
        writes=True,
    )
    _action(
        window,
        m,
        "&Indent",
        lambda: window._move("indent"),
        "Alt+Right",
        "Make it a child of the item above",
        in_tree=True,
        writes=True,
    )
    _action(
        window,
        m,
        "&Outdent",
        lambda: window._move("outdent"),
        "Alt+Left",
        "Move it up a level",
        in_tree=True,
        writes=True,
    )
    window.renumber_action = _action(
        window,
        m,
        "Renumber re&fs",
        window.renumber,
        None,
        "Number the refs 1, 1.1, a) … in plan order",
        writes=True,
    )
    m.addSeparator()
    _action(
        window,
        m,
        "Change s&tatus…",
        lambda: window.editor.ask_status(),
        "Ctrl+T",
        "Set the status, with a reason",
        writes=True,
    )
    _action(
        window,
        m,
        "Add u&pdate…",
        lambda: window.editor.add_update(),
        "Ctrl+U",
        "Add a progress update",
        writes=True,
    )
    m.addSeparator()
    log_session = _action(
        window,
        m,
        "&Log a session…",
        window.log_session,
        "Ctrl+L",
        "Record a drop-in, roadshow, patrol or other session, and what it counts towards",
        writes=True,
    )

    m = bar.addMenu("&View")
    _action(window, m, "&Find", window.focus_search, QKeySequence.StandardKey.Find)
    _action(window, m, "C&lear filter", window.filter_bar.clear, "Ctrl+Shift+F")
    _action(window, m, "&Expand all", window.view.expandAll, "Ctrl+E")
    _action(window, m, "&Collapse all", window.view.collapseAll, "Ctrl+Shift+E")
    _action(window, m, "Go to the &tree", window.show_tree, "Ctrl+1")
    _action(window, m, "&Indicators", window.show_indicators, "Ctrl+I")
    _action(window, m, "&Sessions", window.show_sessions, "Ctrl+Shift+L")
    _action(window, m, "&Risks", window.show_risks, "Ctrl+R")
    _action(window, m, "Go to the &details", lambda: window.editor.ref_edit.setFocus(), "Ctrl+2")

    m = bar.addMenu("&Help")
    _action(window, m, "&About asbdesk", window.about)

    # Actions that need a plan on screen; off on a desk that has none yet.
    window._plan_actions = [
        window.add_sibling_action,
        window.add_child_action,
        window.delete_action,
        window.renumber_action,
        window.plan_settings_action,
    ]
    tools = QToolBar("Plan")
    tools.setObjectName("planToolbar")
    tools.setMovable(False)
    label = QLabel(" Pla&n: ")
    label.setBuddy(window.plan_combo)
    tools.addWidget(label)
    tools.addWidget(window.plan_combo)
    tools.addSeparator()
    tools.addAction(window.add_sibling_action)
    tools.addAction(window.add_child_action)
    tools.addAction(window.delete_action)
    tools.addSeparator()
    tools.addAction(log_session)
    tools.addSeparator()
    tools.addAction(undo)
    tools.addAction(redo)
    window.addToolBar(tools)
