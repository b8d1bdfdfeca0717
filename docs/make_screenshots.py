"""Renders the main window with the demo desk, the Excel import wizard's reading and
preview pages over the Welwyn Hatfield workbook, the Export to Excel dialog, the review
of a workbook a partner sent back (a few updates, a status change, a conflict, a read-only
cell edited, a new action, a deleted row), and the Report dialog with its preview of the
committee report, to PNG, for the README and for looking at.

    xvfb-run -s "-screen 0 1366x768x24" python docs/make_screenshots.py [OUT_DIR]
    xvfb-run -s "-screen 0 1920x1080x24" env QT_SCALE_FACTOR=1.5 SHOT_SIZE=1280x720 \
        python docs/make_screenshots.py [OUT_DIR]

The first is a 1366×768 laptop at 100 %; the second a 1920×1080 laptop at 150 %, the
Windows default for that screen, where the window has 1280×720 device-independent pixels.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication

from asbdesk.demo import write_demo
from asbdesk.gui.main_window import MainWindow


def start() -> tuple[Path, QApplication, str]:
    """What every screenshot script begins with: the folder to write to (the first
    argument, else docs/screenshots), the application, and the file names' suffix for
    the scale ("" at 100 %, "-150" at 150 %)."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    scale = os.environ.get("QT_SCALE_FACTOR", "1")
    suffix = "" if scale in ("1", "1.0") else f"-{int(float(scale) * 100)}"
    return out, app, suffix


def main() -> int:
    out, app, suffix = start()
    with tempfile.TemporaryDirectory() as tmp:
        # On the day the window shows, so the demo register has a review overdue.
        desk = write_demo(Path(tmp) / "demo.asbdesk", today=date(2019, 11, 15))
        window = MainWindow(desk, today=date(2019, 11, 15))
        width, height = (int(x) for x in os.environ.get("SHOT_SIZE", "1366x768").split("x"))
        window.resize(width, height)
        window.show()
        plan = int(os.environ.get("SHOT_PLAN", "1"))
        window.plan_combo.setCurrentIndex(plan)
        window.view.expandAll()
        _ = window.editor  # built on first paint in real use; now, for the picture
        window.select_node(_node_by_ref(window, os.environ.get("SHOT_REF", "1.3")))
        app.processEvents()
        path = out / f"main-window{suffix}.png"
        window.grab().save(str(path))
        print(path)
        _wizard_shots(window, out, suffix)
        _export_shot(window, out, suffix)
        _takeback_shot(window, Path(tmp), out, suffix)
        _report_shots(window, out, suffix)
        _session_shots(window, out, suffix)
        _indicator_and_risk_shots(window, out, suffix)
        window.close()
        desk.close()
    return 0


def _wizard_shots(window: MainWindow, out: Path, suffix: str) -> None:
    from asbdesk.gui.import_wizard import ImportWizard

    workbook = Path(__file__).parent.parent / "tests" / "data" / "welwyn-hatfield-2019.xlsx"
    wizard = ImportWizard([(1, "Broxtowe")], date(2019, 11, 15), window)
    wizard.show()
    wizard.source_page.choose(str(workbook))
    for name in ("import-reading", "import-preview"):
        wizard.next()
        QApplication.processEvents()
        path = out / f"{name}{suffix}.png"
        wizard.grab().save(str(path))
        print(path)
    wizard.reject()


def _export_shot(window: MainWindow, out: Path, suffix: str) -> None:
    from asbdesk.gui.export_dialog import ExportDialog

    window.export_to_excel()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None
    dialog.partner_radio.setChecked(True)
    dialog.partner_combo.setCurrentIndex(dialog.partner_combo.findText(PARTNER))
    dialog._recount()
    QApplication.processEvents()
    path = out / f"export-excel{suffix}.png"
    dialog.grab().save(str(path))
    print(path)
    dialog.reject()


PARTNER = "Hertfordshire Police SNT"


