"""Internal updates and extra fields: an officer marks a note or a field internal (kept in
the desk, never sent to partners) and back, with undo; the JSON export and import keep the
marks, and a JSON file written before there were marks still imports, all shared."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from asbdesk.changes import NodeChanged
from asbdesk.commands import AddNode, AddPlan, AddUpdate, SetInternal, run
from asbdesk.desk import Desk
from asbdesk.json_io import FormatError, export_desk, import_plan
from asbdesk.models import ExtraField, Node, Update
from asbdesk.node_record import ExtraRow, read_node
from asbdesk.rag import Status

# ---------------------------------------------------------------------------------------
# Helpers


def surveys_action(desk: Desk) -> int:
    """A plan with one action, "Victim satisfaction surveys", carrying two extra fields."""
    plan = AddPlan(title="ASB Strategy Action Plan 2019", level_names=["Action"])
    run(desk, plan)
    assert plan.plan_id is not None
    node = AddNode(plan.plan_id, None, None, {"ref": "1.4", "title": "Victim surveys"})
    run(desk, node)
    assert node.node_id is not None
    with desk.transaction() as s:
        s.add(ExtraField(node_id=node.node_id, name="Funding", value="PCC grant"))
        s.add(ExtraField(node_id=node.node_id, name="Notes", value="Ring J. first"))
    return node.node_id


def add_update(desk: Desk, node_id: int, text: str, *, internal: bool = False) -> int:
    cmd = AddUpdate(
        node_id,
        date(2019, 11, 12),
        "Q3 2019/20",
        text,
        "ASB Team Leader",
        Status.AMBER,
        internal=internal,
    )
    run(desk, cmd)
    assert cmd.update_id is not None
    return cmd.update_id


def saved_update(desk: Desk, update_id: int) -> bool:
    with desk.session() as s:
        upd = s.get(Update, update_id)
        assert upd is not None
        return upd.internal


def field_id(desk: Desk, node_id: int, name: str) -> int:
    with desk.session() as s:
        found = s.scalar(
            select(ExtraField.id).where(ExtraField.node_id == node_id, ExtraField.name == name)
        )
        assert found is not None
        return found


def saved_fields(desk: Desk, node_id: int) -> dict[str, bool]:
    with desk.session() as s:
        rows = s.execute(
            select(ExtraField.name, ExtraField.internal).where(ExtraField.node_id == node_id)
        ).all()
    return {name: internal for name, internal in rows}


def only_plan_id(desk: Desk) -> int:
    with desk.session() as s:
        (plan_id,) = s.scalars(select(Node.plan_id).distinct()).all()
    return plan_id


def only_plan(desk: Desk) -> dict[str, Any]:
    (plan,) = export_desk(desk)["plans"]
    return plan


def plain(data: dict[str, Any]) -> dict[str, Any]:
    """The plan as a file carries it: written to JSON text and read back."""
    return dict(json.loads(json.dumps(data)))


# ---------------------------------------------------------------------------------------
# Commands


def test_an_update_added_as_internal_stays_internal_through_undo_and_redo(desk: Desk) -> None:
    node = surveys_action(desk)
    cmd = AddUpdate(
        node,
        date(2019, 11, 12),
        "Q3 2019/20",
        "Tenancy warning issued",
        "me",
        None,
        internal=True,
    )
    cmd.do(desk)
    assert cmd.update_id is not None
    assert saved_update(desk, cmd.update_id) is True
    cmd.undo(desk)
    cmd.do(desk)
    assert saved_update(desk, cmd.update_id) is True


def test_an_update_is_shared_unless_marked(desk: Desk) -> None:
    node = surveys_action(desk)
    assert saved_update(desk, add_update(desk, node, "Survey sent by text")) is False


def test_mark_an_update_internal_then_undo_and_redo(desk: Desk) -> None:
    node = surveys_action(desk)
    upd = add_update(desk, node, "Tenancy warning issued")
    cmd = SetInternal(node, True, update_id=upd)
    assert cmd.label == "Mark update internal"

    assert cmd.do(desk) == [NodeChanged(node)]
    assert saved_update(desk, upd) is True
    assert cmd.undo(desk) == [NodeChanged(node)]
    assert saved_update(desk, upd) is False
    cmd.do(desk)
    assert saved_update(desk, upd) is True


def test_mark_an_internal_update_shared_and_undo(desk: Desk) -> None:
    node = surveys_action(desk)
    upd = add_update(desk, node, "Tenancy warning issued", internal=True)
    cmd = SetInternal(node, False, update_id=upd)
    assert cmd.label == "Mark update shared"
    cmd.do(desk)
    assert saved_update(desk, upd) is False
    cmd.undo(desk)
    assert saved_update(desk, upd) is True


def test_mark_an_extra_field_internal_then_undo_and_redo(desk: Desk) -> None:
    node = surveys_action(desk)
    notes = field_id(desk, node, "Notes")
    cmd = SetInternal(node, True, field_id=notes)
    assert cmd.label == "Mark field internal"

    assert cmd.do(desk) == [NodeChanged(node)]
    assert saved_fields(desk, node) == {"Funding": False, "Notes": True}
    cmd.undo(desk)
    assert saved_fields(desk, node) == {"Funding": False, "Notes": False}
    cmd.do(desk)
    assert saved_fields(desk, node) == {"Funding": False, "Notes": True}


def test_marking_moves_the_node_stamp(desk: Desk) -> None:
    node = surveys_action(desk)
    with desk.transaction() as s:
        n = s.get(Node, node)
        assert n is not None
        n.updated_by = "someone else"
    run(desk, SetInternal(node, True, field_id=field_id(desk, node, "Notes")))
    with desk.session() as s:
        n = s.get(Node, node)
        assert n is not None
        assert n.updated_by != "someone else"


def test_set_internal_marks_exactly_one_record(desk: Desk) -> None:
    node = surveys_action(desk)
    upd = add_update(desk, node, "Survey sent")
    with pytest.raises(TypeError):
        SetInternal(node, True)
    with pytest.raises(TypeError):
        SetInternal(node, True, update_id=upd, field_id=field_id(desk, node, "Notes"))


def test_set_internal_refuses_a_record_of_another_node(desk: Desk) -> None:
    node = surveys_action(desk)
    other = AddNode(only_plan_id(desk), None, None, {"title": "Dispersal orders"})
    run(desk, other)
    assert other.node_id is not None
    upd = add_update(desk, other.node_id, "Two orders made")
    with pytest.raises(LookupError):
        run(desk, SetInternal(node, True, update_id=upd))
    assert saved_update(desk, upd) is False


def test_the_detail_editor_record_carries_the_marks(desk: Desk) -> None:
    node = surveys_action(desk)
    shared = add_update(desk, node, "Survey sent")
    internal = add_update(desk, node, "Tenancy warning issued", internal=True)
    run(desk, SetInternal(node, True, field_id=field_id(desk, node, "Notes")))

    record = read_node(desk.reader, node)
    assert record is not None
    assert [(u.id, u.internal) for u in record.updates] == [(shared, False), (internal, True)]
    assert record.extras == [
        ExtraRow(field_id(desk, node, "Funding"), "Funding", "PCC grant", False),
        ExtraRow(field_id(desk, node, "Notes"), "Notes", "Ring J. first", True),
    ]


# ---------------------------------------------------------------------------------------
# JSON


def test_json_export_writes_the_marks(desk: Desk) -> None:
    node = surveys_action(desk)
    add_update(desk, node, "Survey sent")
    add_update(desk, node, "Tenancy warning issued", internal=True)
    run(desk, SetInternal(node, True, field_id=field_id(desk, node, "Notes")))

    (action,) = only_plan(desk)["children"]
    assert action["extra"] == {"Funding": "PCC grant", "Notes": "Ring J. first"}
    assert action["internal_fields"] == ["Notes"]
    assert [(u["text"], u["internal"]) for u in action["updates"]] == [
        ("Survey sent", False),
        ("Tenancy warning issued", True),
    ]


def test_json_round_trip_keeps_the_marks(desk: Desk, demo_desk: Desk) -> None:
    node = surveys_action(desk)
    add_update(desk, node, "Survey sent")
    add_update(desk, node, "Tenancy warning issued", internal=True)
    run(desk, SetInternal(node, True, field_id=field_id(desk, node, "Notes")))
    first = only_plan(desk)

    with demo_desk.transaction() as s:
        import_plan(s, plain(first), position=2)
    with demo_desk.session() as s:
        (copied,) = s.scalars(select(Node.id).where(Node.uuid == first["children"][0]["uuid"]))
        marks = s.execute(
            select(Update.text, Update.internal).where(Update.node_id == copied).order_by(Update.id)
        ).all()
    assert [tuple(m) for m in marks] == [
        ("Survey sent", False),
        ("Tenancy warning issued", True),
    ]
    assert saved_fields(demo_desk, copied) == {"Funding": False, "Notes": True}
    again = [p for p in export_desk(demo_desk)["plans"] if p["uuid"] == first["uuid"]]
    assert again == [first]


def test_an_old_json_file_without_marks_imports_all_shared(desk: Desk) -> None:
    old = plain(
        {
            "title": "Broxtowe ASB Action Plan 2018/19",
            "level_names": ["Target", "Action"],
            "children": [
                {
                    "ref": "1",
                    "title": "Reduce ASB in Stapleford",
                    "extra": {"Ward": "Stapleford North", "Budget code": "ASB-07"},
                    "updates": [
                        {"date": "2019-01-31", "period": "Q4 2018/19", "text": "Drop-ins held"}
                    ],
                    "children": [],
                }
            ],
        }
    )
    with desk.transaction() as s:
        import_plan(s, old)
    (action,) = only_plan(desk)["children"]
    assert action["extra"] == {"Ward": "Stapleford North", "Budget code": "ASB-07"}
    assert action["internal_fields"] == []
    assert [u["internal"] for u in action["updates"]] == [False]


def test_the_demo_files_carry_no_marks_and_import_all_shared(demo_desk: Desk) -> None:
    with demo_desk.session() as s:
        assert s.scalars(select(Update).where(Update.internal)).first() is None
        assert s.scalars(select(ExtraField).where(ExtraField.internal)).first() is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda n: n["updates"][0].update(internal="yes"), "must be true or false"),
        (lambda n: n["updates"][0].update(internal=1), "must be true or false"),
        (lambda n: n.update(internal_fields="Notes"), "must be a list"),
        (lambda n: n.update(internal_fields=["Ward"]), "'Ward' is not one of its extra fields"),
    ],
)
def test_import_refuses_a_mark_it_cannot_read_and_writes_nothing(
    desk: Desk, change: Any, message: str
) -> None:
    node = surveys_action(desk)
    add_update(desk, node, "Survey sent")
    data = copy.deepcopy(only_plan(desk))
    data["uuid"] = None
    (action,) = data["children"]
    action["uuid"] = None
    action["updates"][0]["uuid"] = None
    change(action)
    before = export_desk(desk)["plans"]
    with pytest.raises(FormatError, match=message) as refused:
        with desk.transaction() as s:
            import_plan(s, data, position=1)
    assert "node '1.4'" in str(refused.value)
    assert export_desk(desk)["plans"] == before
