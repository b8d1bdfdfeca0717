"""Tests for asbdesk.periods: financial years, quarters and the dates officers type."""

from __future__ import annotations

from datetime import date

import pytest

from asbdesk.periods import (
    DateFormError,
    FinancialYear,
    Period,
    PeriodError,
    Quarter,
    format_date,
    parse_period,
    parse_target_date,
    period_of,
)

FY_2019 = FinancialYear(2019)


# ---------------------------------------------------------------------------------------
# Financial years and quarters


def test_financial_year_label_start_end() -> None:
    assert FY_2019.label == "2019/20"
    assert str(FY_2019) == "2019/20"
    assert FY_2019.start == date(2019, 4, 1)
    assert FY_2019.end == date(2020, 3, 31)


def test_financial_year_label_across_century() -> None:
    assert FinancialYear(1999).label == "1999/00"
    assert FinancialYear(2009).label == "2009/10"


@pytest.mark.parametrize(
    ("day", "start_year"),
    [
        (date(2020, 3, 31), 2019),
        (date(2020, 4, 1), 2020),
        (date(2020, 1, 1), 2019),
        (date(2019, 12, 31), 2019),
    ],
)
def test_financial_year_of(day: date, start_year: int) -> None:
    assert FinancialYear.of(day) == FinancialYear(start_year)


def test_financial_years_order() -> None:
    assert FinancialYear(2019) < FinancialYear(2020)
    assert sorted([FinancialYear(2021), FinancialYear(2018)]) == [
        FinancialYear(2018),
        FinancialYear(2021),
    ]


def test_quarters_of_a_year() -> None:
    quarters = FY_2019.quarters()
    assert [q.label for q in quarters] == ["Q1 2019/20", "Q2 2019/20", "Q3 2019/20", "Q4 2019/20"]
    assert [(q.start, q.end) for q in quarters] == [
        (date(2019, 4, 1), date(2019, 6, 30)),
        (date(2019, 7, 1), date(2019, 9, 30)),
        (date(2019, 10, 1), date(2019, 12, 31)),
        (date(2020, 1, 1), date(2020, 3, 31)),
    ]


def test_quarter_label_and_str() -> None:
    assert Quarter(FY_2019, 3).label == "Q3 2019/20"
    assert str(Quarter(FY_2019, 3)) == "Q3 2019/20"


def test_year_boundary() -> None:
    assert Quarter.of(date(2020, 3, 31)) == Quarter(FinancialYear(2019), 4)
    assert Quarter.of(date(2020, 4, 1)) == Quarter(FinancialYear(2020), 1)
    assert period_of(date(2020, 3, 31)) == Quarter(FinancialYear(2019), 4)
    assert period_of(date(2020, 4, 1), quarterly=False) == FinancialYear(2020)


@pytest.mark.parametrize(
    ("day", "number"),
    [
        (date(2019, 4, 1), 1),
        (date(2019, 6, 30), 1),
        (date(2019, 7, 1), 2),
        (date(2019, 9, 30), 2),
        (date(2019, 10, 1), 3),
        (date(2019, 12, 31), 3),
        (date(2020, 1, 1), 4),
        (date(2020, 3, 31), 4),
    ],
)
def test_quarter_of(day: date, number: int) -> None:
    assert Quarter.of(day) == Quarter(FY_2019, number)


def test_leap_year_february_in_q4() -> None:
    assert Quarter(FY_2019, 4).end == date(2020, 3, 31)
    assert Quarter.of(date(2020, 2, 29)) == Quarter(FY_2019, 4)


def test_next_and_previous_across_year_boundary() -> None:
    q4 = Quarter(FinancialYear(2019), 4)
    q1 = Quarter(FinancialYear(2020), 1)
    assert q4.next() == q1
    assert q1.previous() == q4
    assert Quarter(FY_2019, 2).next() == Quarter(FY_2019, 3)
    assert Quarter(FY_2019, 3).previous() == Quarter(FY_2019, 2)


def test_quarters_order() -> None:
    assert Quarter(FinancialYear(2019), 4) < Quarter(FinancialYear(2020), 1)
    assert Quarter(FY_2019, 1) < Quarter(FY_2019, 2)


