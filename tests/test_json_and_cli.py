"""Tests for the demo desk, the JSON export and import, and the `asbdesk` command line."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY
from sqlalchemy import func, select

from asbdesk.cli import main
from asbdesk.desk import Desk
from asbdesk.info import desk_info
from asbdesk.json_io import FormatError, export_desk, import_plan
from asbdesk.models import Milestone, Node, Officer, Plan, Update
from asbdesk.plan_tree import PlanTree, TreeItem
from asbdesk.rag import Status

DOCS = Path(__file__).resolve().parent.parent / "docs" / "json-format.md"
BROXTOWE = "Broxtowe Borough Council Anti-Social Behaviour Action Plan 2019/20"
WELWYN = "Welwyn Hatfield Anti-Social Behaviour Strategy Action Plan 2019"


# ---------------------------------------------------------------------------------------
# Helpers


def trees(desk: Desk) -> dict[str, PlanTree]:
    with desk.session() as s:
        ids = s.scalars(select(Plan.id).order_by(Plan.position)).all()
        loaded = [PlanTree.load(desk.reader, i, TODAY) for i in ids]
    return {t.settings.title: t for t in loaded}


def by_path(t: PlanTree, *refs: str) -> TreeItem:
    """The item reached by following refs from the top: ("1", "1.3", "b)")."""
    items = t.root.children
    found: TreeItem | None = None
    for ref in refs:
        (found,) = [it for it in items if it.ref == ref]
        items = found.children
    assert found is not None
    return found


def exported_node(plan: dict[str, Any], *refs: str) -> dict[str, Any]:
    nodes = plan["children"]
    found: dict[str, Any] | None = None
    for ref in refs:
        (found,) = [n for n in nodes if n["ref"] == ref]
        nodes = found["children"]
    assert found is not None
    return found


def without_stamp(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "exported_at"}


def row_counts(desk: Desk) -> dict[str, int]:
    with desk.session() as s:
        return {
            model.__tablename__: s.scalar(select(func.count()).select_from(model)) or 0
            for model in (Plan, Node, Officer, Milestone, Update)
        }


def import_all(desk: Desk, plans: list[dict[str, Any]]) -> None:
    with desk.transaction() as s:
        for position, plan in enumerate(plans):
            import_plan(s, plan, position=position)


# ---------------------------------------------------------------------------------------
# The demo desk


def test_demo_desk_plans_and_level_counts(demo_desk: Desk) -> None:
    t = trees(demo_desk)
    assert list(t) == [BROXTOWE, WELWYN]
    assert t[BROXTOWE].level_counts() == {"Target": 5, "Action": 16}
    assert t[WELWYN].level_counts() == {"Commitment": 6, "Objective": 16, "Action": 38}


def test_demo_broxtowe_dropin_milestones(demo_desk: Desk) -> None:
    plan = export_desk(demo_desk)["plans"][0]
    node = exported_node(plan, "1", "1.1")
    assert node["target_date"] == "2020-03-31"
    assert node["lead"] == ["Communities Officer"]
    stapleford = [m for m in node["milestones"] if m["text"] == "20 x Stapleford"]
    assert [(m["target_count"], m["done_count"]) for m in stapleford] == [(20, 10)]
    assert [m["text"] for m in node["milestones"]] == [
        "40 x fortnightly community safety drop-in sessions",
        "20 x Eastwood",
        "20 x Stapleford",
    ]


def test_demo_welwyn_objective_1_3(demo_desk: Desk) -> None:
    t = trees(demo_desk)[WELWYN]
    objective = by_path(t, "1", "1.3")
    assert [c.ref for c in objective.children] == ["a)", "b)"]
    a, b = objective.children
    assert a.title.startswith("Ensure points of contact are all still relevant")
    assert b.title.startswith("Seek a digital offering for reporting noise nuisance")
    assert b.officers == ["Environmental Protection Team"]
    assert (a.status, b.status) == (Status.GREEN, Status.GREEN)
    assert t.settings.level_name(b.depth) == "Action"


def test_demo_welwyn_1_4_actions_are_red(demo_desk: Desk) -> None:
    t = trees(demo_desk)[WELWYN]
    objective = by_path(t, "1", "1.4")
    assert [(c.ref, c.status) for c in objective.children] == [
        ("a)", Status.RED),
        ("b)", Status.RED),
    ]
    assert t.effective_status(objective) is Status.RED
    assert t.effective_status(by_path(t, "1")) is Status.RED


def test_demo_rag_counts(demo_desk: Desk) -> None:
    t = trees(demo_desk)
    brox = t[BROXTOWE].rag_counts()
    assert (brox[Status.RED], brox[Status.AMBER], brox[Status.GREEN], brox[Status.BLUE]) == (
        0,
        1,
        1,
        5,
    )
    assert brox[None] == 9
    wh = t[WELWYN].rag_counts()
    assert (wh[Status.RED], wh[Status.AMBER], wh[Status.GREEN], wh[Status.BLUE]) == (8, 5, 18, 3)
    assert wh[None] == 4


# ---------------------------------------------------------------------------------------
# Export and import


def test_export_import_export_gives_the_same_plans(demo_desk: Desk, desk: Desk) -> None:
    first = export_desk(demo_desk)
    import_all(desk, first["plans"])
    second = export_desk(desk)
    assert without_stamp(second) == without_stamp(first)
    assert len(second["plans"]) == 2


def test_export_header(demo_desk: Desk) -> None:
    data = export_desk(demo_desk)
    assert data["format"] == "asbdesk-desk"
    assert data["version"] == 2
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", data["exported_at"])


def documented_keys() -> dict[str, set[str]]:
    """Every key each section of docs/json-format.md lists, by section (PLAN, NODE …)."""
    sections: dict[str, set[str]] = {}
    current = ""
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"##\s+(\w+)", line)
        if heading:
            current = heading.group(1)
            continue
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            sections.setdefault(current, set()).update(re.findall(r"`(\w+)`", first_cell))
        elif line.startswith("VALUE:"):
            sections["VALUE"] = set(re.findall(r'"(\w+)":', line))
    return sections


def test_docs_list_the_sections_we_check() -> None:
    keys = documented_keys()
    assert {"PLAN", "NODE", "MILESTONE", "UPDATE", "INDICATOR", "VALUE", "SESSION", "RISK"} <= set(
        keys
    )
    assert {"start_date", "end_date", "thresholds"} <= keys["PLAN"]
    assert {"period", "value", "partial", "available"} == keys["VALUE"]


def test_export_has_every_documented_key(demo_desk: Desk) -> None:
    keys = documented_keys()
    data = export_desk(demo_desk)
    assert {"format", "version", "exported_at", "plans"} <= set(data)
    nodes: list[dict[str, Any]] = []
    for plan in data["plans"]:
        assert keys["PLAN"] <= set(plan), keys["PLAN"] - set(plan)
        stack = list(plan["children"])
        while stack:
            n = stack.pop()
            nodes.append(n)
            stack.extend(n["children"])
    assert len(nodes) == 5 + 16 + 6 + 16 + 38
    for n in nodes:
        assert keys["NODE"] <= set(n), (n["ref"], keys["NODE"] - set(n))
    milestones = [m for n in nodes for m in n["milestones"]]
    updates = [u for n in nodes for u in n["updates"]]
    assert milestones and updates
    for m in milestones:
        assert keys["MILESTONE"] <= set(m)
    for u in updates:
        assert keys["UPDATE"] <= set(u)
        assert u["kind"] in ("progress", "status")
    indicators = data["plans"][0]["indicators"]
    assert len(indicators) == 7
    for ind in indicators:
        assert keys["INDICATOR"] <= set(ind)
        for v in ind["values"]:
            assert keys["VALUE"] <= set(v)
    broxtowe = data["plans"][0]
    assert len(broxtowe["sessions"]) == 23 and len(broxtowe["risks"]) == 5
    for session in broxtowe["sessions"]:
        assert keys["SESSION"] <= set(session)
    for risk in broxtowe["risks"]:
        assert keys["RISK"] <= set(risk)
    assert sum(bool(f["counts_towards"]) for f in broxtowe["sessions"]) == 19
    # The level is written by the plan's own names.
    welwyn = data["plans"][1]
    assert exported_node(welwyn, "1", "1.3", "b)")["level"] == "Action"
    assert exported_node(welwyn, "1", "1.3")["level"] == "Objective"
    assert welwyn["children"][0]["level"] == "Commitment"


def test_import_refuses_a_plan_already_in_the_desk(demo_desk: Desk) -> None:
    data = export_desk(demo_desk)
    before, counts = without_stamp(data), row_counts(demo_desk)
    with pytest.raises(FormatError, match="already in this desk"):
        import_all(demo_desk, [data["plans"][1]])
    assert without_stamp(export_desk(demo_desk)) == before
    assert row_counts(demo_desk) == counts


@pytest.mark.parametrize(
    ("path", "field", "value", "message"),
    [
        ((1, "1", "1.3"), "status", "purple", r"node '1\.3': status 'purple' is not one of"),
        ((0, "1", "1.1"), "target_date", "31/03/2020", r"node '1\.1': '31/03/2020' is not an ISO"),
    ],
)
def test_import_refuses_bad_values_naming_the_node_and_writes_nothing(
    demo_desk: Desk, desk: Desk, path: tuple[Any, ...], field: str, value: str, message: str
) -> None:
    plans = copy.deepcopy(export_desk(demo_desk)["plans"])
    plan_index, *refs = path
    exported_node(plans[plan_index], *refs)[field] = value
    with pytest.raises(FormatError, match=message):
        import_all(desk, plans)
    assert row_counts(desk) == {
        "plan": 0,
        "node": 0,
        "officer": 0,
        "milestone": 0,
        "progress_update": 0,
    }
    assert export_desk(desk)["plans"] == []


def test_import_names_a_node_without_a_ref_by_its_title(desk: Desk) -> None:
    plan = {
        "title": "P",
        "children": [
            {
                "ref": "",
                "title": "Promote the Blooming Garden competition",
                "updates": [{"date": "2019-13-01", "text": "x"}],
            }
        ],
    }
    with pytest.raises(FormatError, match="'Promote the Blooming Garden competition'"):
        import_all(desk, [plan])
    assert row_counts(desk)["plan"] == 0


def test_import_refuses_an_update_without_a_date(desk: Desk) -> None:
    plan = {"title": "P", "children": [{"ref": "R4", "updates": [{"text": "no date"}]}]}
    with pytest.raises(FormatError, match="node 'R4': an update has no date"):
        import_all(desk, [plan])


def test_import_refuses_something_that_is_not_a_plan(desk: Desk) -> None:
    with pytest.raises(FormatError, match="not an asbdesk plan"):
        import_all(desk, [["a", "list"]])  # type: ignore[list-item]


def test_import_fills_in_a_minimal_plan(desk: Desk) -> None:
    import_all(desk, [{"title": "Charnwood 2009-12", "children": [{"title": "Priority"}]}])
    plan = export_desk(desk)["plans"][0]
    assert plan["level_names"] == ["Action"]
    assert plan["thresholds"] == {"amber_lag": 0.0, "red_lag": 0.2}
    assert plan["rollup"] == {"status": "worst", "percent": "mean"}
    assert set(plan["colour_key"]) == {"red", "amber", "green", "blue", "grey", "not_started"}
    assert plan["uuid"] and plan["children"][0]["uuid"]
    assert plan["children"][0]["level"] == "Action"


def test_import_refuses_a_count_that_is_not_a_whole_number(desk: Desk) -> None:
    plan = {
        "title": "P",
        "children": [
            {"ref": "1.2", "milestones": [{"text": "sessions", "target_count": "twenty"}]}
        ],
    }
    with pytest.raises(FormatError, match=r"node '1\.2'"):
        import_all(desk, [plan])


def test_import_refuses_a_lead_that_is_not_a_list(desk: Desk) -> None:
    plan = {"title": "P", "children": [{"ref": "4.1", "lead": "ASB Team"}]}
    with pytest.raises(FormatError, match=r"node '4\.1'"):
        import_all(desk, [plan])


# ---------------------------------------------------------------------------------------
# The command line


BROXTOWE_RAG = (
    "  Actions by status: Red 0, Amber 1, Green 1, Blue 5, Grey 0, Not started 0, Not set 9"
)
WELWYN_RAG = (
    "  Actions by status: Red 8, Amber 5, Green 18, Blue 3, Grey 0, Not started 0, Not set 4"
)


def test_cli_info(demo_desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(demo_desk.path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"Desk: {demo_desk.path}",
        "Plans: 2",
        "",
        BROXTOWE,
        "  5 targets, 16 actions",
        BROXTOWE_RAG,
        "  7 indicators, 23 sessions (251 contacts), 5 risks (1 overdue for review)",
        "",
        WELWYN,
        "  6 commitments, 16 objectives, 38 actions",
        WELWYN_RAG,
        "  0 indicators, 0 sessions (0 contacts), 0 risks",
    ]


def test_cli_info_json(demo_desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", str(demo_desk.path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["desk"] == str(demo_desk.path)
    assert [p["title"] for p in info["plans"]] == [BROXTOWE, WELWYN]
    brox, wh = info["plans"]
    assert brox["levels"] == {"Target": 5, "Action": 16}
    assert wh["levels"] == {"Commitment": 6, "Objective": 16, "Action": 38}
    assert brox["rag"] == {
        "red": 0,
        "amber": 1,
        "green": 1,
        "blue": 5,
        "grey": 0,
        "not_started": 0,
        "not_set": 9,
    }
    assert wh["rag"]["red"] == 8
    assert sum(wh["rag"].values()) == 38
    # The demo's field work: Broxtowe's 19 drop-ins and 4 other sessions, its risk register.
    field_work = ("indicators", "sessions", "contacts", "risks", "risks_overdue_for_review")
    assert [brox[k] for k in field_work] == [7, 23, 251, 5, 1]
    assert [wh[k] for k in field_work] == [0, 0, 0, 0, 0]
    assert [info[k] for k in field_work] == [7, 23, 251, 5, 1]
    assert info == desk_info(demo_desk)


def test_cli_export_to_a_file(
    demo_desk: Desk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export.json"
    assert main(["export", str(demo_desk.path), "--format", "json", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"Wrote {out}" in captured.err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert without_stamp(data) == without_stamp(export_desk(demo_desk))
    assert not out.with_name("export.json.part").exists()


def test_cli_export_to_stdout(demo_desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(demo_desk.path), "--format", "json"]) == 0
    text = capsys.readouterr().out
    data = json.loads(text)
    assert [p["title"] for p in data["plans"]] == [BROXTOWE, WELWYN]
    assert data["plans"][0]["indicators"][0]["values"][2]["partial"] == "Q1–Q2"
    # Text is written as it is, not escaped: a partner reading the file sees the en dash.
    assert '"partial": "Q1–Q2"' in text


def test_cli_demo_writes_a_new_desk_and_refuses_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.asbdesk"
    assert main(["demo", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Plans: 2" in out
    assert BROXTOWE in out and WELWYN in out
    assert path.is_file()

    before = path.read_bytes()
    assert main(["demo", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("asbdesk: ")
    assert "already exists" in captured.err
    assert path.read_bytes() == before


def test_cli_info_on_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "missing.asbdesk"
    assert main(["info", str(path)]) == 1
    captured = capsys.readouterr()
    assert "There is no desk" in captured.err
    assert captured.out == ""
    assert not path.exists()


def test_cli_export_of_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.json"
    assert main(["export", str(tmp_path / "nope.asbdesk"), "--format", "json", "-o", str(out)]) == 1
    assert "There is no desk" in capsys.readouterr().err
    assert not out.exists()


def test_cli_info_on_a_file_that_is_not_a_desk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("minutes of the JAG meeting\n", encoding="utf-8")
    assert main(["info", str(path)]) == 1
    assert "not an asbdesk desk" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "minutes of the JAG meeting\n"


def test_python_m_asbdesk_runs_the_command_line(demo_desk: Desk) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "asbdesk", "info", str(demo_desk.path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "Plans: 2"
    assert BROXTOWE_RAG in lines


def test_field_work_survives_export_and_import_and_counts_once(demo_desk: Desk, desk: Desk) -> None:
    from asbdesk.risks import read_risks
    from asbdesk.sessions import read_sessions

    brox = export_desk(demo_desk)["plans"][0]
    import_all(desk, [brox])
    plan = desk.reader.execute("SELECT id FROM plan").fetchone()[0]
    old_plan = demo_desk.reader.execute("SELECT id FROM plan ORDER BY position").fetchone()[0]
    today = date(2019, 11, 15)

    def strip(rows: list[Any]) -> list[Any]:
        return [dataclasses.replace(r, id=0) for r in rows]

    sessions = strip(read_sessions(desk.reader, plan))
    assert sessions == strip(read_sessions(demo_desk.reader, old_plan))
    risks = [
        dataclasses.replace(r, id=0, actions=tuple(a for _i, a in r.actions))
        for r in read_risks(desk.reader, plan, today)
    ]
    assert risks == [
        dataclasses.replace(r, id=0, actions=tuple(a for _i, a in r.actions))
        for r in read_risks(demo_desk.reader, old_plan, today)
    ]
    # The drop-ins' counts came with the milestones, and were not added again.
    done = desk.reader.execute(
        "SELECT text, done_count FROM milestone WHERE text LIKE '20 x %' ORDER BY text"
    ).fetchall()
    assert done == [("20 x Eastwood", 9), ("20 x Stapleford", 10)]


@pytest.mark.parametrize(
    ("part", "change", "message"),
    [
        ("sessions", {"kind": "rave"}, "session 1: 'rave' is not a kind of session"),
        ("sessions", {"date": None}, "session 1 has no date"),
        ("sessions", {"counts_towards": "no-such-uuid"}, "session 1 counts towards a milestone"),
        ("sessions", {"contacts": -2}, "session 1: contacts -2 is not a whole number"),
        ("risks", {"severity": 7}, "risk 1: Severity runs from 1 to 5, not 7"),
        ("risks", {"likelihood": "3"}, "risk 1: Likelihood runs from 1 to 5"),
        ("risks", {"actions": ["no-such-uuid"]}, "risk 1 names a mitigating action"),
    ],
)
def test_import_refuses_bad_field_work_and_writes_nothing(
    demo_desk: Desk, desk: Desk, part: str, change: dict[str, Any], message: str
) -> None:
    brox = export_desk(demo_desk)["plans"][0]
    brox[part][0].update(change)
    with pytest.raises(FormatError, match=re.escape(message)):
        import_all(desk, [brox])
    assert desk.reader.execute("SELECT count(*) FROM plan").fetchone() == (0,)
    assert desk.reader.execute("SELECT count(*) FROM field_session").fetchone() == (0,)


def test_sessions_of_a_deleted_action_export_and_import_without_their_milestone(
    demo_desk: Desk, desk: Desk
) -> None:
    from asbdesk.commands import DeleteNode
    from asbdesk.sessions import read_sessions

    plan = demo_desk.reader.execute("SELECT id FROM plan ORDER BY position").fetchone()[0]
    action = demo_desk.reader.execute(
        "SELECT node_id FROM milestone WHERE text = '20 x Eastwood'"
    ).fetchone()[0]
    DeleteNode(action).do(demo_desk)
    shown = read_sessions(demo_desk.reader, plan)
    assert {s.milestone for s in shown} == {""}  # the deleted action's milestone is not named
    brox = export_desk(demo_desk)["plans"][0]
    assert len(brox["sessions"]) == 23
    assert {s["counts_towards"] for s in brox["sessions"]} == {None}
    import_all(desk, [brox])
    assert desk.reader.execute("SELECT count(*) FROM field_session").fetchone() == (23,)
