"""File ▸ Report…: a status report of a plan as an A4 PDF, for a committee or CSP board
(cover, summary, the plan's tables, exceptions, what is due, the colour key), or a "my
actions" sheet of one officer's or partner's actions to take to a drop-in or a partner
meeting. `asbdesk.report.write_report` makes the PDF; this dialog chooses what goes in it,
and `report_output` previews, saves or prints it.

The choices are those of File ▸ Export to Excel… (the helpers in `plan_choices`), here as
filters that combine: one top-level heading, one officer or team, one partner, some
statuses. A line below them says, as they change, how many actions the report will hold,
and Preview, Save and Print are offered only when it holds some.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from asbdesk.desk import Desk
from asbdesk.gui.plan_choices import (
    add_people,
    add_top_levels,
    fit_combo,
    rows_chosen,
    safe_file_name,
    status_checks,
    tick_statuses,
    ticked_statuses,
)
from asbdesk.gui.report_output import TITLE, ReportOutput
from asbdesk.gui.uiload import child, load_ui
from asbdesk.periods import Quarter, format_date
from asbdesk.plan_tree import PLAN_IDS_SQL, PlanTree
from asbdesk.rag import Status
from asbdesk.report import KINDS, SECTION_NAMES, ReportOptions
from asbdesk.who import current_user
from asbdesk.words import count, plural
from asbdesk.xlsx_export import describe_scope

if TYPE_CHECKING:
    from asbdesk.gui.main_window import MainWindow


def default_period(today: date, plan_end: date | None = None) -> str:
    """ "Progress update – Q3 2019/20": the cover's line for the quarter of `today`, or of
    the plan's last day when the plan has ended (a 2019/20 plan reports on 2019/20)."""
    day = min(today, plan_end) if plan_end is not None else today
    return f"Progress update – {Quarter.of(day).label}"


