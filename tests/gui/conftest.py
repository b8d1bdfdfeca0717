"""Fixtures for the GUI tests: the main window over the test's own copy of the demo desk.

`tests/gui/__init__.py` makes this folder the package `gui`, so this file is imported as
`gui.conftest`. Without it, pytest would import it as the module `conftest` in place of
`tests/conftest.py`, and `from conftest import TODAY` in the other test files would fail.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import TODAY
from PySide6.QtWidgets import QApplication

from asbdesk.desk import Desk
from asbdesk.gui.main_window import MainWindow

from .helpers import WELWYN, show_plan


@pytest.fixture
def window(demo_desk: Desk, qtbot) -> Iterator[MainWindow]:
    """The main window on the demo desk, shown and active at a laptop's 1366 x 768."""
    w = MainWindow(demo_desk, today=TODAY)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    yield w
    # A failed test may leave a message box open; close it before the window goes.
    for top in QApplication.topLevelWidgets():
        if top is not w and top.isVisible():
            top.close()


@pytest.fixture
def welwyn(window: MainWindow) -> MainWindow:
    """The window showing the Welwyn Hatfield 2019 plan (three levels, refs 1, 1.1, a))."""
    show_plan(window, WELWYN)
    return window
