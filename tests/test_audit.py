"""The audit trail: every change is recorded with who made it, when, the field, its old and
new value as an officer reads them, and the reason; an undo is recorded too, the values the
other way round; the history outlives the node; an import is one entry per plan; and the
command line writes the history as CSV or Excel."""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
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
    MoveNode,
    RenumberRefs,
    SetPeople,
    run,
    shift,
)
from asbdesk.desk import Desk
from asbdesk.history import HistoryEntry, desk_history, node_history, write_history
from asbdesk.indicator_edits import DeleteIndicator, SetIndicatorValue, ValueFields
from asbdesk.rag import Status
from asbdesk.risks import AddRisk, EditRisk, RiskFields
from asbdesk.sessions import EditSession, LogSession, SessionFields
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
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", e.when), e.when
    assert e.when == e.at.replace(tzinfo=UTC).astimezone().strftime("%d/%m/%Y %H:%M")


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


def test_a_change_that_fails_at_commit_after_a_flush_records_nothing(demo_desk):
    """The entries are written in the change's own transaction: when its commit fails,
    after the change was flushed and described, they go with it; and the notes it took
    do not turn up in the next change's entries."""
    from sqlalchemy import event

    from asbdesk.models import Node

    action = node_id(demo_desk, "Broxtowe", "1.1")
    other = node_id(demo_desk, "Broxtowe", "1.2")
    start = last_id(demo_desk)

    def refuse(_session):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        with recording("Edit"), demo_desk.transaction() as s:
            node = s.get(Node, action)
            assert node is not None
            node.title = "Renamed, then lost"
            s.flush()
            event.listen(s, "before_commit", refuse)  # after the audit's own listener
    assert entries_since(demo_desk, start) == []
    title = demo_desk.reader.execute("SELECT title FROM node WHERE id = ?", (action,)).fetchone()
    assert title[0].startswith("Hold alternating")
    run(demo_desk, EditNode(other, {"outcome": "More reports"}))
    assert [(e.node_id, e.what) for e in entries_since(demo_desk, start)] == [(other, "Outcome")]


def test_a_savepoint_rolled_back_keeps_what_was_done_before_it(demo_desk):
    from asbdesk.models import Node

    kept = node_id(demo_desk, "Broxtowe", "1.1")
    dropped = node_id(demo_desk, "Broxtowe", "1.2")
    start = last_id(demo_desk)
    with recording("Edit"), demo_desk.transaction() as s:
        node = s.get(Node, kept)
        assert node is not None
        node.outcome = "Kept"
        s.flush()
        savepoint = s.begin_nested()
        other = s.get(Node, dropped)
        assert other is not None
        other.outcome = "Rolled back"
        s.flush()
        savepoint.rollback()
    got = [(e.node_id, e.what, e.new) for e in entries_since(demo_desk, start)]
    assert got == [(kept, "Outcome", "Kept")]


def test_a_bug_in_describing_a_change_does_not_lose_the_change(demo_desk, monkeypatch, caplog):
    from asbdesk import audit

    def broken(_self):
        raise KeyError("no such field")

    monkeypatch.setattr(audit.Entries, "rows", broken)
    action = node_id(demo_desk, "Broxtowe", "1.1")
    start = last_id(demo_desk)
    with caplog.at_level(logging.ERROR, logger="asbdesk.audit"):
        run(demo_desk, EditNode(action, {"outcome": "Fewer repeat callers"}, label="Edit outcome"))
    outcome = demo_desk.reader.execute("SELECT outcome FROM node WHERE id = ?", (action,))
    assert outcome.fetchone()[0] == "Fewer repeat callers"  # the edit is kept
    (entry,) = entries_since(demo_desk, start)
    assert (entry.who, entry.what, entry.action) == (
        "Jo Bloggs (ASB Team Leader)",
        "Change not described",
        "Edit outcome",
    )
    assert abs(entry.at - datetime.now(UTC).replace(tzinfo=None)).total_seconds() < 60
    (record,) = [r for r in caplog.records if r.name == "asbdesk.audit"]
    assert record.exc_info is not None and "no such field" in str(record.exc_info[1])


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


