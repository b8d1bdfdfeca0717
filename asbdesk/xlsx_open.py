"""Opening a workbook an officer chose to import, or saying plainly why it cannot be.

Councils' files arrive as old .xls, LibreOffice .ods, CSV, PDFs renamed .xlsx, password-
protected or damaged workbooks. Each is recognised from its first bytes and named, with
what to do about it, before openpyxl sees it. openpyxl parses with defusedxml (installed
with asbdesk), and every part is looked at for entity definitions first, so a workbook
carrying an XML entity bomb is refused, not expanded. Formulas are read as the values
Excel last calculated.

The workbook is opened read-only, from its bytes read into memory: a sheet's cells are
read when the sheet is (`xlsx_grid.read_grid`, in one pass over its XML), a plan of many
thousand rows is not built as openpyxl's cell objects first, and no file stays open (the
officer can save the workbook in Excel while the import wizard shows it). Closing the
workbook is therefore optional.

The first step of importing a plan from Excel (issue 3); no Qt here.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
import zipfile
import zlib
from io import BytesIO
from pathlib import Path
from typing import IO

from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.workbook.workbook import Workbook
from openpyxl.xml.constants import SHEET_MAIN_NS

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE2 container holding a stream of this name (UTF-16 LE).
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"


class WorkbookError(ValueError):
    """A file that cannot be imported; the message names the problem and what to do."""


def open_workbook(path: str | Path) -> Workbook:
    """The workbook at `path`, read-only (its sheets as openpyxl's `ReadOnlyWorksheet`),
    or `WorkbookError` naming what is wrong with the file and what to do about it."""
    path = Path(path)
    try:
        data = path.read_bytes() if path.is_file() else None
    except OSError as exc:
        raise WorkbookError(f"{path.name} could not be read: {exc.strerror}.") from exc
    if data is None:
        raise WorkbookError(f"There is no file at {path}.")
    _check_kind(path, data)
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            _check_parts(path, archive)
    except zipfile.BadZipFile as exc:
        raise WorkbookError(
            f"{path.name} is damaged: it is not a complete Excel workbook. Open it in Excel "
            "(which may offer to repair it), save it as .xlsx and import it again."
        ) from exc
    if "xl/workbook.xml" not in names:
        raise WorkbookError(
            f"{path.name} is a zip file but not an Excel workbook. Choose the .xlsx file itself."
        )
    try:
        reader = _Reader(BytesIO(data), read_only=True, data_only=True)
        reader.read()
    except Exception as exc:  # openpyxl raises many kinds for one bad file
        raise unreadable(path.name, exc) from exc
    return reader.wb


class _Reader(ExcelReader):  # type: ignore[misc]  # openpyxl has no type hints
    """openpyxl's `load_workbook`, reading the workbook's texts faster."""

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = _shared_texts(source)


def _shared_texts(source: IO[bytes]) -> list[str]:
    """The texts cells share (xl/sharedStrings.xml) as openpyxl's `read_string_table`
    reads them: a plain text, or the runs of a text in several styles joined, without the
    phonetic guides. openpyxl makes an object of each text and parses with defusedxml's
    pure-Python parser; a plan of 40,000 texts opens in a third of the time with the
    standard library's C parser, safe here because `_check_parts` has refused any DTD
    (and expat refuses entity amplification in any case)."""
    texts = []
    for _, node in ElementTree.iterparse(source):
        if node.tag == _TEXT:
            plain, runs = None, []
            for child in node:
                if child.tag == _PLAIN:
                    plain = child.text or ""
                elif child.tag == _RUN:
                    run = child.find(_PLAIN)
                    if run is not None and run.text is not None:
                        runs.append(run.text)
            texts.append(((plain or "") + "".join(runs)).replace("x005F_", ""))
            node.clear()
    return texts


_TEXT, _PLAIN, _RUN = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("si", "t", "r"))


def unreadable(what: str, exc: BaseException) -> WorkbookError:
    """The error for a workbook (or a sheet of it) openpyxl failed to read."""
    if _caused_by_defusedxml(exc):
        return _entities(what)
    return WorkbookError(
        f"{what} could not be read ({type(exc).__name__}: {exc}). Open the workbook in "
        "Excel, save it as .xlsx and import it again."
    )


def _check_parts(path: Path, archive: zipfile.ZipFile) -> None:
    """Every part read through once: its checksum proves it whole, and it holds no DTD,
    the only place entities are defined. A sheet's XML is parsed when the sheet is read,
    after the workbook has opened, so it is looked at here, before anything is read."""
    for info in archive.infolist():
        try:
            with archive.open(info) as part:
                tail = b""
                while chunk := part.read(1 << 20):
                    window = tail + chunk  # a word cut between two chunks is still seen
                    if any(word in window for word in _DTD):
                        raise _entities(path.name)
                    tail = chunk[-32:]
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise WorkbookError(
                f"{path.name} is damaged (part '{info.filename}' cannot be read). Open it in "
                "Excel, save it as .xlsx and import it again."
            ) from exc


# How a DTD starts, in the encodings an XML part may use.
_DTD = tuple(
    word.encode(encoding)
    for word in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


def _entities(what: str) -> WorkbookError:
    return WorkbookError(
        f"{what} contains XML that asbdesk will not read (entity definitions used to attack "
        "programs that read it). It has not been imported. Ask whoever sent it for a clean "
        "copy saved from Excel."
    )


def _caused_by_defusedxml(exc: BaseException | None) -> bool:
    """openpyxl wraps parser errors in its own; look down the chain for defusedxml's."""
    seen = 0
    while exc is not None and seen < 20:
        if type(exc).__module__.startswith("defusedxml"):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _check_kind(path: Path, data: bytes) -> None:
    """Name what the file really is when it is not an .xlsx workbook."""
    head = data[:4096]
    if not head:
        raise WorkbookError(f"{path.name} is empty.")
    if head.startswith(_OLE2):
        if _ENCRYPTED in data[: 1 << 20]:
            raise WorkbookError(
                f"{path.name} is protected with a password. Open it in Excel, remove the "
                "password (File ▸ Info ▸ Protect Workbook ▸ Encrypt with Password), save it "
                "and import it again."
            )
        raise WorkbookError(
            f"{path.name} is an old .xls file. Open it in Excel and save it as .xlsx "
            "(Excel Workbook), then import that."
        )
    if head.startswith(b"%PDF"):
        raise WorkbookError(
            f"{path.name} is a PDF, not a spreadsheet. Import the Excel workbook the plan "
            "was printed from."
        )
    if head.startswith(b"PK") and _ODS in head:
        raise WorkbookError(
            f"{path.name} is an OpenDocument spreadsheet (.ods). Open it in LibreOffice and "
            "save it as .xlsx (File ▸ Save As ▸ Excel 2007-365), then import that."
        )
    if not head.startswith(b"PK"):
        if _looks_like_text(head):
            raise WorkbookError(
                f"{path.name} is a text (CSV) file, not a workbook. Open it in Excel and "
                "save it as .xlsx, then import that."
            )
        raise WorkbookError(f"{path.name} is not an Excel workbook (.xlsx).")


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = head.decode("cp1252", errors="replace")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * len(text)
