"""Opening a workbook an officer chose to import, or saying plainly why it cannot be.

Councils' files arrive as old .xls, LibreOffice .ods, CSV, PDFs renamed .xlsx, password-
protected or damaged workbooks. Each is recognised from its first bytes and named, with
what to do about it, before openpyxl sees it. openpyxl parses with defusedxml (installed
with asbdesk), so a workbook carrying an XML entity bomb is refused, not expanded.
Formulas are read as the values Excel last calculated.

The first step of importing a plan from Excel (issue 3); no Qt here.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE2 container holding a stream of this name (UTF-16 LE).
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"


class WorkbookError(ValueError):
    """A file that cannot be imported; the message names the problem and what to do."""


def open_workbook(path: str | Path) -> Workbook:
    path = Path(path)
    try:
        head = path.read_bytes()[:4096] if path.is_file() else None
    except OSError as exc:
        raise WorkbookError(f"{path.name} could not be read: {exc.strerror}.") from exc
    if head is None:
        raise WorkbookError(f"There is no file at {path}.")
    _check_kind(path, head)
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            damaged = archive.testzip()
    except zipfile.BadZipFile as exc:
        raise WorkbookError(
            f"{path.name} is damaged: it is not a complete Excel workbook. Open it in Excel "
            "(which may offer to repair it), save it as .xlsx and import it again."
        ) from exc
    if damaged is not None:
        raise WorkbookError(
            f"{path.name} is damaged (part '{damaged}' cannot be read). Open it in Excel, "
            "save it as .xlsx and import it again."
        )
    if "xl/workbook.xml" not in names:
        raise WorkbookError(
            f"{path.name} is a zip file but not an Excel workbook. Choose the .xlsx file itself."
        )
    try:
        return load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for one bad file
        if _caused_by_defusedxml(exc):
            raise WorkbookError(
                f"{path.name} contains XML that asbdesk will not read (entity definitions "
                "used to attack programs that read it). It has not been imported. Ask whoever "
                "sent it for a clean copy saved from Excel."
            ) from exc
        raise WorkbookError(
            f"{path.name} could not be read as a workbook ({type(exc).__name__}: {exc}). Open "
            "it in Excel, save it as .xlsx and import it again."
        ) from exc


def _caused_by_defusedxml(exc: BaseException | None) -> bool:
    """openpyxl wraps parser errors in its own; look down the chain for defusedxml's."""
    seen = 0
    while exc is not None and seen < 20:
        if type(exc).__module__.startswith("defusedxml"):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _check_kind(path: Path, head: bytes) -> None:
    """Name what the file really is when it is not an .xlsx workbook."""
    if not head:
        raise WorkbookError(f"{path.name} is empty.")
    if head.startswith(_OLE2):
        if _ENCRYPTED in head or _ENCRYPTED in path.read_bytes()[: 1 << 20]:
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