def test_moving_an_action_up_and_its_undo_record_its_place(demo_desk):
    moved = node_id(demo_desk, "Broxtowe", "1.2")
    start = last_id(demo_desk)
    cmd = shift(demo_desk, moved, -1)
    assert cmd is not None and cmd.label == "Move up"
    run(demo_desk, cmd)
    with recording_command(cmd, "Undo"):
        cmd.undo(demo_desk)
    undo, done = entries_since(demo_desk, start)
    parent = "under 1 Raise awareness and improve reporting"
    assert (done.node_id, done.what, done.old, done.new, done.action) == (
        moved,
        "Place in the plan",
        f"Row 2 {parent}",
        f"Row 1 {parent}",
        "Move up",
    )
    assert (undo.old, undo.new, undo.action) == (
        f"Row 1 {parent}",
        f"Row 2 {parent}",
        "Undo: Move up",
    )


def test_moving_an_action_to_another_parent_is_one_entry(demo_desk):
    moved = node_id(demo_desk, "Broxtowe", "1.2")
    start = last_id(demo_desk)
    run(demo_desk, MoveNode(moved, node_id(demo_desk, "Broxtowe", "2"), 0))
    (entry,) = entries_since(demo_desk, start)
    assert entry.what == "Place in the plan"
    assert entry.old is not None and entry.old.startswith("Under 1 Raise awareness")
    assert entry.new is not None and entry.new.startswith("Under 2 ")


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
        w == "Added session" and n == "14/11/2019 Drop-in, Beeston library" for w, _o, n in got
    )
    assert any(
        w == "Added indicator value" and n and n.endswith(", 2020/21: 42") for w, _o, n in got
    )
    assert all(e.plan_id == plan and e.node_id is None for e in entries_since(demo_desk, start))


def test_a_sessions_officers_and_partners_are_recorded_as_lists(demo_desk):
    plan = plan_id(demo_desk, "Broxtowe")
    first = SessionFields(
        on=date(2019, 11, 14),
        place="Beeston library",
        officers=("PC Smith", "Jo Bloggs"),
        partners=("Police", "Fire service"),
    )
    log = LogSession(plan, first)
    run(demo_desk, log)
    assert log.session_id is not None
    start = last_id(demo_desk)
    changed = replace(
        first, kind="patrol", officers=("PC Smith", "PCSO Jones"), partners=("Fire service",)
    )
    edit = EditSession(plan, log.session_id, changed)
    run(demo_desk, edit)
    got = {(e.what, e.old, e.new) for e in entries_since(demo_desk, start)}
    assert got == {
        (
            "Session ‘14/11/2019 Beeston library’: Officers",
            "PC Smith; Jo Bloggs",
            "PC Smith; PCSO Jones",
        ),
        (
            "Session ‘14/11/2019 Beeston library’: Partners present",
            "Police; Fire service",
            "Fire service",
        ),
        ("Session ‘14/11/2019 Beeston library’: Kind", "Drop-in", "Patrol"),
    }
    start = last_id(demo_desk)
    with recording_command(edit, "Undo"):
        edit.undo(demo_desk)
    undone = {(e.what.split(": ")[1], e.old, e.new) for e in entries_since(demo_desk, start)}
    assert ("Officers", "PC Smith; PCSO Jones", "PC Smith; Jo Bloggs") in undone
    # The names are kept in the order typed.
    from asbdesk.sessions import read_sessions

    (row,) = [r for r in read_sessions(demo_desk.reader, plan) if r.id == log.session_id]
    assert (row.officers, row.partners) == (("PC Smith", "Jo Bloggs"), ("Police", "Fire service"))


def test_a_risks_mitigating_actions_are_recorded_as_a_list(demo_desk):
    plan = plan_id(demo_desk, "Broxtowe")
    drop_ins, groups = node_id(demo_desk, "Broxtowe", "1.1"), node_id(demo_desk, "Broxtowe", "1.2")
    add = AddRisk(plan, RiskFields("Staff turnover", 3, 3, action_ids=(drop_ins,)))
    run(demo_desk, add)
    assert add.risk_id is not None
    start = last_id(demo_desk)
    fields = RiskFields("Staff turnover", 3, 3, action_ids=(groups, drop_ins))
    run(demo_desk, EditRisk(plan, add.risk_id, fields))
    (entry,) = entries_since(demo_desk, start)
    assert entry.what == "Risk ‘Staff turnover’: Mitigating actions"
    assert entry.old is not None and entry.old.startswith("1.1 Hold alternating weekly drop in")
    assert ";" not in entry.old
    assert entry.new is not None
    assert entry.new.startswith("1.2 Attend community group") and "; 1.1 Hold" in entry.new
    linked = demo_desk.reader.execute(
        "SELECT node_id FROM risk_node WHERE risk_id = ? ORDER BY position", (add.risk_id,)
    )
    assert [r[0] for r in linked] == [groups, drop_ins]  # in the order ticked


