"""PySide6 6.12.0 drops a reference to None on every call into Qt that returns nothing; on
Python 3.11, where None is not immortal, the window then aborts with "deallocating None"
after a few thousand edits. pyproject.toml excludes that release; this test fails if a
PySide6 with the bug is ever installed again."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel

from .helpers import GUI_MARKS

pytestmark = GUI_MARKS


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_calls_into_qt_leave_none_alone(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("Red 8")
    assert sys.getrefcount(None) - before > -100  # a few either way from Python itself
