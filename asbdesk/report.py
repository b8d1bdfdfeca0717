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
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Circle, Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    PageBreakIfNotEmpty,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from asbdesk.desk import Desk
from asbdesk.indicators import IndicatorRow, IndicatorValueRow, periods_of, read_indicators
from asbdesk.outfile import output_path, written_whole
from asbdesk.periods import (
    FinancialYear,
    Period,
    PeriodError,
    Quarter,
    format_date,
    parse_period,
)
from asbdesk.rag import Status, count_statuses
from asbdesk.risks import (
    BANDS,
    LIKELIHOOD_WORDS,
    SCALE,
    SEVERITY_WORDS,
    RiskRow,
    band,
    heat_map,
    read_risks,
)
from asbdesk.sessions import KINDS as SESSION_KINDS
from asbdesk.sessions import SessionFilter, grand_total, read_sessions, totals_by_quarter
from asbdesk.words import count
from asbdesk.xlsx_export import ExportOptions, ExportRow, ExportTable, read_table

ProgressFn = Callable[[int, int], None]

# The sections of a committee report, in print order, with the names the dialog shows.
SECTION_NAMES = {
    "summary": "Summary: status counts, chart and direction of travel",
    "plan": "The plan, one table per top-level heading",
    "exceptions": "Exceptions: red and amber actions",
    "due": "Overdue, and due next quarter",
    "indicators": "Indicators, with a trend chart each",
    "sessions": "Field work: sessions and contacts per quarter",
    "risks": "Risk register, with its heat map",
    "key": "Colour key",
}
SECTIONS = tuple(SECTION_NAMES)
KINDS = {
    "committee": "Committee report",
    "actions": "“My actions” sheet for an officer or partner",
}
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
    # "committee", or "actions": one officer's or partner's actions on a sheet to take
    # to a drop-in or a partner meeting (officer or partner must be set).
    kind: str = "committee"

    def rows(self) -> ExportOptions:
        """The rows the report holds, chosen as an export (not for partners) chooses them."""
        return ExportOptions(
            self.plan_id,
            node_id=self.node_id,
            partner=self.partner,
            officer=self.officer,
            statuses=self.statuses,
            for_partners=False,
        )


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


_BY_WORD = {s.word: s for s in Status}  # "Amber" → Status.AMBER, as the rows hold them


def _status_cell(word: str, styles: dict[str, ParagraphStyle]) -> tuple[Paragraph, Any]:
    status = _BY_WORD.get(word)
    if status is None:
        return _p("Not set", styles["status"]), None
    style = ParagraphStyle(
        f"status-{status.value}",
        parent=styles["status"],
        textColor=colors.white if status in _DARK else colors.black,
    )
    return _p(status.word, style), colors.HexColor(status.colour)


def _table(
    header: list[Any],
    rows: list[list[Any]],
    widths: list[float],
    styles: dict[str, ParagraphStyle],
    fills: list[tuple[int, int, Any]] | None = None,
    bold_rows: list[int] | None = None,
) -> Table:
    data = [[h if isinstance(h, Paragraph) else _p(h, styles["head"]) for h in header], *rows]
    # splitInRow: a row taller than a page (a very long cell) splits rather than failing.
    t = Table(data, colWidths=widths, repeatRows=1, splitInRow=1)
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


# Columns that hold the same things in every table: a ref ("1.2 a)"), a lead's name
# ("Neighbourhood" unbroken), a date (31/03/2019) and a status word ("Amber").
_REF, _LEAD, _DATE, _STATUS = 14 * mm, 25 * mm, 20 * mm, 17 * mm


