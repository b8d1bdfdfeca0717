"""`asbdesk import`: a council's workbook into a desk in one go, or a clear refusal with the
desk as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from asbdesk.cli import main
from asbdesk.info import desk_info

DATA = Path(__file__).parent / "data"


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
