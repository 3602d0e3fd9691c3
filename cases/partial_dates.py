"""Dates known only in part: a day, a month, a year, or nothing. Pure functions.

A partial date is stored as the first day of its period with a precision (cases.choices.DatePrecision):
"2021" is (2021-01-01, "year"), "May 2021" is (2021-05-01, "month"). Every computation uses the
range of days the date may fall on (`period`), never the stored first day alone: the risk rules
count a fact only when it holds for the whole range (../shared/domain/RISK_RULES.md), and a
release computed from a detention known to the year is a range, not a day. Pages and the API show
what is known and nothing more (`describe`).
"""

from __future__ import annotations

import calendar
import datetime

DAY, MONTH, YEAR, UNKNOWN = "day", "month", "year", "unknown"
PRECISIONS = (DAY, MONTH, YEAR, UNKNOWN)

# Month names for `describe`, by language: the nominative ("May 2021", "май 2021", "травень 2021").
MONTH_NAMES = {
    "en": [
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
    ],
    "ru": [
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ],
    "be": [
        "студзень",
        "люты",
        "сакавік",
        "красавік",
        "травень",
        "чэрвень",
        "ліпень",
        "жнівень",
        "верасень",
        "кастрычнік",
        "лістапад",
        "снежань",
    ],
}
UNKNOWN_WORDS = {"en": "unknown", "ru": "неизвестно", "be": "невядома"}


def period(value: datetime.date | None, precision: str) -> tuple[datetime.date, datetime.date] | None:
    """(earliest, latest) possible day of a partial date, or None when nothing is known."""
    if value is None or precision == UNKNOWN:
        return None
    if precision == DAY:
        return value, value
    if precision == MONTH:
        last_day = calendar.monthrange(value.year, value.month)[1]
        return value.replace(day=1), value.replace(day=last_day)
    if precision == YEAR:
        return datetime.date(value.year, 1, 1), datetime.date(value.year, 12, 31)
    raise ValueError(f"unknown date precision {precision!r}")


def normalised(value: datetime.date | None, precision: str) -> tuple[datetime.date | None, str]:
    """The stored form: the first day of the period, and "unknown" exactly when there is no date."""
    bounds = period(value, precision)
    if bounds is None:
        return None, UNKNOWN
    return bounds[0], precision


def latest_of_bounds(*bounds: datetime.date | None) -> datetime.date | None:
    """The earliest of the given upper bounds (None: no bound), e.g. the latest possible day of an act
    given the detention and the charge dates."""
    earliest = None
    for bound in bounds:  # a loop, not min() over a list: the risk pass calls this for every charge
        if bound is not None and (earliest is None or bound < earliest):
            earliest = bound
    return earliest


def describe(value: datetime.date | None, precision: str, language: str = "en") -> str:
    """What is known, in words: "3 May 2021" / "03.05.2021", "May 2021", "2021", or "unknown"."""
    bounds = period(value, precision)
    if bounds is None:
        return UNKNOWN_WORDS.get(language, UNKNOWN_WORDS["en"])
    if precision == YEAR:
        return str(value.year)
    if precision == MONTH:
        names = MONTH_NAMES.get(language, MONTH_NAMES["en"])
        return f"{names[value.month - 1]} {value.year}"
    if language == "en":
        return f"{value.day} {MONTH_NAMES['en'][value.month - 1]} {value.year}"
    return value.strftime("%d.%m.%Y")


def iso(value: datetime.date | None, precision: str) -> str:
    """A date as far as it is known, in ISO 8601: '2022-03-01', '2022-03' or '2022'; '' if unknown."""
    if period(value, precision) is None:
        return ""
    if precision == YEAR:
        return f"{value:%Y}"
    if precision == MONTH:
        return f"{value:%Y-%m}"
    return value.isoformat()


_ISO_PARTIAL = {4: YEAR, 7: MONTH, 10: DAY}


def from_iso(text: str) -> tuple[datetime.date, str]:
    """The reverse of `iso`: '2022-03-01', '2022-03' or '2022' as (first day, precision); a
    ValueError naming the accepted forms for anything else."""
    text = (text or "").strip()
    precision = _ISO_PARTIAL.get(len(text))
    try:
        if precision == YEAR and text.isdigit():
            return datetime.date(int(text), 1, 1), YEAR
        if precision == MONTH and text[4] == "-":
            return datetime.date(int(text[:4]), int(text[5:]), 1), MONTH
        if precision == DAY:
            return datetime.date.fromisoformat(text), DAY
    except (ValueError, IndexError):
        pass
    raise ValueError("Give the date as far as it is known: YYYY-MM-DD, YYYY-MM or YYYY.")
