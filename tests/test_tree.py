"""Tests for the edits an officer makes to a plan (asbdesk.commands), seen as a view sees them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import pytest
from conftest import TODAY
from sqlalchemy import func, select

from asbdesk.commands import (
    AddMilestone,
    AddNode,
    AddPlan,
    AddUpdate,
    ChangeStatus,
    DeleteMilestone,
    DeleteNode,
    EditMilestone,
    EditNode,
    EditPlan,
    MoveNode,
    NodeInserted,
    NodeMoved,
    NodeRemoved,
    RenumberRefs,
    SetPeople,
    indent,
    outdent,
    run,
    shift,
)
from asbdesk.desk import Desk
from asbdesk.info import desk_info
from asbdesk.json_io import export_desk
from asbdesk.models import Department, Node, Officer, Partner, Plan
from asbdesk.plan_tree import PlanTree, TreeItem
from asbdesk.rag import Status
from asbdesk.refs import letter_ref
from asbdesk.tree import TreeError

WELWYN_LEVELS = ["Commitment", "Objective", "Action"]


# ---------------------------------------------------------------------------------------
# Helpers


def new_plan(desk: Desk, levels: list[str] | None = None, **kw: Any) -> int:
    cmd = AddPlan(title="Test plan", level_names=levels or list(WELWYN_LEVELS), **kw)
    run(desk, cmd)
    assert cmd.plan_id is not None
    return cmd.plan_id


def add(
    desk: Desk, plan_id: int, parent_id: int | None, title: str, row: int | None = None, **f: Any
) -> int:
    cmd = AddNode(plan_id, parent_id, row, {"title": title, **f})
    run(desk, cmd)
    assert cmd.node_id is not None
    return cmd.node_id


def load(desk: Desk, plan_id: int, today: date = TODAY) -> PlanTree:
    return PlanTree.load(desk.reader, plan_id, today)


def outline(desk: Desk, plan_id: int) -> list[str]:
    """The plan as a view shows it: one line per node, indented by depth."""
    t = load(desk, plan_id)
    return ["  " * it.depth + it.title for it in t.walk()]


def item(t: PlanTree, title: str) -> TreeItem:
    (found,) = [it for it in t.walk() if it.title == title]
    return found


def uuid_of(desk: Desk, node_id: int) -> str:
    with desk.session() as s:
        node = s.get(Node, node_id)
        assert node is not None
        return node.uuid


def assert_positions_dense(desk: Desk, plan_id: int) -> None:
    """Live siblings hold positions 0..n-1 under every parent."""
    with desk.session() as s:
        rows = s.execute(
            select(Node.parent_id, Node.position).where(
                Node.plan_id == plan_id, Node.deleted_at.is_(None)
            )
        ).all()
    by_parent: dict[int | None, list[int]] = defaultdict(list)
    for parent_id, position in rows:
        by_parent[parent_id].append(position)
    for parent_id, positions in by_parent.items():
        assert sorted(positions) == list(range(len(positions))), parent_id


@pytest.fixture
def plan(desk: Desk) -> tuple[int, dict[str, int]]:
    """A small three-level plan:

    A
      A1
        A1a
        A1b
      A2
    B
      B1
    C
    """
    pid = new_plan(desk)
    ids: dict[str, int] = {}
    ids["A"] = add(desk, pid, None, "A")
    ids["B"] = add(desk, pid, None, "B")
    ids["C"] = add(desk, pid, None, "C")
    ids["A1"] = add(desk, pid, ids["A"], "A1")
    ids["A2"] = add(desk, pid, ids["A"], "A2")
    ids["A1a"] = add(desk, pid, ids["A1"], "A1a")
    ids["A1b"] = add(desk, pid, ids["A1"], "A1b")
    ids["B1"] = add(desk, pid, ids["B"], "B1")
    return pid, ids


START_OUTLINE = ["A", "  A1", "    A1a", "    A1b", "  A2", "B", "  B1", "C"]


# ---------------------------------------------------------------------------------------
# Adding and deleting


def test_plan_fixture_shows_as_built(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    pid, _ = plan
    assert outline(desk, pid) == START_OUTLINE
    assert_positions_dense(desk, pid)


def test_add_node_at_a_row_and_undo_redo(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    pid, ids = plan
    cmd = AddNode(pid, None, 1, {"title": "New", "ref": "9"})
    changes = cmd.do(desk)
    assert cmd.node_id is not None
    assert changes == [NodeInserted(cmd.node_id, None, 1)]
    assert outline(desk, pid)[:6] == ["A", "  A1", "    A1a", "    A1b", "  A2", "New"]
    assert_positions_dense(desk, pid)
    uuid = uuid_of(desk, cmd.node_id)

    assert cmd.undo(desk) == [NodeRemoved(cmd.node_id, None, 1)]
    assert outline(desk, pid) == START_OUTLINE
    assert_positions_dense(desk, pid)

    cmd.do(desk)  # redo
    assert outline(desk, pid)[5] == "New"
    assert uuid_of(desk, cmd.node_id) == uuid
    assert_positions_dense(desk, pid)


def test_add_node_row_past_the_end_appends(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    pid, ids = plan
    add(desk, pid, ids["B"], "B2", row=99)
    add(desk, pid, ids["B"], "B0", row=0)
    assert outline(desk, pid)[5:] == ["B", "  B0", "  B1", "  B2", "C"]
    assert_positions_dense(desk, pid)


def test_delete_node_and_undo_restores_same_row_uuid_and_subtree(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    uuids = {name: uuid_of(desk, ids[name]) for name in ("A1", "A1a", "A1b")}
    cmd = DeleteNode(ids["A1"])
    assert cmd.do(desk) == [NodeRemoved(ids["A1"], ids["A"], 0)]
    assert outline(desk, pid) == ["A", "  A2", "B", "  B1", "C"]
    assert_positions_dense(desk, pid)
    # The deleted nodes are gone from what the user gets out, too.
    exported = export_desk(desk)["plans"][0]
    assert [c["title"] for c in exported["children"][0]["children"]] == ["A2"]

    assert cmd.undo(desk) == [NodeInserted(ids["A1"], ids["A"], 0)]
    assert outline(desk, pid) == START_OUTLINE
    assert {name: uuid_of(desk, ids[name]) for name in uuids} == uuids
    assert_positions_dense(desk, pid)


def test_delete_middle_top_level_node_and_undo(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    cmd = DeleteNode(ids["B"])
    cmd.do(desk)
    assert outline(desk, pid) == ["A", "  A1", "    A1a", "    A1b", "  A2", "C"]
    assert_positions_dense(desk, pid)
    cmd.undo(desk)
    assert outline(desk, pid) == START_OUTLINE
    assert_positions_dense(desk, pid)


def test_undo_of_a_parent_delete_leaves_an_earlier_child_delete_alone(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    del_child = DeleteNode(ids["A1b"])
    del_child.do(desk)
    del_parent = DeleteNode(ids["A"])
    del_parent.do(desk)
    assert outline(desk, pid) == ["B", "  B1", "C"]
    del_parent.undo(desk)
    assert outline(desk, pid) == ["A", "  A1", "    A1a", "  A2", "B", "  B1", "C"]
    del_child.undo(desk)
    assert outline(desk, pid) == START_OUTLINE
    assert_positions_dense(desk, pid)


# ---------------------------------------------------------------------------------------
# Moving


def test_move_node_to_another_parent_and_undo(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    pid, ids = plan
    cmd = MoveNode(ids["A1b"], ids["B"], 0)
    assert cmd.do(desk) == [NodeMoved(ids["A1b"], ids["A1"], 1, ids["B"], 0)]
    assert outline(desk, pid) == ["A", "  A1", "    A1a", "  A2", "B", "  A1b", "  B1", "C"]
    assert_positions_dense(desk, pid)
    assert cmd.undo(desk) == [NodeMoved(ids["A1b"], ids["B"], 0, ids["A1"], 1)]
    assert outline(desk, pid) == START_OUTLINE
    assert_positions_dense(desk, pid)


def test_move_node_within_its_siblings_and_undo(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    cmd = MoveNode(ids["A"], None, 2)  # row counted without A: after B and C
    cmd.do(desk)
    assert outline(desk, pid) == ["B", "  B1", "C", "A", "  A1", "    A1a", "    A1b", "  A2"]
    assert_positions_dense(desk, pid)
    cmd.undo(desk)
    assert outline(desk, pid) == START_OUTLINE
    assert_positions_dense(desk, pid)


def test_move_a_subtree_to_the_top_level(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    pid, ids = plan
    run(desk, MoveNode(ids["A1"], None, 3))
    assert outline(desk, pid) == ["A", "  A2", "B", "  B1", "C", "A1", "  A1a", "  A1b"]
    t = load(desk, pid)
    assert t.settings.level_name(item(t, "A1a").depth) == "Objective"
    assert_positions_dense(desk, pid)


@pytest.mark.parametrize("target", ["A", "A1", "A1a"])
def test_moving_a_node_into_itself_or_its_descendant_is_refused(
    desk: Desk, plan: tuple[int, dict[str, int]], target: str
) -> None:
    pid, ids = plan
    with pytest.raises(TreeError, match="cannot be moved into itself"):
        run(desk, MoveNode(ids["A"], ids[target], 0))
    assert outline(desk, pid) == START_OUTLINE
    assert_positions_dense(desk, pid)


def test_indent_makes_a_node_the_last_child_of_the_one_above(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    assert indent(desk, ids["A"]) is None  # nothing above it
    assert indent(desk, ids["A1a"]) is None
    cmd = indent(desk, ids["C"])
    assert cmd is not None and cmd.label == "Indent"
    cmd.do(desk)
    assert outline(desk, pid)[-3:] == ["B", "  B1", "  C"]
    assert_positions_dense(desk, pid)
    cmd.undo(desk)
    assert outline(desk, pid) == START_OUTLINE


def test_outdent_puts_a_node_just_after_its_parent(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    assert outdent(desk, ids["B"]) is None  # already at the top
    cmd = outdent(desk, ids["A1"])
    assert cmd is not None and cmd.label == "Outdent"
    cmd.do(desk)
    assert outline(desk, pid) == ["A", "  A2", "A1", "  A1a", "  A1b", "B", "  B1", "C"]
    assert_positions_dense(desk, pid)
    cmd.undo(desk)
    assert outline(desk, pid) == START_OUTLINE
    assert_positions_dense(desk, pid)


def test_shift_up_and_down(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    pid, ids = plan
    assert shift(desk, ids["A"], -1) is None
    assert shift(desk, ids["C"], +1) is None
    assert shift(desk, ids["A1b"], +1) is None
    down = shift(desk, ids["A"], +1)
    assert down is not None and down.label == "Move down"
    down.do(desk)
    assert outline(desk, pid) == ["B", "  B1", "A", "  A1", "    A1a", "    A1b", "  A2", "C"]
    up = shift(desk, ids["A1b"], -1)
    assert up is not None and up.label == "Move up"
    up.do(desk)
    assert outline(desk, pid)[3:6] == ["  A1", "    A1b", "    A1a"]
    assert_positions_dense(desk, pid)
    up.undo(desk)
    down.undo(desk)
    assert outline(desk, pid) == START_OUTLINE
    assert_positions_dense(desk, pid)


# ---------------------------------------------------------------------------------------
# Refs


def refs(desk: Desk, plan_id: int) -> list[str]:
    t = load(desk, plan_id)
    return ["  " * it.depth + it.ref for it in t.walk()]


def test_renumber_refs_welwyn_style_and_undo(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    pid, ids = plan
    run(desk, EditNode(ids["A"], {"ref": "Commitment One"}))
    before = refs(desk, pid)
    cmd = RenumberRefs(pid)
    cmd.do(desk)
    assert refs(desk, pid) == ["1", "  1.1", "    a)", "    b)", "  1.2", "2", "  2.1", "3"]
    cmd.undo(desk)
    assert refs(desk, pid) == before
    assert before[0] == "Commitment One"


def test_renumber_follows_a_move(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    pid, ids = plan
    run(desk, RenumberRefs(pid))
    run(desk, MoveNode(ids["C"], None, 0))
    run(desk, MoveNode(ids["A1b"], ids["A1"], 0))
    run(desk, RenumberRefs(pid))
    t = load(desk, pid)
    assert [(it.title, it.ref) for it in t.walk()][:4] == [
        ("C", "1"),
        ("A", "2"),
        ("A1", "2.1"),
        ("A1b", "a)"),
    ]


def test_renumber_a_two_level_plan_numbers_every_level(desk: Desk) -> None:
    pid = new_plan(desk, ["Target", "Action"])
    t1 = add(desk, pid, None, "Raise awareness")
    add(desk, pid, t1, "Drop-ins")
    add(desk, pid, t1, "Leaflets")
    t2 = add(desk, pid, None, "Support victims")
    add(desk, pid, t2, "Referrals")
    run(desk, RenumberRefs(pid))
    assert refs(desk, pid) == ["1", "  1.1", "  1.2", "2", "  2.1"]


def test_renumber_with_chosen_styles(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    pid, _ = plan
    run(desk, RenumberRefs(pid, styles=["letter", "number"]))
    assert refs(desk, pid) == ["a)", "  1", "    1.1", "    1.2", "  2", "b)", "  1", "c)"]


def test_letter_refs_go_past_z() -> None:
    assert [letter_ref(i) for i in (0, 1, 25, 26, 27, 51, 52)] == [
        "a)",
        "b)",
        "z)",
        "aa)",
        "ab)",
        "az)",
        "ba)",
    ]


# ---------------------------------------------------------------------------------------
# Editing a node


def test_edit_node_and_undo(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    pid, ids = plan
    cmd = EditNode(
        ids["A1a"],
        {"title": "Finalise draft ASB Policy", "ref": "a)", "target_date": date(2019, 3, 31)},
    )
    cmd.do(desk)
    it = item(load(desk, pid), "Finalise draft ASB Policy")
    assert (it.ref, it.target_date) == ("a)", date(2019, 3, 31))
    cmd.undo(desk)
    t = load(desk, pid)
    it = item(t, "A1a")
    assert (it.ref, it.target_date) == ("", None)


def test_edit_node_refuses_other_fields_and_changes_nothing(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    with pytest.raises(ValueError, match="status is not a field"):
        run(desk, EditNode(ids["A1a"], {"title": "Changed", "status": "red"}))
    assert outline(desk, pid) == START_OUTLINE  # the title was not changed either
    assert item(load(desk, pid), "A1a").status is None


# ---------------------------------------------------------------------------------------
# Leads and partners


def officer_names(desk: Desk) -> list[str]:
    with desk.session() as s:
        return list(s.scalars(select(Officer.name).order_by(Officer.id)))


def test_set_people_reuses_officer_and_partner_records(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    run(
        desk,
        SetPeople(
            ids["A1a"],
            officers=["Communities Officer", "ASB Team Leader"],
            department="Communities Team",
            partners=["Nottinghamshire Police"],
        ),
    )
    run(
        desk,
        SetPeople(
            ids["B1"],
            officers=["communities officer"],
            department="COMMUNITIES TEAM",
            partners=["nottinghamshire police", "Victim Care"],
        ),
    )
    assert officer_names(desk) == ["Communities Officer", "ASB Team Leader"]
    with desk.session() as s:
        assert s.scalar(select(func.count()).select_from(Department)) == 1
        assert list(s.scalars(select(Partner.name).order_by(Partner.id))) == [
            "Nottinghamshire Police",
            "Victim Care",
        ]
    t = load(desk, pid)
    b1 = item(t, "B1")
    # The record keeps the spelling it was first made with.
    assert b1.officers == ["Communities Officer"]
    assert b1.department == "Communities Team"
    assert b1.partners == ["Nottinghamshire Police", "Victim Care"]
    a1a = item(t, "A1a")
    assert a1a.lead_text == "Communities Officer; ASB Team Leader; Communities Team"


def test_set_people_keeps_the_order_typed_and_undo(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    run(desk, SetPeople(ids["A2"], officers=["First", "Second"], department="Housing"))
    cmd = SetPeople(ids["A2"], officers=["Second", "First", "Third"], department="")
    cmd.do(desk)
    it = item(load(desk, pid), "A2")
    assert (it.officers, it.department) == (["Second", "First", "Third"], "")
    assert export_desk(desk)["plans"][0]["children"][0]["children"][1]["lead"] == [
        "Second",
        "First",
        "Third",
    ]
    cmd.undo(desk)
    it = item(load(desk, pid), "A2")
    assert (it.officers, it.department) == (["First", "Second"], "Housing")


def test_set_people_none_leaves_a_field_as_it_is(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    run(desk, SetPeople(ids["C"], officers=["Warden"], partners=["RSL"]))
    run(desk, SetPeople(ids["C"], department="Environmental Health"))
    it = item(load(desk, pid), "C")
    assert (it.officers, it.department, it.partners) == (
        ["Warden"],
        "Environmental Health",
        ["RSL"],
    )


def test_set_people_with_the_same_name_twice_in_different_case(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    run(desk, SetPeople(ids["C"], officers=["Jo Smith", "jo smith"]))
    assert item(load(desk, pid), "C").officers == ["Jo Smith"]


# ---------------------------------------------------------------------------------------
# Status and progress history


def history(desk: Desk, title: str) -> list[dict[str, Any]]:
    """A node's live progress history as the export gives it."""

    def find(nodes: list[dict[str, Any]]) -> dict[str, Any] | None:
        for n in nodes:
            if n["title"] == title:
                return n
            found = find(n["children"])
            if found:
                return found
        return None

    node = find(export_desk(desk)["plans"][0]["children"])
    assert node is not None
    updates: list[dict[str, Any]] = node["updates"]
    return updates