@pytest.mark.parametrize("number", [0, 5, -1])
def test_quarter_number_out_of_range(number: int) -> None:
    with pytest.raises(ValueError):
        Quarter(FY_2019, number)


def test_periods_are_hashable() -> None:
    assert len({Quarter(FY_2019, 1), Quarter(FinancialYear(2019), 1), FY_2019}) == 2


# ---------------------------------------------------------------------------------------
# parse_period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019/20", FY_2019),
        ("2019/2020", FY_2019),
        ("FY 2019/20", FY_2019),
        ("fy2019/20", FY_2019),
        ("2019-20", FY_2019),
        ("2019\u201320", FY_2019),
        ("1999/00", FinancialYear(1999)),
        ("1999/2000", FinancialYear(1999)),
        ("  2019/20  ", FY_2019),
        ("Q3 2019/20", Quarter(FY_2019, 3)),
        ("q3 2019-20", Quarter(FY_2019, 3)),
        ("2019/20 Q3", Quarter(FY_2019, 3)),
        ("Q1 FY 2019/2020", Quarter(FY_2019, 1)),
        ("Q4 2019/20.", Quarter(FY_2019, 4)),
    ],
)
def test_parse_period_accepts(text: str, expected: Period) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2019/21",
        "2019/2021",
        "2019",
        "Q5 2019/20",
        "Q0 2019/20",
        "Q3",
        "Q3 2019/20 Q4",
        "2019/2",
        "1989/90",
        "Ongoing",
    ],
)
def test_parse_period_refuses(text: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    assert f"'{text}'" in str(caught.value)


def test_parse_period_explains_non_consecutive_years() -> None:
    with pytest.raises(PeriodError, match="second year must be the one after the first"):
        parse_period("2019/21")


def test_parse_period_refuses_empty() -> None:
    with pytest.raises(PeriodError, match="No period"):
        parse_period("   ")


def test_period_error_is_value_error() -> None:
    assert issubclass(PeriodError, ValueError)
    assert issubclass(DateFormError, ValueError)


# ---------------------------------------------------------------------------------------
# parse_target_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Numbers, day first.
        ("31.03.2020", date(2020, 3, 31)),
        ("31.3.2020", date(2020, 3, 31)),
        ("31.5.2019", date(2019, 5, 31)),
        ("31/3/20", date(2020, 3, 31)),
        ("31/03/2020", date(2020, 3, 31)),
        ("31-03-2020", date(2020, 3, 31)),
        ("03/04/2020", date(2020, 4, 3)),
        ("1/4/99", date(2099, 4, 1)),
        ("29/02/2020", date(2020, 2, 29)),
        # ISO.
        ("2020-03-31", date(2020, 3, 31)),
        # Day, month name, year.
        ("31 March 2020", date(2020, 3, 31)),
        ("31st March 2020", date(2020, 3, 31)),
        ("1st April 2020", date(2020, 4, 1)),
        ("2nd May 2020", date(2020, 5, 2)),
        ("3rd June 2020", date(2020, 6, 3)),
        ("31 Mar 2020", date(2020, 3, 31)),
        ("31 mar 2020", date(2020, 3, 31)),
        ("30 Sept 2019", date(2019, 9, 30)),
        ("31 Mar 20", date(2020, 3, 31)),
        # Month and year: the last day of the month.
        ("March 2020", date(2020, 3, 31)),
        ("march 2020", date(2020, 3, 31)),
        ("MARCH 2020", date(2020, 3, 31)),
        ("Dec 2015", date(2015, 12, 31)),
        ("Sept 2019", date(2019, 9, 30)),
        ("Sep 2019", date(2019, 9, 30)),
        ("September 2019", date(2019, 9, 30)),
        ("Feb 2020", date(2020, 2, 29)),
        ("Feb 2019", date(2019, 2, 28)),
        ("June 2020", date(2020, 6, 30)),
        # Quarters and financial years: their last day.
        ("Q4 2019/20", date(2020, 3, 31)),
        ("Q1 2019/20", date(2019, 6, 30)),
        ("Q2 2019/20", date(2019, 9, 30)),
        ("q3 2019-20", date(2019, 12, 31)),
        ("2019/20 Q3", date(2019, 12, 31)),
        ("FY 2019/20", date(2020, 3, 31)),
        ("2019/2020", date(2020, 3, 31)),
        ("2019/20", date(2020, 3, 31)),
        # Surrounding whitespace and a closing full stop.
        ("  31/03/2020  ", date(2020, 3, 31)),
        ("31/03/2020.", date(2020, 3, 31)),
        ("March 2020.", date(2020, 3, 31)),
        ("\t31 March 2020. ", date(2020, 3, 31)),
        # The range limits themselves.
        ("1 January 1990", date(1990, 1, 1)),
        ("31/12/2100", date(2100, 12, 31)),
    ],
)
def test_parse_target_date_accepts(text: str, expected: date) -> None:
    assert parse_target_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Sept 20155",
        "Ongoing",
        "tbc",
        "TBC",
        "2020",
        "1/2/3",
        "1 4 2020",
        "31 03 2020",
        "31/03-2020",
        "2020/03/31",
        "03/31/2020",
        "31/02/2020",
        "13/13/2020",
        "00/01/2020",
        "29/02/2019",
        "31/04/2020",
        "0 March 2020",
        "31 Marhc 2020",
        "Dec 15",
        "March",
        "Q4",
        "Q5 2019/20",
        "2019/21",
        "31/03/1989",
        "1/1/2101",
        "March 1989",
        "December 2101",
        "31/03/202",
        "31.03.20200",
        "2020-02-30",
        "31 March 2020 or sooner",
    ],
)
def test_parse_target_date_refuses(text: str) -> None:
    with pytest.raises(DateFormError) as caught:
        parse_target_date(text)
    assert f"'{text}'" in str(caught.value)


