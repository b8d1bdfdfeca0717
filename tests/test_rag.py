"""Tests for asbdesk.rag: the suggested status, disagreements and the roll-up rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import TODAY
from sqlalchemy import select

from asbdesk.desk import Desk
from asbdesk.models import Plan
from asbdesk.plan_tree import PlanTree, TreeItem
from asbdesk.rag import (
    Delivery,
    Status,
    Suggestion,
    Thresholds,
    disagreement,
    mean_percent,
    suggest,
    worst,
)

START = date(2019, 4, 1)
# 100 days from the start, so "n days gone" is exactly n % of the time.
TARGET = START + timedelta(days=100)
HALFWAY = START + timedelta(days=50)
DEFAULT_THRESHOLDS = Thresholds()  # amber beyond 0 %, red beyond 20 %


def _suggest(
    done: int,
    target: int,
    *,
    today: date = HALFWAY,
    start: date | None = START,
    target_date: date | None = TARGET,
    status: Status | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Suggestion | None:
    return suggest(
        today=today,
        start=start,
        target_date=target_date,
        delivery=Delivery(done, target),
        status=status,
        thresholds=thresholds,
    )


# ---------------------------------------------------------------------------------------
# suggest


def test_target_date_passed_and_not_complete_is_red_naming_the_date() -> None:
    s = _suggest(9, 10, today=TARGET + timedelta(days=1), target_date=date(2019, 7, 10))
    assert s is not None
    assert s.status is Status.RED
    assert "10/07/2019" in s.why
    assert "passed" in s.why


def test_target_date_passed_without_counts_is_red() -> None:
    s = _suggest(0, 0, today=date(2020, 4, 1), target_date=date(2020, 3, 31))
    assert s is not None and s.status is Status.RED
    assert "31/03/2020" in s.why


def test_on_the_target_date_itself_it_has_not_passed() -> None:
    s = _suggest(10, 20, today=TARGET)  # 50 % delivered, all the time gone
    assert s is not None
    assert s.status is Status.RED
    assert "passed" not in s.why
    assert "100% of the time gone" in s.why


def test_all_milestones_delivered_is_blue_even_after_the_target_date() -> None:
    s = _suggest(12, 12, today=TARGET + timedelta(days=30))
    assert s is not None
    assert s.status is Status.BLUE
    assert "12" in s.why


def test_more_done_than_targeted_counts_as_delivered() -> None:
    s = _suggest(15, 10)
    assert s is not None and s.status is Status.BLUE


def test_lag_zero_is_green() -> None:
    s = _suggest(5, 10)  # 50 % delivered, 50 % of the time gone
    assert s is not None
    assert s.status is Status.GREEN
    assert "5 of 10 delivered (50%) with 50% of the time gone" in s.why


def test_ahead_of_schedule_is_green() -> None:
    s = _suggest(9, 10)
    assert s is not None and s.status is Status.GREEN


def test_lag_of_a_tenth_is_amber() -> None:
    s = _suggest(4, 10)  # 40 % delivered, 50 % gone
    assert s is not None
    assert s.status is Status.AMBER
    assert "4 of 10 delivered (40%)" in s.why


def test_lag_of_exactly_red_lag_is_still_amber() -> None:
    s = _suggest(3, 10)  # 30 % delivered, 50 % gone: 20 % behind, not more
    assert s is not None
    assert s.status is Status.AMBER


def test_lag_of_exactly_red_lag_is_amber_late_in_the_plan() -> None:
    s = _suggest(7, 10, today=START + timedelta(days=90))  # 70 % delivered, 90 % gone
    assert s is not None
    assert s.status is Status.AMBER


def test_lag_of_a_quarter_is_red() -> None:
    s = _suggest(25, 100)  # 25 % delivered, 50 % gone
    assert s is not None
    assert s.status is Status.RED
    assert "more than 20% behind" in s.why


def test_grey_never_gets_a_suggestion() -> None:
    assert _suggest(0, 10, status=Status.GREY) is None
    assert _suggest(10, 10, status=Status.GREY) is None
    assert _suggest(0, 0, status=Status.GREY, today=TARGET + timedelta(days=5)) is None


def test_no_evidence_gives_no_suggestion() -> None:
    assert _suggest(0, 0, target_date=None) is None
    # counts but no target date: nothing to measure the time against
    assert _suggest(3, 10, target_date=None) is None
    # a target date still ahead, but nothing countable
    assert _suggest(0, 0) is None


def test_no_plan_start_gives_no_time_based_suggestion() -> None:
    assert _suggest(3, 10, start=None) is None


def test_start_on_or_after_the_target_date_gives_no_time_based_suggestion() -> None:
    assert _suggest(3, 10, start=TARGET) is None


def test_blue_marked_with_no_counts_gets_no_suggestion() -> None:
    assert _suggest(0, 0, status=Status.BLUE) is None
    assert _suggest(0, 0, status=Status.BLUE, today=TARGET + timedelta(days=10)) is None


def test_blue_marked_with_counts_behind_is_judged_by_the_counts() -> None:
    s = _suggest(1, 10, status=Status.BLUE)
    assert s is not None and s.status is Status.RED


def test_start_after_today_means_no_time_has_gone() -> None:
    s = _suggest(0, 10, today=START - timedelta(days=30))
    assert s is not None
    assert s.status is Status.GREEN
    assert "with 0% of the time gone" in s.why


def test_custom_thresholds() -> None:
    lenient = Thresholds(amber_lag=0.1, red_lag=0.4)
    # 20 % behind: Amber with the default key, still Amber here
    s = _suggest(3, 10, thresholds=lenient)
    assert s is not None and s.status is Status.AMBER
    # 10 % behind: Amber by default, Green when 10 % is allowed
    s = _suggest(4, 10, thresholds=lenient)
    assert s is not None and s.status is Status.GREEN
    # 25 % behind: Red by default, Amber with a 40 % red line
    s = _suggest(25, 100, thresholds=lenient)
    assert s is not None and s.status is Status.AMBER
    assert "up to 40%" in s.why
    # 45 % behind
    s = _suggest(5, 100, thresholds=lenient)
    assert s is not None and s.status is Status.RED
    assert "more than 40% behind" in s.why


def test_strict_thresholds() -> None:
    strict = Thresholds(amber_lag=0.0, red_lag=0.05)
    s = _suggest(4, 10, thresholds=strict)  # 10 % behind
    assert s is not None and s.status is Status.RED


# ---------------------------------------------------------------------------------------
# disagreement


def test_disagreement_says_what_the_evidence_suggests_and_why() -> None:
    s = _suggest(25, 100)
    text = disagreement(Status.GREEN, s)
    assert text is not None
    assert text.startswith("Marked Green, but the evidence suggests Red: ")
    assert "25 of 100 delivered" in text


def test_no_disagreement_when_they_agree() -> None:
    assert disagreement(Status.RED, _suggest(25, 100)) is None


def test_no_disagreement_without_a_status_or_a_suggestion() -> None:
    assert disagreement(None, _suggest(25, 100)) is None
    assert disagreement(Status.GREEN, None) is None


def test_grey_never_disagrees() -> None:
    assert disagreement(Status.GREY, Suggestion(Status.RED, "target date passed")) is None


def test_not_started_disagrees_with_an_overdue_suggestion() -> None:
    text = disagreement(Status.NOT_STARTED, Suggestion(Status.RED, "late"))
    assert text == "Marked Not started, but the evidence suggests Red: late."


# ---------------------------------------------------------------------------------------
# worst and mean_percent


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([Status.GREEN, Status.RED, Status.AMBER], Status.RED),
        ([Status.GREEN, Status.AMBER, Status.BLUE], Status.AMBER),
        ([Status.BLUE, Status.GREEN, Status.NOT_STARTED], Status.GREEN),
        ([Status.BLUE, Status.NOT_STARTED], Status.NOT_STARTED),
        ([Status.BLUE, Status.BLUE], Status.BLUE),
        ([Status.GREY, Status.BLUE], Status.BLUE),
        ([Status.GREY, Status.RED, Status.GREY], Status.RED),
        ([Status.GREY, Status.GREY], Status.GREY),
        ([Status.GREY, None], Status.GREY),
        ([None, Status.GREEN, None], Status.GREEN),
        ([None, None], None),
        ([], None),
    ],
)
def test_worst(statuses: list[Status | None], expected: Status | None) -> None:
    assert worst(statuses) is expected


def test_worst_takes_any_iterable() -> None:
    assert worst(s for s in [Status.AMBER, Status.RED]) is Status.RED


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([None, None], None),
        ([0.0], 0.0),
        ([None, 50.0, 100.0], 50.0),  # the unmeasured child counts as nothing delivered
        ([10.0, 20.0, 60.0], 30.0),
    ],
)
def test_mean_percent(values: list[float | None], expected: float | None) -> None:
    result = mean_percent(values)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


# ---------------------------------------------------------------------------------------
# The demo desk: Broxtowe's drop-in sessions


def _broxtowe_dropin(desk: Desk) -> tuple[PlanTree, TreeItem]:
    with desk.session() as s:
        plan_id = s.scalar(select(Plan.id).where(Plan.council == "Broxtowe Borough Council"))
        assert plan_id is not None
        t = PlanTree.load(desk.reader, plan_id, TODAY)
    (item,) = [it for it in t.walk() if it.ref == "1.1"]
    return t, item


def test_broxtowe_dropin_sessions_suggestion(demo_desk: Desk) -> None:
    t, item = _broxtowe_dropin(demo_desk)
    assert t.settings.start_date == date(2019, 4, 1)
    assert item.target_date == date(2020, 3, 31)
    # By hand: 228 of 365 days gone by 15/11/2019 (62 %); 19 of 40 sessions held (47.5 %).
    gone = (date(2019, 11, 15) - date(2019, 4, 1)).days
    span = (date(2020, 3, 31) - date(2019, 4, 1)).days
    assert (gone, span) == (228, 365)
    lag = gone / span - 19 / 40
    assert 0.0 < lag <= 0.2  # behind, but by no more than 20 %: Amber
    s = t.suggestion(item)
    assert s is not None
    assert s.status is Status.AMBER
    assert "(48%) with 62% of the time gone" in s.why
    assert t.delivered_percent(item) == pytest.approx(47.5)
    # The officer has not set a status, so there is nothing to disagree with.
    assert t.disagreement(item) is None


def test_broxtowe_dropin_sessions_are_19_of_40(demo_desk: Desk) -> None:
    t, item = _broxtowe_dropin(demo_desk)
    s = t.suggestion(item)
    assert s is not None
    assert "19 of 40 delivered" in s.why


def test_a_parent_is_not_blue_while_a_child_has_no_status() -> None:
    assert worst([Status.BLUE, None]) is Status.NOT_STARTED
    assert worst([Status.BLUE, Status.BLUE]) is Status.BLUE
    assert worst([Status.GREEN, None]) is Status.GREEN
    assert worst([Status.RED, None, Status.BLUE]) is Status.RED
    assert worst([None, None]) is None
    assert worst([Status.GREY, None]) is Status.GREY  # nothing rated: still monitoring only
