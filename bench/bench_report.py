"""The committee report of a large plan, beside reportlab building its tables bare.

Both are measured in the same run.

    python bench/bench_report.py [--actions 1000] [--repeat 3] [--desk PATH] [--profile]

1. Generates a desk with one plan of `--actions` actions, into a temporary folder or at
   `--desk` (an existing file there is reused): `big_desk.make_big_desk` (lettered actions
   under objectives, 3 updates each; it makes a multiple of 400 actions, so the
   last-lettered actions over the count are deleted), its 20 commitments made 5 (the
   objectives dealt round them), then dressed as a council's plan reads: titles, outcomes
   and progress updates of a sentence to three in plan_workbook's words, one or two named
   leads, statuses weighted as plans report them (about 8% red and 13% amber, most of
   those past their target date blue), a reason for each red and amber one, rated updates
   for the direction of travel, the colour key's meanings, and 12 indicators in 3 groups
   over 5 years.
2. Times, best of `--repeat`, (a) and (b) taken in turn (CPU time beside the wall clock,
   the steadier of the two on a shared machine; and the median of (a)/(b) run by run,
   steadier still when something else is using the machine):
   (a) `asbdesk.report.write_report` of the whole plan, every section (cover, summary with
       its chart and direction of travel, a table per commitment, exceptions, overdue and
       due next quarter, indicators, colour key; "Page x of y" footers);
   (b) the baseline: reportlab's platypus alone building the same tables bare. The rows
       are read once with `read_table`, outside the timing, and turned into the cells'
       texts (escaped for Paragraph) for a table per commitment, the exceptions, the
       overdue and the due next quarter, as the report has them. Timed: a Paragraph per
       cell in the report's fonts and sizes (its TTF fonts, registered as it registers
       them), a plain Table per table with the report's column widths (taken from tables
       report.py makes, so they follow it) and cell padding, repeatRows=1, a grid and a
       header background; built with SimpleDocTemplate on landscape A4 with the report's
       margins. No cover, headings, status colours, charts or footers.
   Target: (a) at most 1.5x (b).
3. Times the stages of (a) and (b) in CPU time, told by their progress calls (read the
   table; make the flowables; lay out and draw the pages; the last page, the footers and
   saving the file), and each section of (a) alone (with the cover every report has), so
   it shows where the time goes.

With --profile, also cProfiles one (a): the ten calls with the most cumulative time, then
asbdesk.report's own functions.

Prints figures and ratios only; nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from big_desk import make_big_desk  # noqa: E402
from common import best, in_turn, paired_ratio, peak_rss_mb, shown  # noqa: E402
from plan_workbook import MONTHS, OUTCOMES, PLACES, PROGRESS, THINGS, VERBS  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4, landscape  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle  # noqa: E402

from asbdesk.desk import Desk, open_desk  # noqa: E402
from asbdesk.periods import FinancialYear, Quarter, format_date  # noqa: E402
from asbdesk.rag import DEFAULT_COLOUR_KEY, Status  # noqa: E402
from asbdesk.report import (  # noqa: E402
    _LEAD,
    _REF,
    _STATUS,
    BOLD,
    FONT,
    SECTIONS,
    ReportOptions,
    _due,
    _plan_table,
    _register_fonts,
    _styles,
    _widths,
    full_ref,
    write_report,
)
from asbdesk.xlsx_export import ExportOptions, ExportRow, read_table  # noqa: E402

TODAY = date(2025, 11, 15)  # Q3 of the generated plan's year: overdue and due both have rows
TARGET = 1.5

# -- the desk ---------------------------------------------------------------------------

COMMITMENTS = [
    "Tackle anti-social behaviour and reduce the harm it does to victims and communities",
    "Prevent anti-social behaviour through early intervention and diversion",
    "Keep parks, town centres and estates safe and welcoming",
    "Support victims and witnesses from the first report to the case's closure",
    "Use enforcement powers proportionately and consistently",
]
PARTNERS = [
    "the police Safer Neighbourhood Team",
    "the registered providers",
    "the youth service",
    "the fire and rescue service",
    "Victim Support",
    "the Community Safety Partnership",
]
REASONS = [
    "Delayed by a vacancy in the ASB team; recruitment is under way and cover agreed.",
    "The provider withdrew in the summer; a new provider is being sought.",
    "Waiting on the police for data sharing sign-off; raised at the JAG.",
    "Funding bid unsuccessful; the Community Safety Partnership is considering options.",
    "Behind the milestone because of the pre-election period; a new date is proposed.",
]
FIRST = "Amira Ben Chloe Dev Ellen Femi Grace Harry Imran Jo".split()
SURNAMES = "Okafor Patel Hughes Kowalski Murray".split()
# Weights of each status (None: none set) for an action past its target date, and not yet.
PAST = {"blue": 60, "green": 8, "amber": 12, "red": 10, "grey": 2, "not_started": 2, None: 6}
AHEAD = {"green": 45, "amber": 14, "red": 5, "blue": 8, "grey": 5, "not_started": 15, None: 8}
RATED = ["red", "amber", "green", "blue"]
INDICATORS = {
    "Anti-social behaviour": [
        ("ASB incidents reported to the police", "count", "lower", 4200.0),
        ("ASB cases opened by the council", "count", "lower", None),
        ("Repeat callers (three reports or more in a year)", "count", "lower", 150.0),
        ("Community triggers activated", "count", "lower", None),
    ],
    "Victims and hate crime": [
        ("Hate crime incidents reported", "count", "higher", None),
        ("Victims satisfied with the handling of their case", "percent", "higher", 85.0),
        ("Vulnerable victims referred for support", "count", "higher", None),
        ("Cases closed within 90 days", "percent", "higher", 75.0),
    ],
    "Enforcement": [
        ("Community Protection Warnings issued", "count", "higher", None),
        ("Community Protection Notices issued", "count", "higher", None),
        ("Injunctions obtained", "count", "higher", 12.0),
        ("Public Spaces Protection Order breaches dealt with", "count", "higher", None),
    ],
}

_LEAVES = (
    "SELECT a.id, a.target_date FROM node a JOIN node o ON o.id = a.parent_id"
    " WHERE o.parent_id IS NOT NULL ORDER BY a.position DESC, a.id"
)
_STAMP_COLUMNS = "uuid, created_at, created_by, updated_at, updated_by"


def make_report_desk(path: Path, actions: int, seed: int = 11) -> int:
    """A desk with a plan of `actions` actions dressed as a council's; returns the count."""
    make_big_desk(path, max(-(-actions // 400), 1) * 400, updates_per_action=3)
    rnd = random.Random(seed)
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=ON")
    try:
        with con:
            leaves = con.execute(_LEAVES).fetchall()
            surplus = max(len(leaves) - actions, 0)
            con.executemany("DELETE FROM node WHERE id = ?", [(i,) for i, _d in leaves[:surplus]])
            leaves = leaves[surplus:]
            statuses = _dress_nodes(con, rnd, leaves)
            _dress_updates(con, rnd, statuses)
            _dress_leads(con, rnd, [i for i, _d in leaves])
            _add_indicators(con, rnd)
            con.execute("UPDATE plan SET colour_key = ?", (json.dumps(DEFAULT_COLOUR_KEY),))
    finally:
        con.close()
    return len(leaves)


def _sentences(rnd: random.Random, place: str, most: int) -> str:
    return " ".join(
        rnd.choice(PROGRESS).format(month=rnd.choice(MONTHS), n=rnd.randint(2, 40), place=place)
        + "."
        for _ in range(rnd.randint(1, most))
    )


def _dress_nodes(
    con: sqlite3.Connection, rnd: random.Random, leaves: list[tuple[int, str]]
) -> dict[int, str | None]:
    """make_big_desk's 20 commitments become COMMITMENTS' few (a council's plan has four to
    eight), their objectives dealt round them and renumbered; the texts and statuses."""
    tops = [i for (i,) in con.execute("SELECT id FROM node WHERE parent_id IS NULL ORDER BY id")]
    keep = tops[: len(COMMITMENTS)]
    con.executemany(
        "UPDATE node SET ref = ?, title = ? WHERE id = ?",
        [(str(k + 1), COMMITMENTS[k], i) for k, i in enumerate(keep)],
    )
    middle = con.execute(
        "SELECT o.id, o.parent_id FROM node o JOIN node c ON c.id = o.parent_id"
        " WHERE c.parent_id IS NULL ORDER BY o.position, c.id"
    ).fetchall()
    counts = dict.fromkeys(keep, 0)
    moved = []
    for oid, parent in middle:
        k = tops.index(parent) % len(keep)
        position, counts[keep[k]] = counts[keep[k]], counts[keep[k]] + 1
        title = f"{rnd.choice(VERBS)} {rnd.choice(THINGS)}"
        ref = f"{k + 1}.{position + 1}"
        moved.append((keep[k], position, ref, title, rnd.choice(OUTCOMES) + ".", oid))
    con.executemany(
        "UPDATE node SET parent_id = ?, position = ?, ref = ?, title = ?, outcome = ? WHERE id = ?",
        moved,
    )
    con.executemany("DELETE FROM node WHERE id = ?", [(i,) for i in tops[len(keep) :]])
    statuses: dict[int, str | None] = {}
    rows = []
    for i, target in leaves:
        place = rnd.choice(PLACES)
        title = f"{rnd.choice(VERBS)} {rnd.choice(THINGS)} in {place}"
        if rnd.random() < 0.6:
            title += f", working with {rnd.choice(PARTNERS)}"
        if rnd.random() < 0.3:
            title += ", and report progress to the partnership board each quarter"
        outcome = rnd.choice(OUTCOMES) + "."
        if rnd.random() < 0.4:
            outcome += f" {rnd.choice(OUTCOMES)}."
        weights = PAST if date.fromisoformat(target) < TODAY else AHEAD
        status = rnd.choices(list(weights), list(weights.values()))[0]
        reason = rnd.choice(REASONS) if status in ("red", "amber") else ""
        statuses[i] = status
        rows.append((title, outcome, status, reason, i))
    con.executemany(
        "UPDATE node SET title = ?, outcome = ?, status = ?, status_reason = ? WHERE id = ?", rows
    )
    return statuses


def _dress_updates(
    con: sqlite3.Connection, rnd: random.Random, statuses: dict[int, str | None]
) -> None:
    """Texts of a sentence to three, dated in the plan year up to TODAY, most of them rated
    (as often as not the action's status now), so the direction of travel has work."""
    start, days = date(2025, 4, 1), (TODAY - date(2025, 4, 1)).days
    rows = []
    for uid, nid in con.execute("SELECT id, node_id FROM progress_update").fetchall():
        on = start + timedelta(days=rnd.randrange(days + 1))
        now = statuses.get(nid)
        rated = None
        if rnd.random() < 0.7:
            rated = now if now in RATED and rnd.random() < 0.6 else rnd.choice(RATED)
        text = _sentences(rnd, rnd.choice(PLACES), 3)
        rows.append((on.isoformat(), Quarter.of(on).label, text, rated, uid))
    con.executemany(
        "UPDATE progress_update SET date = ?, period = ?, text = ?, status = ? WHERE id = ?", rows
    )


def _dress_leads(con: sqlite3.Connection, rnd: random.Random, actions: list[int]) -> None:
    """Officers with people's names, and a second lead on a quarter of the actions."""
    officers = [i for (i,) in con.execute("SELECT id FROM officer ORDER BY id")]
    con.executemany(
        "UPDATE officer SET name = ? WHERE id = ?",
        [(f"{FIRST[k % 10]} {SURNAMES[k // 10 % 5]}", i) for k, i in enumerate(officers)],
    )
    first = dict(con.execute("SELECT node_id, officer_id FROM node_officer WHERE position = 0"))
    seconds = []
    for a in actions:
        other = rnd.choice(officers)
        if rnd.random() < 0.25 and other != first.get(a):
            seconds.append((a, other))
    con.executemany(
        "INSERT INTO node_officer (node_id, officer_id, position) VALUES (?, ?, 1)", seconds
    )


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _add_indicators(con: sqlite3.Connection, rnd: random.Random) -> None:
    """Yearly values as councils keep them, 2021/22 on; this year's is the half so far."""
    now = datetime(2026, 1, 1).isoformat(sep=" ")
    stamp = (now, "bench", now, "bench")
    years = [FinancialYear(y).label for y in range(2021, 2026)]
    position = 0
    for group, members in INDICATORS.items():
        for name, unit, direction, target in members:
            position += 1
            row = (position, group, name, unit, direction, target, "Police and council records")
            cur = con.execute(
                'INSERT INTO indicator (plan_id, position, "group", name, unit, direction,'
                f" target, source, {_STAMP_COLUMNS}) VALUES (1, {_marks(12)})",
                (*row, str(uuid.uuid4()), *stamp),
            )
            level = rnd.uniform(60, 95) if unit == "percent" else rnd.uniform(5, 5000)
            values = []
            for k, year in enumerate(years):
                level *= rnd.uniform(0.9, 1.1)
                if unit == "percent":
                    level = min(level, 99.0)
                last = k == len(years) - 1
                available = not (k == 3 and position % 5 == 0)
                value = round(level / 2 if last and unit == "count" else level, 1)
                values.append(
                    (
                        cur.lastrowid,
                        k,
                        year,
                        value if available else None,
                        "Q1–Q2" if last else None,
                        available,
                        str(uuid.uuid4()),
                        *stamp,
                    )
                )
            con.executemany(
                "INSERT INTO indicator_value (indicator_id, position, period, value, partial,"
                f" available, {_STAMP_COLUMNS}) VALUES ({_marks(11)})",
                values,
            )


# -- (a) the report ---------------------------------------------------------------------


def report(desk: Desk, plan_id: int, path: Path, **options: Any) -> Any:
    return write_report(desk, ReportOptions(plan_id, **options), path, today=TODAY)


# -- (b) the same tables, bare ----------------------------------------------------------

HEADER_BG = colors.HexColor("#1F4E78")
GRID = colors.HexColor("#BFBFBF")
MARGINS = {"leftMargin": 12 * mm, "rightMargin": 12 * mm, "topMargin": 12 * mm}


@dataclass
class BareTable:
    header: list[str]
    widths: list[float]  # points, as the report's own tables have them
    rows: list[list[str]]  # the cells' texts, escaped for Paragraph


def _cell(text: Any) -> str:
    return escape(str(text or "")).replace("\n", "<br/>")


def _texts(values: list[Any]) -> list[str]:
    return [_cell(v) for v in values]


def bare_tables(desk: Desk, plan_id: int) -> tuple[list[BareTable], int]:
    """The rows of the report's tables, as the report reads them (untimed): a table per
    top-level node, the exceptions, the overdue and the due next quarter; and the number
    of rows in all."""
    _register_fonts()  # once a process, as the report does: neither side pays for it
    table = read_table(desk.reader, ExportOptions(plan_id, for_partners=False), TODAY)
    reasons = dict(
        desk.reader.execute("SELECT uuid, status_reason FROM node WHERE plan_id = ?", (plan_id,))
    )
    levels = table.level_names
    width = landscape(A4)[0] - 24 * mm  # the report's frame: 12 mm margins
    plan_header = ["Ref", " / ".join(levels[1:]) or levels[0], "Outcome", "Progress", "Lead"]
    plan_header += ["Target date", "Status"]
    actions = [r for r in table.rows if not r.item.children]
    # The widths of the report's own plan and due tables, from tables it makes, so that
    # (b) keeps to them as report.py changes; its exceptions table is made inline, so its
    # widths are written out as report.py has them.
    styles = _styles()
    plan_widths = list(_plan_table(table.rows[:1], levels, width, styles)._argW)
    due_widths = next(
        (list(f._argW) for f in _due(actions, TODAY, width, styles) if isinstance(f, Table)), []
    )
    tables: list[BareTable] = []
    for r in table.rows:
        if r.depth == 0:
            tables.append(BareTable(plan_header, plan_widths, []))
        v = r.values
        update = v["update"]
        if update and v.get("update_date"):
            update = f"{format_date(v['update_date'])}: {update}"
        title = "\u2003" * max(0, r.depth - 1) + str(v.get(f"title{r.depth}") or "")
        tables[-1].rows.append(
            _texts(
                [
                    v.get(f"ref{r.depth}"),
                    title,
                    v["outcome"],
                    update,
                    v["lead"],
                    format_date(v["target_date"]),
                    v["status"] or "Not set",
                ]
            )
        )

    def title(r: ExportRow) -> str:
        return str(r.values.get(f"title{r.depth}") or "")

    tables.append(
        BareTable(
            ["Ref", "Action", "Status", "Reason", "Lead", "Corrective action"],
            _widths(width, _REF, 0.25, _STATUS, 0.25, _LEAD, 0.22),
            [
                _texts(
                    [
                        full_ref(r),
                        title(r),
                        r.values["status"],
                        reasons.get(r.values["id"]) or r.values["update"],
                        r.values["lead"],
                        "",
                    ]
                )
                for r in actions
                if r.values["status"] in ("Red", "Amber")
            ],
        )
    )
    quarter = Quarter.of(TODAY).next()
    open_ = [
        r for r in actions if r.values["status"] != Status.BLUE.word and r.values["target_date"]
    ]
    for group in (
        [r for r in open_ if r.values["target_date"] < TODAY],
        [r for r in open_ if quarter.start <= r.values["target_date"] <= quarter.end],
    ):
        tables.append(
            BareTable(
                ["Ref", "Action", "Target date", "Lead", "Status"],
                due_widths,
                [
                    _texts(
                        [
                            full_ref(r),
                            title(r),
                            format_date(r.values["target_date"]),
                            r.values["lead"],
                            r.values["status"] or "Not set",
                        ]
                    )
                    for r in group
                ],
            )
        )
    return tables, sum(len(t.rows) for t in tables)


def bare_flowables(tables: list[BareTable]) -> list[Table]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=8, leading=10)
    head = ParagraphStyle("head", parent=body, fontName=BOLD, textColor=colors.white)
    style = TableStyle(
        [
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("GRID", (0, 0), (-1, -1), 0.4, GRID),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
    )
    story = []
    for t in tables:
        data = [[Paragraph(h, head) for h in t.header]]
        data += [[Paragraph(c, body) for c in row] for row in t.rows]
        flowable = Table(data, colWidths=t.widths, repeatRows=1)
        flowable.setStyle(style)
        story.append(flowable)
    return story


def bare_doc(path: Path) -> SimpleDocTemplate:
    return SimpleDocTemplate(str(path), pagesize=landscape(A4), bottomMargin=15 * mm, **MARGINS)


def bare_report(tables: list[BareTable], path: Path) -> int:
    """reportlab alone: the tables as Paragraph cells, built on landscape A4; its pages."""
    doc = bare_doc(path)
    doc.build(bare_flowables(tables))
    return int(doc.page)


# -- where the time goes ----------------------------------------------------------------

READ, MAKE, LAYOUT, SAVE = (
    "read the table",
    "make the flowables",
    "lay out and draw the pages",
    "last page, footers, save the file",
)


def report_stages(desk: Desk, plan_id: int, path: Path) -> dict[str, float] | None:
    """One (a) in CPU time, cut where its progress calls fall: the first comes once the
    table is read, the next as the build starts, the last after the last flowable."""
    marks: list[float] = []
    t0 = time.process_time()
    write_report(
        desk,
        ReportOptions(plan_id),
        path,
        today=TODAY,
        progress=lambda done, total: marks.append(time.process_time()),
    )
    end = time.process_time()
    if len(marks) < 3:
        return None
    return {
        READ: marks[0] - t0,
        MAKE: marks[1] - marks[0],
        LAYOUT: marks[-1] - marks[1],
        SAVE: end - marks[-1],
    }


def bare_stages(tables: list[BareTable], path: Path) -> dict[str, float]:
    """One (b) in CPU time, cut the same way."""
    marks: list[float] = []
    t0 = time.process_time()
    doc = bare_doc(path)
    story = bare_flowables(tables)
    made = time.process_time()
    doc.setProgressCallBack(
        lambda kind, value: marks.append(time.process_time()) if kind == "PROGRESS" else None
    )
    doc.build(story)
    end = time.process_time()
    return {READ: 0.0, MAKE: made - t0, LAYOUT: marks[-1] - made, SAVE: end - marks[-1]}


def best_laps(
    runs: int, *works: Callable[[], dict[str, float] | None]
) -> list[dict[str, float] | None]:
    """Each stage's shortest time over `runs` calls of each of `works`, taken in turn."""
    timings: list[dict[str, list[float]] | None] = [{} for _ in works]
    for _ in range(runs):
        for k, work in enumerate(works):
            gc.collect()
            laps, kept = work(), timings[k]
            if laps is None or kept is None:
                timings[k] = None
                continue
            for name, seconds in laps.items():
                kept.setdefault(name, []).append(seconds)
    return [
        None if kept is None else {name: min(times) for name, times in kept.items()}
        for kept in timings
    ]


def profile(desk: Desk, plan_id: int, path: Path) -> None:
    gc.collect()
    profiler = cProfile.Profile()
    profiler.enable()
    report(desk, plan_id, path)
    profiler.disable()
    print("\ncProfile of one (a), the ten calls with the most cumulative time:")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(10)
    print("asbdesk/report.py's own functions, the 15 with the most cumulative time:")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"asbdesk[/\\]report\.py", 15)


# -- the run ----------------------------------------------------------------------------


def run(desk: Desk, plan_id: int, folder: Path, runs: int) -> None:
    ours, theirs = folder / "asbdesk.pdf", folder / "reportlab.pdf"
    t0 = time.process_time()
    tables, rows = bare_tables(desk, plan_id)  # read once, outside the timing
    read_cpu = time.process_time() - t0

    ours_runs, theirs_runs = in_turn(
        runs, lambda i: report(desk, plan_id, ours), lambda i: bare_report(tables, theirs)
    )
    result, pages = ours_runs.result, theirs_runs.result
    base_cpu = theirs_runs.cpu
    print(
        f"plan of {result.actions:,} actions ({len(result.exceptions)} red or amber); "
        f"baseline {len(tables)} tables, {rows:,} rows (read in {read_cpu:.3f} s CPU); "
        f"best of {runs}, (a) and (b) in turn"
    )
    print(f"(a) asbdesk write_report, all sections, {result.pages:4} pages", end=" ")
    print(shown(ours_runs.wall, ours_runs.cpu))
    print(f"(b) reportlab, the same tables bare,     {pages:4} pages", end=" ")
    print(shown(theirs_runs.wall, base_cpu))
    ratio = ours_runs.wall / theirs_runs.wall
    verdict = "meets" if ratio <= TARGET else "misses"
    print(
        f"    ratio a/b {ratio:.2f}x, {verdict} the target of <= {TARGET}x; CPU "
        f"{ours_runs.cpu / base_cpu:.2f}x, run by run {paired_ratio(ours_runs, theirs_runs):.2f}x"
        " (median)"
    )
    print(
        f"file sizes: (a) {ours.stat().st_size / 1e6:.2f} MB, "
        f"(b) {theirs.stat().st_size / 1e6:.2f} MB"
    )

    print("stages, CPU time (each best of its runs):     (a)        (b)")
    ours_laps, theirs_laps = best_laps(
        runs, lambda: report_stages(desk, plan_id, ours), lambda: bare_stages(tables, theirs)
    )
    assert theirs_laps is not None
    if ours_laps is None:
        print("    (write_report made too few progress calls to cut it into stages)")
        ours_laps = dict.fromkeys(theirs_laps, float("nan"))
    for name in (READ, MAKE, LAYOUT, SAVE):
        print(f"    {name:<36} {ours_laps[name]:7.3f} s  {theirs_laps[name]:7.3f} s")
    print(f"    {'sum':<36} {sum(ours_laps.values()):7.3f} s  {sum(theirs_laps.values()):7.3f} s")

    print("each section of (a) alone, with the cover, CPU time (best of its runs):")
    for section in SECTIONS:
        _w, cpu, alone = best(runs, lambda i, s=section: report(desk, plan_id, ours, sections=(s,)))
        print(f"    {section:<12} {alone.pages:4} pages {cpu:7.3f} s  {cpu / base_cpu:5.2f}x (b)")
    rss = peak_rss_mb()
    if rss is not None:
        print(f"peak resident memory of this process: {rss:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, the best counts")
    parser.add_argument("--desk", type=Path, help="where to write (or reuse) the desk")
    parser.add_argument("--profile", action="store_true", help="also cProfile one report")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="asbdesk-bench-") as tmp:
        folder = Path(tmp)
        desk_path = args.desk or folder / f"report-{args.actions}.asbdesk"
        if not desk_path.exists():
            t0 = time.perf_counter()
            made = make_report_desk(desk_path, args.actions)
            print(
                f"generated {desk_path.name}: {made:,} actions ({time.perf_counter() - t0:.1f} s)"
            )
        desk = open_desk(desk_path)
        try:
            (plan_id,) = desk.reader.execute(
                "SELECT id FROM plan WHERE deleted_at IS NULL ORDER BY position, id"
            ).fetchone()
            run(desk, plan_id, folder, args.repeat)
            if args.profile:
                profile(desk, plan_id, folder / "profiled.pdf")
        finally:
            desk.close()


if __name__ == "__main__":
    main()
