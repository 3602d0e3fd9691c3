"""Dates as lists write them: whole, or known only to the month or the year.

"03.11.1986", "3.11.1986", "1986-11-03" and "03/11/1986" are a day; "11.1986", "1986-11" and
"11/1986" a month; "1986" a year. A spreadsheet's own date cell is a day. A month or a year is
stored as the first day of the period with its precision (cases.choices.DatePrecision), as
Person.birth_date does. Two-digit years, words ("March 1986"), and day-first dates that do not
exist ("31.02.1986") are refused: guessing a century or a day is how wrong facts get in.
Everything here is a pure function.
"""

from __future__ import annotations

import datetime
import re

from cases.choices import DatePrecision
from cases.transfer.importing.outcomes import said


class DateProblem(ValueError):
    """The text is not a date the import accepts; the message says why, without the text."""


_DAY_FIRST = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH_FIRST = re.compile(r"(\d{1,2})[./](\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YEAR = re.compile(r"(\d{4})")
# A time after a date ("1986-11-03 00:00:00") is how CSV exports write a date cell.
_TIME_SUFFIX = re.compile(r"[ T]00:00(?::00)?(?:\.0+)?$")

EARLIEST_YEAR = 1900


DAY_FIRST, MONTH_FIRST = "DMY", "MDY"
DATE_ORDERS = (DAY_FIRST, MONTH_FIRST)


def parse_partial_date(
    value, *, today: datetime.date | None = None, order: str = DAY_FIRST
) -> tuple[datetime.date, str]:
    """(the first day of the period, its DatePrecision) for a cell value.

    `order` is how the list writes a whole date in figures: "DMY" (03.11.1986, the lists of the
    region) or "MDY" (11/03/1986, some lists kept in English); an import profile says which.

    Raises DateProblem for what is not a date, a day that does not exist, a year before 1900
    and a date after `today` (when given).
    """
    if isinstance(value, datetime.datetime):
        result = value.date(), DatePrecision.DAY
    elif isinstance(value, datetime.date):
        result = value, DatePrecision.DAY
    elif isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        result = _build(value, 1, 1), DatePrecision.YEAR  # a year typed into a number cell
    elif isinstance(value, str):
        result = _parse_text(value, order)
    else:
        raise DateProblem(said("date.not_a_date"))
    date, precision = result
    if date.year < EARLIEST_YEAR:
        raise DateProblem(said("date.too_early", year=EARLIEST_YEAR))
    if today is not None and date > today:
        raise DateProblem(said("date.future"))
    return date, precision


def _parse_text(text: str, order: str = DAY_FIRST) -> tuple[datetime.date, str]:
    text = _TIME_SUFFIX.sub("", text.strip())
    if match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
        if order == MONTH_FIRST:
            day, month = month, day
        return _build(year, month, day), DatePrecision.DAY
    if match := _ISO_DAY.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
        return _build(year, month, day), DatePrecision.DAY
    if match := _MONTH_FIRST.fullmatch(text):
        month, year = (int(g) for g in match.groups())
        return _build(year, month, 1), DatePrecision.MONTH
    if match := _ISO_MONTH.fullmatch(text):
        year, month = (int(g) for g in match.groups())
        return _build(year, month, 1), DatePrecision.MONTH
    if match := _YEAR.fullmatch(text):
        return _build(int(match.group(1)), 1, 1), DatePrecision.YEAR
    raise DateProblem(said("date.not_a_date"))


def _build(year: int, month: int, day: int) -> datetime.date:
    if not 1 <= month <= 12:
        raise DateProblem(said("date.no_month", month=month))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DateProblem(said("date.no_day", day=day)) from None