def _widths(width: float, *columns: float) -> list[float]:
    """Column widths: a number above 1 is a fixed width in points; a number up to 1 is a
    share of what the fixed columns leave, so tables fill A4 either way round."""
    fixed = sum(c for c in columns if c > 1)
    shares = sum(c for c in columns if c <= 1) or 1
    rest = max(width - fixed, 0)
    return [c if c > 1 else rest * c / shares for c in columns]


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
        room = width / 2 - 12 * mm - stringWidth(self.footer_centre, FONT, 7) / 2 - 4 * mm
        self.drawString(12 * mm, 8 * mm, _fitted(self.footer_left, room, 7))
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
    """Write the report to `path` (whole, or not at all).

    `progress(done, total)` is called while the tables are read and laid out, at least once
    a page; an exception raised from it (Cancel) stops the work and leaves no file.
    """
    _register_fonts()
    path = output_path(path, ".pdf", ReportError)
    today = today or date.today()
    if options.kind not in KINDS:
        raise ReportError(f"There is no report of the kind '{options.kind}'.")
    if options.kind == "actions" and not (options.officer or options.partner):
        raise ReportError("A “my actions” sheet is for one officer or one partner: choose one.")
    table = read_table(desk.reader, options.rows(), today)
    if not table.rows:
        raise ReportError(f"Nothing in the plan matches ({table.scope}); there is no report.")
    if progress is not None:
        progress(_READ_SHARE, _TOTAL)
    reporting = reporting_period(options.period, today)
    period = options.period or f"Progress update – {reporting.label}"
    pagesize = landscape(A4) if options.orientation == "landscape" else portrait(A4)
    width = pagesize[0] - 24 * mm
    styles = _styles()
    actions = [r for r in table.rows if not r.item.children]
    exceptions = [r for r in actions if r.values["status"] in ("Red", "Amber")]
    if options.kind == "actions":
        story = _actions_sheet(table, actions, options, period, today, width, styles)
    else:
        story = _committee_story(
            desk, table, actions, exceptions, options, period, reporting, today, width, styles
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
        if progress is not None:
            doc.setProgressCallBack(_Layout(progress))
        try:
            doc.build(story, canvasmaker=Canvas_)
        except LayoutError as exc:
            raise ReportError(
                "Part of the report is too big for an A4 page (a very long text or a very"
                f" wide table): {str(exc)[:120]}…"
            ) from exc
    return ReportResult(path, doc.page, len(actions), [full_ref(r) for r in exceptions])


# Progress: reading the plan is the first tenth, laying out its flowables the rest.
_TOTAL, _READ_SHARE = 1000, 100


class _Layout:
    """Turns platypus's progress calls into `progress(done, total)`, one at least per page."""

    def __init__(self, progress: ProgressFn) -> None:
        self.progress = progress
        self.size = 1
        self.done = 0

    def __call__(self, kind: str, value: int) -> None:
        if kind == "SIZE_EST":
            self.size = max(value, 1)
        elif kind == "PROGRESS":  # a table split in two counts again: never go back
            self.done = max(self.done, min(value, self.size))
        elif kind != "PAGE":
            return
        share = (_TOTAL - _READ_SHARE) * self.done // self.size
        self.progress(_READ_SHARE + share, _TOTAL)


_PERIOD_IN_TEXT = re.compile(r"(?:Q\s*[1-4]\s*)?\d{4}\s*[/-]\s*\d{2,4}", re.IGNORECASE)


def reporting_period(text: str, today: date) -> Period:
    """The quarter or year a report's period names ("Progress update – Q3 2019/20"), or
    the quarter of `today` when it names none."""
    for match in _PERIOD_IN_TEXT.finditer(text):
        try:
            return parse_period(match.group())
        except PeriodError:
            continue
    return Quarter.of(today)


def _previous(period: Period) -> Period:
    if isinstance(period, Quarter):
        return period.previous()
    return FinancialYear(period.start_year - 1)


def _committee_story(
    desk: Desk,
    table: ExportTable,
    actions: list[ExportRow],
    exceptions: list[ExportRow],
    options: ReportOptions,
    period: str,
    reporting: Period,
    today: date,
    width: float,
    styles: dict[str, ParagraphStyle],
) -> list[Any]:
    reasons = dict(
        desk.reader.execute(
            "SELECT uuid, status_reason FROM node WHERE plan_id = ?", (options.plan_id,)
        ).fetchall()
    )
    story: list[Any] = _cover(table, options, period, today, styles)
    sections = set(options.sections)
    if "summary" in sections:
        travel = _travel(desk, actions, _previous(reporting))
        story += _summary(table.rows, actions, table.level_names, travel, width, styles)
    if "plan" in sections:
        for top in (r for r in table.rows if r.depth == 0):
            story.append(_p(_label(top), styles["h2"]))
            story.append(_plan_table(_subtree(table.rows, top), table.level_names, width, styles))
    if "exceptions" in sections:
        story.append(PageBreakIfNotEmpty())
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
                    _widths(width, _REF, 0.25, _STATUS, 0.25, _LEAD, 0.22),
                    styles,
                    fills,
                )
            )
    if "due" in sections:
        # As at the end of the period reported on (or today, if that is sooner): a report
        # for Q3 2019/20 printed later lists what was overdue then, not now.
        as_at = min(today, reporting.end)
        story += _due(actions, as_at, width, styles)
    if "indicators" in sections:
        story += _indicators(read_indicators(desk.reader, options.plan_id), width, styles)
    if "sessions" in sections:
        story += _sessions(desk, options, width, styles)
    if "risks" in sections:
        story += _risks(read_risks(desk.reader, options.plan_id, today), today, width, styles)
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
    return story


