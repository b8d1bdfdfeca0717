"""Financial years (April to March), their quarters, and the date forms officers type.

Councils report in financial years that start on 1 April, so "2019/20" runs from
1 April 2019 to 31 March 2020 and Q1 is April to June. Action plans are kept in
spreadsheets and typed by hand, so target dates arrive as "31.3.20", "March 2020",
"Q4 2019/20" and the like. `parse_target_date` turns those into one date, always
reading numbers day first (UK), and refuses anything it would have to guess at with a
message that can be shown to the officer as it stands.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

__all__ = [
    "DateFormError",
    "FinancialYear",
    "Period",
    "PeriodError",
    "Quarter",
    "format_date",
    "parse_period",
    "parse_target_date",
    "period_of",
]

# Outside these years a typed date is far more likely to be a slip (2002 for 2020,
# 20202) than a real target, so it is refused rather than stored.
MIN_YEAR = 1990
MAX_YEAR = 2100

_DATE_FORMS = "Type it as 31/03/2020, 31.3.2020, March 2020 or Q4 2019/20."
_PERIOD_FORMS = "Type a financial year as 2019/20 or a quarter as Q3 2019/20."

# Spelt out rather than taken from `calendar.month_name`, which follows the locale: a
# laptop set to Welsh or Polish must still read "March 2020" typed from an English plan.
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS: dict[str, int] = {  # a month's name or its usual short form, to its number
    **{name.lower(): number for number, name in enumerate(_MONTH_NAMES, start=1)},
    **{name[:3].lower(): number for number, name in enumerate(_MONTH_NAMES, start=1)},
    # Many officers abbreviate September this way; no other four-letter form is common.
    "sept": 9,
}


class PeriodError(ValueError):
    """A financial year or quarter that cannot be read; the message is fit to show."""


class DateFormError(ValueError):
    """A target date that cannot be read; the message is shown to the officer as is."""


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The financial year that starts on 1 April `start_year` (2019 for 2019/20)."""

    start_year: int

    def __post_init__(self) -> None:
        # `date` stops at 9999, and the year ends in start_year + 1.
        if isinstance(self.start_year, bool) or not isinstance(self.start_year, int):
            raise TypeError(f"start_year must be an int, not {type(self.start_year).__name__}")
        if not 1 <= self.start_year <= 9998:
            raise ValueError(f"start_year {self.start_year} is out of range")

    @property
    def label(self) -> str:
        """The usual council form, "2019/20"; 1999/2000 is "1999/00"."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    def quarters(self) -> list[Quarter]:
        return [Quarter(self, number) for number in range(1, 5)]

    @classmethod
    def of(cls, day: date) -> FinancialYear:
        """The financial year that `day` falls in."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of a financial year: Q1 is April to June, Q4 is January to March."""

    year: FinancialYear
    number: int

    def __post_init__(self) -> None:
        if not isinstance(self.year, FinancialYear):
            raise TypeError(f"year must be a FinancialYear, not {type(self.year).__name__}")
        if isinstance(self.number, bool) or not isinstance(self.number, int):
            raise TypeError(f"number must be an int, not {type(self.number).__name__}")
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter number must be 1 to 4, not {self.number}")

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year.label}"

    @property
    def _first_month(self) -> tuple[int, int]:
        # Q4 is the only quarter that falls in the second calendar year.
        if self.number == 4:
            return self.year.start_year + 1, 1
        return self.year.start_year, 1 + 3 * self.number

    @property
    def start(self) -> date:
        year, month = self._first_month
        return date(year, month, 1)

    @property
    def end(self) -> date:
        year, month = self._first_month
        return _last_day(year, month + 2)

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter that `day` falls in."""
        return cls(FinancialYear.of(day), (day.month - 4) % 12 // 3 + 1)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(FinancialYear(self.year.start_year + 1), 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(FinancialYear(self.year.start_year - 1), 4)
        return Quarter(self.year, self.number - 1)

    def __str__(self) -> str:
        return self.label


Period: TypeAlias = FinancialYear | Quarter


def period_of(day: date, *, quarterly: bool = True) -> Period:
    """The quarter `day` falls in, or its financial year when `quarterly` is false."""
    if quarterly:
        return Quarter.of(day)
    return FinancialYear.of(day)


def format_date(day: date | None) -> str:
    """`day` as an officer writes it, "31/03/2020"; an empty string for no date."""
    if day is None:
        return ""
    # Built by hand because strftime's %Y does not zero-pad on every platform.
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


# ---------------------------------------------------------------------------------------
# Reading periods

# The separator between the years may be a hyphen or, pasted from Word, an en dash; a
# quarter may be written Q4, Qtr 4 or Quarter 4.
_PERIOD_RE = re.compile(
    r"""
    (?:(?:Quarter|Qtr|Q)\s*(?P<q_before>\d{1,2})[\s,]+)?
    (?:FY\s*)?
    (?P<first>\d{4})\s*[/\-\u2013]\s*(?P<second>\d{4}|\d{2})
    (?:[\s,]+(?:Quarter|Qtr|Q)\s*(?P<q_after>\d{1,2}))?
    """,
    re.IGNORECASE | re.VERBOSE,
)


def _tidy(text: str) -> str:
    """`text` without surrounding whitespace or a single closing full stop."""
    text = text.strip()
    if text.endswith("."):
        text = text[:-1].rstrip()
    return text


def _match_period(text: str, shown: str) -> Period | None:
    """The period `text` names, or None if it is not shaped like one.

    Raises PeriodError when it is shaped like a period but cannot be one, so that the
    officer hears why "2019/21" was refused rather than that it was not understood.
    """
    match = _PERIOD_RE.fullmatch(text)
    if match is None:
        return None
    first = int(match["first"])
    second_text = match["second"]
    second = int(second_text)
    expected = first + 1 if len(second_text) == 4 else (first + 1) % 100
    if second != expected:
        raise PeriodError(
            f"'{shown}' is not a financial year: the second year must be the one after the "
            f"first, as in {FinancialYear(first).label}."
        )
    if not MIN_YEAR <= first < MAX_YEAR:
        raise PeriodError(
            f"'{shown}' is outside the years asbdesk accepts ({MIN_YEAR} to {MAX_YEAR})."
        )
    year = FinancialYear(first)
    q_before, q_after = match["q_before"], match["q_after"]
    if q_before is not None and q_after is not None:
        raise PeriodError(f"'{shown}' gives the quarter twice: give it once, as in Q3 2019/20.")
    q_text = q_before if q_before is not None else q_after
    if q_text is None:
        return year
    number = int(q_text)
    if not 1 <= number <= 4:
        raise PeriodError(
            f"'{shown}' is not a quarter: quarters run from Q1 (April to June) "
            f"to Q4 (January to March)."
        )
    return Quarter(year, number)


def parse_period(text: str) -> Period:
    """The financial year or quarter in `text`: "2019/20", "FY 2019/2020", "Q3 2019-20"..."""
    shown = text.strip()
    if not shown:
        raise PeriodError(f"No period was given. {_PERIOD_FORMS}")
    period = _match_period(_tidy(text), shown)
    if period is None:
        raise PeriodError(f"'{shown}' is not a period asbdesk understands. {_PERIOD_FORMS}")
    return period


# ---------------------------------------------------------------------------------------
# Reading target dates

# Day first, always: a UK officer's 03/04/2020 is 3 April. The same separator must be
# used twice, because "31/03-2020" suggests a slip and we would only be guessing.
_NUMERIC_RE = re.compile(
    r"(?P<day>\d{1,2})\s*(?P<sep>[./\-])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<year>\d{4}|\d{2})"
)
_ISO_RE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")
_DAY_MONTH_YEAR_RE = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[a-z]+)\.?,?\s+(?P<year>\d+)",
    re.IGNORECASE,
)
_MONTH_YEAR_RE = re.compile(r"(?P<month>[a-z]+)\.?,?\s+(?P<year>\d+)", re.IGNORECASE)
_YEAR_RE = re.compile(r"\d{4}")


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _not_understood(shown: str) -> DateFormError:
    return DateFormError(f"'{shown}' is not a date asbdesk understands. {_DATE_FORMS}")


def _check_year(year: int, shown: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateFormError(
            f"'{shown}' is outside the years asbdesk accepts ({MIN_YEAR} to {MAX_YEAR})."
        )


def _full_year(year_text: str) -> int:
    # Two-digit years are this century's: plans written now do not reach back to 1999.
    year = int(year_text)
    return 2000 + year if len(year_text) == 2 else year


def _checked_date(year: int, month: int, day: int, shown: str) -> date:
    """The date, or a DateFormError saying plainly why it does not exist."""
    if not 1 <= month <= 12:
        reason = f"there is no month {month}."
        if 1 <= day <= 12:
            # Most likely typed month first, American style.
            reason += " Dates are read day first, as in 31/03/2020."
        raise DateFormError(f"'{shown}' does not exist: {reason}")
    if day == 0:
        raise DateFormError(f"'{shown}' does not exist: there is no day 0.")
    _check_year(year, shown)
    days_in_month = calendar.monthrange(year, month)[1]
    if day > days_in_month:
        raise DateFormError(
            f"'{shown}' does not exist: {_MONTH_NAMES[month - 1]} {year} "
            f"has only {days_in_month} days."
        )
    return date(year, month, day)


def parse_target_date(text: str) -> date:
    """The date an officer means by `text`.

    A month, quarter or financial year means its last day, since a target of
    "March 2020" is met by 31/03/2020. Raises DateFormError, with a message fit to show
    the officer, for anything that is not a real date or would need guessing.
    """
    shown = text.strip()
    if not shown:
        raise DateFormError(f"No date was given. {_DATE_FORMS}")
    tidy = _tidy(text)

    match = _NUMERIC_RE.fullmatch(tidy)
    if match is not None:
        return _checked_date(
            _full_year(match["year"]), int(match["month"]), int(match["day"]), shown
        )

    match = _ISO_RE.fullmatch(tidy)
    if match is not None:
        return _checked_date(int(match["year"]), int(match["month"]), int(match["day"]), shown)

    match = _DAY_MONTH_YEAR_RE.fullmatch(tidy)
    if match is not None:
        month = MONTHS.get(match["month"].lower())
        year_text = match["year"]
        if month is None or len(year_text) not in (2, 4):
            raise _not_understood(shown)
        return _checked_date(_full_year(year_text), month, int(match["day"]), shown)

    match = _MONTH_YEAR_RE.fullmatch(tidy)
    if match is not None:
        month = MONTHS.get(match["month"].lower())
        year_text = match["year"]
        if month is None:
            raise _not_understood(shown)
        if len(year_text) == 2:
            # "Dec 15" may be 15 December as easily as December 2015.
            raise DateFormError(
                f"'{shown}' could be a day or a year: type the year in full, "
                f"as in {_MONTH_NAMES[month - 1]} 20{year_text}."
            )
        if len(year_text) != 4:
            raise _not_understood(shown)
        year = int(year_text)
        _check_year(year, shown)
        return _last_day(year, month)

    try:
        period = _match_period(tidy, shown)
    except PeriodError as error:
        raise DateFormError(str(error)) from None
    if period is not None:
        return period.end

    if _YEAR_RE.fullmatch(tidy):
        # Both the calendar year and a financial year are plausible, so ask.
        year = int(tidy)
        _check_year(year, shown)
        raise DateFormError(
            f"'{shown}' is only a year. Type the date meant, as 31/12/{year}, "
            f"or the financial year, as {year}/{(year + 1) % 100:02d}."
        )
    raise _not_understood(shown)
