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
    assert built.warnings[0] == (
        "row 13: the items of 'Progress' (a) b) c)) do not line up with the actions "
        "(a) b)); kept whole on 'Provide an accessible service with a var'"
    )
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


def _sheet_plan(rows, merges=(), fills=None, today=TODAY, **kw):
    """A plan built from rows typed here, as a council might lay them out."""
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill

    sheet = Workbook().active
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    for ref, colour in (fills or {}).items():
        sheet[ref].fill = PatternFill("solid", fgColor=colour)
    grid = read_grid(sheet)
    reading = propose_reading(grid)
    return reading, build_plan(grid, reading, today, **kw)


def test_recommendation_banners_with_numbered_actions_one_owner_and_date_each() -> None:
    reading, built = _sheet_plan(
        [
            ["Community Safety Review: recommendations"],
            ["Action", "Owner", "Target date", "Progress"],
            ["Recommendation 1: Improve how residents report ASB"],
            [
                "1. Publish an online form 2. Train the contact centre",
                "1. Jo Bloggs 2. Sam Patel",
                "1. Dec 2015 2. Sep 2015",
                "Form live since November",
            ],
            ["Recommendation 2 - Tackle repeat victimisation"],
            ["1. Risk-assess every caller\n2. Refer high-risk cases", "ASB Team", "31/03/2016", ""],
        ]
    )
    assert reading.banner_rows == [3, 5]
    one, two = built.plan["children"]
    assert (one["ref"], one["title"]) == ("1", "Improve how residents report ASB")
    assert [(a["ref"], a["title"], a["lead"], a["target_date"]) for a in one["children"]] == [
        ("1.", "Publish an online form", ["Jo Bloggs"], "2015-12-31"),
        ("2.", "Train the contact centre", ["Sam Patel"], "2015-09-30"),
    ]
    # one progress note for two actions: kept whole on the recommendation
    assert one["updates"][0]["text"] == "Form live since November"
    assert all(not a["updates"] for a in one["children"])
    assert [a["lead"] for a in two["children"]] == [["ASB Team"], ["ASB Team"]]
    assert {a["target_date"] for a in two["children"]} == {"2016-03-31"}
    assert built.plan["level_names"] == ["Recommendation", "Action"]


def test_a_ref_commitment_progress_table_with_success_measures_below() -> None:
    reading, built = _sheet_plan(
        [
            ["Ref", "Commitment", "Progress"],
            ["C1", "Reduce repeat calls about noise", "Noise app launched"],
            ["C2", "Tackle fly-tipping hotspots", "Cameras at 4 sites"],
            [],
            ["Success measures:"],
            ["• Fewer repeat callers"],
            ["• More fly-tipping prosecutions"],
        ]
    )
    assert [(n["ref"], n["title"]) for n in built.plan["children"]] == [
        ("C1", "Reduce repeat calls about noise"),
        ("C2", "Tackle fly-tipping hotspots"),
    ]
    assert built.plan["children"][0]["updates"][0]["text"] == "Noise app launched"
    assert [(i["group"], i["name"]) for i in built.plan["indicators"]] == [
        ("Success measures", "Fewer repeat callers"),
        ("Success measures", "More fly-tipping prosecutions"),
    ]
    assert "row 5 list of 2 → indicators" in built.notes


def test_colour_key_words_status_words_and_fills() -> None:
    _, built = _sheet_plan(
        [
            ["Key"],
            [None, "Red – needs intervention"],
            [None, "Purple - done and dusted"],
            ["Objective", "Action", "Lead", "Status"],
            ["1.1 Engage", "Attend forums", "Ann", None],
            ["", "Hold surgeries", "Bob", "Green – funding agreed"],
            ["", "Patrol parks", "Cy", "Wobbly"],
            ["", "Leaflet estates", "Di", None],
        ],
        fills={"A2": "FF0000", "A3": "7030A0", "D5": "7030A0", "D8": "C6EFCE"},
    )
    assert built.plan["colour_key"] == {"red": "Red – needs intervention"}
    attend, surgeries, patrol, leaflet = built.plan["children"][0]["children"]
    assert surgeries["status"] == "green"
    assert surgeries["extra"] == {"Status": "Green – funding agreed"}  # the words are kept
    assert patrol["status"] is None and patrol["extra"] == {"Status": "Wobbly"}
    assert "row 7: status 'Wobbly' not understood; kept as text" in built.warnings
    assert leaflet["status"] is None  # a pale fill is not a RAG colour
    assert attend["status"] is None  # purple is in no key and is no RAG hue


