"""`asbdesk import`: a council's workbook into a desk in one go, or a clear refusal with the
desk as it was."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from asbdesk.cli import main
from asbdesk.info import desk_info

DATA = Path(__file__).parent / "data"
TODAY = date(2019, 11, 15)


def test_import_both_councils_from_the_command_line(tmp_path: Path, capsys) -> None:
    desk = tmp_path / "team.asbdesk"
    assert main(["import", str(DATA / "welwyn-hatfield-2019.xlsx"), "--desk", str(desk)]) == 0
    out = capsys.readouterr().out
    assert "6 commitments, 16 objectives, 38 actions" in out
    assert main(["import", str(DATA / "broxtowe-2019-20.xlsx"), "--desk", str(desk)]) == 0
    assert "5 targets, 16 actions" in capsys.readouterr().out
    from asbdesk.desk import open_desk

    with open_desk(desk, create=False) as opened:
        plans = desk_info(opened)["plans"]
    assert [p["title"] for p in plans] == [
        "Appendix B | Draft Anti-Social Behaviour Strategy Action Plan 2019",
        "Broxtowe Borough Council Anti-Social Behaviour Action Plan",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Target,Action\nRaise awareness,Drop-ins\n", "CSV"),
        (b"%PDF-1.7", "is a PDF"),
    ],
)
def test_a_bad_file_is_refused_and_the_desk_is_unchanged(
    demo_desk, tmp_path: Path, capsys, content: bytes, message: str
) -> None:
    bad = tmp_path / "plan.xlsx"
    bad.write_bytes(content)
    before = desk_info(demo_desk)
    assert main(["import", str(bad), "--desk", str(demo_desk.path)]) == 1
    assert message in capsys.readouterr().err
    assert desk_info(demo_desk) == before


def test_a_missing_sheet_is_named_with_the_sheets_there_are(tmp_path: Path, capsys) -> None:
    desk = tmp_path / "team.asbdesk"
    args = ["import", str(DATA / "broxtowe-2019-20.xlsx"), "--desk", str(desk), "--sheet", "Plan"]
    assert main(args) == 1
    assert "has no sheet 'Plan'. Its sheets: Action Plan, Performance." in capsys.readouterr().err


def test_a_saved_mapping_from_the_command_line(tmp_path: Path, capsys) -> None:
    from openpyxl import Workbook

    from asbdesk.json_io import export_desk

    mapping = {
        "format": "asbdesk import mapping",
        "version": 1,
        "sheet": "Q3",
        "columns": {"Area": "level", "Task": "title", "Who": "lead", "RAG": "status"},
        "level_names": ["Area", "Task"],
        "split": False,
    }
    (tmp_path / "m.json").write_text(json.dumps(mapping))
    book = Workbook()
    book.active.title = "Q3"
    for row in [
        ["Who", "Area", "Task", "RAG"],
        ["PC Jones", "Parks", "a) Patrol\nb) Lights", "Red"],
    ]:
        book.active.append(row)
    book.save(tmp_path / "q3.xlsx")
    desk = tmp_path / "team.asbdesk"
    args = ["import", str(tmp_path / "q3.xlsx"), "--desk", str(desk)]
    assert main([*args, "--mapping", str(tmp_path / "m.json")]) == 0
    assert "1 area, 1 task" in capsys.readouterr().out  # split off: one task, kept whole
    from asbdesk.desk import open_desk

    with open_desk(desk, create=False) as opened:
        task = export_desk(opened)["plans"][0]["children"][0]["children"][0]
    assert (task["title"], task["lead"], task["status"]) == (
        "a) Patrol\nb) Lights",
        ["PC Jones"],
        "red",
    )
    (tmp_path / "bad.json").write_text("{}")
    assert main([*args, "--mapping", str(tmp_path / "bad.json")]) == 1
    assert "not an asbdesk import mapping" in capsys.readouterr().err


def test_import_into_an_existing_plan_is_one_undoable_step(demo_desk) -> None:
    from asbdesk.xlsx_import import ImportPlan, ImportSource, prepare
    from asbdesk.xlsx_reading import propose_reading

    source = ImportSource(DATA / "broxtowe-2019-20.xlsx")
    prepared = prepare(source, "Action Plan", propose_reading(source.grid("Action Plan")), TODAY)
    source.close()
    before = desk_info(demo_desk, TODAY)["plans"]
    welwyn = before[1]
    command = ImportPlan(prepared.plan, into_plan_id=welwyn["id"])
    command.do(demo_desk)
    after = desk_info(demo_desk, TODAY)["plans"]
    assert len(after) == len(before)
    assert after[1]["levels"]["Commitment"] == welwyn["levels"]["Commitment"] + 5
    assert after[1]["indicators"] == welwyn["indicators"] + 7
    command.undo(demo_desk)
    assert desk_info(demo_desk, TODAY)["plans"] == before
    command.do(demo_desk)  # redo: the same records back
    assert desk_info(demo_desk, TODAY)["plans"] == after


def test_a_failing_write_leaves_the_desk_as_it_was(demo_desk) -> None:
    from asbdesk.xlsx_import import ImportPlan, ImportSource, prepare
    from asbdesk.xlsx_reading import propose_reading

    source = ImportSource(DATA / "welwyn-hatfield-2019.xlsx")
    prepared = prepare(source, "Action Plan", propose_reading(source.grid("Action Plan")), TODAY)
    before = desk_info(demo_desk, TODAY)

    class Stop(Exception):
        pass

    def stop(done: int, total: int) -> None:
        raise Stop

    prepared.plan["children"] *= 20  # enough nodes for the progress to be asked
    with pytest.raises(Stop):
        ImportPlan(prepared.plan, progress=stop).do(demo_desk)
    assert desk_info(demo_desk, TODAY) == before
