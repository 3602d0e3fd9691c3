"""Sentence arithmetic, as plain functions."""

import datetime

from dateutil.relativedelta import relativedelta

from cases.choices import TERM_SENTENCES


def expected_release_date(
    *, sentence_kind: str, years: int | None, months: int | None, detention_date: datetime.date | None
) -> datetime.date | None:
    """The end of a term counted from the detention date, or None when it cannot be known.

    Time held before the verdict counts towards the term, so the term runs from detention. The
    last day served is the day before the anniversary. Early release, pardon and added terms
    (e.g. art. 411) are events recorded separately; this is the date the verdict alone implies.
    """
    if sentence_kind not in TERM_SENTENCES or detention_date is None:
        return None
    if not years and not months:
        return None
    return detention_date + relativedelta(years=years or 0, months=months or 0) - datetime.timedelta(days=1)


def expected_release_period(
    *,
    sentence_kind: str,
    years: int | None,
    months: int | None,
    detention: tuple[datetime.date, datetime.date] | None,
) -> tuple[datetime.date, datetime.date] | None:
    """(earliest, latest) end of a term when the detention is known only as a range of days
    (cases.partial_dates.period): a detention known to the year gives a release known to a year."""
    if detention is None:
        return None
    first, last = (
        expected_release_date(sentence_kind=sentence_kind, years=years, months=months, detention_date=day)
        for day in detention
    )
    return None if first is None else (first, last)