def test_change_status_records_the_reason_and_undo_redo(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    run(desk, ChangeStatus(ids["A1a"], Status.GREEN, "started on time", date(2019, 6, 1)))
    cmd = ChangeStatus(ids["A1a"], Status.RED, "venue lost", TODAY)
    cmd.do(desk)

    t = load(desk, pid)
    assert item(t, "A1a").status is Status.RED
    updates = history(desk, "A1a")
    assert [u["kind"] for u in updates] == ["status", "status"]
    last = updates[-1]
    assert last["date"] == "2019-11-15"
    assert last["period"] == "Q3 2019/20"
    assert last["status"] == "red"
    assert last["text"] == "Status Green → Red: venue lost"
    with desk.session() as s:
        node = s.get(Node, ids["A1a"])
        assert node is not None
        assert node.status_reason == "venue lost"

    cmd.undo(desk)
    assert item(load(desk, pid), "A1a").status is Status.GREEN
    updates = history(desk, "A1a")
    assert [u["text"] for u in updates] == ["Status not set → Green: started on time"]
    with desk.session() as s:
        node = s.get(Node, ids["A1a"])
        assert node is not None
        assert node.status_reason == "started on time"

    cmd.do(desk)  # redo
    assert item(load(desk, pid), "A1a").status is Status.RED
    updates = history(desk, "A1a")
    assert [u["text"] for u in updates][-1] == "Status Green → Red: venue lost"
    assert len(updates) == 2


def test_status_rolls_up_to_parents_as_the_worst(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    run(desk, ChangeStatus(ids["A1a"], Status.GREEN, "", TODAY))
    run(desk, ChangeStatus(ids["A1b"], Status.AMBER, "", TODAY))
    run(desk, ChangeStatus(ids["A2"], Status.BLUE, "done", TODAY))
    run(desk, ChangeStatus(ids["B1"], Status.GREY, "monitoring", TODAY))
    run(desk, ChangeStatus(ids["C"], Status.RED, "", TODAY))
    t = load(desk, pid)
    assert t.effective_status(item(t, "A1")) is Status.AMBER
    assert t.effective_status(item(t, "A")) is Status.AMBER
    assert t.effective_status(item(t, "B")) is Status.GREY
    assert t.is_rolled_up(item(t, "A")) and not t.is_rolled_up(item(t, "C"))
    counts = t.rag_counts()
    assert counts[Status.GREEN] == 1
    assert counts[Status.AMBER] == 1
    assert counts[Status.BLUE] == 1
    assert counts[Status.GREY] == 1
    assert counts[Status.RED] == 1
    assert counts[None] == 0
    assert sum(counts.values()) == 5  # leaves only: A1a, A1b, A2, B1, C
    assert t.level_counts() == {"Commitment": 3, "Objective": 3, "Action": 2}


def test_rollup_none_shows_the_parents_own_status(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    run(desk, ChangeStatus(ids["A1a"], Status.RED, "", TODAY))
    run(desk, ChangeStatus(ids["A"], Status.GREEN, "", TODAY))
    run(desk, EditPlan(pid, {"rollup_status": "none"}))
    t = load(desk, pid)
    assert t.effective_status(item(t, "A")) is Status.GREEN
    assert not t.is_rolled_up(item(t, "A"))


def test_a_parent_with_no_rated_children_keeps_its_own_status(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    run(desk, ChangeStatus(ids["B"], Status.AMBER, "", TODAY))
    t = load(desk, pid)
    assert t.effective_status(item(t, "B")) is Status.AMBER


def test_levels_deeper_than_the_names_take_the_last_name(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    add(desk, pid, ids["A1a"], "deep")
    t = load(desk, pid)
    assert t.level_counts()["Action"] == 3


def test_add_update_and_undo_redo(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    pid, ids = plan
    cmd = AddUpdate(
        ids["A2"],
        date(2019, 10, 3),
        "Q3 2019/20",
        "10 completed in Stapleford, 9 in Eastwood",
        "Communities Officer",
        Status.AMBER,
    )
    cmd.do(desk)
    updates = history(desk, "A2")
    assert len(updates) == 1
    u = updates[0]
    assert (u["kind"], u["text"], u["author"], u["status"], u["period"]) == (
        "progress",
        "10 completed in Stapleford, 9 in Eastwood",
        "Communities Officer",
        "amber",
        "Q3 2019/20",
    )
    t = load(desk, pid)
    assert t.last_update(desk.reader, item(t, "A2")) == date(2019, 10, 3)
    # A progress note does not set the node's status.
    assert item(t, "A2").status is None

    cmd.undo(desk)
    assert history(desk, "A2") == []
    t = load(desk, pid)
    assert t.last_update(desk.reader, item(t, "A2")) is None

    cmd.do(desk)
    assert [u["uuid"] for u in history(desk, "A2")] == [updates[0]["uuid"]]


def test_updates_are_listed_oldest_first(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    _, ids = plan
    for on, text in ((date(2019, 12, 1), "later"), (date(2019, 6, 1), "earlier")):
        run(desk, AddUpdate(ids["C"], on, "", text, "me", None))
    assert [u["text"] for u in history(desk, "C")] == ["earlier", "later"]


# ---------------------------------------------------------------------------------------
# Milestones


def test_milestones_add_edit_delete_with_undo_and_delivered_counts(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    node = ids["A1a"]

    def percent() -> float | None:
        t = load(desk, pid)
        return t.delivered_percent(item(t, "A1a"))

    assert percent() is None
    eastwood = AddMilestone(node, "20 x Eastwood", 20, 9)
    eastwood.do(desk)
    assert percent() == pytest.approx(45.0)
    stapleford = AddMilestone(node, "20 x Stapleford", 20, 10)
    stapleford.do(desk)
    assert percent() == pytest.approx(47.5)
    # A milestone with no count does not change delivered %.
    run(desk, AddMilestone(node, "Hand over to Police"))
    assert percent() == pytest.approx(47.5)
    t = load(desk, pid)
    assert (item(t, "A1a").delivery.done, item(t, "A1a").delivery.target) == (19, 40)

    assert eastwood.milestone_id is not None
    edit = EditMilestone(node, eastwood.milestone_id, {"done_count": 20})
    edit.do(desk)
    assert percent() == pytest.approx(75.0)
    edit.undo(desk)
    assert percent() == pytest.approx(47.5)

    assert stapleford.milestone_id is not None
    delete = DeleteMilestone(node, stapleford.milestone_id)
    delete.do(desk)
    assert percent() == pytest.approx(45.0)
    a1a = export_desk(desk)["plans"][0]["children"][0]["children"][0]["children"][0]
    assert [m["text"] for m in a1a["milestones"]] == ["20 x Eastwood", "Hand over to Police"]
    delete.undo(desk)
    assert percent() == pytest.approx(47.5)

    stapleford.undo(desk)
    assert percent() == pytest.approx(45.0)
    stapleford.do(desk)  # redo keeps the same record
    assert percent() == pytest.approx(47.5)


def test_milestone_order_is_kept(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    _, ids = plan
    for text in ("first", "second", "third"):
        run(desk, AddMilestone(ids["C"], text))
    exported = export_desk(desk)["plans"][0]["children"][2]
    assert [m["text"] for m in exported["milestones"]] == ["first", "second", "third"]


def test_negative_milestone_count_is_refused(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    pid, ids = plan
    add_ms = AddMilestone(ids["C"], "6 x roadshows", 6, 2)
    add_ms.do(desk)
    assert add_ms.milestone_id is not None
    with pytest.raises(ValueError, match="cannot be negative"):
        run(desk, EditMilestone(ids["C"], add_ms.milestone_id, {"done_count": -1}))
    with pytest.raises(ValueError, match="not a field that can be edited"):
        run(desk, EditMilestone(ids["C"], add_ms.milestone_id, {"colour": "red"}))
    t = load(desk, pid)
    assert (item(t, "C").delivery.done, item(t, "C").delivery.target) == (2, 6)


def test_delivered_percent_rolls_up_as_the_mean(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    run(desk, AddMilestone(ids["A1a"], "x", 10, 10))  # 100 %
    run(desk, AddMilestone(ids["A1b"], "y", 10, 2))  # 20 %
    run(desk, ChangeStatus(ids["A2"], Status.BLUE, "complete", TODAY))  # 100 %, no counts
    t = load(desk, pid)
    assert t.delivered_percent(item(t, "A1")) == pytest.approx(60.0)
    assert t.delivered_percent(item(t, "A")) == pytest.approx(80.0)
    assert t.delivered_percent(item(t, "B")) is None  # nothing known below it
    run(desk, EditPlan(pid, {"rollup_percent": "none"}))
    t = load(desk, pid)
    assert t.delivered_percent(item(t, "A")) is None


def test_suggestion_and_disagreement_on_an_action(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, ids = plan
    run(desk, EditPlan(pid, {"start_date": date(2019, 4, 1), "end_date": date(2020, 3, 31)}))
    run(desk, EditNode(ids["C"], {"target_date": date(2019, 9, 30)}))
    run(desk, ChangeStatus(ids["C"], Status.GREEN, "going well", TODAY))
    t = load(desk, pid)
    c = item(t, "C")
    s = t.suggestion(c)
    assert s is not None and s.status is Status.RED
    assert t.disagreement(c) == (
        "Marked Green, but the evidence suggests Red: "
        "target date 30/09/2019 has passed and it is not complete."
    )
    # A parent's status comes from its children: no suggestion of its own.
    assert t.suggestion(item(t, "A")) is None


# ---------------------------------------------------------------------------------------
# Plans


def plan_row(desk: Desk, plan_id: int) -> Plan:
    with desk.session() as s:
        p = s.get(Plan, plan_id)
        assert p is not None
        return p


def test_edit_plan_and_undo(desk: Desk, plan: tuple[int, dict[str, int]]) -> None:
    pid, _ = plan
    cmd = EditPlan(
        pid,
        {
            "title": "Welwyn Hatfield ASB Action Plan 2019",
            "level_names": ["Outcome", "Commitment", "Action"],
            "amber_lag": 0.05,
            "red_lag": 0.3,
        },
    )
    cmd.do(desk)
    t = load(desk, pid)
    assert t.settings.title == "Welwyn Hatfield ASB Action Plan 2019"
    assert t.level_counts() == {"Outcome": 3, "Commitment": 3, "Action": 2}
    assert (t.settings.thresholds.amber_lag, t.settings.thresholds.red_lag) == (0.05, 0.3)
    cmd.undo(desk)
    t = load(desk, pid)
    assert t.settings.title == "Test plan"
    assert t.settings.level_names == WELWYN_LEVELS
    assert (t.settings.thresholds.amber_lag, t.settings.thresholds.red_lag) == (0.0, 0.2)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"owner": "me"}, "not a plan setting"),
        ({"level_names": []}, "Every level needs a name"),
        ({"level_names": ["Commitment", "  "]}, "Every level needs a name"),
        ({"amber_lag": 0.3, "red_lag": 0.2}, "Amber threshold"),
        ({"amber_lag": -0.1, "red_lag": 0.2}, "Amber threshold"),
        ({"amber_lag": 0.1, "red_lag": 1.5}, "Red threshold"),
        ({"rollup_status": "best"}, "Roll-up of status"),
        ({"rollup_percent": "sum"}, "Roll-up of delivered %"),
        (
            {"start_date": date(2020, 4, 1), "end_date": date(2020, 3, 31)},
            "cannot end before it starts",
        ),
    ],
)
def test_edit_plan_refuses_settings_that_would_break_the_plan(
    desk: Desk, plan: tuple[int, dict[str, int]], changes: dict[str, Any], message: str
) -> None:
    pid, _ = plan
    before = export_desk(desk)["plans"]
    with pytest.raises(ValueError, match=message):
        run(desk, EditPlan(pid, {"title": "Changed", **changes}))
    assert export_desk(desk)["plans"] == before


def test_edit_plan_refuses_one_threshold_out_of_range(
    desk: Desk, plan: tuple[int, dict[str, int]]
) -> None:
    pid, _ = plan
    with pytest.raises(ValueError):
        run(desk, EditPlan(pid, {"red_lag": 1.5}))


def test_edit_plan_refuses_an_end_before_the_existing_start(desk: Desk) -> None:
    pid = new_plan(desk, start_date=date(2019, 4, 1), end_date=date(2020, 3, 31))
    with pytest.raises(ValueError, match="cannot end before it starts"):
        run(desk, EditPlan(pid, {"end_date": date(2019, 1, 1)}))


def test_add_plan_and_undo_redo(desk: Desk) -> None:
    assert desk_info(desk, TODAY)["plans"] == []
    cmd = AddPlan(
        "Broxtowe ASB Action Plan 2019/20",
        ["Target", "Action"],
        council="Broxtowe Borough Council",
        start_date=date(2019, 4, 1),
        end_date=date(2020, 3, 31),
    )
    cmd.do(desk)
    info = desk_info(desk, TODAY)
    assert [p["title"] for p in info["plans"]] == ["Broxtowe ASB Action Plan 2019/20"]
    assert info["plans"][0]["levels"] == {"Target": 0, "Action": 0}
    exported = export_desk(desk)["plans"][0]
    assert exported["council"] == "Broxtowe Borough Council"
    assert (exported["start_date"], exported["end_date"]) == ("2019-04-01", "2020-03-31")
    uuid = exported["uuid"]

    cmd.undo(desk)
    assert desk_info(desk, TODAY)["plans"] == []
    assert export_desk(desk)["plans"] == []

    cmd.do(desk)
    assert [p["uuid"] for p in export_desk(desk)["plans"]] == [uuid]


def test_add_plan_goes_after_the_others(desk: Desk) -> None:
    new_plan(desk)
    run(desk, AddPlan("Second", ["Action"]))
    assert [p["title"] for p in desk_info(desk, TODAY)["plans"]] == ["Test plan", "Second"]


def test_add_plan_refuses_no_levels(desk: Desk) -> None:
    with pytest.raises(ValueError, match="Every level needs a name"):
        run(desk, AddPlan("No levels", []))
    assert export_desk(desk)["plans"] == []


def test_add_plan_refuses_an_end_before_the_start(desk: Desk) -> None:
    with pytest.raises(ValueError, match="cannot end before it starts"):
        run(
            desk,
            AddPlan(
                "Backwards", ["Action"], start_date=date(2020, 4, 1), end_date=date(2019, 4, 1)
            ),
        )
    assert export_desk(desk)["plans"] == []