def _report_shots(window: MainWindow, out: Path, suffix: str) -> None:
    """File ▸ Report as PDF… on the plan shown, and its preview at the plan's first table."""
    from asbdesk.gui.report_dialog import ReportDialog

    window.make_report()
    dialog = window.findChild(ReportDialog)
    assert dialog is not None
    dialog.prepared_edit.setText("Community Safety Team")
    QApplication.processEvents()
    path = out / f"report-dialog{suffix}.png"
    dialog.grab().save(str(path))
    print(path)
    dialog.output.preview()
    preview = dialog.output.preview_window
    assert preview is not None
    preview.page_spin.setValue(3)
    _settle(1.5)  # QPdfView renders its pages in the background
    path = out / f"report-preview{suffix}.png"
    preview.grab().save(str(path))
    print(path)
    dialog.reject()


def _session_shots(window: MainWindow, out: Path, suffix: str) -> None:
    """The Sessions tab on the Broxtowe plan, and Edit ▸ Log a session… being filled in."""
    from PySide6.QtCore import QDate, Qt

    from asbdesk.gui.session_form import SessionForm
    from asbdesk.sessions import LogSession, SessionFields, countable_milestones, read_sessions

    window.plan_combo.setCurrentIndex(0)
    plan_id = window.current_plan_id()
    assert plan_id is not None
    milestones = {
        m.label.split(" – ")[-1].split(" (")[0]: m.id
        for m in countable_milestones(window.desk.reader, plan_id)
    }
    if not read_sessions(window.desk.reader, plan_id):  # a demo without field work
        for on, place, contacts, categories in (
            (date(2019, 9, 4), "Stapleford", 8, ("Noise", "Nuisance")),
            (date(2019, 9, 18), "Eastwood", 7, ("Intimidation and harassment",)),
            (date(2019, 10, 2), "Stapleford", 5, ("Rowdy behaviour",)),
            (date(2019, 10, 9), "Eastwood", 9, ("Drug or substance misuse", "Nuisance")),
        ):
            fields = SessionFields(
                on=on,
                place=place,
                officers=("Communities Officer",),
                partners=("Nottinghamshire Police",),
                contacts=contacts,
                categories=categories,
                milestone_id=milestones.get(f"20 x {place}"),
            )
            window.ops.run(LogSession(plan_id, fields))
    window.show_sessions()
    QApplication.processEvents()
    path = out / f"sessions{suffix}.png"
    window.grab().save(str(path))
    print(path)

    window.log_session()
    form = window.findChild(SessionForm)
    assert form is not None
    form.date_edit.setDate(QDate(2019, 11, 12))
    form.place_combo.setEditText("Stapleford")
    form.officers_edit.setText("Communities Officer; PCSO Bailey")
    form.partners_edit.setText("Nottinghamshire Police")
    form.contacts_spin.setValue(14)
    form.milestone_combo.setCurrentIndex(
        form.milestone_combo.findData(milestones["20 x Stapleford"])
    )
    form.notes_edit.setPlainText("Parking on Church Street raised by three residents.")
    form.follow_ups_edit.setPlainText("Refer the parking to the Safer Neighbourhood Team.")
    for item in form._category_items():
        if item.text(0) in ("Noise", "Vehicle-related nuisance", "Nuisance"):
            item.setCheckState(0, Qt.CheckState.Checked)
    form.categories.setCurrentItem(form._category_items()[7])
    form.place_combo.setFocus()
    QApplication.processEvents()
    path = out / f"session-form{suffix}.png"
    form.grab().save(str(path))
    print(path)
    form.reject()


def _indicator_and_risk_shots(window: MainWindow, out: Path, suffix: str) -> None:
    """The Indicators tab on the Broxtowe plan with the hate crime trend charted, and the
    Risks tab: the register beside its heat map."""
    from asbdesk.risks import AddRisk, RiskFields, read_risks

    window.plan_combo.setCurrentIndex(0)
    window.show_indicators()
    view = window.indicators
    hate = next(i for i in view.indicators if i.name.startswith("Number of Hate Crime"))
    view.select(hate.id, "2019/20")
    QApplication.processEvents()
    path = out / f"indicators{suffix}.png"
    window.grab().save(str(path))
    print(path)

    plan_id = window.current_plan_id()
    assert plan_id is not None
    today = window.model.today
    if not read_risks(window.desk.reader, plan_id, today):  # a demo without field work
        for description, severity, likelihood, owner, days in (
            ("Funding for the drop-ins ends before March 2020", 4, 3, "Nottinghamshire Police", 30),
            ("Partners stop sharing case information", 4, 2, "Nottinghamshire Police", -14),
            ("Victims of hate crime do not report it", 5, 4, "Victim Care", 60),
            ("Staff turnover leaves drop-ins unstaffed", 3, 3, "", 90),
        ):
            fields = RiskFields(
                description, severity, likelihood, owner, today + timedelta(days=days)
            )
            window.ops.run(AddRisk(plan_id, fields))
    window.show_risks()
    window.risks.table.selectRow(0)
    QApplication.processEvents()
    path = out / f"risks{suffix}.png"
    window.grab().save(str(path))
    print(path)


