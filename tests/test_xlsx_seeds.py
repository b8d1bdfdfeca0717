"""Import both councils' workbooks with the automatic reading and no manual mapping, then
check the trees node by node against the committee papers the workbooks were made from
(the seed documents broxtowe-action-plan-2019-20.txt and welwyn-hatfield-action-plan-2019.txt).

The expected values are copied from the papers, not from the importer's output. Text that
runs on across a printed page break in a paper is expected whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from asbdesk.desk import open_desk
from asbdesk.json_io import export_desk
from asbdesk.plan_tree import PlanTree
from asbdesk.xlsx_import import import_workbook

DATA = Path(__file__).parent / "data"
TODAY = date(2019, 11, 15)

Node = dict[str, Any]


@dataclass
class Imported:
    plan: dict[str, Any]  # the plan as `export_desk` writes it
    # Status as the window shows it (rolled up), by ref; Welwyn's letters repeat, so only
    # its numbered refs are looked up here.
    shown: dict[str, str | None] = field(default_factory=dict)


def _import(factory: pytest.TempPathFactory, name: str) -> Imported:
    """One workbook into a fresh desk, read back as JSON and as the window's tree."""
    base = factory.mktemp("seeds")
    with pytest.MonkeyPatch.context() as mp:  # keep the tester's own profile out of it
        mp.setenv("ASBDESK_DATA_DIR", str(base / "data"))
        mp.setenv("ASBDESK_CONFIG_DIR", str(base / "config"))
        with open_desk(base / "t.asbdesk", create=True) as desk:
            result = import_workbook(desk, DATA / name, today=TODAY)
            (plan,) = export_desk(desk)["plans"]
            tree = PlanTree.load(desk.reader, result.plan_id, TODAY)
            shown = {}
            for item in tree.walk():
                status = tree.effective_status(item)
                shown[item.ref] = status.value if status else None
    return Imported(plan, shown)


