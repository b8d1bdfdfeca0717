"""The audit trail: every change is recorded with who made it, when, the field, its old and
new value as an officer reads them, and the reason; an undo is recorded too, the values the
other way round; the history outlives the node; an import is one entry per plan; and the
command line writes the history as CSV or Excel."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from xlsx_helpers import Sheet, node

from asbdesk import who
from asbdesk.audit import recording, recording_command
from asbdesk.cli import main
from asbdesk.commands import (
    AddMilestone,
    AddUpdate,
    ChangeStatus,
    DeleteNode,
    EditMilestone,
    EditNode,
    EditPlan,
    RenumberRefs,
    SetPeople,
    run,
)
from asbdesk.desk import Desk
from asbdesk.history import HistoryEntry, desk_history, node_history, write_history
from asbdesk.indicator_edits import SetIndicatorValue, ValueFields
from asbdesk.rag import Status
from asbdesk.sessions import LogSession, SessionFields
from asbdesk.takeback import TakeBack, read_review
from asbdesk.xlsx_export import ExportOptions, write_workbook
from asbdesk.xlsx_import import ImportPlan, ImportSource, import_workbook, prepare
from asbdesk.xlsx_reading import propose_reading

DATA = Path(__file__).parent / "data"
TODAY = date(2019, 11, 15)


@pytest.fixture(autouse=True)
def officer() -> Iterator[str]:
    """Changes are made by a named officer, as the window's File ▸ Your name… sets."""
    who.set_current_user("Jo Bloggs (ASB Team Leader)")
    yield "Jo Bloggs (ASB Team Leader)"
    who.set_current_user(None)


def node_id(desk: Desk, plan: str, ref: str) -> int:
    row = desk.reader.execute(
        "SELECT n.id FROM node n JOIN plan p ON p.id = n.plan_id "
        "WHERE p.title LIKE ? AND n.ref = ? AND n.deleted_at IS NULL",
        (f"{plan}%", ref),
    ).fetchone()
    assert row is not None, (plan, ref)
    return int(row[0])


def plan_id(desk: Desk, plan: str) -> int:
    row = desk.reader.execute("SELECT id FROM plan WHERE title LIKE ?", (f"{plan}%",)).fetchone()
    return int(row[0])


def newest(desk: Desk, node: int) -> HistoryEntry:
    return node_history(desk.reader, node)[0]


def entries_since(desk: Desk, last_id: int) -> list[HistoryEntry]:
    return [e for e in desk_history(desk.reader) if e.id > last_id]


def last_id(desk: Desk) -> int:
    return int(desk.reader.execute("SELECT coalesce(max(id), 0) FROM audit_entry").fetchone()[0])


# ---------------------------------------------------------------------------------------
# An edit, and its undo


def test_marking_an_action_amber_records_who_what_from_to_and_why(demo_desk, officer):
    action = node_id(demo_desk, "Broxtowe", "1.1")
    run(demo_desk, ChangeStatus(action, Status.AMBER, "Police cover cut in Stapleford", TODAY))
    e = newest(demo_desk, action)
    assert (e.who, e.what, e.old, e.new) == (officer, "Status", "Not set", "Amber")
    assert e.reason == "Police cover cut in Stapleford"
    assert e.action == "Change status"
    assert e.node_ref == "1.1" and e.plan.startswith("Broxtowe")
    assert e.node_title.startswith("Hold alternating weekly drop in sessions")
    # The status change's own progress update is not a second entry: this one says it.
    assert [x.what for x in node_history(demo_desk.reader, action)].count("Added update") == 0
    assert len(e.when) == len("15/11/2019 14:05")


def test_values_read_as_the_officer_reads_them(demo_desk):
    action = node_id(demo_desk, "Welwyn", "a)")
    start = last_id(demo_desk)
    run(demo_desk, EditNode(action, {"target_date": date(2020, 3, 31)}, label="Edit target date"))
    run(demo_desk, SetPeople(action, ["ASB Team Leader", "PCSO Smith"], "Housing", None))
    changes = {e.what: (e.old, e.new) for e in entries_since(demo_desk, start)}
    assert changes["Target date"][1] == "31/03/2020"
    assert changes["Lead officers"][1] == "ASB Team Leader; PCSO Smith"
    assert changes["Lead department"] == ("", "Housing")
    assert "Partners" not in changes  # left as it was: not a change