def _cover(
    table: ExportTable,
    options: ReportOptions,
    period: str,
    today: date,
    styles: dict[str, ParagraphStyle],
) -> list[Any]:
    story: list[Any] = [Spacer(1, 40 * mm)]
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
    return story


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
        _widths(width, _REF, 0.24, 0.18, 0.27, max(_LEAD, 0.11 * width), _DATE, _STATUS),
        styles,
        fills,
        parents,
    )


def _summary(
    rows: list[ExportRow],
    actions: list[ExportRow],
    levels: list[str],
    travel: Travel,
    width: float,
    styles: dict[str, ParagraphStyle],
) -> list[Any]:
    # Each status's heading on its own colour, in black where white would not read.
    on_light = ParagraphStyle("head-light", parent=styles["head"], textColor=colors.black)
    header: list[Any] = [
        "",
        *[
            _p(st.word, on_light if st in (Status.AMBER, Status.GREY) else styles["head"])
            for st in Status
        ],
        "Not set",
        "Actions",
    ]

    def line(label: str, group: list[ExportRow]) -> list[Any]:
        counts = count_statuses(_status_of(r) for r in group)
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
    t = _table(header, data, _widths(width, 1.0, *[max(15 * mm, 0.07 * width)] * 8), styles)
    t.setStyle(
        TableStyle(
            [
                ("ALIGN", (1, 1), (-1, -1), "CENTER"),
                *[("BACKGROUND", (c, r), (c, r), colour) for c, r, colour in fills],
            ]
        )
    )
    groups = [("Whole plan", actions)] + [
        (_label(top), [r for r in _subtree(rows, top) if not r.item.children])
        for top in rows
        if top.depth == 0
    ]
    return [
        _p("Summary", styles["h1"]),
        _p(f"Actions by status, per {levels[0].lower()}.", styles["body"]),
        Spacer(1, 3 * mm),
        t,
        Spacer(1, 5 * mm),
        _status_chart(groups, width),
        *_travel_story(travel, width, styles),
        PageBreakIfNotEmpty(),
    ]


_CHART_KEYS: list[Status | None] = [*Status, None]


def _status_of(r: ExportRow) -> Status | None:
    return _BY_WORD.get(r.values["status"])


