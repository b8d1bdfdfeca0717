"""Taking back a workbook partners returned (asbdesk.takeback): the review and applying it."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from conftest import TODAY
from xlsx_helpers import Sheet, node, plan_id

from asbdesk.cli import main
from asbdesk.commands import AddUpdate, ChangeStatus
from asbdesk.rag import Status
from asbdesk.takeback import TakeBack, TakebackError, read_review
from asbdesk.xlsx_export import ExportOptions, write_workbook

RETURNED_ON = date(2019, 11, 20)


@pytest.fixture
def welwyn(demo_desk):
    return plan_id(demo_desk, "Welwyn")


def export(desk, plan, tmp_path, **options):
    return write_workbook(
        desk, ExportOptions(plan, **options), tmp_path / "sent.xlsx", today=TODAY
    ).path


def review_of(desk, path):
    return read_review(desk, path, today=RETURNED_ON)


def table_counts(desk):
    return {
        t: desk.reader.execute(f"SELECT count(*) FROM {t} WHERE deleted_at IS NULL").fetchone()[0]
        for t in ("node", "progress_update")
    }


def live_updates(desk, node_id):
    return desk.reader.execute(
        "SELECT date, text, author, status, kind FROM progress_update"
        " WHERE node_id = ? AND deleted_at IS NULL ORDER BY id",
        (node_id,),
    ).fetchall()


def test_a_workbook_returned_unchanged_gives_an_empty_review(demo_desk, welwyn, tmp_path):
    review = review_of(demo_desk, export(demo_desk, welwyn, tmp_path))
    assert review.empty
    assert (review.changes, review.new_actions, review.missing, review.warnings) == ([], [], [], [])
    assert review.plan_id == welwyn and review.taken_back_before == ""


def test_a_partners_edits_show_as_such(demo_desk, welwyn, tmp_path):
    sheet = Sheet(export(demo_desk, welwyn, tmp_path))
    a_id, a = node(demo_desk, welwyn, "a)", "Finalise draft ASB Policy")
    b_id, b = node(demo_desk, welwyn, "b)", "Draft an ASB procedure")
    _c_id, c = node(demo_desk, welwyn, "c)", "Finalise draft DA policy")
    sheet.set(a, "Your update", "Policy signed off by Cabinet on 5 November.")
    sheet.set(a, "Status", "Blue")
    sheet.set(b, "Action", "Draft the ASB procedure (renamed by partner)")
    sheet.set(b, "Your update", "=2+2 is what we typed")  # text, kept as typed
    sheet.ws.cell(sheet.row_of(b), sheet.col("Your update")).data_type = "s"
    new_row = sheet.first_empty_row()
    sheet.ws.cell(new_row, sheet.col("Action")).value = "Joint patrols in the town centre"
    sheet.ws.cell(new_row, sheet.col("Your update")).value = "Started in October."
    sheet.ws.cell(new_row, sheet.col("Status")).value = "Green"
    sheet.ws.delete_rows(sheet.row_of(c))
    review = review_of(demo_desk, sheet.save())

    got = {(ch.ref, ch.label): ch for ch in review.changes}
    assert set(got) == {("a)", "Update"), ("a)", "Status"), ("b)", "Title"), ("b)", "Update")}
    update = got["a)", "Update"]
    assert update.new == "Policy signed off by Cabinet on 5 November."
    assert (update.accepted, update.locked, update.conflict) == (True, False, "")
    status = got["a)", "Status"]
    assert (status.old, status.new, status.value, status.accepted) == (
        "Green",
        "Blue",
        Status.BLUE,
        True,
    )
    title = got["b)", "Title"]
    assert title.locked and not title.accepted  # edited in a read-only cell: not by default
    assert title.new == "Draft the ASB procedure (renamed by partner)"
    assert got["b)", "Update"].new == "=2+2 is what we typed"
    (new,) = review.new_actions
    assert (new.title, new.update, new.status, new.level) == (
        "Joint patrols in the town centre",
        "Started in October.",
        Status.GREEN,
        "Action",
    )
    assert new.parent_id is not None and new.parent_label.startswith("6.")
    assert review.missing == ["c) Finalise draft DA policy"]
    assert review.on == RETURNED_ON  # saved "after" the test's today: dated today


def test_applying_credits_the_partner_and_undo_puts_the_desk_back(demo_desk, welwyn, tmp_path):
    sheet = Sheet(export(demo_desk, welwyn, tmp_path))
    a_id, a = node(demo_desk, welwyn, "a)", "Finalise draft ASB Policy")
    b_id, b = node(demo_desk, welwyn, "b)", "Draft an ASB procedure")
    sheet.set(a, "Your update", "Policy signed off.")
    sheet.set(a, "Status", "Blue")
    sheet.set(b, "Status", "Amber")  # a status change without an update
    sheet.set(b, "Action", "Renamed")  # read-only: left unticked
    new_row = sheet.first_empty_row()
    sheet.ws.cell(new_row, sheet.col("Action")).value = "Joint patrols"
    path = sheet.save()
    review = review_of(demo_desk, path)
    before = table_counts(demo_desk)
    a_before, b_before = live_updates(demo_desk, a_id), live_updates(demo_desk, b_id)

    command = TakeBack(review, "Hertfordshire Police SNT", date(2019, 11, 18))
    command.do(demo_desk)
    assert live_updates(demo_desk, a_id)[len(a_before) :] == [
        ("2019-11-18", "Policy signed off.", "Hertfordshire Police SNT", "blue", "progress")
    ]
    assert live_updates(demo_desk, b_id)[len(b_before) :] == [
        (
            "2019-11-18",
            "Status Green → Amber (Hertfordshire Police SNT's return)",
            "Hertfordshire Police SNT",
            "amber",
            "status",
        )
    ]
    con = demo_desk.reader
    assert con.execute("SELECT status, title FROM node WHERE id = ?", (b_id,)).fetchone() == (
        "amber",
        "Draft an ASB procedure to comply with Crime and Disorder Act 1998",
    )
    added = con.execute(
        "SELECT n.ref, p.ref FROM node n JOIN node p ON p.id = n.parent_id"
        " WHERE n.title = 'Joint patrols' AND n.deleted_at IS NULL"
    ).fetchone()
    assert added is not None and added[0]  # given the next ref among its siblings
    assert con.execute(
        "SELECT taken_back_at IS NOT NULL FROM partner_export WHERE uuid = ?",
        (review.export_uuid,),
    ).fetchone() == (1,)
    after = table_counts(demo_desk)
    assert after == {"node": before["node"] + 1, "progress_update": before["progress_update"] + 2}

    command.undo(demo_desk)
    assert table_counts(demo_desk) == before
    assert live_updates(demo_desk, a_id) == a_before
    assert con.execute("SELECT status FROM node WHERE id = ?", (a_id,)).fetchone() == ("green",)
    assert con.execute(
        "SELECT taken_back_at FROM partner_export WHERE uuid = ?", (review.export_uuid,)
    ).fetchone() == (None,)
    command.do(demo_desk)  # redo
    assert table_counts(demo_desk) == after
    assert con.execute("SELECT status FROM node WHERE id = ?", (a_id,)).fetchone() == ("blue",)


def test_a_change_made_in_the_desk_since_the_export_is_a_conflict(demo_desk, welwyn, tmp_path):
    sheet = Sheet(export(demo_desk, welwyn, tmp_path))
    a_id, a = node(demo_desk, welwyn, "a)", "Finalise draft ASB Policy")
    b_id, b = node(demo_desk, welwyn, "b)", "Draft an ASB procedure")
    # After the export, the officer changes a) and adds an update to b) …
    ChangeStatus(a_id, Status.RED, "Cabinet deferred it", date(2019, 11, 16)).do(demo_desk)
    AddUpdate(b_id, date(2019, 11, 16), "Q3 2019/20", "Draft at legal", "jo", None).do(demo_desk)
    # … while the partner changes the same things.
    sheet.set(a, "Status", "Blue")
    sheet.set(b, "Your update", "Procedure agreed with us.")
    review = review_of(demo_desk, sheet.save())
    got = {(ch.ref, ch.label): ch for ch in review.changes}
    status = got["a)", "Status"]
    assert status.old == "Red" and status.new == "Blue"
    assert status.conflict == "changed in the desk since the export"
    assert not status.accepted  # a conflict waits for the officer's choice
    update = got["b)", "Update"]
    assert "newer update (16/11/2019): 'Draft at legal'" in update.conflict
    assert not update.accepted


def test_a_workbook_taken_back_twice_is_recognised_and_adds_nothing_twice(
    demo_desk, welwyn, tmp_path
):
    sheet = Sheet(export(demo_desk, welwyn, tmp_path))
    _a_id, a = node(demo_desk, welwyn, "a)", "Finalise draft ASB Policy")
    sheet.set(a, "Your update", "Policy signed off.")
    sheet.set(a, "Status", "Blue")
    new_row = sheet.first_empty_row()
    sheet.ws.cell(new_row, sheet.col("Action")).value = "Joint patrols"
    path = sheet.save()
    first = review_of(demo_desk, path)
    TakeBack(first, "Police", RETURNED_ON).do(demo_desk)
    again = review_of(demo_desk, path)
    assert again.taken_back_before.startswith("This workbook was taken back already, on ")
    assert again.changes == [] and again.new_actions == []
    # The partner kept working on the same file and sent it again: only the new bit shows.
    sheet = Sheet(path)
    sheet.set(a, "Your update", "Policy signed off. Launch event on 2 December.")
    again = review_of(demo_desk, sheet.save())
    assert [(c.ref, c.label) for c in again.changes] == [("a)", "Update")]


def test_wrong_plan_foreign_and_damaged_workbooks_are_refused(demo_desk, desk, welwyn, tmp_path):
    path = export(demo_desk, welwyn, tmp_path)
    with pytest.raises(
        TakebackError, match="comes from the plan 'Welwyn Hatfield .*not in this desk"
    ):
        read_review(desk, path)  # another desk
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Action", "Lead", "Status"])
    wb.save(plain)
    with pytest.raises(TakebackError, match="Import plan from Excel"):
        read_review(demo_desk, plain)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(TakebackError, match="damaged"):
        read_review(demo_desk, broken)
    # The ID column deleted: nothing can be matched, and it says so.
    sheet = Sheet(path)
    sheet.ws.delete_cols(sheet.id_col)
    with pytest.raises(TakebackError, match="lost the plan's 'asbdesk ID' column"):
        read_review(demo_desk, sheet.save(tmp_path / "no-ids.xlsx"))
    # The plan deleted in the desk since.
    from asbdesk.commands import set_plan_deleted

    with demo_desk.transaction() as s:
        set_plan_deleted(s, welwyn, True)
    with pytest.raises(TakebackError, match="has been deleted from this desk"):
        read_review(demo_desk, path)


def test_a_partners_part_marks_other_rows_read_only(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Broxtowe")
    sheet = Sheet(export(demo_desk, plan, tmp_path, partner="Nottinghamshire Police"))
    rows = sheet.data_rows()
    context = [r for r in rows if sheet.ws.cell(r, sheet.col("Your update")).protection.locked]
    assert context  # the targets above their actions
    uuid = sheet.ws.cell(context[0], sheet.id_col).value
    sheet.set(uuid, "Your update", "Written in a locked cell after unprotecting")
    review = review_of(demo_desk, sheet.save())
    (change,) = review.changes
    assert change.locked and not change.accepted
    assert review.partner == "Nottinghamshire Police"


def test_cli_prints_the_review_and_applies_only_with_apply(demo_desk, welwyn, tmp_path, capsys):
    sheet = Sheet(export(demo_desk, welwyn, tmp_path))
    a_id, a = node(demo_desk, welwyn, "a)", "Finalise draft ASB Policy")
    sheet.set(a, "Your update", "Signed off.")
    path = sheet.save()
    before = live_updates(demo_desk, a_id)
    assert main(["takeback", str(demo_desk.path), str(path)]) == 0
    out = capsys.readouterr().out
    assert "[x] row" in out and "a) Finalise draft ASB Policy: Update" in out
    assert "run again with --apply" in out
    assert live_updates(demo_desk, a_id) == before
    assert main(["takeback", str(demo_desk.path), str(path), "--apply", "--author", "PCSO"]) == 0
    assert "Applied 1 change, 0 new actions, credited to PCSO." in capsys.readouterr().out
    assert live_updates(demo_desk, a_id)[-1][1:3] == ("Signed off.", "PCSO")
    assert main(["takeback", str(demo_desk.path), str(tmp_path / "none.xlsx")]) == 1
    assert "There is no file" in capsys.readouterr().err


def test_a_cell_over_an_internal_field_is_never_taken_back(demo_desk, welwyn, tmp_path):
    from asbdesk.models import ExtraField, Node

    a_id, a = node(demo_desk, welwyn, "a)", "Finalise draft ASB Policy")
    b_id, b = node(demo_desk, welwyn, "b)", "Draft an ASB procedure")
    with demo_desk.transaction() as s:
        node_a, node_b = s.get(Node, a_id), s.get(Node, b_id)
        node_a.extras.append(ExtraField(name="Ward", value="Hatfield Central"))
        node_b.extras.append(ExtraField(name="Ward", value="Secret", internal=True))
    sheet = Sheet(export(demo_desk, welwyn, tmp_path))
    assert sheet.cell(b, "Ward").value is None  # the internal value was not sent
    sheet.set(a, "Ward", "Hatfield East")
    sheet.set(b, "Ward", "Written over")
    review = review_of(demo_desk, sheet.save())
    assert [(c.ref, c.label, c.new) for c in review.changes] == [("a)", "Ward", "Hatfield East")]
    assert any("'Ward' is an internal field of b)" in w for w in review.warnings)
    review.accept_all()
    TakeBack(review, "Police", RETURNED_ON).do(demo_desk)
    values = dict(
        demo_desk.reader.execute(
            "SELECT node_id, value FROM extra_field WHERE name = 'Ward'"
        ).fetchall()
    )
    assert values == {a_id: "Hatfield East", b_id: "Secret"}