def test_an_undo_is_recorded_with_the_values_the_other_way_round(demo_desk):
    action = node_id(demo_desk, "Broxtowe", "1.1")
    cmd = ChangeStatus(action, Status.RED, "No venue in Eastwood", TODAY)
    run(demo_desk, cmd)
    with recording_command(cmd, "Undo"):
        cmd.undo(demo_desk)
    with recording_command(cmd, "Redo"):
        cmd.do(demo_desk)
    redo, undo, done = node_history(demo_desk.reader, action)[:3]
    assert (done.action, done.old, done.new) == ("Change status", "Not set", "Red")
    assert (undo.action, undo.old, undo.new) == ("Undo: Change status", "Red", "Not set")
    assert undo.reason is None  # the reason was for the change the undo takes back
    assert (redo.action, redo.new, redo.reason) == ("Redo: Change status", "Red", done.reason)


def test_a_milestone_edit_names_the_milestone(demo_desk):
    action = node_id(demo_desk, "Broxtowe", "1.1")
    add = AddMilestone(action, text="6 x estate walkabouts", target_count=6)
    run(demo_desk, add)
    assert add.milestone_id is not None
    run(demo_desk, EditMilestone(action, add.milestone_id, {"done_count": 2}))
    edit, added = node_history(demo_desk.reader, action)[:2]
    assert (added.what, added.new) == ("Added milestone", "6 x estate walkabouts")
    assert edit.what == "Milestone ‘6 x estate walkabouts’: Done"
    assert (edit.old, edit.new) == ("", "2")


def test_a_failed_change_records_nothing(demo_desk):
    action = node_id(demo_desk, "Broxtowe", "1.1")
    add = AddMilestone(action, text="6 x estate walkabouts", target_count=6)
    run(demo_desk, add)
    assert add.milestone_id is not None
    start = last_id(demo_desk)
    with pytest.raises(ValueError, match="negative"):
        run(demo_desk, EditMilestone(action, add.milestone_id, {"done_count": -5}))
    assert entries_since(demo_desk, start) == []


def test_a_change_made_outside_any_command_is_recorded_too(demo_desk):
    """A script that writes to the desk itself still leaves its trace."""
    from asbdesk.models import Node

    action = node_id(demo_desk, "Broxtowe", "1.1")
    with demo_desk.transaction() as s:
        node = s.get(Node, action)
        assert node is not None
        node.status, node.status_reason = "green", "Back on track"
    e = newest(demo_desk, action)
    assert (e.what, e.new, e.reason, e.action) == ("Status", "Green", "Back on track", "")


# ---------------------------------------------------------------------------------------
# Deleting, restoring, renumbering


def test_history_outlives_the_node(demo_desk):
    action = node_id(demo_desk, "Broxtowe", "1.1")
    run(demo_desk, ChangeStatus(action, Status.AMBER, "Short of staff", TODAY))
    run(demo_desk, DeleteNode(action))
    deleted = newest(demo_desk, action)
    assert (deleted.what, deleted.action) == ("Deleted", "Delete")
    assert deleted.old is not None and deleted.old.startswith("Hold alternating")
    # Even with the node's row gone for good, its history stays, naming it.
    con = demo_desk.reader
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("DELETE FROM node WHERE id = ?", (action,))
    con.execute("PRAGMA foreign_keys = ON")
    history = node_history(con, action)
    assert [e.what for e in history[:2]] == ["Deleted", "Status"]
    assert all(e.node_ref == "1.1" for e in history[:2])


def test_a_branch_deleted_and_restored_is_one_entry_each(demo_desk):
    target = node_id(demo_desk, "Broxtowe", "1")
    start = last_id(demo_desk)
    cmd = DeleteNode(target)
    run(demo_desk, cmd)
    with recording_command(cmd, "Undo"):
        cmd.undo(demo_desk)
    restored, deleted = entries_since(demo_desk, start)
    assert deleted.what == "Deleted" and deleted.node_ref == "1"
    assert deleted.old is not None and deleted.old.endswith("(and 10 items under it)")
    assert (restored.what, restored.action) == ("Restored", "Undo: Delete")


