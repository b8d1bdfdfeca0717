"""Field sessions (asbdesk.sessions): logging moves milestones, totals per quarter."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import date

import pytest
from conftest import TODAY
from openpyxl import load_workbook
from xlsx_helpers import node, plan_id

from asbdesk.commands import AddMilestone, EditMilestone
from asbdesk.plan_tree import PlanTree
from asbdesk.rag import Status
from asbdesk.sessions import (
    DeleteSession,
    EditSession,
    LogSession,
    SessionError,
    SessionFields,
    SessionFilter,
    countable_milestones,
    grand_total,
    places,
    read_sessions,
    totals_by_place,
    totals_by_quarter,
)
from asbdesk.xlsx_export import ExportOptions, write_workbook


def milestone(desk, plan, text):
    return desk.reader.execute(
        "SELECT m.id, m.done_count, m.target_count FROM milestone m JOIN node n"
        " ON n.id = m.node_id WHERE n.plan_id = ? AND m.text = ?",
        (plan, text),
    ).fetchone()


def drop_in(on, place="Stapleford", **kw):
    return SessionFields(on=on, place=place, officers=("Communities Officer",), **kw)


def test_logging_sessions_moves_the_milestone_and_the_suggested_status(demo_desk):
    plan = plan_id(demo_desk, "Broxtowe")
    ms, done, target = milestone(demo_desk, plan, "20 x Stapleford")
    action, _ = node(demo_desk, plan, "1.1")
    assert (done, target) == (10, 20)
    demo_sessions = len(read_sessions(demo_desk.reader, plan))  # the demo's 23, 10 of them here
    before = PlanTree.load(demo_desk.reader, plan, TODAY)
    item = before.by_id[action]
    assert (item.delivery.done, item.delivery.target) == (19, 40)
    assert before.suggestion(item).status is Status.AMBER  # 48 % done, 62 % of the year gone

    logged = []
    for day in range(1, 8):
        cmd = LogSession(plan, drop_in(date(2019, 11, day), milestone_id=ms, contacts=3))
        cmd.do(demo_desk)
        logged.append(cmd)
    assert milestone(demo_desk, plan, "20 x Stapleford")[1] == 17
    after = PlanTree.load(demo_desk.reader, plan, TODAY)
    assert (after.by_id[action].delivery.done, after.by_id[action].delivery.target) == (26, 40)
    suggestion = after.suggestion(after.by_id[action])
    assert suggestion.status is Status.GREEN and "26 of 40 delivered" in suggestion.why

    # Undo takes its one back; redo puts it back; deleting takes it away.
    logged[-1].undo(demo_desk)
    assert milestone(demo_desk, plan, "20 x Stapleford")[1] == 16
    logged[-1].do(demo_desk)
    assert milestone(demo_desk, plan, "20 x Stapleford")[1] == 17
    delete = DeleteSession(plan, logged[0].session_id)
    delete.do(demo_desk)
    assert milestone(demo_desk, plan, "20 x Stapleford")[1] == 16
    assert len(read_sessions(demo_desk.reader, plan)) == demo_sessions + 6
    delete.undo(demo_desk)
    assert milestone(demo_desk, plan, "20 x Stapleford")[1] == 17

    # Moving a session to Eastwood moves its count there.
    east = milestone(demo_desk, plan, "20 x Eastwood")[0]
    edit = EditSession(
        plan, logged[1].session_id, drop_in(date(2019, 11, 2), "Eastwood", milestone_id=east)
    )
    edit.do(demo_desk)
    assert milestone(demo_desk, plan, "20 x Stapleford")[1] == 16
    assert milestone(demo_desk, plan, "20 x Eastwood")[1] == 10
    edit.undo(demo_desk)
    assert milestone(demo_desk, plan, "20 x Stapleford")[1] == 17
    assert milestone(demo_desk, plan, "20 x Eastwood")[1] == 9
    assert [s.place for s in read_sessions(demo_desk.reader, plan)].count("Stapleford") == 17


def test_totals_per_quarter_split_at_the_financial_year(demo_desk):
    plan = plan_id(demo_desk, "Welwyn")  # no sessions of its own
    for on, contacts, categories in (
        (date(2019, 1, 1), 4, ("Noise",)),
        (date(2019, 3, 31), 5, ("Noise", "Street drinking")),
        (date(2019, 4, 1), 7, ("Litter and rubbish",)),
        (date(2019, 6, 30), 1, ()),
        (date(2019, 7, 1), 2, ("Environmental",)),
    ):
        LogSession(plan, drop_in(on, contacts=contacts, categories=categories)).do(demo_desk)
    totals = totals_by_quarter(read_sessions(demo_desk.reader, plan))
    assert [(t.label, t.sessions, t.contacts) for t in totals] == [
        ("Q4 2018/19", 2, 9),
        ("Q1 2019/20", 2, 8),
        ("Q2 2019/20", 1, 2),
    ]
    assert totals[0].categories == {"Noise": 2, "Street drinking": 1}
    assert totals[1].categories == {"Litter and rubbish": 1}


def test_totals_per_place_take_a_place_in_any_case_as_one(demo_desk):
    plan = plan_id(demo_desk, "Welwyn")  # no sessions of its own
    for on, place, contacts in (
        (date(2019, 10, 1), "Eastwood", 3),
        (date(2019, 10, 8), "Stapleford", 5),
        (date(2019, 10, 15), "stapleford", 2),
        (date(2019, 10, 22), "Beeston", 9),
    ):
        LogSession(plan, drop_in(on, place, contacts=contacts)).do(demo_desk)
    rows = read_sessions(demo_desk.reader, plan)
    by_place = totals_by_place(rows)
    # The busiest first, then by name; labelled as the newest session has the place.
    assert [(t.label, t.sessions, t.contacts) for t in by_place] == [
        ("stapleford", 2, 7),
        ("Beeston", 1, 9),
        ("Eastwood", 1, 3),
    ]
    whole = grand_total(rows)
    assert sum(t.sessions for t in by_place) == whole.sessions == 4
    assert sum(t.contacts for t in by_place) == whole.contacts == 19


def test_the_list_filters_by_place_kind_period_and_officer(demo_desk):
    plan = plan_id(demo_desk, "Welwyn")  # no sessions of its own
    LogSession(plan, drop_in(date(2019, 10, 1), "Eastwood")).do(demo_desk)
    LogSession(plan, drop_in(date(2019, 10, 8), "Stapleford", kind="patrol")).do(demo_desk)
    LogSession(
        plan,
        SessionFields(date(2019, 10, 15), "stapleford", officers=("ASB Team",), kind="patrol"),
    ).do(demo_desk)
    con = demo_desk.reader
    assert [p.casefold() for p in places(con, plan)] == ["stapleford", "eastwood"]
    assert len(read_sessions(con, plan, SessionFilter(place="STAPLEFORD"))) == 2
    assert len(read_sessions(con, plan, SessionFilter(kind="patrol"))) == 2
    assert len(read_sessions(con, plan, SessionFilter(officer="asb team"))) == 1
    oct_8 = SessionFilter(start=date(2019, 10, 2), end=date(2019, 10, 8))
    assert [s.on for s in read_sessions(con, plan, oct_8)] == [date(2019, 10, 8)]
    newest = read_sessions(con, plan)[0]
    assert newest.officers == ("ASB Team",) and newest.kind_word == "Patrol"


def test_a_session_that_cannot_be_saved_says_why_and_saves_nothing(demo_desk):
    plan = plan_id(demo_desk, "Broxtowe")
    no_count = demo_desk.reader.execute(
        "SELECT m.id FROM milestone m JOIN node n ON n.id = m.node_id"
        " WHERE n.plan_id = ? AND m.target_count IS NULL",
        (plan,),
    ).fetchone()[0]
    welwyn = plan_id(demo_desk, "Welwyn")
    elsewhere = AddMilestone(node(demo_desk, welwyn, "a)", "Create risk assessment")[0], "4 x", 4)
    elsewhere.do(demo_desk)
    before = read_sessions(demo_desk.reader, plan)
    cases = [
        (drop_in(TODAY, " "), "Say where"),
        (drop_in(TODAY, kind="rave"), "not a kind of session"),
        (drop_in(TODAY, contacts=-1), "below 0"),
        (drop_in(TODAY, categories=("Loitering",)), "Not an ASB category: Loitering"),
        (drop_in(TODAY, milestone_id=no_count), "has no count"),
    ]
    cases.append((drop_in(TODAY, milestone_id=elsewhere.milestone_id), "not in this plan"))
    for fields, message in cases:
        with pytest.raises(SessionError, match=message):
            LogSession(plan, fields).do(demo_desk)
    assert read_sessions(demo_desk.reader, plan) == before


def test_countable_milestones_say_how_far_they_are(demo_desk):
    plan = plan_id(demo_desk, "Broxtowe")
    labels = [m.label for m in countable_milestones(demo_desk.reader, plan)]
    assert any(label.endswith("20 x Stapleford (10 of 20 done)") for label in labels)
    assert all("of" in label for label in labels)


def test_session_totals_go_into_the_excel_export(demo_desk, tmp_path):
    plan = plan_id(demo_desk, "Welwyn")
    path = tmp_path / "w.xlsx"
    write_workbook(demo_desk, ExportOptions(plan, for_partners=False), path, today=TODAY)
    assert "Sessions" not in load_workbook(path).sheetnames  # none logged: no sheet
    for on, place, kind, contacts, categories in (
        (date(2019, 3, 31), "Hatfield", "drop-in", 4, ("Noise",)),
        (date(2019, 4, 1), "Welwyn Garden City", "patrol", 7, ("Noise", "Begging")),
        (date(2019, 4, 2), "Hatfield", "drop-in", 2, ()),
    ):
        fields = SessionFields(on, place, kind, ("ASB Team",), ("HPFT",), contacts)
        LogSession(plan, replace(fields, categories=categories, notes="Mr X at no. 4")).do(
            demo_desk
        )
    write_workbook(demo_desk, ExportOptions(plan), path, today=TODAY)
    rows = list(load_workbook(path)["Sessions"].iter_rows(values_only=True))
    assert rows == [
        ("Quarter", "Sessions", "Drop-in", "Patrol", "Contacts", "ASB categories raised"),
        ("Q4 2018/19", 1, 1, 0, 4, "Noise 1"),
        ("Q1 2019/20", 2, 1, 1, 9, "Begging 1, Noise 1"),
        ("Total", 3, 2, 1, 13, "Noise 2, Begging 1"),
        (None, None, None, None, None, None),
        ("Place", "Sessions", "Drop-in", "Patrol", "Contacts", "ASB categories raised"),
        ("Hatfield", 2, 2, 0, 6, "Noise 1"),
        ("Welwyn Garden City", 1, 0, 1, 7, "Begging 1, Noise 1"),
    ]
    # Totals only: what was said at a session stays in the desk.
    with zipfile.ZipFile(path) as z:
        assert not any(b"Mr X" in z.read(name) for name in z.namelist())
    write_workbook(demo_desk, ExportOptions(plan, indicators=False), path, today=TODAY)
    assert "Sessions" not in load_workbook(path).sheetnames


def test_undo_gives_back_exactly_what_was_taken_from_a_count_lowered_by_hand(demo_desk):
    plan = plan_id(demo_desk, "Broxtowe")
    ms, _done, _target = milestone(demo_desk, plan, "20 x Stapleford")
    action = node(demo_desk, plan, "1.1")[0]
    log = LogSession(plan, drop_in(TODAY, milestone_id=ms))
    log.do(demo_desk)  # 10 -> 11
    by_hand = EditMilestone(action, ms, {"done_count": 0})
    by_hand.do(demo_desk)
    delete = DeleteSession(plan, log.session_id)
    delete.do(demo_desk)  # nothing left to take
    assert milestone(demo_desk, plan, "20 x Stapleford")[1] == 0
    delete.undo(demo_desk)  # gives back nothing: it took nothing
    assert milestone(demo_desk, plan, "20 x Stapleford")[1] == 0
    by_hand.undo(demo_desk)
    assert milestone(demo_desk, plan, "20 x Stapleford")[1] == 11
    log.undo(demo_desk)
    log.do(demo_desk)
    assert milestone(demo_desk, plan, "20 x Stapleford")[1] == 11


def test_a_session_whose_milestone_lost_its_count_can_still_be_edited(demo_desk):
    plan = plan_id(demo_desk, "Broxtowe")
    ms, done, _target = milestone(demo_desk, plan, "20 x Eastwood")
    action = node(demo_desk, plan, "1.1")[0]
    (session,) = [r for r in read_sessions(demo_desk.reader, plan) if r.on == date(2019, 10, 23)]
    EditMilestone(action, ms, {"target_count": None}).do(demo_desk)
    edit = EditSession(plan, session.id, replace(session.fields, notes="Bus shelter"))
    edit.do(demo_desk)
    (after,) = [r for r in read_sessions(demo_desk.reader, plan) if r.id == session.id]
    assert (after.notes, after.milestone_id) == ("Bus shelter", ms)
    assert milestone(demo_desk, plan, "20 x Eastwood")[1] == done
