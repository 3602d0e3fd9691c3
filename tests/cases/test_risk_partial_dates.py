"""The risk rules on dates known only in part (RISK_RULES.md, "Dates that are not known to the day").

A rule uses the range of days a date may fall on, and a fact counts only when it holds for the
whole range; the detention and the charge dates bound the latest possible day of the act.
"""

from dataclasses import replace
from datetime import date

import pytest
from pytest import param

from cases.risk.rules import (
    EXACT_BIRTH_DATE,
    EXACT_OFFENCE_DATE,
    OFFENCE_DATE,
    VERDICT_DATE,
    CaseFacts,
    ChargeFacts,
    check_exemption,
)
from tests.cases.test_risk_engine import ADULT_MAN, NO_VERDICT, TODAY, _article, _assess, _born

ATTEMPTS_CAPITAL_SINCE = date(2022, 5, 29)


def _attempt(offence, precision="day", *, no_later_than=None) -> ChargeFacts:
    """An attempted act of terrorism (289 part 3): capital for attempts since 29 May 2022."""
    return ChargeFacts(
        id=1,
        article=_article("289", "3"),
        stage="attempt",
        state="active",
        offence_date=offence,
        offence_date_precision=precision if offence else "unknown",
        offence_no_later_than=no_later_than,
    )


def _treason_by_official(offence, precision="day", *, no_later_than=None) -> ChargeFacts:
    """356 part 2: capital only for acts from 25 March 2023."""
    return ChargeFacts(
        id=1,
        article=_article("356", "2"),
        stage="completed",
        state="active",
        offence_date=offence,
        offence_date_precision=precision if offence else "unknown",
        offence_no_later_than=no_later_than,
    )


OFFICIAL = replace(ADULT_MAN, is_official_or_military=True)


@pytest.mark.parametrize(
    ("offence", "precision", "no_later_than", "level"),
    [
        param(date(2022, 6, 1), "day", None, "critical", id="day-after-the-law"),
        param(date(2022, 5, 1), "day", None, "watch", id="day-before-the-law"),
        param(date(2022, 1, 1), "year", None, "elevated", id="year-straddling-the-law-is-unknown"),
        param(date(2023, 1, 1), "year", None, "critical", id="whole-year-after-the-law"),
        param(date(2021, 1, 1), "year", None, "watch", id="whole-year-before-the-law"),
        param(date(2022, 4, 1), "month", None, "watch", id="month-before-the-law"),
        param(date(2022, 5, 1), "month", None, "elevated", id="month-of-the-law-is-unknown"),
        param(date(2022, 6, 1), "month", None, "critical", id="month-after-the-law"),
        param(None, "unknown", None, "elevated", id="unknown-act-no-bound"),
        param(None, "unknown", date(2022, 3, 1), "watch", id="unknown-act-detained-before-the-law"),
        param(None, "unknown", date(2023, 3, 1), "elevated", id="unknown-act-detained-after-the-law"),
        param(date(2022, 1, 1), "year", date(2022, 4, 10), "watch", id="year-cut-by-an-early-detention"),
    ],
)
def test_attempt_counts_only_when_every_possible_day_of_the_act_is_after_the_law(
    offence, precision, no_later_than, level
):
    result = _assess(_attempt(offence, precision, no_later_than=no_later_than))

    assert result.level == level


def test_act_known_to_the_year_that_straddles_the_law_names_the_exact_date_as_missing():
    result = _assess(_attempt(date(2022, 1, 1), "year"))

    assert EXACT_OFFENCE_DATE in result.reasons[0].text or "exact date of the act" in result.reasons[0].text


def test_act_ruled_out_by_a_detention_before_the_law_says_so_in_its_reason():
    result = _assess(_attempt(None, no_later_than=date(2022, 3, 1)))

    assert "on or before 2022-03-01" in " ".join(r.text for r in result.reasons)


def test_capital_since_uses_the_whole_range_of_a_partial_offence_date():
    assert _assess(_treason_by_official(date(2023, 1, 1), "year"), person=OFFICIAL).level == "elevated"
    assert _assess(_treason_by_official(date(2023, 4, 1), "month"), person=OFFICIAL).level == "critical"
    assert _assess(_treason_by_official(date(2023, 3, 1), "month"), person=OFFICIAL).level != "critical"


def test_offence_date_contradicted_by_the_detention_keeps_its_own_range():
    # An act dated after the detention is a contradiction for staff; the rules do not cut the
    # range to nothing and do not lower the level on it.
    charge = _attempt(date(2023, 6, 1), "day", no_later_than=date(2023, 1, 1))

    assert charge.offence_range == (date(2023, 6, 1), date(2023, 6, 1))
    assert _assess(charge).level == "critical"


@pytest.mark.parametrize(
    ("birth", "birth_precision", "offence", "offence_precision", "no_later_than", "outcome", "missing"),
    [
        param(date(2006, 1, 1), "year", None, "unknown", date(2023, 12, 1), "proven", (),
              id="under-18-at-detention"),
        param(date(2000, 1, 1), "year", None, "unknown", date(2023, 12, 1), "undetermined", (OFFENCE_DATE,),
              id="adult-at-detention-act-unknown"),
        param(date(2000, 1, 1), "year", date(2023, 1, 1), "year", None, "disproven", (), id="adult-all-year"),
        param(date(2005, 6, 1), "day", date(2023, 1, 1), "year", None, "undetermined", (EXACT_OFFENCE_DATE,),
              id="turns-18-within-the-year-of-the-act"),
        param(date(2005, 1, 1), "year", date(2023, 6, 1), "day", None, "undetermined", (EXACT_BIRTH_DATE,),
              id="birth-year-straddles-18th-birthday"),
    ],
)  # fmt: skip
def test_under_18_exemption_holds_only_for_every_possible_day(
    birth, birth_precision, offence, offence_precision, no_later_than, outcome, missing
):
    charge = _attempt(offence, offence_precision, no_later_than=no_later_than)

    check = check_exemption(
        "under_18_at_offence", person=_born(birth, birth_precision), charge=charge, case=NO_VERDICT, on=TODAY
    )

    assert (check.outcome, check.unknown_facts) == (outcome, missing)


def test_65_or_older_at_a_verdict_known_to_the_year_needs_the_exact_date_when_the_birthday_falls_inside():
    person = _born(date(1958, 7, 1))
    verdict_in_2023 = CaseFacts(
        sentence_kind="", verdict_date=date(2023, 1, 1), verdict_date_precision="year"
    )

    check = check_exemption(
        "male_65_or_older_at_sentencing",
        person=person,
        charge=_attempt(date(2022, 6, 1)),
        case=verdict_in_2023,
        on=TODAY,
    )

    assert check.outcome == "undetermined" and VERDICT_DATE in check.unknown_facts


def test_65_or_older_at_a_verdict_known_to_the_month_after_the_birthday_is_proven():
    person = _born(date(1958, 7, 1))
    verdict_in_august = CaseFacts(
        sentence_kind="", verdict_date=date(2023, 8, 1), verdict_date_precision="month"
    )

    check = check_exemption(
        "male_65_or_older_at_sentencing",
        person=person,
        charge=_attempt(date(2022, 6, 1)),
        case=verdict_in_august,
        on=TODAY,
    )

    assert check.outcome == "proven"
