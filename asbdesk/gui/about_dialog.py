"""Help ▸ About asbdesk: the program's version, the desk open, the Python and Qt beneath it,
and every library that comes with it, with its version, licence and home page, and the
licence's full text to read.

Built in code rather than in `ui/`: nearly all of it is the table filled from LIBRARIES.
Versions are read with importlib.metadata, which in the PyInstaller app works because
build.spec copies each package's metadata; the licence texts are in resources/licences/.
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from asbdesk import APP_NAME, paths, settings

QT_NOTICE = ("Qt-and-PySide6.txt", "LGPL-3.0.txt", "GPL-3.0.txt")


@dataclass(frozen=True)
class Library:
    """A part of asbdesk made by others, as the Licences tab lists it."""

    name: str
    dist: str  # its distribution's name, for importlib.metadata; "" where it has none
    licence: str  # in words, as an officer or the council's IT would look it up
    home: str
    files: tuple[str, ...]  # in resources/licences/
    note: str = ""  # why it is there, when asbdesk does not use it directly


LIBRARIES = (
    Library("asbdesk", "", "GNU GPL v3 or later", "", ("GPL-3.0.txt",)),
    Library("Qt", "", "GNU LGPL v3", "https://www.qt.io", QT_NOTICE),
    Library("PySide6", "PySide6_Essentials", "GNU LGPL v3", "https://pyside.org", QT_NOTICE),
    Library("Shiboken6", "shiboken6", "GNU LGPL v3", "https://pyside.org", QT_NOTICE),
    Library("Python", "", "PSF Licence v2", "https://www.python.org", ("Python.txt",)),
    Library("SQLAlchemy", "SQLAlchemy", "MIT", "https://www.sqlalchemy.org", ("SQLAlchemy.txt",)),
    Library("Alembic", "alembic", "MIT", "https://alembic.sqlalchemy.org", ("Alembic.txt",)),
    Library(
        "Mako", "Mako", "MIT", "https://www.makotemplates.org", ("Mako.txt",), "used by Alembic"
    ),
    Library(
        "MarkupSafe",
        "MarkupSafe",
        "BSD 3-clause",
        "https://palletsprojects.com/projects/markupsafe",
        ("MarkupSafe.txt",),
        "used by Mako",
    ),
    Library("openpyxl", "openpyxl", "MIT", "https://openpyxl.readthedocs.io", ("openpyxl.txt",)),
    Library(
        "et_xmlfile",
        "et_xmlfile",
        "MIT",
        "https://foss.heptapod.net/openpyxl/et_xmlfile",
        ("et_xmlfile.txt",),
        "used by openpyxl",
    ),
    Library(
        "ReportLab", "reportlab", "BSD 3-clause", "https://www.reportlab.com", ("ReportLab.txt",)
    ),
    Library(
        "Bitstream Vera fonts",
        "",
        "Bitstream Vera licence",
        "https://download.gnome.org/sources/ttf-bitstream-vera/",
        ("Bitstream-Vera.txt",),
        "the PDF reports' typeface, from ReportLab",
    ),
    Library(
        "Pillow",
        "pillow",
        "MIT-CMU",
        "https://python-pillow.org",
        ("Pillow.txt",),
        "used by ReportLab",
    ),
    Library(
        "charset-normalizer",
        "charset_normalizer",
        "MIT",
        "https://github.com/jawah/charset_normalizer",
        ("charset_normalizer.txt",),
        "used by ReportLab",
    ),
    Library(
        "platformdirs",
        "platformdirs",
        "MIT",
        "https://github.com/tox-dev/platformdirs",
        ("platformdirs.txt",),
    ),
    Library(
        "defusedxml",
        "defusedxml",
        "PSF Licence v2",
        "https://github.com/tiran/defusedxml",
        ("defusedxml.txt",),
    ),
    Library(
        "typing_extensions",
        "typing_extensions",
        "PSF Licence v2",
        "https://github.com/python/typing_extensions",
        ("typing_extensions.txt",),
        "used by SQLAlchemy and Alembic",
    ),
)

# Versions that no package metadata holds.
_VERSIONS: dict[str, Callable[[], str]] = {
    "Qt": qVersion,
    "Python": platform.python_version,
    "Bitstream Vera fonts": lambda: "1.10",
}


def version_of(library: Library, own_version: str) -> str:
    if library.name == APP_NAME:
        return own_version
    if library.name in _VERSIONS:
        return _VERSIONS[library.name]()
    try:
        return metadata.version(library.dist)
    except metadata.PackageNotFoundError:
        return "not found"


def licence_text(library: Library, version: str) -> str:
    """What the licence view shows for `library`: who, which licence, then the full texts."""
    head = f"{library.name} {version}: {library.licence}"
    if library.note:
        head += f"\n({library.note})"
    if library.home:
        head += f"\n{library.home}"
    parts = [head]
    for name in library.files:
        try:
            parts.append(paths.resource("licences", name).read_text(encoding="utf-8"))
        except OSError:
            parts.append(f"The text of {name} is missing from this copy of asbdesk.")
    return ("\n\n" + "-" * 72 + "\n\n").join(parts)


class AboutDialog(QDialog):
    def __init__(self, desk_path: Path, version: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.version = version
        self.desk_path = desk_path
        self.setWindowTitle(f"About {APP_NAME}")
        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("About asbdesk")
        self.tabs.addTab(self._about_tab(), "&About")
        self.tabs.addTab(self._licences_tab(), "&Licences")
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("buttonBox")
        self.copy_button = QPushButton("&Copy details")
        self.copy_button.setToolTip("Copy the versions above, for a message to IT support")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()
        screen = self.screen().availableGeometry()
        self.resize(min(780, screen.width() * 9 // 10), min(600, screen.height() * 9 // 10))

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(QIcon(str(paths.resource("icons", "asbdesk.png"))).pixmap(64, 64))
        icon.setAccessibleName("asbdesk's icon")
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        self.title_label = QLabel(APP_NAME)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title_label.setFont(font)
        self.version_label = QLabel(f"Version {self.version}")
        blurb = QLabel("Keep a council's anti-social behaviour action plan on a laptop, offline.")
        blurb.setWordWrap(True)
        for label in (self.title_label, self.version_label, blurb):
            words.addWidget(label)
        words.addStretch(1)
        row.addLayout(words, 1)
        return row

    def system_facts(self) -> list[tuple[str, str]]:
        return [
            ("Desk", str(self.desk_path)),
            ("Desks folder", str(settings.data_dir())),
            ("Settings", str(settings.config_file())),
            ("Python", platform.python_version()),
            ("Qt", qVersion()),
            ("PySide6", PySide6.__version__),
            ("System", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ]

    def _about_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fact_labels: dict[str, QLabel] = {}
        for name, value in self.system_facts():
            label = QLabel(value)
            label.setWordWrap(True)
            label.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
            label.setAccessibleName(name)
            self.fact_labels[name] = label
            form.addRow(f"{name}:", label)
        free = QLabel(
            "asbdesk is free software: you may share and change it under the GNU General "
            "Public License, version 3 or later. It comes with no warranty. It is built with "
            "Qt and PySide6 under the GNU LGPL v3 and with the libraries listed under "
            "Licences, each under its own licence."
        )
        free.setWordWrap(True)
        free.setContentsMargins(0, free.fontMetrics().height(), 0, 0)
        form.addRow(free)
        return page

    def _licences_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        intro = QLabel("Select a library to read its licence below.")
        intro.setWordWrap(True)
        box.addWidget(intro)
        headers = ("Library", "Version", "Licence", "Home page")
        self.table = QTableWidget(len(LIBRARIES), len(headers))
        self.table.setAccessibleName("Libraries and their licences")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, as in any form
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.versions = [version_of(lib, self.version) for lib in LIBRARIES]
        for row, (lib, version) in enumerate(zip(LIBRARIES, self.versions, strict=True)):
            for column, text in enumerate((lib.name, version, lib.licence, lib.home)):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{lib.name}: {lib.note}" if lib.note and column == 0 else text)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        box.addWidget(self.table, 1)
        self.licence_label = QLabel("Licence &text:")
        box.addWidget(self.licence_label)
        self.licence_view = QPlainTextEdit()
        self.licence_view.setReadOnly(True)
        self.licence_view.setTabChangesFocus(True)
        self.licence_view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.licence_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.licence_view.setAccessibleName("Licence text")
        self.licence_label.setBuddy(self.licence_view)
        box.addWidget(self.licence_view, 1)
        self.table.currentCellChanged.connect(lambda row, *_: self.show_licence(row))
        self.table.setCurrentCell(0, 0)
        return page

    def show_licence(self, row: int) -> None:
        if 0 <= row < len(LIBRARIES):
            lib = LIBRARIES[row]
            self.licence_label.setText(f"Licence &text of {lib.name}:")
            self.licence_view.setPlainText(licence_text(lib, self.versions[row]))

    def details(self) -> str:
        """The versions as plain text, to paste into a message to IT support."""
        lines = [f"{APP_NAME} {self.version}"]
        lines += [f"{name}: {value}" for name, value in self.system_facts()]
        lines += [
            f"{lib.name} {version} ({lib.licence})"
            for lib, version in zip(LIBRARIES[1:], self.versions[1:], strict=True)
        ]
        return "\n".join(lines)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details())
        self.copy_button.setText("&Copied")