def test_the_same_leads_set_again_are_not_a_change(demo_desk):
    action = node_id(demo_desk, "Welwyn", "a)")
    run(demo_desk, SetPeople(action, ["ASB Team Leader", "PCSO Smith"], None, ["Police"]))
    start = last_id(demo_desk)
    run(demo_desk, SetPeople(action, [" ASB Team Leader", "PCSO Smith"], None, ["Police"]))
    assert entries_since(demo_desk, start) == []
    run(demo_desk, SetPeople(action, ["ASB Team Leader"], None, ["Police", "Fire service"]))
    changes = {e.what: (e.old, e.new) for e in entries_since(demo_desk, start)}
    assert changes == {
        "Lead officers": ("ASB Team Leader; PCSO Smith", "ASB Team Leader"),
        "Partners": ("Police", "Police; Fire service"),
    }


def test_lists_of_names_differ_by_their_names_not_their_records():
    from types import SimpleNamespace

    from asbdesk.audit_entries import _differs

    def people(*names):
        return [SimpleNamespace(name=n) for n in names]

    for attr in ("officers", "partners"):
        assert not _differs(attr, people("A", "B"), people("A", "B"))
        assert _differs(attr, people("A", "B"), people("B", "A"))
        assert _differs(attr, people("A"), people("A", "C"))
        assert _differs(attr, [], people("A"))


def test_settings_and_kinds_read_as_the_window_words_them(demo_desk):
    plan = plan_id(demo_desk, "Broxtowe")
    start = last_id(demo_desk)
    run(demo_desk, EditPlan(plan, {"rollup_status": "none", "rollup_percent": "none"}))
    got = {(e.what, e.old, e.new) for e in entries_since(demo_desk, start)}
    assert got == {
        ("Plan: Roll-up of status", "The worst of their children", "Their own status"),
        (
            "Plan: Roll-up of delivered %",
            "The average of their children",
            "Their own milestones only",
        ),
    }


def test_undoing_an_indicator_delete_reads_restored(demo_desk):
    plan = plan_id(demo_desk, "Broxtowe")
    indicator, name = demo_desk.reader.execute(
        "SELECT id, name FROM indicator WHERE plan_id = ? ORDER BY position", (plan,)
    ).fetchone()
    cmd = DeleteIndicator(plan, indicator)
    run(demo_desk, cmd)
    start = last_id(demo_desk)
    with recording_command(cmd, "Undo"):
        cmd.undo(demo_desk)
    with recording_command(cmd, "Redo"):
        cmd.do(demo_desk)
    redone, restored = entries_since(demo_desk, start)
    assert (restored.what, restored.new, restored.action) == (
        "Restored indicator",
        name,
        "Undo: Delete indicator",
    )
    assert (redone.what, redone.old) == ("Deleted indicator", name)


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
    assert status["Command"] == "Change status"
    assert "Done by" not in status
    # Local time, as the officer reads it, not the stored UTC.
    entry = node_history(demo_desk.reader, action)[0]
    assert rows[0]["When"] == entry.when
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", rows[0]["When"])
    assert all(r["Plan"].startswith("Broxtowe") for r in rows)


def test_cli_writes_one_items_history_as_xlsx(demo_desk, tmp_path, capsys):
    action = node_id(demo_desk, "Welwyn", "a)")
    run(demo_desk, EditNode(action, {"title": '=HYPERLINK("http://x")'}))
    out = tmp_path / "history.xlsx"
    args = ["history", str(demo_desk.path), "--plan", "welwyn", "--node", "a)", "-o", str(out)]
    # "a)" is the ref of several actions (1.1 a), 1.2 a) …): the command says so.
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "items have the ref 'a)'" in err and "Give the refs above it too" in err
    args[5] = "1.1 a)"  # the refs above it tell them apart
    assert main(args) == 0, capsys.readouterr().err
    assert [r[5] for r in list(load_workbook(out).active.iter_rows(values_only=True))[1:]] == [
        "Title"
    ]
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