def test_update_columns_by_period_title_rows_and_refs() -> None:
    _, built = _sheet_plan(
        [
            ["Hatfield Town Council ASB Action Plan"],
            ["April 2019 – March 2020"],
            ["Prepared by the Community Safety Team"],
            ["Target", "Action", "Lead", "Update", "Progress Update – March 2019", "Notes"],
            ["Reduce ASB", "Patrol the town centre", "Police", "Patrols weekly", "Started", "x"],
        ],
        report_date=date(2019, 10, 31),
    )
    plan = built.plan
    assert (plan["title"], plan["council"]) == (
        "Hatfield Town Council ASB Action Plan",
        "Hatfield Town Council",
    )
    assert (plan["start_date"], plan["end_date"]) == ("2019-04-01", "2020-03-31")
    assert "row 3: 'Prepared by the Community Safety Team' above the header was not imported" in (
        built.warnings
    )
    target = plan["children"][0]
    action = target["children"][0]
    assert (target["ref"], action["ref"]) == ("1", "1.1")  # numbered as Renumber would
    assert [(u["date"], u["period"], u["text"], u["author"]) for u in action["updates"]] == [
        ("2019-10-31", "Q3 2019/20", "Patrols weekly", "Police"),
        ("2019-03-31", "Q4 2018/19", "Started", "Police"),
    ]
    assert action["extra"] == {"Notes": "x"}


def test_an_undated_update_column_is_never_dated_after_today() -> None:
    _, built = _sheet_plan(
        [["Target", "Action", "Update"], ["T", "A", "Done"]],
        report_date=date(2026, 1, 1),
    )
    assert built.plan["children"][0]["children"][0]["updates"][0]["date"] == TODAY.isoformat()


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("1. Dec 2015 2. Sep 2015", [("1.", "Dec 2015"), ("2.", "Sep 2015")]),
        ("(a) one (b) two", [("a)", "one"), ("b)", "two")]),
        ("Phase 2. Review", []),
        ("1. one 3. three", []),
        ("a) one b) two, see 2. below", [("a)", "one"), ("b)", "two, see 2. below")]),
        ("31.03.2020", []),
    ],
)
def test_split_items_inline(text: str, items: list[tuple[str, str]]) -> None:
    assert split_items(text) == items


def test_a_heading_merged_across_columns_is_named_in_a_warning() -> None:
    _, built = _sheet_plan(
        [
            ["Objective", "Action", "Progress", None, "Lead"],
            ["1.1 Engage", "Attend forums", "Q1: started", "Q2: done", "Ann"],
        ],
        merges=["C1:D1"],
    )
    assert built.warnings == [
        "row 1: the heading 'Progress' is merged across columns C–D; each is read as "
        "'Progress update'. Correct the columns if they differ."
    ]
    action = built.plan["children"][0]["children"][0]
    assert [u["text"] for u in action["updates"]] == ["Q1: started", "Q2: done"]


def test_a_cell_under_no_heading_is_kept_under_its_column_letter() -> None:
    _, built = _sheet_plan(
        [["Objective", "Action", "Lead", None], ["1.1 Engage", "Attend forums", "Ann", "see Jo"]]
    )
    assert built.plan["children"][0]["children"][0]["extra"] == {"Column D": "see Jo"}
    assert "D (no heading) → an extra field 'Column D' (1 cell)" in built.notes


def test_a_parent_typed_again_on_each_of_its_rows_is_one_parent() -> None:
    _, built = _sheet_plan(
        [
            ["Theme", "Objective", "Action"],
            ["Safer streets", "Less drinking", "Patrol the park"],
            ["Safer streets", "Less drinking", "Dispersal orders"],
            ["Safer streets", "Cleaner estates", "Litter picks"],
            ["Support victims", "Faster referrals", "Same-day triage"],
        ]
    )
    shape = [
        (t["ref"], t["title"], [(o["ref"], len(o["children"])) for o in t["children"]])
        for t in built.plan["children"]
    ]
    assert shape == [
        ("1", "Safer streets", [("1.1", 2), ("1.2", 1)]),
        ("2", "Support victims", [("2.1", 1)]),
    ]
    assert built.plan["children"][0]["children"][0]["children"][1]["ref"] == "b)"


def test_the_plan_period_merged_above_the_header_is_its_span_not_a_commitment() -> None:
    reading, built = _sheet_plan(
        [
            ["Safer Hatfield ASB Action Plan"],
            ["April 2019 – March 2020"],
            ["Objective", "Action", "Lead"],
            ["1.1 Engage", "Attend forums", "Ann"],
        ],
        merges=["A2:C2"],
    )
    assert reading.banner_rows == []
    assert (built.plan["start_date"], built.plan["end_date"]) == ("2019-04-01", "2020-03-31")
    assert [n["title"] for n in built.plan["children"]] == ["Engage"]
