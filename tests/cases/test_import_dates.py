"""Partial dates as lists write them: every accepted form, and what is refused instead of guessed."""

import datetime

import pytest

from cases.transfer.importing.dates import DateProblem, parse_partial_date

D = datetime.date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03.11.1986", (D(1986, 11, 3), "day")),
        ("3.11.1986", (D(1986, 11, 3), "day")),
        ("03/11/1986", (D(1986, 11, 3), "day")),
        ("1986-11-03", (D(1986, 11, 3), "day")),
        ("1986-11-03 00:00:00", (D(1986, 11, 3), "day")),
        (" 11.1986 ", (D(1986, 11, 1), "month")),
        ("11/1986", (D(1986, 11, 1), "month")),
        ("1986-11", (D(1986, 11, 1), "month")),
        ("1986", (D(1986, 1, 1), "year")),
        (1986, (D(1986, 1, 1), "year")),
        (datetime.datetime(1986, 11, 3, 0, 0), (D(1986, 11, 3), "day")),
        (D(1986, 11, 3), (D(1986, 11, 3), "day")),
    ],
)
def test_partial_date_forms_are_read_with_their_precision(value, expected):
    assert parse_partial_date(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31.02.1986", "does not exist"),
        ("13.1986", "no month 13"),
        ("03.11.86", "not a date"),
        ("March 1986", "not a date"),
        ("1986-13-01", "no month 13"),
        ("1886", "before 1900"),
        ("", "not a date"),
        (3.5, "not a date"),
    ],
)
def test_bad_dates_are_refused_with_a_reason(value, reason):
    with pytest.raises(DateProblem, match=reason):
        parse_partial_date(value)


def test_a_future_date_is_refused_when_today_is_given():
    with pytest.raises(DateProblem, match="future"):
        parse_partial_date("2031", today=D(2026, 11, 25))
    assert parse_partial_date("2026", today=D(2026, 11, 25)) == (D(2026, 1, 1), "year")
