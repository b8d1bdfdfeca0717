"""The committee status report (asbdesk.report), read back from the PDF with pypdf."""

from __future__ import annotations

import re
from datetime import date

import pytest
from conftest import TODAY
from pypdf import PdfReader
from xlsx_helpers import node, plan_id

from asbdesk.cli import main
from asbdesk.commands import AddUpdate
from asbdesk.models import Indicator, IndicatorValue, Node
from asbdesk.periods import Quarter
from asbdesk.rag import Status
from asbdesk.report import ReportError, ReportOptions, reporting_period, write_report
from asbdesk.risks import SEVERITY_WORDS, AddRisk, RiskFields, band, heat_map, read_risks
from asbdesk.sessions import LogSession, SessionFields, read_sessions


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


def add_rated_update(desk, node_id, on, status):
    AddUpdate(node_id, on, Quarter.of(on).label, "Reviewed", "Test", status).do(desk)


def test_direction_of_travel_compares_with_the_end_of_the_previous_quarter(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Welwyn")
    green, _ = node(demo_desk, plan, "a)", "Finalise draft ASB Policy")  # Green now
    red, _ = node(demo_desk, plan, "a)", "Ensure as many cases as possible")  # Red now
    blue, _ = node(demo_desk, plan, "a)", "Train ASB and neighbourhood staff")  # Blue now
    add_rated_update(demo_desk, green, date(2019, 8, 1), Status.RED)
    add_rated_update(demo_desk, red, date(2019, 9, 30), Status.GREEN)  # the quarter's last day
    add_rated_update(demo_desk, blue, date(2019, 10, 1), Status.RED)  # after: not compared
    result = write_report(
        demo_desk,
        ReportOptions(plan, period="Progress update – Q3 2019/20", sections=("summary",)),
        tmp_path / "r.pdf",
        today=TODAY,
    )
    text = flat(text_of(result.path))
    assert "Direction of travel since Q2 2019/20" in text
    assert "end of Q2 2019/20 (30/09/2019): 1 improved, 1 worse," in text
    travel = text[text.index("Direction of travel") :]
    assert "Improved 1.1 a) Finalise draft ASB Policy Red Green" in travel
    assert "Worse 1.4 a) Ensure as many cases" in travel
    assert "Train ASB" not in travel
    counts = re.search(r"(\d+) improved, (\d+) worse, (\d+) unchanged, (\d+) with no", text)
    assert sum(int(n) for n in counts.groups()) == result.actions == 38
    # A year's report compares with the year before it.
    yearly = write_report(
        demo_desk,
        ReportOptions(plan, period="Annual report 2019/20", sections=("summary",)),
        tmp_path / "y.pdf",
        today=TODAY,
    )
    assert "end of 2018/19 (31/03/2019): 0 improved, 0 worse" in flat(text_of(yearly.path))


def test_reporting_period_is_read_from_the_period_text():
    assert reporting_period("Progress update – Q3 2019/20", TODAY) == Quarter.of(TODAY)
    assert reporting_period("Q1 2020-21 update", TODAY).label == "Q1 2020/21"
    assert reporting_period("Annual report 2018/19", TODAY).label == "2018/19"
    assert reporting_period("Autumn update", TODAY) == Quarter.of(TODAY)
    assert reporting_period("2019/21 then Q4 2019/20", TODAY).label == "Q4 2019/20"


def test_summary_chart_and_indicators_are_in_the_report(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Broxtowe")
    result = write_report(demo_desk, ReportOptions(plan), tmp_path / "r.pdf", today=TODAY)
    reader = PdfReader(result.path)
    summary = flat(reader.pages[1].extract_text())
    # The chart: a bar per heading (the whole plan on top), its axis, and a key of the
    # statuses the bars show, and only those (Broxtowe has no red).
    chart = summary[summary.index("leaseholders 1 1") + len("leaseholders 1 1") :]
    assert "Whole plan 0 5 10 15 Amber Green Blue Not set Direction of travel" in chart
    indicators = flat(text_of(result.path))
    indicators = indicators[indicators.index("Indicators Reports of") :]
    for words in (
        "Hate Crime Incidents",
        "Number of Hate Crime Incidents reported (higher is better) 128 107 68 (Q1–Q2)",
        "Not yet available",
        "2017/18 2018/19 2019/20",
    ):
        assert words in indicators
    welwyn = write_report(
        demo_desk,
        ReportOptions(plan_id(demo_desk, "Welwyn"), sections=("indicators",)),
        tmp_path / "w.pdf",
        today=TODAY,
    )
    assert "The plan has no indicators." in text_of(welwyn.path)


def test_my_actions_sheet_holds_exactly_the_officers_actions(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Welwyn")
    led = demo_desk.reader.execute(
        "SELECT n.ref, n.title FROM node n JOIN node_officer x ON x.node_id = n.id"
        " JOIN officer o ON o.id = x.officer_id WHERE n.plan_id = ? AND o.name = 'ASB Team'"
        " AND n.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM node c WHERE c.parent_id = n.id"
        " AND c.deleted_at IS NULL)",
        (plan,),
    ).fetchall()
    result = write_report(
        demo_desk,
        ReportOptions(plan, kind="actions", officer="ASB Team", orientation="portrait"),
        tmp_path / "sheet.pdf",
        today=TODAY,
    )
    text = flat(text_of(result.path))
    assert text.startswith("Actions for ASB Team")
    assert f"{len(led)} actions: Red" in text
    assert result.actions == len(led) == 28
    for _ref, title in led:
        assert flat(" ".join(title.split()[:3])) in text
    assert "Notes" in text and "Exceptions" not in text
    with pytest.raises(ReportError, match="for one officer or one partner"):
        write_report(demo_desk, ReportOptions(plan, kind="actions"), tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_progress_reaches_the_end_and_cancel_leaves_no_file(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Welwyn")
    seen = []
    write_report(
        demo_desk,
        ReportOptions(plan),
        tmp_path / "r.pdf",
        today=TODAY,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert len(seen) > 13  # at least one a page
    assert seen == sorted(seen) and seen[-1][0] == seen[-1][1]

    class Stop(Exception):
        pass

    def cancel(done, total):
        if done > total // 2:
            raise Stop

    with pytest.raises(Stop):
        write_report(demo_desk, ReportOptions(plan), tmp_path / "c.pdf", progress=cancel)
    assert sorted(p.name for p in tmp_path.glob("*.pdf*")) == ["r.pdf"]


def test_cli_sections_and_my_actions(demo_desk, tmp_path, capsys):
    out = tmp_path / "sheet.pdf"
    base = ["report", str(demo_desk.path), "--plan", "welwyn", "-o", str(out)]
    assert main([*base, "--my-actions", "--officer", "ASB Team"]) == 0
    assert "28 actions" in capsys.readouterr().out
    assert "Actions for ASB Team" in text_of(out)
    assert main([*base, "--sections", "summary,key"]) == 0
    text = text_of(out)
    assert "Colour key" in text and "Exceptions" not in text
    assert main([*base, "--sections", "summary,charts"]) == 1
    assert "No section charts" in capsys.readouterr().err


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
def test_many_headings_and_many_periods_fit_the_page(demo_desk, tmp_path, orientation):
    """A chart bar per heading and a column per period: 24 headings and 12 quarters still
    fit A4 either way round, with the latest quarters shown in order."""
    plan = plan_id(demo_desk, "Broxtowe")
    quarters = [f"Q{q} {y}/{(y + 1) % 100:02d}" for y in (2016, 2017, 2018) for q in (1, 2, 3, 4)]
    with demo_desk.transaction() as s:
        for i in range(24):
            top = Node(
                plan_id=plan, parent_id=None, position=50 + i, ref=f"H{i}", title=f"Heading {i}"
            )
            s.add(top)
            s.flush()
            s.add(
                Node(plan_id=plan, parent_id=top.id, position=0, ref="1", title="Act", status="red")
            )
        ind = Indicator(plan_id=plan, position=99, group="Quarterly", name="Calls", unit="count")
        s.add(ind)
        s.flush()
        for position, label in enumerate(reversed(quarters)):  # stored newest first
            s.add(
                IndicatorValue(indicator_id=ind.id, position=position, period=label, value=position)
            )
    result = write_report(
        demo_desk, ReportOptions(plan, orientation=orientation), tmp_path / "r.pdf", today=TODAY
    )
    text = flat(text_of(result.path))
    assert "Heading 23" in text
    shown = quarters[-8:] if orientation == "landscape" else quarters[-3:]
    assert f"Indicator {' '.join(shown)} Target Trend" in text


def test_field_work_and_the_risk_register_are_in_the_report(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Broxtowe")
    result = write_report(
        demo_desk,
        ReportOptions(plan, sections=("sessions", "risks")),
        tmp_path / "r.pdf",
        today=date(2027, 1, 1),  # after two of the demo risks' review dates
    )
    text = flat(text_of(result.path))
    assert "Field work 23 sessions since 03/04/2019, with 251 contacts." in text
    # The quarters' totals: the demo's 19 drop-ins, 2 roadshows, a patrol and a litter pick.
    assert "Quarter Sessions Drop-in Roadshow Patrol Litter pick Contacts" in text
    assert "Q1 2019/20 9 8 1 95 Nuisance 6" in text
    assert "Total 23 19 2 1 1 251 Nuisance 13" in text
    assert "Risk register 5 risks" in text
    risks = read_risks(demo_desk.reader, plan, date(2027, 1, 1))
    overdue = [r for r in risks if r.overdue]
    assert f"{len(overdue)} reviews overdue at 01/01/2027" in text
    assert text.count("– overdue") == len(overdue) >= 1
    # The heat map: a count in each filled cell, row by row from severity 5 down.
    heat = text[text.index("risks in each cell") + 18 : text.index("1 Rare")]
    for severity, word in SEVERITY_WORDS.items():
        heat = heat.replace(f"{severity} {word}", "|")
    cells = [[int(n) for n in row.split()] for row in heat.split("|")[1:]]
    expected = [
        [len(heat_map(risks)[(sev, lk)]) for lk in range(1, 6) if heat_map(risks)[(sev, lk)]]
        for sev in (5, 4, 3, 2, 1)
    ]
    assert cells == expected and sum(map(sum, cells)) == 5
    for r in risks:
        assert f"{r.score} {band(r.score)[0]} {r.description[:20]}" in text
    welwyn = write_report(
        demo_desk,
        ReportOptions(plan_id(demo_desk, "Welwyn"), sections=("sessions", "risks")),
        tmp_path / "w.pdf",
        today=TODAY,
    )
    text = flat(text_of(welwyn.path))
    assert "No sessions have been logged for this plan." in text
    assert "The plan has no risks in its register." in text
    assert welwyn.pages == 2  # the cover, then both empty sections on one page


def test_portrait_field_work_with_every_kind_and_a_very_long_risk_fit(demo_desk, tmp_path):
    """Found in review: six kinds of session left the categories no width in portrait,
    and a risk of a few paragraphs was a row taller than a page; both failed the report."""
    plan = plan_id(demo_desk, "Broxtowe")
    for kind in ("campaign", "meeting"):
        LogSession(plan, SessionFields(date(2019, 10, 1), "Beeston", kind, contacts=3)).do(
            demo_desk
        )
    AddRisk(plan, RiskFields("Funding. " + "The grant may not be renewed. " * 200, 3, 3)).do(
        demo_desk
    )
    result = write_report(
        demo_desk,
        ReportOptions(plan, orientation="portrait", sections=("sessions", "risks")),
        tmp_path / "r.pdf",
        today=TODAY,
    )
    text = flat(text_of(result.path))
    assert "Quarter Sessions By kind Contacts" in text
    assert "Drop-in 5, Patrol 1, Campaign 1, Meeting 1" in text  # Q3 2019/20
    # All of it is printed, over several pages (a sentence split by a page's footer and
    # the next page's header is not found whole).
    assert text.count("The grant may not be renewed.") >= 195 and result.pages >= 5


def test_overdue_and_due_next_quarter_are_as_at_the_end_of_the_period(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Welwyn")
    result = write_report(
        demo_desk,
        ReportOptions(plan, period="Progress update – Q3 2019/20", sections=("due",)),
        tmp_path / "r.pdf",
        today=date(2026, 11, 29),  # printed years later
    )
    text = flat(text_of(result.path))
    assert "Overdue at 31/12/2019" in text and "Due next quarter (Q4 2019/20)" in text
    assert "Printed 29/11/2026" in text


def test_field_work_for_a_partner_counts_the_sessions_they_were_at(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Broxtowe")
    police = [
        r for r in read_sessions(demo_desk.reader, plan) if "Nottinghamshire Police" in r.partners
    ]
    assert 0 < len(police) < 23
    result = write_report(
        demo_desk,
        ReportOptions(plan, sections=("sessions",), partner="Nottinghamshire Police"),
        tmp_path / "p.pdf",
        today=TODAY,
    )
    text = flat(text_of(result.path))
    assert (
        f"Field work {len(police)} sessions with Nottinghamshire Police present since "
        f"{min(r.on for r in police):%d/%m/%Y}, with {sum(r.contacts for r in police)} "
        "contacts." in text
    )
