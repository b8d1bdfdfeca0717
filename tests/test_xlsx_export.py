"""The Excel export for partners (asbdesk.xlsx_export): what a partner opens in Excel."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from conftest import TODAY
from xlsx_helpers import Sheet, node, plan_id

from asbdesk.cli import main
from asbdesk.desk import Desk
from asbdesk.models import ExtraField, Node, Plan, Update
from asbdesk.rag import Status
from asbdesk.xlsx_export import (
    HEADER_ROW,
    ID_HEADING,
    META_SHEET,
    ExportError,
    ExportOptions,
    write_workbook,
)


def live_nodes(desk: Desk, plan: int) -> dict[str, tuple[str, str]]:
    """uuid -> (ref, title) of the plan's live nodes."""
    return {
        u: (r, t)
        for u, r, t in desk.reader.execute(
            "SELECT uuid, ref, title FROM node WHERE plan_id = ? AND deleted_at IS NULL", (plan,)
        )
    }


def test_the_whole_plan_keeps_its_hierarchy_dates_and_statuses(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Welwyn")
    result = write_workbook(demo_desk, ExportOptions(plan), tmp_path / "welwyn", today=TODAY)
    assert result.path.name == "welwyn.xlsx"
    assert (result.rows, result.actions) == (6 + 16 + 38, 38)
    sheet = Sheet(result.path)
    ws = sheet.ws
    assert sheet.headings[:6] == [
        "Commitment ref",
        "Commitment",
        "Objective ref",
        "Objective",
        "Action ref",
        "Action",
    ]
    assert sheet.headings[-2:] == ["Your update", ID_HEADING]
    ids = [ws.cell(r, sheet.id_col).value for r in sheet.data_rows()]
    assert sorted(ids) == sorted(live_nodes(demo_desk, plan))  # one row per node

    _id, commitment = node(demo_desk, plan, "1", "victim first")
    _id, objective = node(demo_desk, plan, "1.1")
    _id, action = node(demo_desk, plan, "a)", "Finalise draft ASB Policy")
    rows = [sheet.row_of(u) for u in (commitment, objective, action)]
    assert rows == sorted(rows)  # plan order
    # Refs and titles in their level's columns; parents bold; Excel can fold the rows.
    assert sheet.cell(commitment, "Commitment ref").value == "1"
    assert sheet.cell(objective, "Objective").value == "Policies and Procedures"
    assert sheet.cell(action, "Action").value == "Finalise draft ASB Policy"
    assert sheet.cell(action, "Commitment").value is None
    assert sheet.cell(commitment, "Commitment").font.b
    assert sheet.cell(objective, "Objective").font.b
    assert not sheet.cell(action, "Action").font.b
    assert [ws.row_dimensions[r].outlineLevel for r in rows] == [0, 1, 2]
    assert ws.sheet_properties.outlinePr.summaryBelow is False
    # A real date, shown dd/mm/yyyy.
    target = sheet.cell(action, "Target date")
    assert target.value == datetime(2019, 3, 31)
    assert target.number_format == "dd/mm/yyyy"
    # Status as a word and its fill.
    status = sheet.cell(action, "Status")
    assert status.value == "Green"
    assert status.fill.fgColor.rgb.endswith(Status.GREEN.colour.lstrip("#"))
    # Frozen header, filter, print set-up, the ID column hidden.
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    assert ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:")
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    id_letter = openpyxl.utils.get_column_letter(sheet.id_col)
    assert ws.column_dimensions[id_letter].hidden
    assert all(c.alignment.wrap_text for c in ws[sheet.row_of(action)])
    # Colour key sheet with the plan's wording; the export's details hidden from view.
    wb = sheet.wb
    key = [(r[0].value, r[1].value) for r in wb["Colour key"].iter_rows(min_row=2)]
    assert (
        "Red",
        "Red – Progress or delivery well below target; serious intervention needed",
    ) in key
    assert [k for k, _m in key][:4] == ["Red", "Amber", "Green", "Blue"]
    assert wb[META_SHEET].sheet_state == "veryHidden"
    # The desk remembers the export, so the returned workbook can be matched to it.
    assert demo_desk.reader.execute(
        "SELECT rows, partner, file_name FROM partner_export WHERE uuid = ?", (result.export_uuid,)
    ).fetchone() == (60, "", "welwyn.xlsx")


def test_a_partner_gets_their_actions_with_only_their_update_cells_open(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Broxtowe")
    partner = "Nottinghamshire Police"
    result = write_workbook(
        demo_desk, ExportOptions(plan, partner=partner), tmp_path / "police.xlsx", today=TODAY
    )
    theirs = {
        u
        for (u,) in demo_desk.reader.execute(
            "SELECT n.uuid FROM node n JOIN node_partner l ON l.node_id = n.id"
            " JOIN partner p ON p.id = l.partner_id WHERE p.name = ? AND n.plan_id = ?"
            " AND n.deleted_at IS NULL",
            (partner, plan),
        )
    }
    assert len(theirs) == 3
    sheet = Sheet(result.path)
    ws = sheet.ws
    rows = {ws.cell(r, sheet.id_col).value: r for r in sheet.data_rows()}
    assert theirs < set(rows)  # their actions, with the targets above them for context
    nodes = live_nodes(demo_desk, plan)
    for uuid, r in rows.items():
        mine = uuid in theirs
        assert ws.cell(r, sheet.col("Your update")).protection.locked is not mine, nodes[uuid]
        assert ws.cell(r, sheet.col("Status")).protection.locked is not mine
        assert ws.cell(r, sheet.col("Latest update")).protection.locked
    assert ws.protection.sheet
    assert "For Nottinghamshire Police" in ws.cell(2, 1).value
    # The status dropdown offers the status words, on their rows and the new-action rows.
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"Red,Amber,Green,Blue,Grey,Not started"'
    for uuid in theirs:
        assert f"{openpyxl.utils.get_column_letter(sheet.col('Status'))}{rows[uuid]}" in dv.sqref
    # Empty rows left open below the plan for new actions.
    new_row = sheet.first_empty_row()
    assert not ws.cell(new_row, sheet.col("Action")).protection.locked
    assert demo_desk.reader.execute(
        "SELECT partner, scope FROM partner_export WHERE uuid = ?", (result.export_uuid,)
    ).fetchone() == (partner, "actions of Nottinghamshire Police")


def test_filters_red_and_amber_one_commitment_one_officer(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Welwyn")

    def statuses_of_actions(options: ExportOptions) -> list[str]:
        path = write_workbook(demo_desk, options, tmp_path / "f.xlsx", today=TODAY).path
        sheet = Sheet(path)
        return [
            sheet.ws.cell(r, sheet.col("Status")).value
            for r in sheet.data_rows()
            if sheet.ws.cell(r, sheet.col("Action")).value
        ]

    red_amber = frozenset({Status.RED, Status.AMBER})
    got = statuses_of_actions(ExportOptions(plan, statuses=red_amber))
    assert sorted(got) == ["Amber"] * 5 + ["Red"] * 8  # the seed's R8 A5

    commitment, _u = node(demo_desk, plan, "1", "victim first")
    path = write_workbook(
        demo_desk, ExportOptions(plan, node_id=commitment), tmp_path / "c.xlsx", today=TODAY
    ).path
    sheet = Sheet(path)
    refs = [sheet.ws.cell(r, sheet.col("Commitment ref")).value for r in sheet.data_rows()]
    assert [r for r in refs if r] == ["1"]

    officer = "Community Safety Team"
    led = demo_desk.reader.execute(
        "SELECT count(*) FROM node_officer l JOIN officer o ON o.id = l.officer_id"
        " JOIN node n ON n.id = l.node_id WHERE o.name = ? AND n.plan_id = ?"
        " AND n.deleted_at IS NULL",
        (officer, plan),
    ).fetchone()[0]
    assert led > 0
    path = write_workbook(
        demo_desk, ExportOptions(plan, officer=officer), tmp_path / "o.xlsx", today=TODAY
    ).path
    sheet = Sheet(path)
    leads = [sheet.ws.cell(r, sheet.col("Lead")).value or "" for r in sheet.data_rows()]
    open_rows = [
        r
        for r in sheet.data_rows()
        if not sheet.ws.cell(r, sheet.col("Your update")).protection.locked
    ]
    assert open_rows and all(officer in leads[sheet.data_rows().index(r)] for r in open_rows)


FORMULAS = ["=1+2", "+44 1707 357000", "-3 visits", "@SUM(A1:A2)", "\tindented", "=HYPERLINK(1)"]


def test_text_that_looks_like_a_formula_stays_text(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Broxtowe")
    with demo_desk.transaction() as s:
        nodes = s.query(Node).filter_by(plan_id=plan, deleted_at=None).order_by(Node.id).all()
        for n, text in zip(nodes, FORMULAS, strict=False):
            n.title = text
            n.outcome = text
        nodes[0].extras.append(ExtraField(name="Notes", value="=cmd|' /C calc'!A0"))
        nodes[1].extras.append(ExtraField(name="=Column", value="x"))
        plan_record = s.get(Plan, plan)
        plan_record.title = '=HYPERLINK("http://example.com")'
        plan_record.indicators[0].name = "-1 incidents"
    path = write_workbook(demo_desk, ExportOptions(plan), tmp_path / "f.xlsx", today=TODAY).path
    wb = openpyxl.load_workbook(path)
    seen = []
    for row in wb["Plan"].iter_rows(min_row=HEADER_ROW):
        for c in row:
            if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t")):
                seen.append(c.value)
                assert c.data_type == "s", c.value
                assert c.quotePrefix, c.value
    assert set(FORMULAS) | {"=cmd|' /C calc'!A0", "=Column"} <= set(seen)
    assert wb["Plan"]["A1"].value == '=HYPERLINK("http://example.com")'
    assert wb["Plan"]["A1"].data_type == "s"
    assert wb["Indicators"]["B2"].value == "-1 incidents"
    assert wb[META_SHEET]["B5"].data_type == "s"  # the plan title, in the hidden sheet
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)


def test_internal_updates_and_fields_never_leave_the_desk(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Broxtowe")
    node_id, uuid = node(demo_desk, plan, "1.1")
    with demo_desk.transaction() as s:
        n = s.get(Node, node_id)
        n.updates.append(Update(date=date(2020, 1, 10), text="Shared with partners"))
        n.updates.append(
            Update(date=date(2020, 2, 1), text="Victim named: J Smith, 12 Hill Rd", internal=True)
        )
        n.extras.append(
            ExtraField(name="Case notes", value="Police intel ref 55/19", internal=True)
        )
        n.extras.append(ExtraField(name="Ward", value="Stapleford"))
    path = write_workbook(demo_desk, ExportOptions(plan), tmp_path / "p.xlsx", today=TODAY).path
    sheet = Sheet(path)
    assert sheet.cell(uuid, "Latest update").value == "Shared with partners"
    assert sheet.cell(uuid, "Update date").value == datetime(2020, 1, 10)
    assert sheet.cell(uuid, "Ward").value == "Stapleford"
    assert "Case notes" not in sheet.headings
    with zipfile.ZipFile(path) as z:
        everything = b"".join(z.read(name) for name in z.namelist())
    for secret in (b"J Smith", b"Police intel", b"Case notes"):
        assert secret not in everything


def test_indicators_sheet_has_a_value_per_period(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Broxtowe")
    path = write_workbook(demo_desk, ExportOptions(plan), tmp_path / "i.xlsx", today=TODAY).path
    ws = openpyxl.load_workbook(path)["Indicators"]
    head = [c.value for c in ws[1]]
    assert head[:6] == ["Group", "Indicator", "Unit", "Better when", "Target", "Source"]
    periods = head[6:]
    assert periods and all("/" in p for p in periods)
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    expected = demo_desk.reader.execute(
        "SELECT count(*) FROM indicator WHERE plan_id = ?", (plan,)
    ).fetchone()[0]
    assert len(rows) == expected == 7
    values = demo_desk.reader.execute(
        "SELECT i.name, i.unit, v.period, v.partial, v.value, v.available FROM indicator_value v"
        " JOIN indicator i ON i.id = v.indicator_id WHERE i.plan_id = ?",
        (plan,),
    ).fetchall()
    by_name = {r[1]: r for r in rows}
    for name, unit, period, partial, value, available in values:
        heading = f"{period} ({partial})" if partial else period
        cell = by_name[name][head.index(heading)]
        if not available:
            assert cell == "Not yet available"
        elif unit == "percent":  # 96 in the desk is Excel's 0.96, shown 96%
            assert by_name[name][2] == "%"
            assert cell == pytest.approx(value / 100)
        else:
            assert by_name[name][2] == "count"
            assert cell == pytest.approx(value)


def test_nothing_to_export_a_missing_folder_and_cancel_write_nothing(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Broxtowe")
    before = demo_desk.reader.execute("SELECT count(*) FROM partner_export").fetchone()[0]
    with pytest.raises(ExportError, match="Nothing in the plan matches"):
        write_workbook(demo_desk, ExportOptions(plan, partner="Nobody Ltd"), tmp_path / "n.xlsx")
    with pytest.raises(ExportError, match="does not exist"):
        write_workbook(demo_desk, ExportOptions(plan), tmp_path / "no" / "such.xlsx")

    class Stop(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        write_workbook(demo_desk, ExportOptions(plan), tmp_path / "c.xlsx", progress=cancel)
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("demo.asbdesk")] == []
    after = demo_desk.reader.execute("SELECT count(*) FROM partner_export").fetchone()[0]
    assert after == before


def test_cli_exports_a_partners_part_of_a_plan_named_by_part_of_its_title(
    demo_desk, tmp_path, capsys
):
    out = tmp_path / "police.xlsx"
    args = ["export", str(demo_desk.path), "--format", "xlsx", "--plan", "broxtowe"]
    assert main([*args, "--partner", "Nottinghamshire Police", "-o", str(out)]) == 0
    assert "4 rows (3 actions), actions of Nottinghamshire Police" in capsys.readouterr().out
    assert Sheet(out).ws.protection.sheet
    assert main(["export", str(demo_desk.path), "--format", "xlsx", "-o", str(out)]) == 1
    assert "holds 2 plans; name one with --plan" in capsys.readouterr().err
    assert main([*args[:4], "--plan", "Plan", "-o", str(out)]) == 1
    assert "is in 2 plans' titles" in capsys.readouterr().err
    assert main([*args, "--status", "red,purple", "-o", str(out)]) == 1
    assert "'purple' is not a status" in capsys.readouterr().err