@pytest.fixture(scope="module")
def broxtowe(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    return _import(tmp_path_factory, "broxtowe-2019-20.xlsx")


@pytest.fixture(scope="module")
def welwyn(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    return _import(tmp_path_factory, "welwyn-hatfield-2019.xlsx")


def _norm(text: str) -> str:
    """The text with its stray spacing and line breaks as single spaces."""
    return " ".join(text.split())


def _items(text: str) -> list[str]:
    """A cell's bulleted lines ("• 10 completed …") as the items of the paper's list."""
    return [_norm(line).lstrip("•").strip() for line in text.splitlines() if line.strip()]


def _who(names: list[str]) -> str:
    """Officers' names as the paper prints them, one run of words: how the importer splits
    a cell into names is its own business, but no word may be lost or added."""
    return _norm(re.sub(r"[/,;]", " ", " ".join(names)))


def _subtree_updates(node: Node) -> list[Node]:
    found = list(node["updates"])
    for child in node["children"]:
        found += _subtree_updates(child)
    return found


# =======================================================================================
# Broxtowe 2019/20: Target → "How it will be achieved", with indicator tables


BROXTOWE_TARGETS = [
    ("Raise awareness and improve reporting", 10),
    ("Increase how well communities get on together", 1),
    ("Improve support to victims", 2),
    ("Improve the ASB services provided to tenants", 2),
    ("Improve the ASB services provided to leaseholders", 1),
]


@dataclass(frozen=True)
class Action:
    """One row of the Broxtowe paper."""

    at: tuple[int, int]  # (target, action) counted from 0
    title: str
    outcome: str
    lead: str
    target_date: str
    milestones: list[tuple[str, int | None]] | None  # None: checked in an xfail test below
    update: list[str]  # the paper's list items, or its one sentence


BROXTOWE_ACTIONS = [
    Action(
        (0, 0),
        "Hold alternating weekly drop in sessions and monthly themed drop in sessions in "
        "Eastwood and Stapleford and promote awareness of ASB and Hate Crime",
        "Increase in awareness of ASB and Hate Crime",
        "Communities Officer",
        "2020-03-31",  # 31.03.2020
        [
            ("40 x fortnightly community safety drop-in sessions", 40),
            ("20 x Eastwood", 20),
            ("20 x Stapleford", 20),
        ],
        ["10 completed in Stapleford", "9 completed in Eastwood"],
    ),
    Action(
        (0, 1),
        "Attend community group sessions to promote awareness of ASB and Hate Crime",
        "Increase in awareness of ASB and Hate Crime",
        "Victim Care",
        "2020-03-31",
        [("2 x community group sessions", 2)],
        ["Update awaited from Victim Care"],
    ),
    Action(
        (0, 2),
        "Set up system to manage key individuals network (KINs) in case management system",
        "Police able to easily and effectively contact communities to disseminate information",
        "Communities Team / Police",
        "2019-05-31",  # 31.5.2019
        [
            ("Set up KINs system in ECINs", None),
            ("Contact members for signup", None),
            ("Hand over system to Police for day to day management", None),
        ],
        ["All actions completed May 2019"],
    ),
    Action(  # milestone and update both run on across a page break
        (0, 5),
        "Promotion through leaflets and giveaways (dog poo bags)",
        "Increase in awareness of ASB",
        "Neighbourhood Wardens",
        "2020-03-31",
        [
            ("Promotion through media channels", None),
            ("Distribution of giveaways", None),
            (
                "Educational material updated and distributed at summer road show events, "
                "local service days, Environmental days, poop scoop week, litter hero days, "
                "Geo cache events",
                None,
            ),
        ],
        [
            "6 x summer roadshows attended",
            "4 x check a chip events held",
            "3 x library community events attended",
            "1 x geocache event held",
            "2 x litter picks held",
        ],
    ),
    Action(  # the title runs on across a page break
        (0, 7),
        "Through raising awareness promotion campaigns at identified peak times of year for "
        "ASB reporting • Halloween • Bonfire Night • Summer • Start of new university year",
        "Decrease the number of incidents of ASB during peak times during the year "
        "• Halloween • Bonfire Night • Summer • Start of new university year",
        "Communities Officer Communications Manager",
        "2020-03-31",
        [
            ("Promotion through media channels", None),
            ("Distribution of leaflets/posters", None),
            ("Promotion through BBC website", None),
        ],
        [
            "Police Lighter Nights campaign delivered April – June 2019",
            "Garden crime campaign delivered May 2019",
            "Freshers' week attended",
        ],
    ),
    Action(  # the lead runs on across a page break; the update has stray spacing
        (1, 0),
        "Through events, social media and Broxtowe Matters",
        "Increase in reporting and increase in how well communities get on well together",
        "Communities – Equalities and Diversity Officer Communications Manager",
        "2020-03-31",
        [
            ("Events held", None),
            ("Social media messages distributed", None),
            ("Broxtowe Matters promotions", None),
        ],
        ["Community Celebration event held"],
    ),
    Action(
        (2, 0),
        "Through increasing referrals for repeat victims to Victim Care and promote Victim "
        "Care through events, social media and Broxtowe Matters",
        "Increases in referrals to Victim Care",
        "Chief Communities Officer Chief Environmental Health Officer Communities Officer "
        "Communications Manager",
        "2020-03-30",  # 30.3.2020, as the paper has it
        [
            ("Referrals made through Complex Case Panel", None),
            ("Referrals made for safeguarding", None),
            ("Victim care events held", None),
            ("Social media messages distributed", None),
            ("Broxtowe Matters promotions", None),
        ],
        ["Increased referrals for safeguarding and complex cases"],
    ),
    Action(
        (2, 1),
        "Hold the ASB Panel and Complex Case Panel at the same meeting",
        "Efficiencies for BBC and partners",
        "Chief Communities Officer",
        "2019-05-31",
        None,  # "Identify suitable / date for both groups to meet" across a page break
        ["Completed", "New joint meetings in place May 2019"],
    ),
    Action(  # title, outcome, milestones and update all run on across a page break
        (3, 1),
        "By ensuring ASB involving leasehold perpetrators is managed robustly with partner teams.",
        "Improve the ASB services provided to tenants",
        "Neighbourhood Services Manager",
        "2020-03-31",
        None,  # "… in relation to / leaseholds and understand …" across a page break
        [
            "This is complete. Leaseholders and their ASB have been incorporated into the "
            "work of the Housing Officer so it now follows the same process. Leasehold "
            "Officer has been appointed and closely liaises."
        ],
    ),
    Action(
        (4, 0),
        "Through more ASB focus at Community Roadshows",
        "Reduction of ASB on estates",
        "Neighbourhood Services Manager",
        "2020-03-31",
        [("Waste days, throughout the Borough with a focus on reducing ASB", None)],
        [
            "This is complete, Surveys carried out at some of these events. With the "
            "Neighbourhood Strategy mentioned above, it is unlikely that we will continue "
            "these events in this way."
        ],
    ),
]


def _action(plan: dict[str, Any], at: tuple[int, int]) -> Node:
    target, action = at
    return plan["children"][target]["children"][action]


def test_broxtowe_plan_is_titled_and_dated_as_the_paper(broxtowe: Imported) -> None:
    plan = broxtowe.plan
    assert plan["title"] == "Broxtowe Borough Council Anti-Social Behaviour Action Plan"
    assert plan["council"] == "Broxtowe Borough Council"
    assert (plan["start_date"], plan["end_date"]) == ("2019-04-01", "2020-03-31")
    assert plan["level_names"] == ["Target", "Action"]


def test_broxtowe_has_the_five_targets_with_their_actions(broxtowe: Imported) -> None:
    targets = broxtowe.plan["children"]
    assert [(t["title"], len(t["children"])) for t in targets] == BROXTOWE_TARGETS
    assert sum(len(t["children"]) for t in targets) == 16
    assert all(not a["children"] for t in targets for a in t["children"])  # two levels only
    # The paper numbers nothing: targets and actions are numbered as Renumber would.
    assert [t["ref"] for t in targets] == ["1", "2", "3", "4", "5"]
    assert [a["ref"] for a in targets[2]["children"]] == ["3.1", "3.2"]


@pytest.mark.parametrize(
    "expected",
    BROXTOWE_ACTIONS,
    ids=[f"target{a.at[0] + 1}-action{a.at[1] + 1}" for a in BROXTOWE_ACTIONS],
)
def test_broxtowe_action_matches_the_paper(broxtowe: Imported, expected: Action) -> None:
    action = _action(broxtowe.plan, expected.at)
    assert action["title"] == expected.title
    assert _norm(action["outcome"]) == expected.outcome
    assert _who(action["lead"]) == _who([expected.lead])
    assert action["target_date"] == expected.target_date
    if expected.milestones is not None:
        got = [(_norm(m["text"]), m["target_count"]) for m in action["milestones"]]
        assert got == expected.milestones
    (update,) = action["updates"]
    assert _items(update["text"]) == expected.update
    # Credited to the action's lead, who reports it.
    assert _who([update["author"]]) == _who([expected.lead])


def test_broxtowe_slash_separates_two_leads(broxtowe: Imported) -> None:
    assert _action(broxtowe.plan, (0, 2))["lead"] == ["Communities Team", "Police"]


@pytest.mark.parametrize(
    ("at", "milestones"),
    [
        (
            (2, 1),
            [
                "Consultation with partners attending both ASB and Complex Case Panel meetings",
                "Identify suitable date for both groups to meet",
                "Change the existing meeting dates to new joint dates",
            ],
        ),
        (
            (3, 1),
            [
                "Ensure staff understand their responsibilities in relation to leaseholds and "
                "understand the differences that can arise between dealing with tenants and "
                "leaseholders in respect of tenancy and lease agreements.",
                "Involving the Leasehold Officer in dealing with complaints where necessary and "
                "improving the training and awareness of the Leasehold Officer in the area of "
                "ASB.",
                "Ensure that Housing and Legal services work together in a positive and "
                "cohesive way in cases where there is a breach of lease",
            ],
        ),
    ],
    ids=["target3-action2", "target4-action2"],
)
def test_broxtowe_milestones_run_on_across_a_page_break(
    broxtowe: Imported, at: tuple[int, int], milestones: list[str]
) -> None:
    got = [_norm(m["text"]) for m in _action(broxtowe.plan, at)["milestones"]]
    assert got == milestones


# The paper's three tables: (title, measure, values 2017/18, 2018/19, 2019/20).
BROXTOWE_INDICATORS = [
    ("Reports of Anti-Social Behaviour", "Environmental Health", [564, 480, 234]),
    ("Reports of Anti-Social Behaviour", "Housing", [152, 191, 75]),
    ("Reports of Anti-Social Behaviour", "Communities", [32, 40, 12]),
    (
        "Reports of Anti-Social Behaviour",
        "Police Strategic Analytical Unit (Police & Communities combined)",
        [2875, 2011, 1086],  # "1,086"
    ),
    ("Hate Crime Incidents", "Number of Hate Crime Incidents reported", [128, 107, 68]),
    (
        "Perception of Safety (Nottinghamshire County Council survey)",
        "Percentage of people surveyed who feel safe in the community during the day",
        [100, 96, None],  # 100%, 96%, "Not yet available"
    ),
    (
        "Perception of Safety (Nottinghamshire County Council survey)",
        "Percentage of people surveyed who feel safe in the community at night",
        [50, 72, None],
    ),
]


def _table_title(indicator: Node) -> str:
    """The table's title as printed: its group, with its source in brackets if read apart."""
    source = indicator["source"]
    return f"{indicator['group']} ({source})" if source else indicator["group"]


def test_broxtowe_has_the_seven_indicators_of_its_three_tables(broxtowe: Imported) -> None:
    indicators = broxtowe.plan["indicators"]
    got = [(_table_title(i), i["name"], [v["value"] for v in i["values"]]) for i in indicators]
    assert got == BROXTOWE_INDICATORS


def test_broxtowe_indicator_periods_partial_and_not_yet_available(broxtowe: Imported) -> None:
    indicators = broxtowe.plan["indicators"]
    assert len(indicators) == 7
    for indicator in indicators:
        assert [v["period"] for v in indicator["values"]] == ["2017/18", "2018/19", "2019/20"]
    # "2019/20 (Qtrs1&2)" in the first two tables: only half the year.
    for indicator in indicators[:5]:
        assert [v["partial"] for v in indicator["values"]] == [None, None, "Q1–Q2"]
        assert all(v["available"] for v in indicator["values"])
        assert indicator["unit"] == "count"
    for indicator in indicators[5:]:  # the survey: the whole year, not yet published
        assert [v["partial"] for v in indicator["values"]] == [None, None, None]
        assert [v["available"] for v in indicator["values"]] == [True, True, False]
        assert indicator["unit"] == "percent"


# =======================================================================================
# Welwyn Hatfield 2019: Commitment → Objective → lettered actions, status as fill colour


WELWYN_COMMITMENTS = [
    ("1", "Embed a harm centred approach and provide an accessible, 'victim first' service"),
    (
        "2",
        "Achieve safer communities through preventing anti-social behavior and taking action "
        "that is proportionate and timely",
    ),
    (
        "3",
        "Maintain and develop effective partnership responses and information sharing to "
        "combat ASB",
    ),
    (
        "4",
        "Reduce high impact drug and alcohol misuse and associated crime and ASB by providing "
        "a targeted response",
    ),
    (
        "5",
        "Provide a robust response to domestic abuse, hate crime and any other forms of "
        "harassment and or intimidation",
    ),
    ("6", "Tackle Environmental ASB and encourage community responsibility and engagement"),
]

WELWYN_OBJECTIVES = {
    "1": [
        ("1.1", "Policies and Procedures"),
        ("1.2", "Develop a Risk Assessment for identifying need"),
        (
            "1.3",
            "Provide an accessible service with a variety of channels through which to report ASB",
        ),
        ("1.4", "Review satisfaction with the service"),
    ],
    "2": [
        ("2.1", "Develop an in-house mediation service"),
        ("2.2", "Seek opportunities to be proactive within the community"),
    ],
    "3": [
        (
            "3.1",
            "Promote attendance at ASB Forum for all members of CSP and other partner agencies "
            "to promote joint action planning",
        ),
        (
            "3.2",
            "Actively support and contribute to multi-agency forums inc. PPO, MAPPA, MARAC, "
            "Magpye, ASB Forum, JAG and RAG",
        ),
    ],
    "4": [
        ("4.1", "Enforce the PSPO effectively"),
        ("4.2", "Embed the use of Closure Orders and Mandatory Possession"),
    ],
    "5": [
        ("5.1", "Finalise draft DA Policy and progress becoming DAHA signatories"),
        ("5.2", "Recruit Domestic Abuse champions"),
        ("5.3", "Deliver training to all frontline staff"),
    ],
    "6": [
        ("6.1", "Promote the Neighbourhood Improvement Bid"),
        ("6.2", "Develop a neighbourhood standard and communicate tenant responsibilities"),
        ("6.3", "Look at the use of CPNW's for untidy gardens"),
    ],
}

# Each objective's lettered actions, as the paper's Action cell has them.
WELWYN_ACTIONS = {
    "1.1": [
        "Finalise draft ASB Policy",
        "Draft an ASB procedure to comply with Crime and Disorder Act 1998",
        "Finalise draft DA policy",
        "Complete a GAP analysis of the service against the RESPECT charter",
        "Re-draft standard letters and templates to ensure a consistency across case officers",
    ],
    "1.2": [
        "Create risk assessment",
        "Provide guidance on how to use it",
        "Ensure there are clear referral processes where needs are identified",
    ],
    "1.3": [  # b) is on the row after a page break
        "Ensure points of contact are all still relevant and provide a number of options",
        "Seek a digital offering for reporting noise nuisance such as the Noise App.",
    ],
    "1.4": [
        "Ensure as many cases as possible are surveyed on closure",
        "Review and feedback comments and data to make service improvements",
    ],
    "2.1": ["Train ASB and neighbourhood staff in mediation practice"],
    "2.2": [
        "Support existing diversionary and proactive activity in conjunction with the "
        "Community Safety Partnership",
        # The paper (and the sheet made from it) print "c)" after the page break, in the
        # middle of b)'s sentence; the letters are read where they stand.
        "Identify key dates for out of hours ASB patrols with",
        "SNT including a rota for presence in PSPO area Take part in CID days and Community "
        "Audits to show partnership working",
    ],
    "3.1": [
        "Ensure a s good selection of relevant RP's attend",  # the paper's typing slip
        "Build relationships with drug and alcohol services to promote attendance",
        "Build relationships with HPFT and mental health services",
    ],
    "3.2": [
        "Have designated officers who take ownership of forums and ensure representation from "
        "the council"
    ],
    "4.1": [
        "Ensure FPN's are being issued and prosecuted for non-payment and process is in place",
        "For persons in continual breach develop a template for further action such as "
        "injunction or CPN",
        "Source body worn cameras for the ASB team to evidence breaches",
    ],
    "4.2": [
        "Templates for court processes and statements",
        "Act quickly to prepare witness evidence and impact statements",
    ],
    "5.1": [
        "Consult on draft policy and take through to approval",
        "Develop policy to assist staff suffering from DA",
    ],
    "5.2": ["Sign up to the programme and embed and promote the Champions within the workplace"],
    "5.3": [
        "Work with Safer Places to deliver awareness training",
        "J9 and modus training for staff attending MARAC and who will need to undertake DASH "
        "risk assessments",
    ],
    "6.1": ["Estate patrols to identify areas for improvement"],
    "6.2": [
        "Consult with residents to understand their priorities",
        "Communicate with residents on their responsibilities",
        # runs on across a page break
        "Act quickly where perpetrators of environmental crime and ASB are discovered",
    ],
    "6.3": [
        "Promote the Blooming Garden competition",
        "Process for tackling untidy gardens",
        "Review of assisted gardening scheme",
        "Procedure and templates for issuing CPNW's",
    ],
}

# The Status cell's colour, in the words of the paper's colour key. The paper as text has
# lost the colours; these are the fills of the sheet made from it. 2.2 and 5.2 have none.
WELWYN_STATUS = {
    "1.1": "green",
    "1.2": "amber",
    "1.3": "green",
    "1.4": "red",
    "2.1": "blue",
    "2.2": None,
    "3.1": "green",
    "3.2": "amber",
    "4.1": "green",
    "4.2": "red",
    "5.1": "blue",
    "5.2": None,
    "5.3": "green",
    "6.1": "amber",
    "6.2": "green",
    "6.3": "red",
}

# The Progress cell, lettered to match the actions (or not: 1.3, 2.2, 3.2, 5.2, 6.1).
WELWYN_PROGRESS = {
    "1.1": [
        ("a)", "DA and ASB policy to be finalized by March 2019"),
        ("b)", "Workshop planned for Jan 2019 to devise procedure"),
    ],
    "1.2": [],
    "1.3": [
        ("a)", "Review of reporting mechanisms currently taking place"),
        (
            "b)",
            "Trial of Noise App has concluded and procedures being set with Environmental "
            "Protection team to progress subscription",
        ),
        ("c)", "Website being updated with upgrade to include self-help module"),
    ],
    "1.4": [
        ("a)", "Satisfaction survey to completed but needs to build into case closure procedure"),
        ("b)", "Results needs to be added to TP tracker to report as KPI"),
    ],
    "2.1": [("a)", "Training identified via Mediation UK and scheduled for Jan-Mar 2019")],
    "2.2": [
        ("a)", "CID days diarised for officer patches"),
        ("b)", "PSPO patrol rota being developed see 4.1"),
        ("c)", "Multi-agency group to assist with enforcement and support of PSPO"),
        ("d)", "Neighbourhood team is developing a programme of block and estate inspections"),
    ],
    "3.1": [
        (
            "a)",
            "Meetings being had regularly with individual providers of Mental Health and drug "
            "and alcohol services but they need to be brought in to the ASB Forum for maximum "
            "effect",
        )
    ],
    "3.2": [
        ("a)", "CID days diarised for officer patches"),
        ("b)", "PSPO patrol rota being developed"),
        ("c)", "Neighbourhood team is developing a programme of block and estate inspections"),
    ],
    "4.1": [
        ("a)", "ASB officers now accredited"),
        ("b)", "Training delivered to issue FPN's"),
        ("c)", "Review meetings with Police to progress repeat offenders"),
    ],
    "4.2": [
        (
            "a)",
            "Staff to receive legal training in January 2019 to act confidently to serious "
            "breaches of tenancy and progress mandatory possession",
        )
    ],
    "5.1": [("a)", "Draft policy, CMT Report and EqIA completed")],
    "5.2": [
        ("a)", "Staff have been identified but are awaiting training"),
        ("b)", "Safeguarding Champions network"),
    ],
    "5.3": [("a)", "Training needs identified"), ("b)", "Training programme identified")],
    "6.1": [
        ("a)", "Neighbourhood Improvement Bid has been launched"),
        ("b)", "Your voice article published to promote resident participation"),
    ],
    "6.2": [],
    "6.3": [],
}

WELWYN_OUTCOME = {
    "1.1": "To ensure a consistent approach to delivering the ASB service under a framework "
    "of good practice",
    "1.2": "Harm and impact of ASB is measured regularly and action plans and interventions "
    "are planned accordingly",
    "1.3": "Have a range of ways for people to access the service for quicker response",
    "1.4": "Understand what works well with the service and where improvements can be made",
    "2.1": "Resolve low level and neighbourhood disputes before they develop and escalate "
    "Improved dispute resolution skills when responding to complaints and dealing with "
    "difficult customers",
    "2.2": "Community is reassured by a proactive presence. Hotspots and areas for "
    "improvement can be identified Co-ordinated partnership working ASB will be deterred if "
    "a consistent presence is achieved",  # the last sentence after a page break
    "3.1": "A co-ordinated response to ASB and better outcomes for victims and perpetrators",
    "3.2": "Information sharing will allow us to appropriately target resources and work "
    "collaboratively on hot spot areas",
    "4.1": "Improved satisfaction of visitors and traders in Hatfield Town Centre Break the "
    "cycle of street drinking and associated behaviours Make Hatfield Town Centre a safer "
    "and nicer place to visit",
    "4.2": "Closure of properties more quickly to prevent the neighbourhood having to witness "
    "and experience nuisance connected to drug related crime",
    "5.1": "Have a robust and consistent approach to approving outcomes and working in a "
    "multi-agency capacity to safeguard victims.",
    "5.2": "Key persons who can advise other members of staff if they come across DA and "
    "support victims of DA.",
    "5.3": "An informed workforce who will be able to react quickly to reports of domestic "
    "abuse and",  # so the paper ends it
    "6.1": "Improved satisfaction in areas A reduction in ASB",
    "6.2": "Increased ownership of environmental issues and a reduction in the levels of "
    "fly-tipping",
    "6.3": "Improved street scene Ownership of communal and individual gardens",
}

WELWYN_OFFICER = {
    "1.1": "Neighbourhood and Enforcement Manager ASB Team",
    "1.2": "ASB Team Leader ASB Team",
    # the last name on the row after a page break, beside b)
    "1.3": "Neighbourhood and Enforcement Manager ASB Team Leader Environmental Protection Team",
    "1.4": "ASB Team Leader ASB Team",
    "2.1": "ASB Team Leader ASB Team",
    "2.2": "ASB Team Leader ASB Team Neighbourhood Team SNT Community Safety Team",
    "3.1": "Neighbourhood and Enforcement Manager ASB Team Leader",
    "3.2": "ASB Team Leader ASB Team Neighbourhood Team SNT Community Safety Team",
    "4.1": "ASB Team Street Wardens SNT",
    "4.2": "ASB Team Leader ASB Team SNT",
    "5.1": "Neighbourhood and Enforcement Manager",
    "5.2": "Neighbourhood and Enforcement Manager Bianca Morieri Carmel Sheringham-Ford "
    "Carla Claydon",
    "5.3": "",  # none named
    "6.1": "Neighbourhood Team ASB Team",
    "6.2": "Neighbourhood Team ASB Team Environmental Team",
    "6.3": "Resident Involvement Resident Engagement Neighbourhood Team ASB Team",
}

OBJECTIVE_REFS = [ref for objectives in WELWYN_OBJECTIVES.values() for ref, _ in objectives]


def _objective(plan: dict[str, Any], ref: str) -> Node:
    (found,) = [o for c in plan["children"] for o in c["children"] if o["ref"] == ref]
    return found


def _row_field(objective: Node, name: str) -> str:
    """A cell of the objective's row: on the objective, or on its action when it has only
    one (the row's cells then belong to that action)."""
    value = objective[name]
    if not value and len(objective["children"]) == 1:
        value = objective["children"][0][name]
    return value


def test_welwyn_plan_has_the_paper_title_levels_and_colour_key(welwyn: Imported) -> None:
    plan = welwyn.plan
    assert plan["title"] == "Appendix B | Draft Anti-Social Behaviour Strategy Action Plan 2019"
    assert plan["level_names"] == ["Commitment", "Objective", "Action"]
    key = {s: plan["colour_key"].get(s) for s in ("red", "amber", "green", "blue")}
    assert key == {
        "red": "Red – Progress or delivery well below target; serious intervention needed",
        "amber": "Amber - Progress or delivery up to (say) 20% below target; attention needed",
        "green": "Green - Progress on or ahead of schedule and on track to deliver as planned",
        "blue": "Blue –All actions completed",
    }


def test_welwyn_has_the_six_commitments(welwyn: Imported) -> None:
    commitments = welwyn.plan["children"]
    assert [(c["ref"], c["title"]) for c in commitments] == WELWYN_COMMITMENTS


def test_welwyn_has_the_sixteen_objectives_under_their_commitments(welwyn: Imported) -> None:
    got = {
        c["ref"]: [(o["ref"], o["title"]) for o in c["children"]] for c in welwyn.plan["children"]
    }
    assert got == WELWYN_OBJECTIVES
    assert len(OBJECTIVE_REFS) == 16


def test_welwyn_has_thirty_eight_lettered_actions(welwyn: Imported) -> None:
    actions = [a for c in welwyn.plan["children"] for o in c["children"] for a in o["children"]]
    assert len(actions) == 38 == sum(len(titles) for titles in WELWYN_ACTIONS.values())
    assert all(not a["children"] for a in actions)


@pytest.mark.parametrize("ref", OBJECTIVE_REFS)
def test_welwyn_objective_lettered_actions_match_the_paper(welwyn: Imported, ref: str) -> None:
    actions = _objective(welwyn.plan, ref)["children"]
    titles = WELWYN_ACTIONS[ref]
    assert [a["ref"] for a in actions] == [f"{chr(ord('a') + i)})" for i in range(len(titles))]
    assert [_norm(a["title"]) for a in actions] == titles


@pytest.mark.parametrize("ref", OBJECTIVE_REFS)
def test_welwyn_status_from_the_fill_colour(welwyn: Imported, ref: str) -> None:
    objective = _objective(welwyn.plan, ref)
    expected = WELWYN_STATUS[ref]
    # The colour is the whole row's: each lettered action carries it, and the objective
    # shows it (rolled up from its actions, as the window shows it).
    assert [a["status"] for a in objective["children"]] == [expected] * len(objective["children"])
    assert objective["status"] in (None, expected)
    assert welwyn.shown[ref] == expected


def test_welwyn_status_counts(welwyn: Imported) -> None:
    statuses = [
        a["status"] for c in welwyn.plan["children"] for o in c["children"] for a in o["children"]
    ]
    counts = {s: statuses.count(s) for s in ("red", "amber", "green", "blue", None)}
    assert counts == {"red": 8, "amber": 5, "green": 18, "blue": 3, None: 4}


@pytest.mark.parametrize("ref", OBJECTIVE_REFS)
def test_welwyn_progress_is_kept(welwyn: Imported, ref: str) -> None:
    objective = _objective(welwyn.plan, ref)
    progress = WELWYN_PROGRESS[ref]
    actions = {a["ref"]: a for a in objective["children"]}
    if progress and all(letter in actions for letter, _ in progress):
        # Lettered to match: each action has its own note, as its update.
        for letter, action in actions.items():
            expected = [text for ours, text in progress if ours == letter]
            assert [_norm(u["text"]) for u in action["updates"]] == expected, letter
        assert objective["updates"] == []
    else:
        # Not lettered to match the actions (or none): kept whole, every item in it.
        kept = " ".join(_norm(u["text"]) for u in _subtree_updates(objective))
        for letter, text in progress:
            assert f"{letter} {text}" in kept
        assert len(_subtree_updates(objective)) == (1 if progress else 0)


@pytest.mark.parametrize("ref", OBJECTIVE_REFS)
def test_welwyn_outcome_and_accountable_officer(welwyn: Imported, ref: str) -> None:
    objective = _objective(welwyn.plan, ref)
    assert _norm(_row_field(objective, "outcome")) == WELWYN_OUTCOME[ref]
    officer = WELWYN_OFFICER[ref]
    assert _who(objective["lead"]) == officer
    for action in objective["children"]:  # the objective's officer is each action's
        assert _who(action["lead"]) == officer
    for update in _subtree_updates(objective):  # and reports its progress
        assert _who([update["author"]]) == officer