def _status_chart(groups: list[tuple[str, list[ExportRow]]], width: float) -> Drawing:
    """A stacked bar per group (the whole plan first), one colour per status, with a key."""
    # A table's cell padding: the drawing must fit the frame. It must fit a page, too:
    # with many headings the bars get thinner (down to 1.5 mm) rather than the chart taller.
    width -= 12
    bar = max(min(5 * mm, 90 * mm / (len(groups) * 1.6)), 1.5 * mm)
    label_width = 0.3 * width
    height = len(groups) * bar * 1.6 + 16 * mm
    drawing = _drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 12 * mm
    chart.width, chart.height = width - label_width - 45 * mm, height - 16 * mm
    counts = [count_statuses(_status_of(r) for r in group) for _name, group in groups]
    # The first category is drawn at the bottom: reverse, so the whole plan is on top.
    # Only the statuses some action has, so the key lists no colour the bars do not show.
    keys = [key for key in _CHART_KEYS if any(c.get(key) for c in counts)] or [None]
    chart.data = [[c.get(key, 0) for c in reversed(counts)] for key in keys]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = [_short(name, 48) for name, _g in reversed(groups)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7 if bar >= 3 * mm else 5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = _GRID
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.barWidth = bar
    chart.bars.strokeColor = colors.HexColor("#595959")
    chart.bars.strokeWidth = 0.3
    for i, key in enumerate(keys):
        chart.bars[i].fillColor = _chart_colour(key)
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 40 * mm, height - 6 * mm
    legend.fontName, legend.fontSize = FONT, 7
    legend.alignment = "right"
    legend.columnMaximum = len(keys)
    legend.colorNamePairs = [(_chart_colour(key), key.word if key else "Not set") for key in keys]
    legend.strokeColor = colors.HexColor("#595959")
    drawing.add(legend)
    return drawing


def _chart_colour(key: Status | None) -> Any:
    # "Not started" is white in the plans' keys; "not set" is told apart by a light grey.
    return colors.HexColor(key.colour if key else "#E8E8E8")


def _drawing(width: float, height: float) -> Drawing:
    # A drawing starts in Helvetica, which is not embedded: start it in ours.
    return Drawing(width, height, initialFontName=FONT, initialFontSize=7)


def _fitted(text: str, room: float, size: float) -> str:
    """`text`, cut short with "…" to fit `room` points wide in our font."""
    if stringWidth(text, FONT, size) <= room:
        return text
    while text and stringWidth(text + "…", FONT, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# Better is higher. Grey (monitored, not rated), "not started" and no status are not ranked.
_RANK = {Status.RED: 0, Status.AMBER: 1, Status.GREEN: 2, Status.BLUE: 3}


@dataclass
class Travel:
    """How the actions' statuses moved since the end of the previous period."""

    since: Period
    improved: list[tuple[ExportRow, Status]] = field(default_factory=list)  # (row, then)
    worse: list[tuple[ExportRow, Status]] = field(default_factory=list)
    unchanged: int = 0
    not_compared: int = 0  # no status then, or one not rated (grey, not started)


def _travel(desk: Desk, actions: list[ExportRow], since: Period) -> Travel:
    """Each action's status now against the last status recorded on or before the end of
    `since` (the status changes and rated updates in its history)."""
    then: dict[str, str] = dict(
        desk.reader.execute(
            "SELECT n.uuid, (SELECT u.status FROM progress_update u WHERE u.node_id = n.id"
            " AND u.deleted_at IS NULL AND u.status IS NOT NULL AND u.date <= ?"
            " ORDER BY u.date DESC, u.id DESC LIMIT 1)"
            " FROM node n WHERE n.plan_id = (SELECT plan_id FROM node WHERE uuid = ?)",
            (since.end.isoformat(), actions[0].values["id"]),
        ).fetchall()
    )
    travel = Travel(since)
    for r in actions:
        was, now = Status.parse(then.get(r.values["id"])), _status_of(r)
        if was not in _RANK or now not in _RANK:
            travel.not_compared += 1
        elif _RANK[now] > _RANK[was]:
            travel.improved.append((r, was))
        elif _RANK[now] < _RANK[was]:
            travel.worse.append((r, was))
        else:
            travel.unchanged += 1
    return travel


def _travel_story(travel: Travel, width: float, styles: dict[str, ParagraphStyle]) -> list[Any]:
    since = travel.since
    out: list[Any] = [
        _p(f"Direction of travel since {since.label}", styles["h2"]),
        _p(
            f"Each action's status now against its status at the end of {since.label}"
            f" ({format_date(since.end)}): {len(travel.improved)} improved,"
            f" {len(travel.worse)} worse, {travel.unchanged} unchanged"
            f", {travel.not_compared} with no rated status to compare"
            " (none recorded then, or grey or not started).",
            styles["body"],
        ),
    ]
    moved = [("Improved", r, was) for r, was in travel.improved] + [
        ("Worse", r, was) for r, was in travel.worse
    ]
    if not moved:
        return out
    rows, fills = [], []
    for i, (direction, r, was) in enumerate(moved, start=1):
        was_cell, was_colour = _status_cell(was.word, styles)
        now_cell, now_colour = _status_cell(r.values["status"], styles)
        rows.append(
            [
                _p(direction, styles["bold"]),
                _p(full_ref(r), styles["body"]),
                _p(_title(r), styles["body"]),
                was_cell,
                now_cell,
            ]
        )
        fills += [(3, i, was_colour), (4, i, now_colour)]
    out += [
        Spacer(1, 2 * mm),
        _table(
            ["Travel", "Ref", "Action", since.label, "Now"],
            rows,
            _widths(width, _DATE, _REF, 1.0, 22 * mm, _STATUS),
            styles,
            fills,
        ),
    ]
    return out


def _indicators(
    indicators: list[IndicatorRow], width: float, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    """A table per indicator group: values per period (as many of the latest as fit: eight
    on A4 landscape, three on portrait), target, trend."""
    if not indicators:
        return _nothing("Indicators", "The plan has no indicators.", styles)
    out: list[Any] = [PageBreakIfNotEmpty(), _p("Indicators", styles["h1"])]
    groups: dict[str, list[IndicatorRow]] = {}
    for ind in indicators:
        groups.setdefault(ind.group or "Indicators", []).append(ind)
    number = ParagraphStyle("number", parent=styles["body"], alignment=TA_RIGHT)
    spark = 50 * mm
    for group, members in groups.items():
        # The latest periods that fit beside a readable name (60 mm) and the trend.
        periods = periods_of(members)[-max(int((width - 110 * mm) // (18 * mm)) - 1, 1) :]
        cell_w = min(26 * mm, (width - 60 * mm - spark - 6) / (len(periods) + 1))
        name_w = width - cell_w * (len(periods) + 1) - spark - 6
        rows = []
        for ind in members:
            by_period = {v.period: v for v in ind.values}
            target = ""
            if ind.target is not None:
                target = IndicatorValueRow("", ind.target, None, True).text(ind.unit)
            better = "lower" if ind.direction == "lower" else "higher"
            rows.append(
                [
                    _p(f"{ind.name} ({better} is better)", styles["body"]),
                    *[
                        _p(by_period[p].text(ind.unit) if p in by_period else "", number)
                        for p in periods
                    ],
                    _p(target, number),
                    _trend(ind, periods, spark, 9 * mm),
                ]
            )
        t = _table(
            ["Indicator", *periods, "Target", "Trend"],
            rows,
            [name_w, *[cell_w] * (len(periods) + 1), spark + 6],
            styles,
        )
        out += [KeepTogether([_p(group, styles["h2"]), t]), Spacer(1, 4 * mm)]
    out.append(
        _p(
            "Trend: a solid dot is a whole period's value; a hollow dot, joined by a dashed"
            " line, a part of a period so far; the dashed grey line is the target.",
            styles["body"],
        )
    )
    return out


def _trend(ind: IndicatorRow, periods: list[str], width: float, height: float) -> Drawing:
    """A small line of the indicator's values over the periods: a partial period as a
    hollow dot on a dashed segment, a gap for "not yet available", the target dashed grey."""
    drawing = _drawing(width, height)
    by_period = {v.period: v for v in ind.values}
    points = [
        (i, value.value, bool(value.partial))
        for i, p in enumerate(periods)
        if (value := by_period.get(p)) is not None and value.available and value.value is not None
    ]
    if not points:
        drawing.add(String(2, height / 2 - 3, "No values yet", fontName=FONT, fontSize=6))
        return drawing
    values = [v for _i, v, _partial in points if v is not None]
    if ind.target is not None:
        values.append(ind.target)
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 6) / max(len(periods) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return 3 + i * step, 2 + (v - low) / span * (height - 4)

    if ind.target is not None:
        y = xy(0, ind.target)[1]
        drawing.add(
            Line(2, y, width - 2, y, strokeColor=_GRID, strokeWidth=0.6, strokeDashArray=[2, 2])
        )
    ink = colors.HexColor("#1F4E78")
    xys = [(xy(i, v), partial) for i, v, partial in points if v is not None]
    for (start, _), (end, partial) in zip(xys, xys[1:], strict=False):
        dash = [1.5, 1.5] if partial else None
        drawing.add(Line(*start, *end, strokeColor=ink, strokeWidth=0.9, strokeDashArray=dash))
    for (x, y), partial in xys:
        fill = colors.white if partial else ink
        drawing.add(Circle(x, y, 1.4, fillColor=fill, strokeColor=ink, strokeWidth=0.7))
    return drawing


def _nothing(heading: str, text: str, styles: dict[str, ParagraphStyle]) -> list[Any]:
    """A section with nothing in it: a heading and a line, with no page of its own."""
    return [Spacer(1, 4 * mm), KeepTogether([_p(heading, styles["h2"]), _p(text, styles["body"])])]


def _sessions(
    desk: Desk, options: ReportOptions, width: float, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    """Field work per quarter: sessions of each kind, contacts, ASB categories raised
    (an officer's own sessions, or those a partner was at, when the report is for one)."""
    chosen = SessionFilter(officer=options.officer, partner=options.partner)
    rows = read_sessions(desk.reader, options.plan_id, chosen)
    if not rows:
        none = "No sessions have been logged for this plan"
        if options.officer or options.partner:
            none += " by this officer" if options.officer else " with this partner present"
        return _nothing("Field work", f"{none}.", styles)
    out: list[Any] = [PageBreakIfNotEmpty(), _p("Field work", styles["h1"])]
    first = min(r.on for r in rows)
    who = f" by {options.officer}" if options.officer else ""
    who += f" with {options.partner} present" if options.partner else ""
    out.append(
        _p(
            f"{count(len(rows), 'session')}{who} since {format_date(first)}, with"
            f" {count(sum(r.contacts for r in rows), 'contact')}.",
            styles["body"],
        )
    )
    kinds = [k for k in SESSION_KINDS if any(r.kind == k for r in rows)]
    # A column per kind where they fit beside 60 mm of categories; else one "By kind" cell.
    by_column = width - (60 + 21 * len(kinds)) * mm >= 60 * mm
    number = ParagraphStyle("count", parent=styles["body"], alignment=TA_RIGHT)
    data, bold = [], []
    total = grand_total(rows)
    for totals in [*totals_by_quarter(rows), total]:
        by_kind = [(SESSION_KINDS[k], totals.kinds[k]) for k in kinds]
        data.append(
            [
                _p(totals.label, styles["bold"] if totals is total else styles["body"]),
                _p(totals.sessions, number),
                *(
                    (_p(n, number) for _word, n in by_kind)
                    if by_column
                    else [_p(", ".join(f"{w} {n}" for w, n in by_kind if n), styles["body"])]
                ),
                _p(totals.contacts, number),
                _p(", ".join(f"{c} {n}" for c, n in totals.raised), styles["body"]),
            ]
        )
    bold.append(len(data))
    out += [
        Spacer(1, 3 * mm),
        _table(
            [
                "Quarter",
                "Sessions",
                *((SESSION_KINDS[k] for k in kinds) if by_column else ["By kind"]),
                "Contacts",
                "ASB categories raised",
            ],
            data,
            _widths(
                width,
                24 * mm,
                18 * mm,
                *([21 * mm] * len(kinds) if by_column else [0.4]),
                18 * mm,
                0.6 if not by_column else 1.0,
            ),
            styles,
            bold_rows=bold,
        ),
    ]
    return out


def _risks(
    risks: list[RiskRow], today: date, width: float, styles: dict[str, ParagraphStyle]
) -> list[Any]:
    """The risk register: its 5 × 5 heat map, then each risk, highest score first."""
    if not risks:
        return _nothing("Risk register", "The plan has no risks in its register.", styles)
    out: list[Any] = [PageBreakIfNotEmpty(), _p("Risk register", styles["h1"])]
    overdue = sum(r.overdue for r in risks)
    out.append(
        _p(
            f"{count(len(risks), 'risk')}, scored severity × likelihood (1 to 5 each);"
            f" {count(overdue, 'review')} overdue at {format_date(today)}.",
            styles["body"],
        )
    )
    grid = heat_map(risks)
    centre = ParagraphStyle("centre", parent=styles["body"], alignment=TA_CENTER)
    cells: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = []
    for row, severity in enumerate(reversed(SCALE)):
        line: list[Any] = [_p(f"{severity} {SEVERITY_WORDS[severity]}", styles["body"])]
        for column, likelihood in enumerate(SCALE, start=1):
            n = len(grid[(severity, likelihood)])
            name, colour = band(severity * likelihood)
            ink = "white" if severity * likelihood >= 10 else "black"
            line.append(Paragraph(f'<font color="{ink}"><b>{n}</b></font>' if n else "", centre))
            commands.append(("BACKGROUND", (column, row), (column, row), colors.HexColor(colour)))
        cells.append(line)
    cells.append(["", *(_p(f"{lk} {LIKELIHOOD_WORDS[lk]}", centre) for lk in SCALE)])
    heat = Table(cells, colWidths=[30 * mm, *[20 * mm] * 5], rowHeights=[9 * mm] * 5 + [None])
    heat.setStyle(
        TableStyle(
            [
                *commands,
                ("GRID", (1, 0), (-1, 4), 0.6, colors.white),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
            ]
        )
    )
    key = ", ".join(f"{name} {low}+" for low, name, _c in reversed(BANDS))
    out.append(
        KeepTogether(
            [
                Spacer(1, 3 * mm),
                _p(
                    "Severity (down) against likelihood (across): risks in each cell",
                    styles["bold"],
                ),
                heat,
                _p(f"Bands by score: {key}.", styles["body"]),
            ]
        )
    )
    data, fills = [], []
    for i, r in enumerate(risks, start=1):
        name, colour = band(r.score)
        review = format_date(r.review_date) if r.review_date else "None set"
        if r.overdue:
            review = f"<b>{review} – overdue</b>"
        score = ParagraphStyle(
            f"score-{name}",
            parent=styles["status"],
            textColor=colors.white if r.score >= 10 else colors.black,
        )
        data.append(
            [
                _p(f"{r.score} {name}", score),
                _p(r.description, styles["body"]),
                _p(f"{r.severity} {SEVERITY_WORDS[r.severity]}", styles["body"]),
                _p(f"{r.likelihood} {LIKELIHOOD_WORDS[r.likelihood]}", styles["body"]),
                _p(r.owner, styles["body"]),
                Paragraph(review, styles["body"]),
                _p("\n".join(label for _id, label in r.actions), styles["body"]),
            ]
        )
        fills.append((0, i, colors.HexColor(colour)))
    out += [
        Spacer(1, 4 * mm),
        _table(
            ["Score", "Risk", "Severity", "Likelihood", "Owner", "Review by", "Mitigating actions"],
            data,
            _widths(width, 22 * mm, 0.4, 22 * mm, 24 * mm, 28 * mm, 24 * mm, 0.4),
            styles,
            fills,
        ),
    ]
    return out


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
                _widths(width, _REF, 0.45, _DATE, 0.2, _STATUS),
                styles,
                fills,
            )
        )
    return out


def _actions_sheet(
    table: ExportTable,
    actions: list[ExportRow],
    options: ReportOptions,
    period: str,
    today: date,
    width: float,
    styles: dict[str, ParagraphStyle],
) -> list[Any]:
    """One officer's or partner's actions, to take to a drop-in or a partner meeting: what
    each is, when it is due, where it stands, and room to write what was said."""
    who = options.officer or options.partner
    counts = count_statuses(_status_of(r) for r in actions)
    tally = ", ".join(
        f"{key.word if key else 'Not set'} {counts[key]}" for key in _CHART_KEYS if counts.get(key)
    )
    story: list[Any] = [
        _p(f"Actions for {who}", styles["h1"]),
        _p(f"{table.plan_title} – {period} – printed {format_date(today)}", styles["body"]),
        _p(f"{count(len(actions), 'action')}: {tally}.", styles["body"]),
        Spacer(1, 3 * mm),
    ]
    small = ParagraphStyle("small", parent=styles["body"], fontSize=7, leading=8.5)
    for top in (r for r in table.rows if r.depth == 0):
        group = [r for r in _subtree(table.rows, top) if not r.item.children]
        rows, fills = [], []
        for i, r in enumerate(group, start=1):
            cell, colour = _status_cell(r.values["status"], styles)
            what = [_p(_title(r), styles["bold"])]
            if r.values["milestones"]:
                what.append(_p(f"Milestones: {r.values['milestones']}", small))
            update = r.values["update"]
            if update and r.values.get("update_date"):
                update = f"{format_date(r.values['update_date'])}: {update}"
            rows.append(
                [
                    _p(full_ref(r), styles["body"]),
                    what,
                    _p(format_date(r.values["target_date"]), styles["body"]),
                    cell,
                    _p(update, small),
                    Spacer(1, 16 * mm),
                ]
            )
            if colour is not None:
                fills.append((3, i, colour))
        story += [
            _p(_label(top), styles["h2"]),
            _table(
                ["Ref", "Action", "Target date", "Status", "Latest update", "Notes"],
                rows,
                _widths(width, _REF, 0.3, _DATE, _STATUS, 0.24, 0.2),
                styles,
                fills,
            ),
        ]
    return story
