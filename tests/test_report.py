"""The committee status report (asbdesk.report), read back from the PDF with pypdf."""

from __future__ import annotations

import re

import pytest
from conftest import TODAY
from pypdf import PdfReader
from xlsx_helpers import plan_id

from asbdesk.cli import main
from asbdesk.models import Node
from asbdesk.rag import Status
from asbdesk.report import ReportError, ReportOptions, write_report


def text_of(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def live_actions(desk, plan):
    """(ref, title, status) of the plan's actions (nodes with no live children)."""
    return desk.reader.execute(
        "SELECT n.ref, n.title, n.status FROM node n WHERE n.plan_id = ? AND n.deleted_at IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM node c WHERE c.parent_id = n.id AND c.deleted_at IS NULL)",
        (plan,),
    ).fetchall()


@pytest.mark.parametrize("part", ["Broxtowe", "Welwyn"])
def test_every_action_is_in_the_report_with_its_status_word(demo_desk, tmp_path, part):
    plan = plan_id(demo_desk, part)
    result = write_report(demo_desk, ReportOptions(plan), tmp_path / "r.pdf", today=TODAY)
    text = flat(text_of(result.path))
    actions = live_actions(demo_desk, plan)
    assert result.actions == len(actions)
    for ref, title, _status in actions:
        assert ref in text
        # Long titles wrap inside their cell; their first words are on one line.
        assert flat(" ".join(title.split()[:4])) in text, title
    for status in {s for _r, _t, s in actions if s}:
        assert Status(status).word in text
    assert "Page 1 of" in text and f"Page {result.pages} of {result.pages}" in text
    assert "Printed 15/11/2019" in text


def test_the_exceptions_are_exactly_the_red_and_amber_actions(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Welwyn")
    result = write_report(demo_desk, ReportOptions(plan), tmp_path / "r.pdf", today=TODAY)
    red_amber = [a for a in live_actions(demo_desk, plan) if a[2] in ("red", "amber")]
    assert len(result.exceptions) == len(red_amber) == 13  # the seed's R8 A5
    text = text_of(result.path)
    section = text[text.index("Exceptions: red and amber actions") : text.index("Overdue at")]
    assert section.count("Red") == 8  # the heading says "red" in lower case
    assert section.count("Amber") == 5
    for full in result.exceptions:
        assert full.split()[-1] in section


def test_the_report_grows_with_the_plan_and_embeds_its_fonts(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Broxtowe")
    small = write_report(demo_desk, ReportOptions(plan), tmp_path / "a.pdf", today=TODAY)
    with demo_desk.transaction() as s:
        parent = s.query(Node).filter_by(plan_id=plan, parent_id=None, deleted_at=None).first()
        for i in range(60):
            s.add(
                Node(
                    plan_id=plan,
                    parent_id=parent.id,
                    position=100 + i,
                    ref=f"9.{i}",
                    title=f"Extra action {i}: budget £{i}00 – patrols",
                )
            )
    big = write_report(
        demo_desk,
        ReportOptions(plan, period="Progress update – Q3 2019/20"),
        tmp_path / "b.pdf",
        today=TODAY,
    )
    assert big.pages > small.pages
    text = text_of(big.path)
    assert "budget £500 – patrols" in text
    assert "Progress update – Q3 2019/20" in text
    reader = PdfReader(big.path)
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        descendants = font.get("/DescendantFonts")
        descriptor = (
            descendants[0].get_object()["/FontDescriptor"]
            if descendants
            else font.get("/FontDescriptor")
        )
        assert descriptor is not None and "/FontFile2" in descriptor.get_object(), name


def test_filters_reach_the_report_and_nothing_to_report_is_said(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Welwyn")
    result = write_report(
        demo_desk,
        ReportOptions(plan, statuses=frozenset({Status.RED})),
        tmp_path / "red.pdf",
        today=TODAY,
    )
    assert result.actions == 8
    with pytest.raises(ReportError, match="Nothing in the plan matches"):
        write_report(demo_desk, ReportOptions(plan, partner="Nobody"), tmp_path / "n.pdf")
    with pytest.raises(ReportError, match="does not exist"):
        write_report(demo_desk, ReportOptions(plan), tmp_path / "no" / "r.pdf")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == ["red.pdf"]


def test_cli_report(demo_desk, tmp_path, capsys):
    out = tmp_path / "brox.pdf"
    args = ["report", str(demo_desk.path), "--plan", "broxtowe", "-o", str(out)]
    assert main([*args, "--period", "Q3 2019/20", "--portrait"]) == 0
    assert "16 actions" in capsys.readouterr().out
    assert "Q3 2019/20" in text_of(out)
