"""Both councils' sheets become trees that match their committee papers, with the automatic
reading and no manual mapping, and import into a desk."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from asbdesk.info import desk_info
from asbdesk.json_io import import_plan
from asbdesk.xlsx_grid import read_grid
from asbdesk.xlsx_open import open_workbook
from asbdesk.xlsx_plan import build_plan, split_items
from asbdesk.xlsx_reading import propose_reading

DATA = Path(__file__).parent / "data"
TODAY = date(2019, 11, 15)


def _built(name: str):
    grid = read_grid(open_workbook(DATA / name)["Action Plan"])
    return build_plan(grid, propose_reading(grid), TODAY)


def _count(nodes, depth=0, acc=None):
    acc = {} if acc is None else acc
    for n in nodes:
        acc[depth] = acc.get(depth, 0) + 1
        _count(n["children"], depth + 1, acc)
    return acc


def test_broxtowe_reads_as_5_targets_and_16_actions() -> None:
    built = _built("broxtowe-2019-20.xlsx")
    assert _count(built.plan["children"]) == {0: 5, 1: 16}
    assert built.plan["level_names"] == ["Target", "Action"]
    assert built.warnings == []
    target = built.plan["children"][0]
    assert target["title"] == "Raise awareness and improve reporting"
    dropins = target["children"][0]
    assert dropins["title"].startswith("Hold alternating weekly drop in sessions")
    assert dropins["outcome"] == "Increase in awareness of ASB and Hate Crime"
    assert dropins["lead"] == ["Communities Officer"]
    assert dropins["target_date"] == "2020-03-31"
    assert [(m["text"], m["target_count"]) for m in dropins["milestones"]] == [
        ("40 x fortnightly community safety drop-in sessions", 40),
        ("20 x Eastwood", 20),
        ("20 x Stapleford", 20),
    ]
    assert (
        dropins["updates"][0]["text"] == "• 10 completed in Stapleford\n• 9 completed in Eastwood"
    )
    # "31.5.2019" typed as text reads as the date it means
    assert target["children"][2]["target_date"] == "2019-05-31"


def test_welwyn_reads_as_commitments_objectives_and_lettered_actions() -> None:
    built = _built("welwyn-hatfield-2019.xlsx")
    assert _count(built.plan["children"]) == {0: 6, 1: 16, 2: 38}
    assert built.plan["level_names"] == ["Commitment", "Objective", "Action"]
    one = built.plan["children"][0]
    assert (one["ref"], one["title"]) == (
        "1",
        "Embed a harm centred approach and provide an accessible, 'victim first' service",
    )
    policies = one["children"][0]
    assert (policies["ref"], policies["title"]) == ("1.1", "Policies and Procedures")
    assert [a["ref"] for a in policies["children"]] == ["a)", "b)", "c)", "d)", "e)"]
    assert {a["status"] for a in policies["children"]} == {"green"}  # the row's fill
    first = policies["children"][0]
    assert first["title"] == "Finalise draft ASB Policy"
    assert first["updates"][0]["text"] == "DA and ASB policy to be finalized by March 2019"
    assert first["lead"] == ["Neighbourhood and Enforcement Manager ASB Team"]
    # 1.3 has progress a) b) c) but actions a) b): the progress stays whole on 1.3.
    channels = one["children"][2]
    assert len(channels["children"]) == 2
    assert channels["updates"][0]["text"].startswith("a) Review of reporting mechanisms")
    assert all(not a["updates"] for a in channels["children"])
    assert [a["status"] for a in one["children"][3]["children"]] == ["red", "red"]  # 1.4


def test_the_built_plans_import_into_a_desk(desk) -> None:
    with desk.transaction() as s:
        for i, name in enumerate(["broxtowe-2019-20.xlsx", "welwyn-hatfield-2019.xlsx"]):
            import_plan(s, _built(name).plan, position=i)
    plans = desk_info(desk, TODAY)["plans"]
    assert [p["levels"] for p in plans] == [
        {"Target": 5, "Action": 16},
        {"Commitment": 6, "Objective": 16, "Action": 38},
    ]
    assert plans[1]["rag"]["red"] == 8 and plans[1]["rag"]["green"] == 18


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("a) one\nb) two", [("a)", "one"), ("b)", "two")]),
        ("1. Dec 2015\n2. Sep 2015", [("1.", "Dec 2015"), ("2.", "Sep 2015")]),
        (
            "a) Identify key dates with\nSNT on rota\nb) two",
            [("a)", "Identify key dates with SNT on rota"), ("b)", "two")],
        ),
        ("a) only one", []),
        ("Just a sentence", []),
    ],
)
def test_split_items(text: str, items: list[tuple[str, str]]) -> None:
    assert split_items(text) == items


def test_a_row_without_an_action_gives_its_cells_to_the_parent_and_says_so() -> None:
    from openpyxl import Workbook

    sheet = Workbook().active
    sheet.append(["Objective", "Action", "Outcome", "Progress", "Lead Officer"])
    sheet.append(
        ["1.1 Policies", "a) Draft policy\nb) Consult", "Consistent service", "", "ASB Team"]
    )
    sheet.append(["", "", "", "Workshop held in March", ""])
    grid = read_grid(sheet)
    built = build_plan(grid, propose_reading(grid), TODAY)
    policies = built.plan["children"][0]
    assert [a["ref"] for a in policies["children"]] == ["a)", "b)"]
    assert policies["updates"][0]["text"] == "Workshop held in March"
    assert policies["lead"] == ["ASB Team"]  # not wiped by the row without a lead
    assert built.warnings == ["row 3: no action text; its cells were added to 'Policies'"]
