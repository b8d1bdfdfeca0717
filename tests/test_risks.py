"""The risk register (asbdesk.risks): scores, bands, the heat map, overdue reviews."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from conftest import TODAY
from xlsx_helpers import node, plan_id

from asbdesk.commands import DeleteNode
from asbdesk.risks import (
    AddRisk,
    DeleteRisk,
    EditRisk,
    RiskError,
    RiskFields,
    band,
    heat_map,
    read_risks,
)


@pytest.mark.parametrize(
    ("score", "expected"),
    [(1, "Low"), (4, "Low"), (5, "Medium"), (9, "Medium"), (10, "High"), (12, "High")]
    + [(15, "Very high"), (16, "Very high"), (25, "Very high")],
)
def test_bands(score, expected):
    assert band(score)[0] == expected


def test_scores_heat_map_and_overdue_reviews(demo_desk):
    plan = plan_id(demo_desk, "Welwyn")
    action, _ = node(demo_desk, plan, "a)", "Create risk assessment")
    risks = [
        RiskFields("Funding for the ASB team ends", 5, 4, "Community Safety Partnership"),
        RiskFields(
            "Partners stop sharing data", 3, 3, "Hertfordshire Police SNT", date(2019, 11, 14)
        ),
        RiskFields("Victims do not report", 4, 3, "", date(2019, 11, 15), (action, action)),
        RiskFields("Staff turnover", 3, 3),
    ]
    for fields in risks:
        AddRisk(plan, fields).do(demo_desk)
    rows = read_risks(demo_desk.reader, plan, TODAY)
    assert [(r.description[:8], r.score, r.band) for r in rows] == [
        ("Funding ", 20, "Very high"),
        ("Victims ", 12, "High"),
        ("Partners", 9, "Medium"),
        ("Staff tu", 9, "Medium"),
    ]
    # A review date before today is overdue; today's is not.
    assert [r.overdue for r in rows] == [False, False, True, False]
    assert rows[1].actions == ((action, "a) Create risk assessment"),)
    assert rows[0].owner == "Community Safety Partnership"
    grid = heat_map(rows)
    assert len(grid) == 25
    assert [r.description[:8] for r in grid[(3, 3)]] == ["Partners", "Staff tu"]
    assert [r.score for r in grid[(5, 4)]] == [20]
    assert sum(len(cell) for cell in grid.values()) == 4
    assert grid[(4, 5)] == [] and grid[(1, 1)] == []


def test_edit_delete_and_undo(demo_desk):
    plan = plan_id(demo_desk, "Welwyn")
    add = AddRisk(plan, RiskFields("Funding ends", 5, 4, "Community Safety Partnership"))
    add.do(demo_desk)
    edit = EditRisk(plan, add.risk_id, RiskFields("Funding ends in March", 5, 2, "HPFT"))
    edit.do(demo_desk)
    (row,) = read_risks(demo_desk.reader, plan, TODAY)
    assert (row.description, row.score, row.owner) == ("Funding ends in March", 10, "HPFT")
    edit.undo(demo_desk)
    (row,) = read_risks(demo_desk.reader, plan, TODAY)
    assert (row.description, row.score, row.owner) == (
        "Funding ends",
        20,
        "Community Safety Partnership",
    )
    delete = DeleteRisk(plan, add.risk_id)
    delete.do(demo_desk)
    assert read_risks(demo_desk.reader, plan, TODAY) == []
    delete.undo(demo_desk)
    assert len(read_risks(demo_desk.reader, plan, TODAY)) == 1
    add.undo(demo_desk)
    assert read_risks(demo_desk.reader, plan, TODAY) == []


def test_a_risk_that_cannot_be_saved_says_why(demo_desk):
    plan = plan_id(demo_desk, "Welwyn")
    other, _ = node(demo_desk, plan_id(demo_desk, "Broxtowe"), "1.1")
    for fields, message in (
        (RiskFields(" ", 3, 3), "Describe"),
        (RiskFields("x", 0, 3), "Severity runs from 1 to 5, not 0"),
        (RiskFields("x", 3, 6), "Likelihood runs from 1 to 5, not 6"),
        (RiskFields("x", 3, 3, action_ids=(other,)), "not in this plan"),
    ):
        with pytest.raises(RiskError, match=message):
            AddRisk(plan, fields).do(demo_desk)
    assert read_risks(demo_desk.reader, plan, TODAY) == []


def test_a_deleted_mitigating_action_keeps_its_link_through_edits_and_undo(demo_desk):
    plan = plan_id(demo_desk, "Welwyn")
    first, _ = node(demo_desk, plan, "a)", "Create risk assessment")
    second, _ = node(demo_desk, plan, "b)", "Provide guidance on how to use it")
    add = AddRisk(plan, RiskFields("Victims do not report", 4, 3, "", None, (first, second)))
    add.do(demo_desk)
    delete_node = DeleteNode(first)
    delete_node.do(demo_desk)
    (row,) = read_risks(demo_desk.reader, plan, TODAY)
    assert [label for _id, label in row.actions] == ["b) Provide guidance on how to use it"]
    # Edited as the window shows it (without the deleted action), then undone.
    edit = EditRisk(plan, add.risk_id, replace(row.fields, severity=3))
    edit.do(demo_desk)
    edit.undo(demo_desk)
    (row,) = read_risks(demo_desk.reader, plan, TODAY)
    assert row.severity == 4
    edit.do(demo_desk)  # redo
    delete_node.undo(demo_desk)  # the action comes back, and with it the link
    (row,) = read_risks(demo_desk.reader, plan, TODAY)
    assert (row.severity, [i for i, _label in row.actions]) == (3, [second, first])
