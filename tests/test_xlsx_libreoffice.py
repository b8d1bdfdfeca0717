"""A partner without Excel: the exported workbook opened and saved again by LibreOffice.

Many partners (a housing association, a charity) use LibreOffice Calc. These tests run
the real `soffice` headless: it must read the export (titles, status words, dates as
the officer writes them), and a workbook it saved must come back with exactly the
partner's changes. They are skipped where LibreOffice is not installed (CI does not
install it) and marked `libreoffice` (`pytest -m "not libreoffice"` leaves them out):
each starts soffice once, a few seconds.

What LibreOffice 7.4 keeps and loses, found here: the hidden ID column, the hidden
sheet's rows, the sheet protection, the status dropdown and its colours, the outline
levels and every cell value survive, so an unchanged export reviews empty. It writes
the very hidden sheet back as merely hidden (Calc has no "very hidden"), drops the
quote prefix on texts that look like formulas (they stay text cells), turns the outline's
"summary rows above detail" back to below, and a headless save loses the frozen header.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import TODAY

from asbdesk.desk import Desk
from asbdesk.models import Node
from asbdesk.periods import format_date
from asbdesk.rag import Status
from asbdesk.takeback import Review, TakeBack, read_review
from asbdesk.xlsx_export import (
    HEADER_ROW,
    ID_HEADING,
    META_SHEET,
    PLAN_SHEET,
    ExportOptions,
    ExportTable,
    cell_text,
    read_table,
    write_workbook,
)

SOFFICE = shutil.which("soffice")
TIMEOUT = 180  # seconds; the first start makes the profile, later ones take 2-4 s
XLSX = "xlsx:Calc MS Excel 2007 XML"  # the filter Calc saves an Excel 2007-365 file with
CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1"  # comma, double quote, UTF-8

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        SOFFICE is None,
        reason="LibreOffice is not installed (no soffice on PATH); "
        "apt-get install libreoffice-calc to run these tests",
    ),
]


@pytest.fixture(scope="session")
def office_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LibreOffice user profile of this test run's own: a profile in use or locked by
    another soffice (the tester's own Calc, a parallel run) would make a conversion do
    nothing at all."""
    return tmp_path_factory.mktemp("libreoffice-profile")


def convert(files: list[Path], to: str, outdir: Path, profile: Path) -> list[Path]:
    """`soffice --headless --convert-to TO` of `files` into `outdir`, in one start."""
    assert SOFFICE is not None
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        to,
        "--outdir",
        str(outdir),
        *map(str, files),
    ]
    # A session of its own, so a hung soffice.bin (started by the soffice script) is
    # ended with it rather than left behind.
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            pytest.fail(f"soffice took more than {TIMEOUT} s to convert {len(files)} files")
    made = [outdir / f"{f.stem}.{to.split(':')[0]}" for f in files]
    missing = [p.name for p in made if not p.is_file()]
    assert proc.returncode == 0 and not missing, (proc.returncode, missing, out, err)
    return made


