"""Help ▸ About asbdesk: what an officer, or the council's IT, reads there: the version, the
desk open, and each library that comes with asbdesk with its version and licence, whose
full text opens below the list."""

from __future__ import annotations

from importlib import metadata

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QTableWidget

from asbdesk import __version__
from asbdesk.gui.about_dialog import LIBRARIES, AboutDialog

from .helpers import GUI_MARKS, answering_dialog

pytestmark = GUI_MARKS

# What the dialog must name, and the licence it must give each (the brief of issue 7).
EXPECTED = {
    "Qt": "GNU LGPL v3",
    "PySide6": "GNU LGPL v3",
    "SQLAlchemy": "MIT",
    "Alembic": "MIT",
    "openpyxl": "MIT",
    "ReportLab": "BSD 3-clause",
    "platformdirs": "MIT",
    "defusedxml": "PSF Licence v2",
}


def _help_about(window):
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    return next(a for a in help_menu.actions() if a.text() == "&About asbdesk")


def _rows(table: QTableWidget) -> dict[str, tuple[str, str, str]]:
    return {
        table.item(r, 0).text(): tuple(table.item(r, c).text() for c in (1, 2, 3))
        for r in range(table.rowCount())
    }


def test_help_about_shows_the_version_and_the_desk(window, demo_desk):
    seen: dict[str, object] = {}

    def read(dialog: QDialog) -> None:
        assert isinstance(dialog, AboutDialog)
        seen["title"] = dialog.windowTitle()
        seen["labels"] = [label.text() for label in dialog.findChildren(QLabel)]
        seen["tab"] = dialog.tabs.tabText(dialog.tabs.currentIndex())
        seen["desk"] = dialog.fact_labels["Desk"].text()
        seen["qt"] = dialog.fact_labels["Qt"].text()

    with answering_dialog(read):
        _help_about(window).trigger()

    assert seen["title"] == "About asbdesk"
    assert f"Version {__version__}" in seen["labels"]
    assert seen["tab"] == "&About"
    assert seen["desk"] == str(demo_desk.path)
    assert seen["qt"].startswith("6.")


def test_the_licences_tab_lists_each_library_with_its_version_and_licence(window):
    seen: dict[str, object] = {}

    def read(dialog: QDialog) -> None:
        assert isinstance(dialog, AboutDialog)
        dialog.tabs.setCurrentIndex(1)
        seen["tab"] = dialog.tabs.tabText(1)
        seen["rows"] = _rows(dialog.table)

    with answering_dialog(read):
        _help_about(window).trigger()

    assert seen["tab"] == "&Licences"
    rows = seen["rows"]
    assert isinstance(rows, dict)
    for name, licence in EXPECTED.items():
        version, shown_licence, home = rows[name]
        assert shown_licence == licence, name
        assert version and version != "not found", name
        assert home.startswith("https://"), name
    assert rows["SQLAlchemy"][0] == metadata.version("SQLAlchemy")
    assert rows["openpyxl"][0] == metadata.version("openpyxl")
    assert rows["asbdesk"][:2] == (__version__, "GNU GPL v3 or later")


def test_choosing_a_library_with_the_keyboard_shows_its_full_licence(window, qtbot):
    seen: dict[str, str] = {}
    qt_row = next(i for i, lib in enumerate(LIBRARIES) if lib.name == "Qt")

    def read(dialog: QDialog) -> None:
        assert isinstance(dialog, AboutDialog)
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
        assert dialog.tabs.currentIndex() == 1
        dialog.table.setFocus()
        dialog.table.setCurrentCell(0, 0)
        for _ in range(qt_row):
            qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
        seen["label"] = dialog.licence_label.text()
        seen["qt"] = dialog.licence_view.toPlainText()
        qtbot.keyClick(dialog.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        seen["last"] = dialog.licence_view.toPlainText()

    with answering_dialog(read):
        _help_about(window).trigger()

    assert seen["label"] == "Licence &text of Qt:"
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in seen["qt"]
    assert "Version 3, 29 June 2007" in seen["qt"]
    assert "https://code.qt.io/cgit/pyside/pyside-setup.git/" in seen["qt"]  # where the source is
    assert seen["last"].startswith(f"{LIBRARIES[-1].name} ")
    assert "is missing from this copy" not in seen["last"]


def test_every_licence_text_is_there(window, qtbot):
    dialog = AboutDialog(window.desk.path, __version__, window)
    qtbot.addWidget(dialog)
    missing = []
    for row, lib in enumerate(LIBRARIES):
        dialog.table.setCurrentCell(row, 0)
        text = dialog.licence_view.toPlainText()
        if "is missing from this copy" in text or len(text) < 500:
            missing.append(lib.name)
    assert missing == []


def test_copy_details_puts_the_versions_on_the_clipboard(window, qtbot):
    dialog = AboutDialog(window.desk.path, __version__, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"asbdesk {__version__}\n")
    assert f"Desk: {window.desk.path}" in copied
    assert f"SQLAlchemy {metadata.version('SQLAlchemy')} (MIT)" in copied
    assert dialog.copy_button.text() == "&Copied"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert QApplication.activeModalWidget() is None