def test_refusal_quotes_input_without_surrounding_whitespace() -> None:
    with pytest.raises(DateFormError) as caught:
        parse_target_date("  Ongoing  ")
    assert "'Ongoing'" in str(caught.value)


def test_unreadable_date_message_lists_forms() -> None:
    with pytest.raises(DateFormError) as caught:
        parse_target_date("Sept 20155")
    assert str(caught.value) == (
        "'Sept 20155' is not a date asbdesk understands. "
        "Type it as 31/03/2020, 31.3.2020, March 2020 or Q4 2019/20."
    )


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("31/02/2020", "February 2020 has only 29 days"),
        ("29/02/2019", "February 2019 has only 28 days"),
        ("13/13/2020", "there is no month 13"),
        ("00/01/2020", "there is no day 0"),
        ("03/31/2020", "there is no month 31"),
    ],
)
def test_impossible_dates_are_said_not_to_exist(text: str, detail: str) -> None:
    with pytest.raises(DateFormError) as caught:
        parse_target_date(text)
    message = str(caught.value)
    assert "does not exist" in message
    assert detail in message


def test_month_first_date_hints_day_first() -> None:
    with pytest.raises(DateFormError, match="read day first"):
        parse_target_date("03/31/2020")


def test_empty_input_is_refused() -> None:
    for text in ("", "   ", "."):
        with pytest.raises(DateFormError, match="No date was given|not a date"):
            parse_target_date(text)


def test_years_out_of_range_say_so() -> None:
    with pytest.raises(DateFormError, match="1990 to 2100"):
        parse_target_date("31/12/1989")
    with pytest.raises(DateFormError, match="1990 to 2100"):
        parse_target_date("2100/01")


def test_two_digit_year_after_month_name_is_refused_as_unclear() -> None:
    with pytest.raises(DateFormError, match="December 2015"):
        parse_target_date("Dec 15")


# ---------------------------------------------------------------------------------------
# format_date


def test_format_date() -> None:
    assert format_date(date(2020, 3, 31)) == "31/03/2020"
    assert format_date(date(2020, 4, 1)) == "01/04/2020"
    assert format_date(None) == ""


def test_format_date_round_trips() -> None:
    day = date(2019, 11, 5)
    assert parse_target_date(format_date(day)) == day


@pytest.mark.parametrize("text", ["Qtr 4 2019/20", "Quarter 4 2019/20", "qtr4 2019-20"])
def test_quarters_written_out_as_officers_do(text: str) -> None:
    assert parse_target_date(text) == date(2020, 3, 31)