def test_renumbering_records_each_ref_that_changed(demo_desk):
    plan = plan_id(demo_desk, "Welwyn")
    action = node_id(demo_desk, "Welwyn", "b)")
    run(demo_desk, EditNode(action, {"ref": "b2"}))
    start = last_id(demo_desk)
    cmd = RenumberRefs(plan, ["number", "number", "letter"])
    run(demo_desk, cmd)
    renumbered = entries_since(demo_desk, start)
    assert [(e.what, e.old, e.new) for e in renumbered if e.old == "b2"] == [("Ref", "b2", "b)")]
    assert {e.action for e in renumbered} == {"Renumber refs"}


# ---------------------------------------------------------------------------------------
# Not a node's


def test_plan_settings_sessions_and_indicators_are_recorded_with_their_plan(demo_desk):
    plan = plan_id(demo_desk, "Broxtowe")
    start = last_id(demo_desk)
    run(demo_desk, EditPlan(plan, {"red_lag": 0.3, "end_date": date(2020, 4, 30)}))
    fields = SessionFields(on=date(2019, 11, 14), place="Beeston library", kind="drop-in")
    run(demo_desk, LogSession(plan, fields))
    indicator = int(
        demo_desk.reader.execute(
            "SELECT id FROM indicator WHERE plan_id = ? ORDER BY position", (plan,)
        ).fetchone()[0]
    )
    run(demo_desk, SetIndicatorValue(plan, indicator, ValueFields("2020/21", 42.0)))
    got = {(e.what, e.old, e.new) for e in entries_since(demo_desk, start)}
    assert ("Plan: Red threshold", "20 %", "30 %") in got
    assert ("Plan: End date", "31/03/2020", "30/04/2020") in got
    assert any(
        w == "Added session" and n == "14/11/2019 drop-in, Beeston library" for w, _o, n in got
    )
    assert any(
        w == "Added indicator value" and n and n.endswith(", 2020/21: 42") for w, _o, n in got
    )
    assert all(e.plan_id == plan and e.node_id is None for e in entries_since(demo_desk, start))


# ---------------------------------------------------------------------------------------
# Imports


def test_an_import_is_one_entry_for_the_plan(desk):
    with recording("Import from Excel", source="welwyn-hatfield-2019.xlsx"):
        result = import_workbook(desk, DATA / "welwyn-hatfield-2019.xlsx", today=TODAY)
    (entry,) = desk_history(desk.reader)
    assert (entry.what, entry.plan_id, entry.action) == (
        "Imported plan",
        result.plan_id,
        "Import from Excel",
    )
    nodes = desk.reader.execute("SELECT count(*) FROM node").fetchone()[0]
    assert entry.new is not None
    assert entry.new.startswith(f"{nodes} items, ")
    assert entry.new.endswith(" from welwyn-hatfield-2019.xlsx")


def test_an_import_into_a_plan_and_its_undo(demo_desk):
    plan = plan_id(demo_desk, "Broxtowe")
    source = ImportSource(DATA / "welwyn-hatfield-2019.xlsx")
    try:
        sheet = source.plan_sheet()
        prepared = prepare(source, sheet, propose_reading(source.grid(sheet)), TODAY)
    finally:
        source.close()
    start = last_id(demo_desk)
    cmd = ImportPlan(prepared.plan, into_plan_id=plan)
    run(demo_desk, cmd)
    (imported,) = entries_since(demo_desk, start)
    assert (imported.what, imported.plan_id) == ("Imported plan", plan)
    start = last_id(demo_desk)
    with recording_command(cmd, "Undo"):
        cmd.undo(demo_desk)
    undone = entries_since(demo_desk, start)
    # One entry per top-level item taken away, each with its branch.
    tops = len(prepared.plan["children"])
    assert len([e for e in undone if e.what == "Deleted"]) == tops
    assert {e.action for e in undone} == {"Undo: Import from Excel"}


# ---------------------------------------------------------------------------------------
# Writing the history out