def open_report(window: MainWindow) -> None:
    """File ▸ Report… on the plan shown."""
    if window._editor is not None:
        window._editor.commit_pending()  # what is being typed goes in the report too
    plan_id = window.current_plan_id()
    if plan_id is None:
        window.statusBar().showMessage("There is no plan to report on yet.", 8000)
        return
    dialog = ReportDialog(window.desk, window.model.today, plan_id, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.output.saved.connect(
        lambda path: window.statusBar().showMessage(f"Saved the report to {path}.", 15000)
    )
    dialog.open()


class ReportDialog(QDialog):
    def __init__(
        self,
        desk: Desk,
        today: date,
        plan_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """Opens on the plan `plan_id` (the first of the desk's plans when None)."""
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle(TITLE)
        self.desk = desk
        self.today = today
        self.tree: PlanTree | None = None
        self._orientation_chosen = False  # once the officer picks one, it stays theirs
        self._ready_text = ""
        form = load_ui("report.ui", self)
        QVBoxLayout(self).addWidget(form)

        self.intro = child(form, QLabel, "introLabel")
        self.plan_combo = child(form, QComboBox, "planCombo")
        self.kind_combo = child(form, QComboBox, "kindCombo")
        self.period_edit = child(form, QLineEdit, "periodEdit")
        self.prepared_edit = child(form, QLineEdit, "preparedEdit")
        self.landscape_radio = child(form, QRadioButton, "landscapeRadio")
        self.portrait_radio = child(form, QRadioButton, "portraitRadio")
        self.sections_box = child(form, QGroupBox, "sectionsBox")
        self.node_label = child(form, QLabel, "nodeLabel")
        self.node_combo = child(form, QComboBox, "nodeCombo")
        self.officer_combo = child(form, QComboBox, "officerCombo")
        self.partner_combo = child(form, QComboBox, "partnerCombo")
        self.status_checks = status_checks(form)
        self.count_label = child(form, QLabel, "countLabel")
        self.message = child(form, QLabel, "messageLabel")
        self.preview_button = child(form, QPushButton, "previewButton")
        self.save_button = child(form, QPushButton, "saveButton")
        self.print_button = child(form, QPushButton, "printButton")
        close_button = child(form, QPushButton, "closeButton")
        self.section_checks: dict[str, QCheckBox] = {}
        layout = self.sections_box.layout()
        assert layout is not None
        for key, label in SECTION_NAMES.items():
            box = QCheckBox(label, self.sections_box)
            box.setObjectName(f"{key}Section")
            box.setAccessibleName(f"Include: {label}")
            box.setChecked(True)
            layout.addWidget(box)
            self.section_checks[key] = box

        self.intro.setText(
            f"Make a status report of a plan as an A4 PDF, dated {format_date(today)}: for a "
            "committee or board, or one officer's or partner's actions for a drop-in or a "
            "partner meeting."
        )
        for key, label in KINDS.items():
            self.kind_combo.addItem(label, key)
        self._period_shown = ""  # the default the box holds, until the officer types
        self.prepared_edit.setText(current_user())
        for plan, title in desk.reader.execute(PLAN_IDS_SQL).fetchall():
            self.plan_combo.addItem(title or "(untitled plan)", plan)
            self.plan_combo.setItemData(
                self.plan_combo.count() - 1, title, Qt.ItemDataRole.ToolTipRole
            )
        fit_combo(self.plan_combo, 40)
        for combo in (self.node_combo, self.officer_combo, self.partner_combo):
            fit_combo(combo)
        self.plan_combo.setCurrentIndex(max(self.plan_combo.findData(plan_id), 0))

        self._recount_timer = QTimer(self)
        self._recount_timer.setSingleShot(True)
        self._recount_timer.setInterval(100)  # a burst of clicks is counted once
        self._recount_timer.timeout.connect(self._recount)
        self.plan_combo.currentIndexChanged.connect(self._load_plan)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        for combo in (self.node_combo, self.officer_combo, self.partner_combo):
            combo.currentIndexChanged.connect(self._changed)
        for box in (*self.status_checks.values(), *self.section_checks.values()):
            box.toggled.connect(self._changed)
        for radio in (self.landscape_radio, self.portrait_radio):
            radio.clicked.connect(self._orientation_clicked)
        child(form, QPushButton, "redAmberButton").clicked.connect(
            lambda: self.set_statuses({Status.RED, Status.AMBER})
        )
        child(form, QPushButton, "allStatusesButton").clicked.connect(
            lambda: self.set_statuses(set(self.status_checks))
        )
        self.output = ReportOutput(self)
        self.preview_button.clicked.connect(self.output.preview)
        self.save_button.clicked.connect(self.output.save)
        self.print_button.clicked.connect(self.output.print_report)
        close_button.clicked.connect(self.reject)

        self._load_plan()
        self._chain_tabs(form)
        self.resize(self.sizeHint().expandedTo(QSize(860, 0)))

    # -- the choices ----------------------------------------------------------------

    def _load_plan(self, _index: int = 0) -> None:
        """The filters for the plan picked: its headings, officers and partners; and its
        period, unless the officer has typed one."""
        plan_id = self.plan_combo.currentData()
        end = self.desk.reader.execute(
            "SELECT end_date FROM plan WHERE id = ?", (plan_id,)
        ).fetchone()
        period = default_period(self.today, date.fromisoformat(end[0]) if end and end[0] else None)
        if self.period_edit.text() in ("", self._period_shown):
            self.period_edit.setText(period)
        self.period_edit.setPlaceholderText(period)
        self._period_shown = period
        self.tree = (
            None if plan_id is None else PlanTree.load(self.desk.reader, plan_id, self.today)
        )
        combos = (self.node_combo, self.officer_combo, self.partner_combo)
        for combo in combos:
            combo.blockSignals(True)
            combo.clear()
        level = self.tree.settings.level_name(0) if self.tree else "Heading"
        self.node_label.setText(_with_mnemonic(f"{level}:", self._letters_taken()))
        self.node_combo.setAccessibleName(f"{level} the actions are under")
        self.node_combo.addItem(f"All {plural(level).lower()}", None)
        self.officer_combo.addItem("Any officer or team", None)
        self.partner_combo.addItem("Any partner", None)
        if self.tree is not None:
            add_top_levels(self.node_combo, self.tree)
            add_people(self.tree, self.partner_combo, self.officer_combo)
        for combo in combos:
            combo.blockSignals(False)
        self._recount()

    def _letters_taken(self) -> set[str]:
        """The Alt letters of every other label and button, so the heading's label (named
        by the plan: Commitment, Target …) takes one of its own."""
        texts = [w.text() for w in self.findChildren(QLabel) if w is not self.node_label]
        texts += [w.text() for w in self.findChildren(QAbstractButton)]
        texts += [w.title() for w in self.findChildren(QGroupBox)]
        return {m.group(1).lower() for t in texts if (m := re.search(r"&([^&\s])", t))}

    def _chain_tabs(self, form: QWidget) -> None:
        order: list[QWidget] = [
            self.plan_combo,
            self.kind_combo,
            self.period_edit,
            self.prepared_edit,
            self.landscape_radio,
            self.portrait_radio,
            *self.section_checks.values(),
            self.node_combo,
            self.officer_combo,
            self.partner_combo,
            *self.status_checks.values(),
            child(form, QPushButton, "redAmberButton"),
            child(form, QPushButton, "allStatusesButton"),
            self.preview_button,
            self.save_button,
            self.print_button,
            child(form, QPushButton, "closeButton"),
        ]
        for before, after in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(before, after)
        self.plan_combo.setFocus()

    def set_statuses(self, statuses: set[Status | None]) -> None:
        tick_statuses(self.status_checks, statuses)

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def options(self) -> ReportOptions:
        """The report the choices ask for, as `write_report` takes it."""
        return ReportOptions(
            plan_id=self.plan_combo.currentData(),
            period=self.period_edit.text().strip(),
            node_id=self.node_combo.currentData(),
            officer=self.officer_combo.currentData() or "",
            partner=self.partner_combo.currentData() or "",
            statuses=ticked_statuses(self.status_checks),
            orientation="portrait" if self.portrait_radio.isChecked() else "landscape",
            sections=tuple(k for k, box in self.section_checks.items() if box.isChecked()),
            prepared_by=self.prepared_edit.text().strip(),
            kind=self.kind(),
        )

    def _kind_changed(self) -> None:
        committee = self.kind() == "committee"
        self.sections_box.setEnabled(committee)
        self.sections_box.setToolTip(
            "" if committee else "A “my actions” sheet has a layout of its own."
        )
        if not self._orientation_chosen:  # a sheet to carry is portrait, a report landscape
            (self.landscape_radio if committee else self.portrait_radio).setChecked(True)
        self._changed()

    def _orientation_clicked(self) -> None:
        self._orientation_chosen = True

    def _changed(self) -> None:
        self._recount_timer.start()

    def _recount(self) -> None:
        """Say what the report will hold, and offer Preview, Save and Print only when it
        can be made."""
        self._recount_timer.stop()
        self._ready_text = ""
        options = self.options()
        tree = self.tree
        if tree is None:
            text = "This desk has no plan yet."
        elif options.statuses == frozenset():
            text = "Tick at least one status."
        elif options.kind == "committee" and not options.sections:
            text = "Tick at least one section."
        elif options.kind != "committee" and not (options.officer or options.partner):
            text = "A “my actions” sheet is for one officer or partner: choose one."
        else:
            export = options.rows()
            actions = sum(1 for item in rows_chosen(tree, export) if not item.children)
            scope = describe_scope(tree, export)
            noun = tree.settings.level_names[-1].lower()
            if not actions:
                text = f"Nothing matches ({scope}): there would be no report."
            else:
                text = f"{count(actions, noun)} will be in the report ({scope})."
                self._ready_text = text
        self.count_label.setText(text)
        self.count_label.setAccessibleName(text)
        for button in (self.preview_button, self.save_button, self.print_button):
            button.setEnabled(bool(self._ready_text))

    def ready(self) -> bool:
        """Whether the report can be made now (the count line says why not)."""
        self._recount()
        return bool(self._ready_text)

    def default_name(self) -> str:
        """ "<plan> – <period> – 15-11-2019.pdf"; a "my actions" sheet names whose it is."""
        options = self.options()
        parts = [self.plan_combo.currentText().strip() or "Plan"]
        if options.kind != "committee":
            parts += [p for p in (options.officer, options.partner) if p]
        parts.append(options.period or default_period(self.today))
        parts.append(format_date(self.today).replace("/", "-"))
        return safe_file_name(" – ".join(parts)) + ".pdf"

    def done(self, result: int) -> None:
        self.output.close()  # the preview goes with the dialog, and the temporary files
        super().done(result)


def _with_mnemonic(text: str, taken: set[str]) -> str:
    """`text` with an Alt letter none of `taken` has: a word's first letter if one is free,
    else any letter; `text` as it is when none is."""
    starts = [m.start() for m in re.finditer(r"\b[A-Za-z]", text)]
    others = [i for i, ch in enumerate(text) if ch.isalpha() and i not in starts]
    for i in starts + others:
        if text[i].lower() not in taken:
            return f"{text[:i]}&{text[i:]}"
    return text
