"""Fixtures for the GUI tests: the main window over the test's own copy of the demo desk."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from asbdesk.gui.main_window import MainWindow
from tests.conftest import TODAY

WELWYN = 1  # the plan combo's row for Welwyn Hatfield 2019 (Broxtowe 2019/20 is row 0)


@pytest.fixture
def window(demo_desk, qtbot) -> Iterator[MainWindow]:
    """The main window on the demo desk, shown and active, at a laptop's screen size."""
    w = MainWindow(demo_desk, today=TODAY)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    yield w
    # Leave no dialog open behind a failed test.
    for top in QApplication.topLevelWidgets():
        if top is not w and top.isVisible():
            top.close()