def export(desk: Desk, plan_id: int, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    options = ExportOptions(plan_id, for_partners=True)
    return write_workbook(desk, options, folder / f"plan-{plan_id}.xlsx", today=TODAY).path


def plan_ids(desk: Desk) -> list[int]:
    rows = desk.reader.execute("SELECT id FROM plan WHERE deleted_at IS NULL ORDER BY position")
    return [int(r[0]) for r in rows]


def table_of(desk: Desk, plan_id: int) -> ExportTable:
    return read_table(desk.reader, ExportOptions(plan_id, for_partners=True), TODAY)


def differing_cells(sent: Path, back: Path) -> list[str]:
    """Every cell of the plan and hidden sheets whose text differs between the export and
    LibreOffice's copy, to say exactly why a review is not empty."""
    a, b = openpyxl.load_workbook(sent), openpyxl.load_workbook(back)
    out = []
    for name in (PLAN_SHEET, META_SHEET):
        if name not in b.sheetnames:
            out.append(f"sheet {name!r} is gone")
            continue
        ws, wb = a[name], b[name]
        for row in range(1, max(ws.max_row, wb.max_row) + 1):
            for col in range(1, max(ws.max_column, wb.max_column) + 1):
                x, y = ws.cell(row, col).value, wb.cell(row, col).value
                if cell_text(x) != cell_text(y):
                    out.append(f"{name}!{ws.cell(row, col).coordinate}: {x!r} -> {y!r}")
    return out


def column_hidden(ws: Any, index: int) -> bool:
    # openpyxl keys a run of like columns by its first letter only.
    return any(d.min <= index <= d.max and d.hidden for d in ws.column_dimensions.values())


def test_libreoffice_reads_every_title_status_and_date_of_the_export(
    demo_desk: Desk, tmp_path: Path, office_profile: Path
) -> None:
    plans = plan_ids(demo_desk)
    sent = [export(demo_desk, p, tmp_path / "sent") for p in plans]

    converted = convert(sent, CSV, tmp_path / "csv", office_profile)

    for plan_id, path in zip(plans, converted, strict=True):
        table = table_of(demo_desk, plan_id)
        with path.open(encoding="utf-8", newline="") as f:
            lines = list(csv.reader(f))
        headings = lines[HEADER_ROW - 1]
        assert headings == [c.heading for c in table.columns]
        # The hidden ID column is in the CSV too: each row is found by it.
        by_id = {line[-1]: dict(zip(headings, line, strict=False)) for line in lines[HEADER_ROW:]}
        by_key = {c.key: c.heading for c in table.columns}
        for row in table.rows:
            got = by_id[row.values["id"]]
            title = by_key[f"title{row.depth}"]
            assert cell_text(got[title]) == cell_text(row.values[f"title{row.depth}"])
            assert got["Status"] == row.values["status"]
            assert got["Target date"] == format_date(row.values["target_date"])
        words = {row.values["status"] for row in table.rows} - {""}
        assert words and words <= {s.word for s in Status}


def test_an_unchanged_export_saved_by_libreoffice_reviews_empty(
    demo_desk: Desk, tmp_path: Path, office_profile: Path
) -> None:
    sent = [export(demo_desk, p, tmp_path / "sent") for p in plan_ids(demo_desk)]

    saved = convert(sent, XLSX, tmp_path / "libreoffice", office_profile)

    for ours, theirs in zip(sent, saved, strict=True):
        review = read_review(demo_desk, theirs, today=TODAY)
        assert review.empty and not review.warnings, (
            review.lines(),
            differing_cells(ours, theirs),
        )
        book = openpyxl.load_workbook(theirs)
        # Calc has no "very hidden": it writes the sheet back as hidden (a partner could
        # show it), but with every row, so the review still has what was sent.
        assert book[META_SHEET].sheet_state in ("hidden", "veryHidden")
        plan = book[PLAN_SHEET]
        headings = [c.value for c in plan[HEADER_ROW]]
        assert column_hidden(plan, headings.index(ID_HEADING) + 1)
        assert plan.protection.sheet
        assert [dv.type for dv in plan.data_validations.dataValidation] == ["list"]


def test_texts_that_look_like_formulas_stay_text_through_libreoffice(
    demo_desk: Desk, tmp_path: Path, office_profile: Path
) -> None:
    plan_id = plan_ids(demo_desk)[0]
    awkward = [
        "=1+1",
        "- weekly patrols",
        "+44 115 917 7777",
        "@housing",
        "  spaces around  ",
        "two lines\r\nin Windows form",
        "0123",
        "31/03/2020",
    ]
    actions = [r.item.id for r in table_of(demo_desk, plan_id).rows if not r.item.children]
    with demo_desk.transaction() as s:
        for node_id, text in zip(actions, awkward, strict=False):
            node = s.get(Node, node_id)
            assert node is not None
            node.outcome = text
    sent = export(demo_desk, plan_id, tmp_path / "sent")

    (saved,) = convert([sent], XLSX, tmp_path / "libreoffice", office_profile)

    review = read_review(demo_desk, saved, today=TODAY)
    assert review.empty and not review.warnings, (review.lines(), differing_cells(sent, saved))
    plan = openpyxl.load_workbook(saved)[PLAN_SHEET]
    column = [c.value for c in plan[HEADER_ROW]].index("Outcome")
    cells = {cell_text(r[column].value): r[column] for r in plan.iter_rows(HEADER_ROW + 1)}
    for text in awkward:
        # Still a text cell, never a formula or a number, though Calc drops the quote
        # prefix Excel would need to keep it text when the cell is typed in again.
        assert cells[cell_text(text)].data_type == "s", text


@pytest.fixture
def partner_edits(demo_desk: Desk, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """Broxtowe's export with a partner's update on one action and a status on another,
    typed with openpyxl as Excel would save them; and what was typed, by row ID."""
    plan_id = plan_ids(demo_desk)[0]
    sent = export(demo_desk, plan_id, tmp_path / "sent")
    open_rows = [
        r for r in table_of(demo_desk, plan_id).rows if r.open_status and not r.item.children
    ]
    update_row = open_rows[0]
    status_row = next(r for r in open_rows[1:] if r.values["status"] != "Red")
    update = "Met the housing team on 3 March –\ntwo more drop-in sessions booked."
    book = openpyxl.load_workbook(sent)
    ws = book[PLAN_SHEET]
    headings = [c.value for c in ws[HEADER_ROW]]
    id_col = headings.index(ID_HEADING) + 1
    row_of = {ws.cell(r, id_col).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1)}
    ws.cell(row_of[update_row.values["id"]], headings.index("Your update") + 1).value = update
    ws.cell(row_of[status_row.values["id"]], headings.index("Status") + 1).value = "Red"
    book.save(sent)
    return sent, {update_row.values["id"]: update, status_row.values["id"]: Status.RED}


def changes_by_id(desk: Desk, review: Review) -> dict[str, tuple[str, Any]]:
    uuids = dict(desk.reader.execute("SELECT id, uuid FROM node"))
    return {uuids[c.node_id]: (c.key, c.value) for c in review.changes}


def test_a_partners_workbook_saved_by_libreoffice_brings_back_exactly_their_changes(
    demo_desk: Desk,
    tmp_path: Path,
    office_profile: Path,
    partner_edits: tuple[Path, dict[str, Any]],
) -> None:
    edited, typed = partner_edits

    (saved,) = convert([edited], XLSX, tmp_path / "libreoffice", office_profile)
    review = read_review(demo_desk, saved, today=TODAY)

    assert not review.warnings and not review.new_actions and not review.missing
    (update_id, status_id) = typed
    assert changes_by_id(demo_desk, review) == {
        update_id: ("your_update", typed[update_id]),
        status_id: ("status", Status.RED),
    }
    assert all(c.accepted and not c.conflict and not c.locked for c in review.changes)
    # The same review as from the workbook before LibreOffice saved it.
    before = read_review(demo_desk, edited, today=TODAY)
    assert changes_by_id(demo_desk, before) == changes_by_id(demo_desk, review)

    TakeBack(review, "Victim Care", TODAY).do(demo_desk)
    (status,) = demo_desk.reader.execute(
        "SELECT status FROM node WHERE uuid = ?", (status_id,)
    ).fetchone()
    assert status == "red"
    (texts,) = demo_desk.reader.execute(
        "SELECT group_concat(u.text, '|') FROM progress_update u JOIN node n"
        " ON n.id = u.node_id WHERE n.uuid = ? AND u.deleted_at IS NULL",
        (update_id,),
    ).fetchone()
    assert typed[update_id] in texts.split("|")