def test_cli_writes_a_plans_history_as_csv(demo_desk, tmp_path, capsys):
    action = node_id(demo_desk, "Broxtowe", "1.1")
    run(demo_desk, ChangeStatus(action, Status.AMBER, "=cmd|' /C calc'!A0", TODAY))
    run(demo_desk, AddUpdate(action, TODAY, "Q3 2019/20", "10 sessions held", "Jo", None))
    out = tmp_path / "history.csv"
    code = main(["history", str(demo_desk.path), "--plan", "broxtowe", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    assert "Wrote" in capsys.readouterr().out
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["What"] == "Added update" and rows[0]["To"] == "15/11/2019: 10 sessions held"
    status = rows[1]
    assert (status["Ref"], status["What"], status["From"], status["To"]) == (
        "1.1",
        "Status",
        "Not set",
        "Amber",
    )
    assert status["Who"] == "Jo Bloggs (ASB Team Leader)"
    assert status["Reason"] == "'=cmd|' /C calc'!A0"  # text, never a formula
    assert status["Done by"] == "Change status"
    assert all(r["Plan"].startswith("Broxtowe") for r in rows)


def test_cli_writes_one_items_history_as_xlsx(demo_desk, tmp_path, capsys):
    action = node_id(demo_desk, "Welwyn", "a)")
    run(demo_desk, EditNode(action, {"title": '=HYPERLINK("http://x")'}))
    out = tmp_path / "history.xlsx"
    args = ["history", str(demo_desk.path), "--plan", "welwyn", "--node", "a)", "-o", str(out)]
    # "a)" is the ref of several actions (1.1 a), 1.2 a) …): the command says so.
    assert main(args) == 1
    assert "items have the ref 'a)'" in capsys.readouterr().err
    run(demo_desk, EditNode(action, {"ref": "1.1a"}))
    args[5] = "1.1a"
    assert main(args) == 0, capsys.readouterr().err
    ws = load_workbook(out).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:9] == ("When", "Who", "Plan", "Ref", "Title", "What", "From", "To", "Reason")
    assert [r[5] for r in rows[1:]] == ["Ref", "Title"]
    title = ws.cell(row=3, column=8)
    assert title.value == '=HYPERLINK("http://x")' and title.data_type == "s"
    assert title.quotePrefix


def test_history_is_written_as_csv_or_xlsx_only(demo_desk, tmp_path):
    from asbdesk.history import HistoryError

    with pytest.raises(HistoryError, match=r"\.csv or \.xlsx"):
        write_history(desk_history(demo_desk.reader), tmp_path / "history.pdf")
    with pytest.raises(HistoryError, match="does not exist"):
        write_history([], tmp_path / "nowhere" / "history.csv")
    assert not list(tmp_path.glob("history*"))


def test_taking_back_a_partners_workbook_is_recorded_with_its_undo(demo_desk, tmp_path):
    welwyn = plan_id(demo_desk, "Welwyn")
    sent = write_workbook(demo_desk, ExportOptions(welwyn), tmp_path / "sent.xlsx", today=TODAY)
    sheet = Sheet(sent.path)
    a_id, a = node(demo_desk, welwyn, "a)", "Finalise draft ASB Policy")
    sheet.set(a, "Your update", "Policy signed off by Cabinet on 5 November.")
    sheet.set(a, "Status", "Blue")
    review = read_review(demo_desk, sheet.save(), today=date(2019, 11, 20))
    start = last_id(demo_desk)
    cmd = TakeBack(review, "Police", date(2019, 11, 20))
    run(demo_desk, cmd)
    taken = {(e.what, e.old, e.new, e.action) for e in entries_since(demo_desk, start)}
    assert taken == {
        ("Status", "Green", "Blue", "Take back partner updates"),
        (
            "Added update",
            None,
            "20/11/2019: Policy signed off by Cabinet on 5 November.",
            "Take back partner updates",
        ),
    }
    assert all(e.node_id == a_id for e in entries_since(demo_desk, start))
    start = last_id(demo_desk)
    with recording_command(cmd, "Undo"):
        cmd.undo(demo_desk)
    undone = {(e.what, e.old, e.new) for e in entries_since(demo_desk, start)}
    assert ("Status", "Blue", "Green") in undone
    assert ("Deleted update", "20/11/2019: Policy signed off by Cabinet on 5 November.", None) in (
        undone
    )
