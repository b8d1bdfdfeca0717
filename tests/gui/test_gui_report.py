"""File ▸ Report as PDF…: the officer makes the quarter's committee report of the Welwyn
Hatfield plan, previews it, saves it and prints it; or the police's red and amber actions
under commitment 4 for a partner meeting. Cancel and errors leave no file behind."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import TODAY
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
)

import asbdesk.gui.report_output as report_output
from asbdesk.gui.main_window import MainWindow
from asbdesk.gui.progress import Cancelled
from asbdesk.gui.report_dialog import ReportDialog
from asbdesk.gui.report_print import make_printer, print_pdf
from asbdesk.rag import Status
from asbdesk.report import SECTIONS, ReportError, ReportOptions, ReportResult, write_report

from .helpers import BROXTOWE, GUI_MARKS, focus, show_plan

pytestmark = GUI_MARKS

WELWYN_TITLE = "Welwyn Hatfield Anti-Social Behaviour Strategy Action Plan 2019"
POLICE = "Hertfordshire Police SNT"
PERIOD = "Progress update – Q3 2019/20"


# -- the officer's steps ----------------------------------------------------------------


def _open_report(window: MainWindow, qtbot) -> ReportDialog:
    action = next(a for a in window.findChildren(QAction) if a.text() == "Report as PD&F…")
    action.trigger()
    found = [d for d in window.findChildren(ReportDialog) if d.isVisible()]
    assert len(found) == 1
    qtbot.waitExposed(found[0])
    return found[0]


def _choose(combo: QComboBox, text: str) -> None:
    i = combo.findText(text)
    assert i >= 0, f"{text!r} is not offered: {[combo.itemText(j) for j in range(combo.count())]}"
    combo.setCurrentIndex(i)


def _choose_starting(combo: QComboBox, start: str) -> None:
    texts = [combo.itemText(j) for j in range(combo.count())]
    (text,) = [t for t in texts if t.startswith(start)]
    _choose(combo, text)


def _type(qtbot, edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def _save_to(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """The file dialog answers `path`; what it was offered first is kept."""
    offered: list[str] = []

    def answer(parent, caption, start, *_args, **_kwargs):
        offered.append(start)
        return str(path), report_output.PDF_FILTER

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    return offered


def _box(parent, name: str) -> QMessageBox:
    box = parent.findChild(QMessageBox, name)
    assert box is not None and box.isVisible(), f"no {name} message"
    return box


def _text_of(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def _pages(path: Path) -> int:
    return len(PdfReader(path).pages)


# -- the choices --------------------------------------------------------------------------


def test_every_choice_reaches_the_report(welwyn, qtbot, monkeypatch, tmp_path):
    seen: list[ReportOptions] = []

    def spy(desk, options, path, **kwargs):
        seen.append(options)
        return write_report(desk, options, path, **kwargs)

    monkeypatch.setattr(report_output, "write_report", spy)
    dialog = _open_report(welwyn, qtbot)
    assert dialog.plan_combo.currentText() == WELWYN_TITLE  # the plan shown
    assert dialog.period_edit.text() == PERIOD  # the quarter of 15/11/2019
    assert dialog.landscape_radio.isChecked()
    _choose(dialog.kind_combo, "Committee report")
    _type(qtbot, dialog.period_edit, "Half-year update, Q1 and Q2 2019/20")
    _type(qtbot, dialog.prepared_edit, "Jo Bloggs, ASB Co-ordinator")
    dialog.section_checks["due"].click()
    dialog.section_checks["indicators"].click()
    _choose_starting(dialog.node_combo, "4 Reduce high impact drug")
    _choose(dialog.officer_combo, "ASB Team")
    _choose(dialog.partner_combo, POLICE)
    dialog.findChild(QAbstractButton, "redAmberButton").click()
    dialog.portrait_radio.click()
    qtbot.waitUntil(lambda: dialog.count_label.text().startswith("2 actions will be in"))
    path = tmp_path / "board.pdf"
    _save_to(monkeypatch, path)
    dialog.save_button.click()

    (options,) = seen
    assert options == ReportOptions(
        plan_id=welwyn.current_plan_id() or 0,
        period="Half-year update, Q1 and Q2 2019/20",
        node_id=dialog.node_combo.currentData(),
        officer="ASB Team",
        partner=POLICE,
        statuses=frozenset({Status.RED, Status.AMBER}),
        orientation="portrait",
        sections=("summary", "plan", "exceptions", "sessions", "risks", "key"),
        prepared_by="Jo Bloggs, ASB Co-ordinator",
        kind="committee",
    )
    assert isinstance(options.node_id, int)
    assert dialog.node_combo.currentText().startswith("4 ")
    text = _text_of(path)
    assert "Prepared by Jo Bloggs, ASB Co-ordinator" in text
    assert PdfReader(path).pages[0].mediabox.height > PdfReader(path).pages[0].mediabox.width


def test_a_my_actions_sheet_is_for_one_officer_or_partner(welwyn, qtbot, monkeypatch, tmp_path):
    seen: list[ReportOptions] = []

    def spy(desk, options, path, **kwargs):
        seen.append(options)
        return write_report(desk, options, path, **kwargs)

    monkeypatch.setattr(report_output, "write_report", spy)
    dialog = _open_report(welwyn, qtbot)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("actions"))
    assert not dialog.sections_box.isEnabled()
    assert dialog.portrait_radio.isChecked()  # a sheet to carry to a drop-in
    qtbot.waitUntil(lambda: "for one officer or partner" in dialog.count_label.text())
    assert not dialog.save_button.isEnabled()
    _choose(dialog.officer_combo, "Street Wardens")
    qtbot.waitUntil(dialog.save_button.isEnabled)
    offered = _save_to(monkeypatch, tmp_path / "wardens.pdf")
    dialog.save_button.click()
    assert seen[0].kind == "actions" and seen[0].officer == "Street Wardens"
    period = PERIOD.replace("/", "-")
    name = f"{WELWYN_TITLE} – Street Wardens – {period} – 15-11-2019.pdf"
    assert Path(offered[0]).name == name
    assert "Street Wardens" in _text_of(tmp_path / "wardens.pdf")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("committee"))
    assert dialog.sections_box.isEnabled() and dialog.landscape_radio.isChecked()


def test_another_plan_brings_its_own_headings_officers_and_partners(welwyn, qtbot):
    dialog = _open_report(welwyn, qtbot)
    assert dialog.node_label.text() == "Co&mmitment:"
    assert dialog.node_combo.itemText(0) == "All commitments"
    _choose_starting(dialog.plan_combo, "Broxtowe")
    assert dialog.node_label.text() == "&Target:"
    assert dialog.node_combo.itemText(0) == "All targets"
    assert dialog.node_combo.count() == 1 + 5
    assert dialog.partner_combo.findText("Nottinghamshire Police") > 0
    assert dialog.partner_combo.findText(POLICE) < 0
    qtbot.waitUntil(lambda: dialog.count_label.text().startswith("16 actions will be in"))


def test_a_choice_that_matches_nothing_offers_nothing_to_make(welwyn, qtbot):
    dialog = _open_report(welwyn, qtbot)
    _choose(dialog.partner_combo, "Mediation UK")
    dialog.set_statuses({Status.RED})
    qtbot.waitUntil(lambda: dialog.count_label.text().startswith("Nothing matches"))
    for button in (dialog.preview_button, dialog.save_button, dialog.print_button):
        assert not button.isEnabled()
    dialog.set_statuses(set())
    qtbot.waitUntil(lambda: dialog.count_label.text() == "Tick at least one status.")


# -- save -----------------------------------------------------------------------------------


def test_save_writes_the_report_and_says_how_many_pages(welwyn, qtbot, monkeypatch, tmp_path):
    dialog = _open_report(welwyn, qtbot)
    path = tmp_path / "committee.pdf"
    offered = _save_to(monkeypatch, path)
    dialog.save_button.click()

    assert Path(offered[0]).name == f"{WELWYN_TITLE} – {PERIOD.replace('/', '-')} – 15-11-2019.pdf"
    text = _text_of(path)
    assert WELWYN_TITLE in text and PERIOD in text
    pages = _pages(path)
    box = _box(dialog, "reportSaved")
    assert box.text() == f"The report is saved: {pages} pages, 38 actions."
    assert box.informativeText() == str(path)
    assert dialog.isVisible()  # to print it, or make another
    box.close()
    assert f"Saved the report to {path}." == welwyn.statusBar().currentMessage()
    # The next report is offered in the folder this one went to.
    again = _save_to(monkeypatch, tmp_path / "again.pdf")
    dialog.save_button.click()
    assert Path(again[0]).parent == tmp_path


def test_cancel_while_writing_writes_nothing(welwyn, qtbot, monkeypatch, tmp_path):
    dialog = _open_report(welwyn, qtbot)
    _save_to(monkeypatch, tmp_path / "cancelled.pdf")
    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.message.text() == "Cancelled: nothing was written."
    assert list(tmp_path.glob("cancelled*")) == []  # neither the PDF nor its .part
    assert dialog.findChild(QMessageBox, "reportSaved") is None


def test_a_folder_that_is_not_there_is_said_and_nothing_written(
    welwyn, qtbot, monkeypatch, tmp_path
):
    dialog = _open_report(welwyn, qtbot)
    _save_to(monkeypatch, tmp_path / "no such folder" / "report.pdf")
    dialog.save_button.click()
    box = _box(dialog, "reportError")
    assert "does not exist; nothing was written" in box.text()
    assert not (tmp_path / "no such folder").exists()
    box.close()


def test_a_file_that_cannot_be_replaced_is_said_and_nothing_written(
    welwyn, qtbot, monkeypatch, tmp_path
):
    out = tmp_path / "reports"
    (out / "taken.pdf").mkdir(parents=True)  # a folder where the file would go
    dialog = _open_report(welwyn, qtbot)
    _save_to(monkeypatch, out / "taken.pdf")
    dialog.save_button.click()
    box = _box(dialog, "reportError")
    assert box.text().startswith("taken.pdf could not be written")
    assert [p.name for p in out.iterdir()] == ["taken.pdf"]  # no .part left
    assert (out / "taken.pdf").is_dir()
    box.close()


def test_a_report_the_generator_refuses_is_said(welwyn, qtbot, monkeypatch, tmp_path):
    def refuse(*_args, **_kwargs):
        raise ReportError(
            "Nothing in the plan matches (actions of Mediation UK); there is no report."
        )

    monkeypatch.setattr(report_output, "write_report", refuse)
    dialog = _open_report(welwyn, qtbot)
    _save_to(monkeypatch, tmp_path / "report.pdf")
    dialog.save_button.click()
    box = _box(dialog, "reportError")
    assert box.text().startswith("Nothing in the plan matches")
    assert not list(tmp_path.glob("report.pdf*"))
    box.close()


# -- print ------------------------------------------------------------------------------------


def test_print_pdf_prints_every_page_of_the_report(demo_desk, qtbot, tmp_path):
    plan = demo_desk.reader.execute("SELECT id FROM plan WHERE title LIKE 'Broxtowe%'").fetchone()[
        0
    ]
    report = write_report(
        demo_desk,
        ReportOptions(plan, orientation="portrait", sections=("summary", "key")),
        tmp_path / "report.pdf",
        today=TODAY,
    )
    printer = make_printer("portrait", "report")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    done: list[tuple[int, int]] = []
    pages = print_pdf(report.path, printer, lambda d, t: done.append((d, t)))

    assert pages == report.pages == _pages(tmp_path / "printed.pdf")
    assert done == [(n, pages) for n in range(1, pages + 1)]
    box = PdfReader(tmp_path / "printed.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait


def test_printing_stopped_part_way_leaves_no_printed_file(demo_desk, qtbot, tmp_path):
    plan = demo_desk.reader.execute("SELECT id FROM plan ORDER BY id").fetchone()[0]
    options = ReportOptions(plan, sections=("summary", "key"))
    report = write_report(demo_desk, options, tmp_path / "report.pdf", today=TODAY)
    printer = make_printer("landscape", "report")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))

    def cancel(done: int, total: int) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        print_pdf(report.path, printer, cancel)
    assert not (tmp_path / "printed.pdf").exists()


def test_print_asks_which_printer_and_prints_the_report(welwyn, qtbot, monkeypatch, tmp_path):
    printed = tmp_path / "printed.pdf"
    asked: list[QPrinter] = []

    class PrintDialog:  # the officer picks "Print to file (PDF)" and presses Print
        def __init__(self, printer: QPrinter, parent) -> None:
            asked.append(printer)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(printed))

        def setWindowTitle(self, title: str) -> None:  # noqa: N802 (Qt's name)
            pass

        def exec(self) -> int:
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(report_output, "QPrintDialog", PrintDialog)
    made: list[ReportResult] = []
    real = report_output.write_report

    def keep(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(report_output, "write_report", keep)
    dialog = _open_report(welwyn, qtbot)
    for key in SECTIONS[1:]:  # the cover and the summary: quick to print
        dialog.section_checks[key].setChecked(False)
    dialog.print_button.click()

    (printer,) = asked
    assert printer.pageLayout().orientation().name == "Landscape"
    assert printer.pageLayout().pageSize().name() == "A4"
    assert _pages(printed) == made[0].pages
    assert dialog.message.text() == f"Sent {made[0].pages} pages to {printed}."


# -- preview ----------------------------------------------------------------------------------


def test_preview_shows_every_page_and_saves_what_it_shows(welwyn, qtbot, monkeypatch, tmp_path):
    from PySide6.QtPdfWidgets import QPdfView

    dialog = _open_report(welwyn, qtbot)
    expected = write_report(
        welwyn.desk, dialog.options(), tmp_path / "expected.pdf", today=TODAY
    ).pages
    dialog.preview_button.click()
    preview = dialog.output.preview_window
    assert preview is not None
    qtbot.waitExposed(preview)
    assert isinstance(preview.view, QPdfView)
    assert preview.view.document().pageCount() == expected
    assert preview.view.pageMode() == QPdfView.PageMode.MultiPage
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert preview.page_of.text() == f"of {expected}"
    assert preview.windowTitle() == f"Preview – {WELWYN_TITLE}"
    assert dialog.message.text() == f"The preview shows the report's {expected} pages."

    preview.page_spin.setValue(3)
    assert preview.view.pageNavigator().currentPage() == 2
    # Typing a page and pressing Enter goes there, and leaves the preview open.
    preview.page_spin.setFocus()
    preview.page_spin.lineEdit().selectAll()
    qtbot.keyClicks(preview.page_spin, "4")
    qtbot.keyClick(preview.page_spin, Qt.Key.Key_Return)
    assert preview.isVisible() and preview.view.pageNavigator().currentPage() == 3
    fitted = preview.zoom()
    preview.zoom_in_button.click()
    assert preview.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert preview.zoom() == pytest.approx(fitted * 1.25)
    assert preview.zoom_label.text() == f"{round(fitted * 125)} %"
    preview.fit_width_button.click()
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitToWidth

    shown = preview.path
    assert shown is not None and shown.exists()
    _save_to(monkeypatch, tmp_path / "as previewed.pdf")
    preview.save_button.click()
    assert (tmp_path / "as previewed.pdf").read_bytes() == shown.read_bytes()
    _box(preview, "reportSaved").close()

    dialog.reject()
    assert not preview.isVisible()
    assert not shown.exists()  # the temporary report goes with the dialog


def test_without_qt_pdf_widgets_the_system_viewer_shows_it(welwyn, qtbot, monkeypatch):
    monkeypatch.delitem(sys.modules, "asbdesk.gui.report_preview", raising=False)
    monkeypatch.setitem(sys.modules, "PySide6.QtPdfWidgets", None)  # import fails
    opened: list[Path] = []
    monkeypatch.setattr(
        QDesktopServices,
        "openUrl",
        staticmethod(lambda url: opened.append(Path(url.toLocalFile())) or True),
    )
    dialog = _open_report(welwyn, qtbot)
    dialog.preview_button.click()
    (path,) = opened
    assert path.suffix == ".pdf" and _pages(path) > 1
    assert "opened in your PDF viewer" in dialog.message.text()
    assert dialog.output.preview_window is None


# -- keyboard and screen readers --------------------------------------------------------------


def _mnemonics(widget) -> list[str]:
    texts = [w.text() for w in widget.findChildren(QLabel) if w.isVisibleTo(widget)]
    texts += [w.text() for w in widget.findChildren(QAbstractButton) if w.isVisibleTo(widget)]
    texts += [w.title() for w in widget.findChildren(QGroupBox) if w.isVisibleTo(widget)]
    return [m.group(1).lower() for t in texts if (m := re.search(r"&([^&\s])", t))]


def _unnamed(widget) -> list[str]:
    fields = (QComboBox, QLineEdit, QSpinBox, QAbstractButton)
    return [
        w.objectName() or w.text()
        for kind in fields
        for w in widget.findChildren(kind)
        if w.isVisibleTo(widget)
        and not w.accessibleName()
        and not isinstance(w.parent(), (QComboBox, QSpinBox))  # a box's own line edit
        and not (isinstance(w, QAbstractButton) and w.text().replace("&", ""))  # says itself
    ]


def test_the_dialog_and_preview_can_be_worked_from_the_keyboard(window, qtbot):
    show_plan(window, BROXTOWE)
    action = next(a for a in window.findChildren(QAction) if a.text() == "Report as PD&F…")
    assert action.shortcut() == QKeySequence("Ctrl+Shift+R")
    others = [a for a in window.findChildren(QAction) if a is not action]
    assert not [a.text() for a in others if QKeySequence("Ctrl+Shift+R") in a.shortcuts()]
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert texts.index("Report as PD&F…") == texts.index("&Export to Excel…") + 1
    letters = [m.group(1).lower() for t in texts if (m := re.search(r"&([^&])", t))]
    assert len(letters) == len(set(letters)), sorted(letters)

    dialog = _open_report(window, qtbot)
    letters = _mnemonics(dialog)
    assert len(letters) == len(set(letters)), sorted(letters)
    assert "t" in letters  # "&Target:", the Broxtowe plan's own word
    assert _unnamed(dialog) == []
    # Alt and a group's letter goes to its first box; a label's, to its field.
    focus(qtbot, dialog.plan_combo)
    for letter, field in (
        (Qt.Key.Key_C, "summarySection"),
        (Qt.Key.Key_U, "redCheck"),
        (Qt.Key.Key_T, "nodeCombo"),
        (Qt.Key.Key_R, "partnerCombo"),
    ):
        qtbot.keyClick(dialog.focusWidget(), letter, Qt.KeyboardModifier.AltModifier)
        assert dialog.focusWidget().objectName() == field
    # Tab goes through every field in reading order, and comes round again.
    dialog.plan_combo.setFocus()
    names = []
    while not names or dialog.focusWidget() is not dialog.plan_combo:
        names.append(dialog.focusWidget().objectName())
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        assert len(names) < 60, names
    assert names == [
        "planCombo",
        "kindCombo",
        "periodEdit",
        "preparedEdit",
        "landscapeRadio",  # and Portrait beside it, by the arrow keys
        *(f"{key}Section" for key in SECTIONS),
        "nodeCombo",
        "officerCombo",
        "partnerCombo",
        *("redCheck", "amberCheck", "greenCheck", "blueCheck", "greyCheck"),
        *("notStartedCheck", "notSetCheck", "redAmberButton", "allStatusesButton"),
        *("previewButton", "saveButton", "printButton", "closeButton"),
    ]

    dialog.preview_button.click()
    preview = dialog.output.preview_window
    assert preview is not None
    qtbot.waitExposed(preview)
    letters = _mnemonics(preview)
    assert len(letters) == len(set(letters)), sorted(letters)
    assert _unnamed(preview) == []
    dialog.reject()
    QApplication.processEvents()


def test_the_period_offered_is_the_plans_own_once_the_plan_has_ended(demo_desk, qtbot):
    """Years after a 2019/20 plan ended, its report is still about 2019/20; a period the
    officer typed stays when another plan is chosen."""
    dialog = ReportDialog(demo_desk, date(2026, 11, 29))
    qtbot.addWidget(dialog)
    _choose(dialog.plan_combo, WELWYN_TITLE)  # ends 31/12/2019
    assert dialog.period_edit.text() == "Progress update – Q3 2019/20"
    _choose_starting(dialog.plan_combo, "Broxtowe")
    assert dialog.period_edit.text() == "Progress update – Q4 2019/20"  # ends 31/03/2020
    dialog.period_edit.setText("Annual report 2019/20")
    _choose(dialog.plan_combo, WELWYN_TITLE)
    assert dialog.period_edit.text() == "Annual report 2019/20"