def _settle(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)


def _takeback_shot(window: MainWindow, tmp: Path, out: Path, suffix: str) -> None:
    """A workbook exported for the police, filled in as a partner would, then reviewed."""
    from openpyxl import load_workbook

    from asbdesk.commands import AddUpdate
    from asbdesk.gui.partner_workbooks import take_back_file
    from asbdesk.gui.takeback_dialog import TakebackDialog
    from asbdesk.xlsx_export import HEADER_ROW, ExportOptions, write_workbook

    desk, today = window.desk, window.model.today
    plan_id = window.current_plan_id()
    assert plan_id is not None
    options = ExportOptions(plan_id, partner=PARTNER)
    sent = write_workbook(desk, options, tmp / "returned.xlsx", today=today).path
    book = load_workbook(sent)
    sheet = book["Plan"]
    heads = {c.value: c.column for c in sheet[HEADER_ROW]}

    def row_of(title: str) -> int:
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
            if any(str(c.value or "").startswith(title) for c in row):
                return int(row[0].row)
        raise LookupError(title)

    def put(title: str, heading: str, value: str) -> None:
        sheet.cell(row_of(title), heads[heading]).value = value

    put(
        "Support existing diversionary",
        "Your update",
        "Joint CID day held in Hatfield town centre on 24/10/2019 with the Street Wardens; "
        "the next one is booked for January.",
    )
    put(
        "Identify key dates",
        "Your update",
        "Patrol rota agreed to March 2020: two evenings a week in the PSPO area.",
    )
    put("Identify key dates", "Status", "Green")
    put("Have designated officers", "Status", "Green")
    put(
        "Ensure FPN's",
        "Your update",
        "38 FPNs issued since April; 6 unpaid passed to Legal.",
    )
    put("Source body worn cameras", "Lead", "ASB Team; Street Wardens; PS Khan")
    sheet.delete_rows(row_of("Act quickly to prepare"))
    at = row_of("Take part in CID days") + 1
    sheet.insert_rows(at)
    sheet.cell(at, heads["Action ref"]).value = "d)"
    sheet.cell(at, heads["Action"]).value = "Monthly pop-up police surgery at Hatfield market"
    sheet.cell(at, heads["Your update"]).value = "First held 02/11/2019: 14 residents came."
    meta = book["asbdesk"]  # made on the demo's "today", as the rest of the picture is
    for row in meta.iter_rows(max_col=2):
        if row[0].value == "exported at":
            row[1].value = "2019-11-01T09:30:00"
    book.save(sent)
    # The officer added an update to the FPN action after the export: a conflict.
    fpn = _node_by_ref_title(window, "Ensure FPN")
    window.ops.run(
        AddUpdate(
            fpn, date(2019, 11, 12), "Q3 2019/20", "FPN figures checked: 41.", "ASB Team", None
        )
    )
    take_back_file(window, sent)
    dialog = window.findChild(TakebackDialog)
    assert dialog is not None
    dialog.show()
    QApplication.processEvents()
    path = out / f"takeback-review{suffix}.png"
    dialog.grab().save(str(path))
    print(path)
    dialog.reject()


def _node_by_ref_title(window: MainWindow, title: str) -> int:
    tree = window.model.tree
    assert tree is not None
    return next(item.id for item in tree.walk() if item.title.startswith(title))


def _node_by_ref(window: MainWindow, ref: str) -> int | None:
    tree = window.model.tree
    assert tree is not None
    for item in tree.walk():
        if item.ref == ref:
            return item.id
    return None


if __name__ == "__main__":
    sys.exit(main())
