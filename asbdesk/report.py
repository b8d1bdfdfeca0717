"""A committee-ready status report of a plan, as a PDF built with reportlab's platypus.

The sections follow the papers councils take to their committees (../shared/seeds): a
cover, a summary of RAG counts, the plan as tables (one per top-level node, the header
repeated when a table runs over a page, status as its colour *and* its word so a black
and white print still reads), the red and amber exceptions with a box for the corrective
action, what is overdue and what falls due next quarter, the indicators, and the colour
key. Every page carries the plan's name, the print date and "Page x of y".

Fonts are embedded (DejaVu-compatible Bitstream Vera, shipped with reportlab), so "£" and
"–" print everywhere.

No Qt here. (Issue 5; the report dialog, print path and charts are still to come.)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from asbdesk.desk import Desk
from asbdesk.outfile import output_path, written_whole
from asbdesk.periods import Quarter, format_date
from asbdesk.rag import Status, count_statuses
from asbdesk.xlsx_export import ExportOptions, ExportRow, read_table

ProgressFn = Callable[[int, int], None]

SECTIONS = ("summary", "plan", "exceptions", "due", "indicators", "key")
FONT, BOLD = "AsbSans", "AsbSans-Bold"


class ReportError(ValueError):
    """A report that cannot be written; the message says why."""


@dataclass
class ReportOptions:
    plan_id: int
    period: str = ""  # "Q3 2019/20"; the quarter of `today` when empty
    node_id: int | None = None
    officer: str = ""
    partner: str = ""
    statuses: frozenset[Status | None] | None = None
    orientation: str = "landscape"  # or "portrait"
    sections: tuple[str, ...] = SECTIONS
    prepared_by: str = ""


@dataclass
class ReportResult:
    path: Path
    pages: int
    actions: int
    exceptions: list[str] = field(default_factory=list)  # refs of the red and amber actions


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    pdfmetrics.registerFont(TTFont(FONT, os.path.join(folder, "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, os.path.join(folder, "VeraBd.ttf")))


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=8, leading=10)
    return {
        "body": base,
        "bold": ParagraphStyle("bold", parent=base, fontName=BOLD),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, textColor=colors.white),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=BOLD, fontSize=16, leading=20, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=BOLD, fontSize=12, leading=15, spaceBefore=6, spaceAfter=4
        ),
        "cover": ParagraphStyle(
            "cover",
            parent=base,
            fontName=BOLD,
            fontSize=22,
            leading=28,
            alignment=TA_CENTER,
            spaceAfter=12,
        ),
        "cover2": ParagraphStyle(
            "cover2", parent=base, fontSize=13, leading=18, alignment=TA_CENTER, spaceAfter=6
        ),
        "status": ParagraphStyle("status", parent=base, fontName=BOLD, alignment=TA_CENTER),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


_HEADER_BG = colors.HexColor("#1F4E78")
_GRID = colors.HexColor("#BFBFBF")
_DARK = (Status.RED, Status.GREEN, Status.BLUE)


def _status_cell(word: str, styles: dict[str, ParagraphStyle]) -> tuple[Paragraph, Any]:
    status = next((s for s in Status if s.word == word), None)
    if status is None:
        return _p("Not set", styles["status"]), None
    style = ParagraphStyle(
        f"status-{status.value}",
        parent=styles["status"],
        textColor=colors.white if status in _DARK else colors.black,
    )
    return _p(status.word, style), colors.HexColor(status.colour)


def _table(
    header: list[str],
    rows: list[list[Any]],
    widths: list[float],
    styles: dict[str, ParagraphStyle],
    fills: list[tuple[int, int, Any]] | None = None,
    bold_rows: list[int] | None = None,
) -> Table:
    data = [[_p(h, styles["head"]) for h in header], *rows]
    t = Table(data, colWidths=widths, repeatRows=1)
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), _HEADER_BG),
        ("GRID", (0, 0), (-1, -1), 0.4, _GRID),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for col, row, colour in fills or []:
        commands.append(("BACKGROUND", (col, row), (col, row), colour))
    for row in bold_rows or []:
        commands.append(("BACKGROUND", (0, row), (-2, row), colors.HexColor("#DDEBF7")))
    t.setStyle(TableStyle(commands))
    return t


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """Holds the pages back until the end so each footer can say "Page x of y"."""

    footer_left = ""
    footer_centre = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # reportlab starts each page in Helvetica, which is not embedded: start in ours.
        kwargs["initialFontName"] = FONT
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        width, _height = self._pagesize
        self.saveState()
        self.setFont(FONT, 7)
        self.setFillColor(colors.HexColor("#404040"))
        self.drawString(12 * mm, 8 * mm, self.footer_left[:110])
        self.drawCentredString(width / 2, 8 * mm, self.footer_centre)
        self.drawRightString(width - 12 * mm, 8 * mm, f"Page {self._pageNumber} of {total}")
        self.restoreState()


def write_report(
    desk: Desk,
    options: ReportOptions,
    path: str | Path,
    *,
    today: date | None = None,
    progress: ProgressFn | None = None,
) -> ReportResult:
    """Write the report to `path` (whole, or not at all)."""
    _register_fonts()
    path = output_path(path, ".pdf", ReportError)
    today = today or date.today()
    export = ExportOptions(
        options.plan_id,
        node_id=options.node_id,
        partner=options.partner,
        officer=options.officer,
        statuses=options.statuses,
        for_partners=False,
    )
    table = read_table(desk.reader, export, today)
    if not table.rows:
        raise ReportError(f"Nothing in the plan matches ({table.scope}); there is no report.")
    period = options.period or f"Progress update – {Quarter.of(today).label}"
    pagesize = landscape(A4) if options.orientation == "landscape" else portrait(A4)
    width = pagesize[0] - 24 * mm
    styles = _styles()
    reasons = dict(
        desk.reader.execute(
            "SELECT uuid, status_reason FROM node WHERE plan_id = ?", (options.plan_id,)
        ).fetchall()
    )
    story: list[Any] = []
    # Cover
    story += [Spacer(1, 40 * mm)]
    if table.council:
        story.append(_p(table.council, styles["cover2"]))
    story += [
        _p(table.plan_title, styles["cover"]),
        _p(period, styles["cover2"]),
        _p(f"Printed {format_date(today)}", styles["cover2"]),
    ]
    if options.prepared_by:
        story.append(_p(f"Prepared by {options.prepared_by}", styles["cover2"]))
    if table.scope != "the whole plan":
        story.append(_p(f"This report covers {table.scope}.", styles["cover2"]))
    story.append(PageBreak())

    actions = [r for r in table.rows if not r.item.children]
    exceptions = [r for r in actions if r.values["status"] in ("Red", "Amber")]
    sections = set(options.sections)
    if "summary" in sections:
        story += _summary(table.rows, actions, table.level_names, width, styles)
    total = len(table.rows)
    if "plan" in sections:
        tops = [r for r in table.rows if r.depth == 0]
        done = 0
        for top in tops:
            block = [r for r in _subtree(table.rows, top)]
            story.append(_p(_label(top), styles["h2"]))
            story.append(_plan_table(block, table.level_names, width, styles))
            done += len(block)
            if progress is not None:
                progress(done, total)
    if "exceptions" in sections:
        story.append(PageBreak())
        story.append(_p("Exceptions: red and amber actions", styles["h1"]))
        if not exceptions:
            story.append(_p("No action is red or amber.", styles["body"]))
        else:
            rows = []
            fills = []
            for i, r in enumerate(exceptions, start=1):
                cell, colour = _status_cell(r.values["status"], styles)
                rows.append(
                    [
                        _p(full_ref(r), styles["body"]),
                        _p(_title(r), styles["body"]),
                        cell,
                        _p(reasons.get(r.values["id"]) or r.values["update"], styles["body"]),
                        _p(r.values["lead"], styles["body"]),
                        "",
                    ]
                )
                if colour is not None:
                    fills.append((2, i, colour))
            story.append(
                _table(
                    ["Ref", "Action", "Status", "Reason", "Lead", "Corrective action"],
                    rows,
                    [w * width for w in (0.07, 0.25, 0.08, 0.25, 0.13, 0.22)],
                    styles,
                    fills,
                )
            )
    if "due" in sections:
        story += _due(actions, today, width, styles)
    if "key" in sections:
        story.append(Spacer(1, 6 * mm))
        rows, fills = [], []
        for i, status in enumerate(Status, start=1):
            cell, colour = _status_cell(status.word, styles)
            rows.append([cell, _p(table.colour_key.get(status.value, ""), styles["body"])])
            fills.append((0, i, colour))
        story.append(
            KeepTogether(
                [
                    _p("Colour key", styles["h2"]),
                    _table(["Status", "Meaning"], rows, [0.12 * width, 0.6 * width], styles, fills),
                ]
            )
        )

    class Canvas_(_NumberedCanvas):
        footer_left = table.plan_title
        footer_centre = f"Printed {format_date(today)}"

    with written_whole(path, ReportError) as part:
        doc = SimpleDocTemplate(
            str(part),
            pagesize=pagesize,
            leftMargin=12 * mm,
            rightMargin=12 * mm,
            topMargin=12 * mm,
            bottomMargin=15 * mm,
            title=table.plan_title,
            author=options.prepared_by or "asbdesk",
            subject=period,
        )
        doc.build(story, canvasmaker=Canvas_)
    return ReportResult(path, doc.page, len(actions), [full_ref(r) for r in exceptions])


def _subtree(rows: list[ExportRow], top: ExportRow) -> list[ExportRow]:
    start = rows.index(top)
    out = [top]
    for r in rows[start + 1 :]:
        if r.depth == 0:
            break
        out.append(r)
    return out


def _ref(r: ExportRow) -> str:
    return str(r.values.get(f"ref{r.depth}") or "")


def full_ref(r: ExportRow) -> str:
    """ "1.2 a)" for an action lettered a) under 1.2: letters repeat under every parent."""
    ref, parent = r.item.ref, r.item.parent
    if parent is not None and parent.id != 0 and parent.ref and not ref.startswith(parent.ref):
        return f"{parent.ref} {ref}".strip()
    return ref


def _title(r: ExportRow) -> str:
    return str(r.values.get(f"title{r.depth}") or "")


def _label(r: ExportRow) -> str:
    return f"{_ref(r)} {_title(r)}".strip()


def _plan_table(
    rows: list[ExportRow], levels: list[str], width: float, styles: dict[str, ParagraphStyle]
) -> Table:
    header = [
        "Ref",
        " / ".join(levels[1:]) or levels[0],
        "Outcome",
        "Progress",
        "Lead",
        "Target date",
        "Status",
    ]
    data, fills, parents = [], [], []
    for i, r in enumerate(rows, start=1):
        style = styles["bold"] if r.item.children else styles["body"]
        cell, colour = _status_cell(r.values["status"], styles)
        update = r.values["update"]
        if update and r.values.get("update_date"):
            update = f"{format_date(r.values['update_date'])}: {update}"
        indent = "\u2003" * max(0, r.depth - 1)
        data.append(
            [
                _p(_ref(r), style),
                _p(indent + _title(r), style),
                _p(r.values["outcome"], styles["body"]),
                _p(update, styles["body"]),
                _p(r.values["lead"], styles["body"]),
                _p(format_date(r.values["target_date"]), styles["body"]),
                cell,
            ]
        )
        if colour is not None:
            fills.append((6, i, colour))
        if r.item.children:
            parents.append(i)
    return _table(
        header,
        data,
        [w * width for w in (0.06, 0.24, 0.18, 0.27, 0.1, 0.07, 0.08)],
        styles,
        fills,
        parents,
    )


def _summary(
    rows: list[ExportRow],
    actions: list[ExportRow],
    levels: list[str],
    width: float,
    styles: dict[str, ParagraphStyle],
) -> list[Any]:
    words = [s.word for s in Status]
    header = ["", *words, "Not set", "Actions"]

    def line(label: str, group: list[ExportRow]) -> list[Any]:
        counts = count_statuses(
            next((s for s in Status if s.word == r.values["status"]), None) for r in group
        )
        return [
            _p(label, styles["body"]),
            *[_p(counts.get(s, 0), styles["status"]) for s in Status],
            _p(counts.get(None, 0), styles["status"]),
            _p(len(group), styles["status"]),
        ]

    data = [line("Whole plan", actions)]
    for top in (r for r in rows if r.depth == 0):
        sub = [r for r in _subtree(rows, top) if not r.item.children]
        data.append(line(_label(top), sub))
    fills = [
        (i, 0, colors.HexColor(s.colour))
        for i, s in enumerate(Status, start=1)
        if s is not Status.NOT_STARTED
    ]
    t = _table(header, data, [0.34 * width] + [0.07 * width] * 8, styles)
    t.setStyle(
        TableStyle(
            [
                ("ALIGN", (1, 1), (-1, -1), "CENTER"),
                *[("BACKGROUND", (c, r), (c, r), colour) for c, r, colour in fills],
            ]
        )
    )
    return [
        _p("Summary", styles["h1"]),
        _p(f"Actions by status, per {levels[0].lower()}.", styles["body"]),
        Spacer(1, 3 * mm),
        t,
        PageBreak(),
    ]


def _due(
    actions: list[ExportRow], today: date, width: float, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    quarter = Quarter.of(today).next()
    open_ = [r for r in actions if r.values["status"] != Status.BLUE.word]
    overdue = [r for r in open_ if r.values["target_date"] and r.values["target_date"] < today]
    due = [
        r
        for r in open_
        if r.values["target_date"] and quarter.start <= r.values["target_date"] <= quarter.end
    ]
    out: list[Any] = []
    for heading, group in (
        (f"Overdue at {format_date(today)}", overdue),
        (f"Due next quarter ({quarter.label})", due),
    ):
        out.append(_p(heading, styles["h2"]))
        if not group:
            out.append(_p("None.", styles["body"]))
            continue
        rows, fills = [], []
        for i, r in enumerate(group, start=1):
            cell, colour = _status_cell(r.values["status"], styles)
            rows.append(
                [
                    _p(full_ref(r), styles["body"]),
                    _p(_title(r), styles["body"]),
                    _p(format_date(r.values["target_date"]), styles["body"]),
                    _p(r.values["lead"], styles["body"]),
                    cell,
                ]
            )
            if colour is not None:
                fills.append((4, i, colour))
        out.append(
            _table(
                ["Ref", "Action", "Target date", "Lead", "Status"],
                rows,
                [w * width for w in (0.07, 0.45, 0.1, 0.2, 0.1)],
                styles,
                fills,
            )
        )
    return out
