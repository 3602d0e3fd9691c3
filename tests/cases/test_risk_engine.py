"""The capital-punishment risk rules (cases.risk.rules), as tables of facts and expected levels.

Plain data in, an assessment out: no database. Belarus and Russia are built from the shipped law
data (cases/data/law/, a verbatim copy of the shared domain facts); the Belarusian categories and
watch list are written out here as RISK_RULES.md states them, so these tests pin the rules and not
whatever staff later edit in the admin.
"""

import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from cases.risk import rules as risk
from cases.risk.rules import (
    LEVELS,
    RULES_VERSION,
    ArticleFacts,
    Assessment,
    CaseFacts,
    ChargeFacts,
    LawFacts,
    PersonFacts,
    Reason,
    WatchEntry,
    age_bounds,
    age_on,
    assess,
    birth_date_range,
    charge_exposure,
    check_exemption,
    check_exemptions,
    days_since_reclassification,
    is_counted,
    is_recent_reclassification,
    level_of,
    sentencing_days,
    watch_entry_applies,
)

param = pytest.param

LAW_DIR = Path(__file__).resolve().parents[2] / "cases" / "data" / "law"
TODAY = date(2026, 11, 24)
OFFENCE = date(2024, 1, 10)
MORATORIUM_TEXT = "capital article under moratorium: not a risk of execution"

# RISK_RULES.md: "a reclassification into a capital part or into terrorism/treason articles".
BY_CATEGORIES = {
    "124": "terrorism",
    "126": "terrorism",
    "289": "terrorism",
    "359": "terrorism",
    "356": "treason",
}
ORGANISED_GROUP = "an 'organised group' allegation makes it part 3, which is capital"
OFFICIAL_356 = "for an official or military person it becomes part 2, which is capital since 2023-03-25"
BY_WATCH_LIST = (
    WatchEntry("289", "1", "", ORGANISED_GROUP),
    WatchEntry("289", "2", "", ORGANISED_GROUP),
    WatchEntry("218", "", "", "routinely escalated to terrorism when arson is involved"),
    WatchEntry("309", "", "", "routinely escalated to terrorism when railways are involved"),
    WatchEntry("356", "1", "official_or_military", OFFICIAL_356),
    WatchEntry("357", "", "", "capital (part 3) when deaths are alleged"),
    WatchEntry("360", "", "", "capital (part 2) when deaths are alleged"),
    WatchEntry("361-1", "", "", "organisations later called terrorist lead to terrorism charges"),
)


def _expand_parts(raw) -> list[str]:
    """'1-3' -> ['1', '2', '3'], '2,4' -> ['2', '4'], None -> [''] (an article without parts)."""
    if raw is None:
        return [""]
    parts = []
    for piece in str(raw).split(","):
        if "-" in piece:
            start, end = piece.split("-")
            parts += [str(n) for n in range(int(start), int(end) + 1)]
        else:
            parts.append(piece.strip())
    return parts


def _date(value) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


def _read_law(code: str, categories: dict[str, str]) -> tuple[dict, dict[tuple[str, str], ArticleFacts]]:
    data = yaml.safe_load((LAW_DIR / f"{code}.yaml").read_text(encoding="utf-8"))
    capital_attempt = (data.get("inchoate") or {}).get("capital_attempt") or {}
    attempt_parts = set(capital_attempt.get("parts") or [])
    articles = {}
    for row in data["articles"]:
        number = str(row["article"])
        for part in _expand_parts(row.get("part")):
            for_attempt = _date(row.get("capital_for_attempt_since"))
            if for_attempt is None and f"{number}.{part}" in attempt_parts:
                for_attempt = _date(capital_attempt["since"])
            articles[(number, part)] = ArticleFacts(
                number=number,
                part=part,
                capital=bool(row.get("capital")),
                capital_since=_date(row.get("capital_since")),
                capital_for_attempt_since=for_attempt,
                subject_restriction="official_or_military" if row.get("subject_restriction") else "",
                category=categories.get(number, ""),
                title_en=row["title_en"],
            )
    return data, articles


BY_DATA, BY_ARTICLES = _read_law("BY", BY_CATEGORIES)
RU_DATA, RU_ARTICLES = _read_law("RU", {})
BELARUS = LawFacts(
    code="BY",
    name="Belarus",
    death_penalty=BY_DATA["death_penalty"],
    exemptions=tuple(item["rule"] for item in BY_DATA["exemptions"]),
    watch_list=BY_WATCH_LIST,
)
RUSSIA = LawFacts(
    code="RU",
    name="Russia",
    death_penalty=RU_DATA["death_penalty"],
    exemptions=tuple(item["rule"] for item in RU_DATA["exemptions"]),
)
# A jurisdiction that has abolished the death penalty, with Belarus's articles and watch list.
ABOLISHED = replace(BELARUS, code="XA", name="Abolitionland", death_penalty="abolished")

ADULT_MAN = PersonFacts(
    sex="male", birth_date=date(1980, 1, 15), birth_date_precision="day", is_official_or_military=False
)
OFFICIAL_MAN = replace(ADULT_MAN, is_official_or_military=True)
STATUS_UNKNOWN_MAN = replace(ADULT_MAN, is_official_or_military=None)
ADULT_WOMAN = replace(ADULT_MAN, sex="female")
ADULT_OF_UNKNOWN_SEX = replace(ADULT_MAN, sex="unknown")
MAN_OF_UNKNOWN_BIRTH = replace(ADULT_MAN, birth_date=None, birth_date_precision="unknown")
NOTHING_KNOWN = PersonFacts(
    sex="unknown", birth_date=None, birth_date_precision="unknown", is_official_or_military=None
)
NO_VERDICT = CaseFacts(sentence_kind="", verdict_date=None)


def _article(number: str, part: str = "", law: str = "BY") -> ArticleFacts:
    return (BY_ARTICLES if law == "BY" else RU_ARTICLES)[(number, part)]


def _charge(
    number: str,
    part: str = "",
    *,
    id: int = 1,
    stage: str = "completed",
    state: str = "active",
    offence: date | None = OFFENCE,
    law: str = "BY",
    reclassified_on: date | None = None,
    reclassified_from: ArticleFacts | None = None,
) -> ChargeFacts:
    return ChargeFacts(
        id=id,
        article=_article(number, part, law),
        stage=stage,
        state=state,
        offence_date=offence,
        reclassified_on=reclassified_on,
        reclassified_from=reclassified_from,
    )


def _assess(*charges, person=ADULT_MAN, case=NO_VERDICT, law=BELARUS, on=TODAY) -> Assessment:
    return assess(person=person, case=case, charges=charges, law=law, on=on)


def _rules(assessment: Assessment) -> list[tuple[str, str]]:
    return [(reason.rule, reason.level) for reason in assessment.reasons]


def _born(birth: date, precision: str = "day", sex: str = "male") -> PersonFacts:
    return replace(ADULT_MAN, sex=sex, birth_date=birth, birth_date_precision=precision)


def _part_id(key: tuple[str, str]) -> str:
    number, part = key
    return f"{number}.{part}" if part else number


# ---------------------------------------------------------------------------------------------
# The law data the tests build on


def test_belarus_law_data_reads_as_the_rules_describe_it():
    assert BELARUS.death_penalty == "active"
    assert BELARUS.exemptions == ("female", "under_18_at_offence", "male_65_or_older_at_sentencing")
    assert _article("289", "3").capital_for_attempt_since == date(2022, 5, 29)
    assert _article("356", "2").capital_since == date(2023, 3, 25)
    assert _article("356", "2").subject_restriction == "official_or_military"
    assert _article("139", "2").capital_for_attempt_since is None
    assert _article("127").capital and _article("127").part == ""
    assert not _article("289", "1").capital and _article("289", "1").category == "terrorism"
    assert not _article("356", "1").capital and _article("356", "1").category == "treason"
    assert {("218", "2"), ("309", "4"), ("357", "1"), ("361-1", "3")} <= set(BY_ARTICLES)


def test_russian_law_data_is_under_moratorium():
    assert RUSSIA.death_penalty == "moratorium"
    assert _article("105", "2", law="RU").capital


def test_rules_version_and_levels_are_published():
    assert RULES_VERSION == "2026-12-07.3"
    assert LEVELS == ("none", "watch", "elevated", "critical", "sentenced_to_death")


# ---------------------------------------------------------------------------------------------
# Helpers: notation, ages, birth-date ranges, counted charges, levels


@pytest.mark.parametrize(
    ("number", "part", "notation"),
    [
        param("289", "3", "art. 289 part 3", id="with-part"),
        param("127", "", "art. 127", id="without-parts"),
        param("361-1", "1", "art. 361-1 part 1", id="hyphenated-number"),
    ],
)
def test_article_notation_reads_like_a_lawyer_writes_it(number, part, notation):
    article = ArticleFacts(number, part, capital=False, capital_since=None, capital_for_attempt_since=None)

    assert article.notation == notation


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        param(date(1960, 3, 10), date(2025, 3, 9), 64, id="day-before-birthday"),
        param(date(1960, 3, 10), date(2025, 3, 10), 65, id="on-birthday"),
        param(date(1960, 3, 10), date(2025, 3, 11), 65, id="day-after-birthday"),
        param(date(1960, 2, 29), date(2025, 2, 28), 64, id="feb29-birth-feb28-of-common-year"),
        param(date(1960, 2, 29), date(2025, 3, 1), 65, id="feb29-birth-mar1-of-common-year"),
        param(date(1960, 2, 29), date(2024, 2, 28), 63, id="feb29-birth-feb28-of-leap-year"),
        param(date(1960, 2, 29), date(2024, 2, 29), 64, id="feb29-birth-feb29-of-leap-year"),
        param(date(2004, 12, 31), date(2022, 12, 30), 17, id="new-years-eve-day-before"),
        param(date(2004, 12, 31), date(2022, 12, 31), 18, id="new-years-eve-on-birthday"),
        param(date(2000, 1, 1), date(2000, 1, 1), 0, id="day-of-birth"),
    ],
)
def test_age_on_counts_full_years_with_the_birthday_itself(birth, day, age):
    assert age_on(birth, day) == age


@pytest.mark.parametrize(
    ("birth", "precision", "expected"),
    [
        param(date(1990, 6, 15), "day", (date(1990, 6, 15), date(1990, 6, 15)), id="day"),
        param(date(1990, 6, 1), "month", (date(1990, 6, 1), date(1990, 6, 30)), id="month"),
        param(date(1990, 6, 15), "month", (date(1990, 6, 1), date(1990, 6, 30)), id="month-mid-month-date"),
        param(date(2004, 2, 1), "month", (date(2004, 2, 1), date(2004, 2, 29)), id="month-february-leap"),
        param(date(2003, 2, 1), "month", (date(2003, 2, 1), date(2003, 2, 28)), id="month-february-common"),
        param(date(1990, 12, 1), "month", (date(1990, 12, 1), date(1990, 12, 31)), id="month-december"),
        param(date(1990, 1, 1), "year", (date(1990, 1, 1), date(1990, 12, 31)), id="year"),
        param(date(1990, 7, 4), "year", (date(1990, 1, 1), date(1990, 12, 31)), id="year-mid-year-date"),
        param(date(1990, 1, 1), "unknown", None, id="date-of-unknown-precision"),
        param(None, "unknown", None, id="no-date"),
        param(None, "day", None, id="no-date-with-day-precision"),
    ],
)
def test_birth_date_range_follows_the_precision(birth, precision, expected):
    assert birth_date_range(birth, precision) == expected


@pytest.mark.parametrize(
    ("birth", "precision", "day", "bounds"),
    [
        param(date(1960, 3, 10), "day", date(2025, 3, 10), (65, 65), id="day"),
        param(date(1960, 3, 1), "month", date(2025, 3, 10), (64, 65), id="month-straddling"),
        param(date(1960, 3, 1), "month", date(2025, 3, 31), (65, 65), id="month-last-day"),
        param(date(1960, 1, 1), "year", date(2025, 6, 1), (64, 65), id="year-straddling"),
        param(date(1960, 1, 1), "year", date(2025, 12, 31), (65, 65), id="year-last-day"),
        param(None, "unknown", date(2025, 1, 1), None, id="unknown"),
    ],
)
def test_age_bounds_give_the_youngest_and_oldest_possible_age(birth, precision, day, bounds):
    assert age_bounds(birth, precision, day) == bounds


@pytest.mark.parametrize(
    ("verdict", "precision", "expected"),
    [
        param(None, "unknown", (TODAY, TODAY), id="before-verdict-the-assessment-day"),
        param(
            date(2025, 3, 10),
            "day",
            (date(2025, 3, 10), date(2025, 3, 10)),
            id="after-verdict-the-verdict-day",
        ),
        param(
            date(2025, 3, 1), "month", (date(2025, 3, 1), date(2025, 3, 31)), id="verdict-known-to-the-month"
        ),
        param(
            date(2025, 1, 1), "year", (date(2025, 1, 1), date(2025, 12, 31)), id="verdict-known-to-the-year"
        ),
    ],
)
def test_sentencing_days_are_the_verdicts_range_or_the_assessment_day(verdict, precision, expected):
    case = CaseFacts(sentence_kind="", verdict_date=verdict, verdict_date_precision=precision)
    assert sentencing_days(case, TODAY) == expected


@pytest.mark.parametrize(
    ("state", "counted"),
    [
        param("active", True, id="active"),
        param("convicted", True, id="convicted"),
        param("dropped", False, id="dropped"),
        param("reclassified", False, id="reclassified"),
        param("acquitted", False, id="acquitted"),
    ],
)
def test_is_counted_only_for_active_and_convicted_charges(state, counted):
    assert is_counted(_charge("289", "3", state=state)) is counted


def _said(reason: Reason) -> tuple:
    """A reason as a reader gets it: its rule, level, charge and article, and its English text."""
    return reason.rule, reason.level, reason.charge_id, reason.article, reason.text


WATCH_REASON = Reason("watch_list", "watch", 1, "art. 309 part 2", {"code": "x", "params": {}})
CRITICAL_REASON = Reason("capital_charge", "critical", 2, "art. 289 part 3", {"code": "x", "params": {}})
ELEVATED_REASON = Reason(
    "capital_unknown_fact", "elevated", 3, "art. 139 part 2", {"code": "x", "params": {}}
)


@pytest.mark.parametrize(
    ("reasons", "level"),
    [
        param((), "none", id="no-reasons"),
        param((WATCH_REASON,), "watch", id="one-reason"),
        param((WATCH_REASON, CRITICAL_REASON, ELEVATED_REASON), "critical", id="highest-of-several"),
    ],
)
def test_level_of_reasons_is_the_highest_they_support(reasons, level):
    assert level_of(reasons) == level


# ---------------------------------------------------------------------------------------------
# Capital exposure of one charge, before exemptions

BEFORE_356 = date(2023, 3, 24)
FROM_356 = date(2023, 3, 25)


@pytest.mark.parametrize(
    ("charge", "person", "status", "ruled_out_by", "unknown_facts"),
    [
        param(_charge("289", "1"), ADULT_MAN, "not_capital", (), (), id="non-capital-part"),
        param(_charge("289", "3"), ADULT_MAN, "exposed", (), (), id="completed-capital-part"),
        param(
            _charge("289", "3", offence=None), ADULT_MAN, "exposed", (), (), id="always-capital-needs-no-date"
        ),
        param(
            _charge("289", "3", stage="attempt", offence=date(2022, 5, 28)),
            ADULT_MAN,
            "ruled_out",
            ("date",),
            (),
            id="attempt-day-before-attempt-date",
        ),
        param(
            _charge("289", "3", stage="attempt", offence=date(2022, 5, 29)),
            ADULT_MAN,
            "exposed",
            (),
            (),
            id="attempt-on-attempt-date",
        ),
        param(
            _charge("289", "3", stage="attempt", offence=None),
            ADULT_MAN,
            "unknown",
            (),
            ("offence date",),
            id="attempt-date-unknown",
        ),
        param(
            _charge("139", "2", stage="attempt"), ADULT_MAN, "ruled_out", ("stage",), (), id="attempt-never"
        ),
        param(
            _charge("289", "3", stage="preparation"), ADULT_MAN, "ruled_out", ("stage",), (), id="preparation"
        ),
        param(_charge("289", "3", stage="unknown"), ADULT_MAN, "unknown", (), ("stage",), id="unknown-stage"),
        param(
            _charge("356", "2", offence=BEFORE_356),
            OFFICIAL_MAN,
            "ruled_out",
            ("date",),
            (),
            id="356.2-before",
        ),
        param(_charge("356", "2", offence=FROM_356), OFFICIAL_MAN, "exposed", (), (), id="356.2-on-the-date"),
        param(
            _charge("356", "2", offence=FROM_356),
            ADULT_MAN,
            "ruled_out",
            ("subject",),
            (),
            id="356.2-not-official",
        ),
        param(
            _charge("356", "2", offence=FROM_356),
            STATUS_UNKNOWN_MAN,
            "unknown",
            (),
            ("official or military status",),
            id="356.2-status-unknown",
        ),
        param(
            _charge("356", "2", offence=None),
            OFFICIAL_MAN,
            "unknown",
            (),
            ("offence date",),
            id="356.2-offence-date-unknown",
        ),
        param(
            _charge("356", "2", offence=None, stage="unknown"),
            STATUS_UNKNOWN_MAN,
            "unknown",
            (),
            ("offence date", "stage", "official or military status"),
            id="356.2-everything-unknown-names-every-fact",
        ),
        param(
            _charge("356", "2", offence=date(2023, 1, 1), stage="attempt"),
            OFFICIAL_MAN,
            "ruled_out",
            ("date", "stage"),
            (),
            id="356.2-attempt-before-the-date-ruled-out-twice",
        ),
        param(
            _charge("356", "2", offence=date(2023, 1, 1)),
            ADULT_MAN,
            "ruled_out",
            ("date", "subject"),
            (),
            id="356.2-before-the-date-and-not-official",
        ),
        param(
            _charge("356", "2", offence=date(2023, 1, 1), stage="unknown"),
            STATUS_UNKNOWN_MAN,
            "ruled_out",
            ("date",),
            (),
            id="a-known-ruling-out-beats-unknown-facts",
        ),
    ],
)
def test_charge_exposure_checks_every_condition(charge, person, status, ruled_out_by, unknown_facts):
    exposure = charge_exposure(charge, person)

    assert (exposure.status, exposure.ruled_out_by, exposure.unknown_facts) == (
        status,
        ruled_out_by,
        unknown_facts,
    )
    assert len(exposure.explanations) == len(exposure.ruled_out_by)


# ---------------------------------------------------------------------------------------------
# Exemptions, one at a time

MAN_OF_65 = _born(date(1960, 3, 10))
BIRTHDAY_65 = date(2025, 3, 10)


@pytest.mark.parametrize(
    ("rule", "person", "offence", "on", "outcome", "unknown_facts"),
    [
        param("female", ADULT_WOMAN, OFFENCE, TODAY, "proven", (), id="female-woman"),
        param("female", ADULT_MAN, OFFENCE, TODAY, "disproven", (), id="female-man"),
        param(
            "female", ADULT_OF_UNKNOWN_SEX, OFFENCE, TODAY, "undetermined", ("sex",), id="female-unknown-sex"
        ),
        param(
            "under_18_at_offence",
            _born(date(2004, 6, 16)),
            date(2022, 6, 15),
            TODAY,
            "proven",
            (),
            id="under-18-day-before-18th-birthday",
        ),
        param(
            "under_18_at_offence",
            _born(date(2004, 6, 15)),
            date(2022, 6, 15),
            TODAY,
            "disproven",
            (),
            id="under-18-on-18th-birthday",
        ),
        param(
            "under_18_at_offence",
            _born(date(2004, 6, 1), "month"),
            date(2022, 6, 15),
            TODAY,
            "undetermined",
            ("exact birth date",),
            id="under-18-month-precision-straddling",
        ),
        param(
            "under_18_at_offence",
            NOTHING_KNOWN,
            None,
            TODAY,
            "undetermined",
            ("birth date", "offence date"),
            id="under-18-nothing-recorded",
        ),
        param(
            "under_18_at_offence",
            ADULT_MAN,
            None,
            TODAY,
            "undetermined",
            ("offence date",),
            id="under-18-offence-date-unknown",
        ),
        param("male_65_or_older_at_sentencing", MAN_OF_65, OFFENCE, BIRTHDAY_65, "proven", (), id="65-man"),
        param(
            "male_65_or_older_at_sentencing",
            replace(MAN_OF_65, sex="female"),
            OFFENCE,
            BIRTHDAY_65,
            "disproven",
            (),
            id="65-woman",
        ),
        param(
            "male_65_or_older_at_sentencing",
            replace(MAN_OF_65, sex="unknown"),
            OFFENCE,
            BIRTHDAY_65,
            "undetermined",
            ("sex",),
            id="65-unknown-sex",
        ),
        param(
            "male_65_or_older_at_sentencing",
            ADULT_OF_UNKNOWN_SEX,
            OFFENCE,
            TODAY,
            "disproven",
            (),
            id="65-unknown-sex-certainly-younger",
        ),
        param(
            "male_65_or_older_at_sentencing",
            NOTHING_KNOWN,
            OFFENCE,
            TODAY,
            "undetermined",
            ("sex", "birth date"),
            id="65-unknown-sex-and-birth-date",
        ),
        param(
            "male_65_or_older_at_sentencing",
            _born(date(1960, 1, 1), "year"),
            OFFENCE,
            date(2025, 6, 1),
            "undetermined",
            ("exact birth date",),
            id="65-year-precision-straddling",
        ),
    ],
)
def test_check_exemption_proves_disproves_or_names_the_missing_fact(
    rule, person, offence, on, outcome, unknown_facts
):
    charge = _charge("289", "3", offence=offence)

    check = check_exemption(rule, person=person, charge=charge, case=NO_VERDICT, on=on)

    assert (check.rule, check.outcome, check.unknown_facts) == (rule, outcome, unknown_facts)


def test_check_exemption_for_65_uses_the_verdict_day_over_the_assessment_day():
    case = CaseFacts(sentence_kind="life", verdict_date=BIRTHDAY_65 - timedelta(days=1))

    check = check_exemption(
        "male_65_or_older_at_sentencing", person=MAN_OF_65, charge=_charge("289", "3"), case=case, on=TODAY
    )

    assert check.outcome == "disproven"


def test_check_exemptions_follow_only_the_jurisdictions_list_in_a_fixed_order():
    law = replace(BELARUS, exemptions=("male_65_or_older_at_sentencing", "female"))

    checks = check_exemptions(
        person=ADULT_WOMAN, charge=_charge("289", "3"), case=NO_VERDICT, law=law, on=TODAY
    )

    assert [check.rule for check in checks] == ["female", "male_65_or_older_at_sentencing"]


def test_capital_charge_in_a_law_without_exemptions_is_critical_for_a_woman():
    law = replace(BELARUS, exemptions=())

    assert _rules(_assess(_charge("289", "3"), person=ADULT_WOMAN, law=law)) == [
        ("capital_charge", "critical")
    ]


# ---------------------------------------------------------------------------------------------
# Assessments: capital parts, dates, stages, subject status

CAPITAL_PARTS = sorted(key for key, article in BY_ARTICLES.items() if article.capital)


def test_capital_parts_table_covers_the_belarus_law_data():
    expected = {
        ("122", "2"), ("124", "2"), ("126", "3"), ("127", ""), ("128", ""), ("134", ""), ("135", "3"),
        ("139", "2"), ("289", "3"), ("356", "2"), ("357", "3"), ("359", "2"), ("360", "2"), ("362", ""),
    }  # fmt: skip

    assert set(CAPITAL_PARTS) == expected


@pytest.mark.parametrize(("number", "part"), CAPITAL_PARTS, ids=[_part_id(key) for key in CAPITAL_PARTS])
def test_every_belarus_capital_part_completed_is_critical_for_a_known_adult_man(number, part):
    # An official, so the officials-only 356 part 2 applies too; the act after every capital_since.
    charge = _charge(number, part, id=7, offence=date(2024, 1, 10))

    assessment = _assess(charge, person=OFFICIAL_MAN)

    assert assessment.level == "critical"
    reason = next(r for r in assessment.reasons if r.rule == "capital_charge")
    assert (reason.level, reason.charge_id, reason.article) == ("critical", 7, charge.article.notation)
    assert f"The charge under {charge.article.notation} (" in reason.text
    assert reason.text.endswith("carries the death penalty in Belarus and no exemption applies.")


@pytest.mark.parametrize(
    ("charge", "level", "rule", "words"),
    [
        param(
            _charge("289", "3", stage="attempt", offence=date(2022, 5, 28)),
            "watch",
            "ruled_out_by_date",
            "the attempt (2022-05-28) predates the day attempts on the part became capital (2022-05-29)",
            id="289.3-attempt-day-before-attempt-date",
        ),
        param(
            _charge("289", "3", stage="attempt", offence=date(2022, 5, 29)),
            "critical",
            "capital_charge",
            "no exemption applies",
            id="289.3-attempt-on-attempt-date",
        ),
        param(
            _charge("289", "3", stage="attempt", offence=None),
            "elevated",
            "capital_unknown_fact",
            "while the date of the act is not recorded",
            id="289.3-attempt-date-unknown",
        ),
        param(
            _charge("139", "2", stage="attempt"),
            "watch",
            "ruled_out_by_stage",
            "an attempt under this part never carries it",
            id="139.2-attempt-never-capital",
        ),
        param(
            _charge("289", "3", stage="preparation"),
            "watch",
            "ruled_out_by_stage",
            "preparation never carries it",
            id="289.3-preparation",
        ),
        param(
            _charge("289", "3", stage="unknown"),
            "elevated",
            "capital_unknown_fact",
            "while the stage of the offence is not recorded",
            id="289.3-unknown-stage",
        ),
        param(
            _charge("127", stage="attempt"),
            "watch",
            "ruled_out_by_stage",
            "The charge of attempt under art. 127 (Genocide)",
            id="127-attempt-article-without-parts",
        ),
        param(
            _charge("356", "2", stage="attempt", offence=date(2023, 1, 1)),
            "watch",
            "ruled_out_by_date",
            "became capital (2023-03-25) and an attempt under this part never carries it.",
            id="356.2-attempt-before-capital-since",
        ),
        param(
            _charge("356", "2", offence=date(2023, 3, 24)),
            "watch",
            "ruled_out_by_date",
            "because the act (2023-03-24) predates the day the part became capital (2023-03-25).",
            id="356.2-completed-day-before-capital-since",
        ),
    ],
)
def test_stage_and_date_of_a_capital_charge_decide_its_level(charge, level, rule, words):
    assessment = _assess(charge, person=OFFICIAL_MAN)

    assert assessment.level == level
    assert _rules(assessment) == [(rule, level)]
    assert words in assessment.reasons[0].text


@pytest.mark.parametrize(
    ("offence", "official", "rules"),
    [
        param(BEFORE_356, True, [("ruled_out_by_date", "watch")], id="day-before-official"),
        param(FROM_356, True, [("capital_charge", "critical")], id="on-the-date-official"),
        param(FROM_356, False, [], id="on-the-date-not-official"),
        param(FROM_356, None, [("capital_unknown_fact", "elevated")], id="on-the-date-status-unknown"),
        param(BEFORE_356, False, [], id="day-before-not-official"),
        param(BEFORE_356, None, [("ruled_out_by_date", "watch")], id="day-before-status-unknown"),
        param(None, True, [("capital_unknown_fact", "elevated")], id="date-unknown-official"),
        param(None, None, [("capital_unknown_fact", "elevated")], id="date-and-status-unknown"),
        param(None, False, [], id="date-unknown-not-official"),
    ],
)
def test_treason_by_an_official_depends_on_the_date_and_the_status(offence, official, rules):
    person = replace(ADULT_MAN, is_official_or_military=official)

    assessment = _assess(_charge("356", "2", offence=offence), person=person)

    assert _rules(assessment) == rules
    assert assessment.level == (rules[0][1] if rules else "none")


def test_treason_with_unknown_date_and_status_names_both_facts():
    reason = _assess(_charge("356", "2", offence=None), person=STATUS_UNKNOWN_MAN).reasons[0]

    assert (
        "the date of the act and whether the person is an official or military are not recorded"
        in reason.text
    )


# ---------------------------------------------------------------------------------------------
# Assessments: who is exempt


@pytest.mark.parametrize(
    ("person", "offence", "rules"),
    [
        param(ADULT_WOMAN, OFFENCE, [("exempt", "watch")], id="woman"),
        param(ADULT_MAN, OFFENCE, [("capital_charge", "critical")], id="adult-man"),
        param(ADULT_OF_UNKNOWN_SEX, OFFENCE, [("capital_unknown_fact", "elevated")], id="unknown-sex"),
        param(MAN_OF_UNKNOWN_BIRTH, OFFENCE, [("capital_unknown_fact", "elevated")], id="unknown-birth-date"),
        param(
            replace(ADULT_MAN, birth_date_precision="unknown"),
            OFFENCE,
            [("capital_unknown_fact", "elevated")],
            id="birth-date-of-unknown-precision",
        ),
        param(ADULT_MAN, None, [("capital_unknown_fact", "elevated")], id="unknown-offence-date"),
        param(
            replace(NOTHING_KNOWN, sex="female"), None, [("exempt", "watch")], id="woman-nothing-else-known"
        ),
        param(
            _born(date(2006, 1, 1), sex="unknown"),
            date(2023, 6, 1),
            [("exempt", "watch")],
            id="minor-unknown-sex",
        ),
    ],
)
def test_capital_charge_level_follows_the_exemptions(person, offence, rules):
    assessment = _assess(_charge("289", "3", offence=offence), person=person)

    assert _rules(assessment) == rules


@pytest.mark.parametrize(
    ("person", "offence", "words"),
    [
        param(ADULT_OF_UNKNOWN_SEX, OFFENCE, "while the person's sex is not recorded", id="sex"),
        param(
            MAN_OF_UNKNOWN_BIRTH, OFFENCE, "while the person's birth date is not recorded", id="birth-date"
        ),
        param(ADULT_MAN, None, "while the date of the act is not recorded", id="offence-date"),
        param(
            _born(date(2004, 1, 1), "year"),
            date(2022, 6, 15),
            "while the person's exact birth date is not recorded",
            id="exact-birth-date",
        ),
        param(
            NOTHING_KNOWN,
            None,
            "while the person's sex, the person's birth date and the date of the act are not recorded",
            id="all-three",
        ),
    ],
)
def test_unknown_fact_reason_names_the_missing_fact(person, offence, words):
    reason = _assess(_charge("289", "3", offence=offence), person=person).reasons[0]

    assert reason.rule == "capital_unknown_fact"
    assert words in reason.text


# Born (first day of the period), precision, date of the act, expected level. Boundaries on both
# sides: the 18th birthday itself counts as 18, and an imprecise birth date proves the exemption
# only if its latest possible day does.
# fmt: off
UNDER_18 = [
    param("2004-06-16", "day",   "2022-06-15", "watch",    id="day-before-18th-birthday"),
    param("2004-06-15", "day",   "2022-06-15", "critical", id="on-18th-birthday"),
    param("2004-02-29", "day",   "2022-02-28", "watch",    id="feb29-birth-feb28-of-18th-year"),
    param("2004-02-29", "day",   "2022-03-01", "critical", id="feb29-birth-mar1-of-18th-year"),
    param("2004-07-01", "month", "2022-06-30", "watch",    id="month-whole-month-still-17"),
    param("2004-07-01", "month", "2022-07-01", "elevated", id="month-earliest-turns-18"),
    param("2004-06-01", "month", "2022-06-15", "elevated", id="month-straddling"),
    param("2004-06-01", "month", "2022-06-29", "elevated", id="month-day-before-latest-turns-18"),
    param("2004-06-01", "month", "2022-06-30", "critical", id="month-latest-turns-18"),
    param("2004-05-01", "month", "2022-06-15", "critical", id="month-whole-month-already-18"),
    param("2004-01-01", "year",  "2021-12-31", "watch",    id="year-whole-year-still-17"),
    param("2004-01-01", "year",  "2022-01-01", "elevated", id="year-earliest-turns-18"),
    param("2004-01-01", "year",  "2022-12-30", "elevated", id="year-day-before-latest-turns-18"),
    param("2004-01-01", "year",  "2022-12-31", "critical", id="year-latest-turns-18"),
    param("2005-01-01", "year",  "2022-06-15", "watch",    id="year-after"),
    param("2003-01-01", "year",  "2022-06-15", "critical", id="year-before"),
]
# fmt: on


@pytest.mark.parametrize(("birth", "precision", "offence", "level"), UNDER_18)
def test_under_18_exemption_holds_only_when_every_possible_birth_date_proves_it(
    birth, precision, offence, level
):
    person = _born(_date(birth), precision)

    assessment = _assess(_charge("289", "3", offence=_date(offence)), person=person)

    assert assessment.level == level
    if level == "watch":
        assert "because the person was under 18 on the date of the act." in assessment.reasons[0].text


# Born, precision, verdict date (None: no verdict yet), day of assessment, expected level.
# The day of sentencing is the verdict date, and before a verdict the day of assessment.
# fmt: off
MAN_65 = [
    param("1960-03-10", "day",   None,         "2025-03-09", "critical", id="no-verdict-day-before-65th"),
    param("1960-03-10", "day",   None,         "2025-03-10", "watch",    id="no-verdict-on-65th"),
    param("1960-03-10", "day",   "2025-03-09", "2026-01-01", "critical", id="verdict-day-before-65th"),
    param("1960-03-10", "day",   "2025-03-10", "2025-06-01", "watch",    id="verdict-on-65th"),
    param("1960-02-29", "day",   None,         "2025-02-28", "critical", id="feb29-birth-feb28-of-65th-year"),
    param("1960-02-29", "day",   None,         "2025-03-01", "watch",    id="feb29-birth-mar1-of-65th-year"),
    param("1960-03-01", "month", None,         "2025-02-28", "critical", id="month-whole-month-still-64"),
    param("1960-03-01", "month", None,         "2025-03-01", "elevated", id="month-earliest-turns-65"),
    param("1960-03-01", "month", None,         "2025-03-30", "elevated", id="month-before-latest-turns-65"),
    param("1960-03-01", "month", None,         "2025-03-31", "watch",    id="month-latest-turns-65"),
    param("1960-03-01", "month", "2025-03-31", "2025-04-15", "watch",    id="month-verdict-latest-turns-65"),
    param("1960-03-01", "month", "2025-03-15", "2026-01-01", "elevated", id="month-verdict-straddling"),
    param("1960-01-01", "year",  None,         "2024-12-31", "critical", id="year-whole-year-still-64"),
    param("1960-01-01", "year",  None,         "2025-01-01", "elevated", id="year-earliest-turns-65"),
    param("1960-01-01", "year",  None,         "2025-12-30", "elevated", id="year-before-latest-turns-65"),
    param("1960-01-01", "year",  None,         "2025-12-31", "watch",    id="year-latest-turns-65"),
]
# fmt: on


@pytest.mark.parametrize(("birth", "precision", "verdict", "on", "level"), MAN_65)
def test_man_65_exemption_is_judged_on_the_day_of_sentencing(birth, precision, verdict, on, level):
    case = CaseFacts(sentence_kind="life" if verdict else "", verdict_date=_date(verdict))

    assessment = _assess(_charge("289", "3"), person=_born(_date(birth), precision), case=case, on=_date(on))

    assert assessment.level == level
    if level == "watch":
        day = "the day of sentencing" if verdict else "the day of this assessment"
        assert f"because the person is a man aged 65 or older on {day}" in assessment.reasons[0].text


def test_woman_of_70_is_exempt_as_a_woman_only():
    reason = _assess(_charge("289", "3"), person=_born(date(1950, 1, 1), sex="female")).reasons[0]

    assert (reason.rule, reason.level) == ("exempt", "watch")
    assert reason.text.endswith("because the person is a woman.")


def test_person_of_unknown_sex_aged_70_is_elevated_because_of_the_sex():
    reason = _assess(_charge("289", "3"), person=_born(date(1950, 1, 1), sex="unknown")).reasons[0]

    assert (reason.rule, reason.level) == ("capital_unknown_fact", "elevated")
    assert "while the person's sex is not recorded" in reason.text


def test_several_proven_exemptions_are_all_named():
    girl = replace(_born(date(2006, 1, 1), sex="female"), is_official_or_military=None)

    reason = _assess(_charge("289", "3", offence=date(2023, 1, 1)), person=girl).reasons[0]

    assert reason.text.endswith(
        "because the person is a woman and the person was under 18 on the date of the act."
    )


def test_proven_exemption_settles_a_charge_whose_exposure_is_unknown():
    woman = replace(ADULT_WOMAN, is_official_or_military=None)

    assessment = _assess(_charge("356", "2", offence=None), person=woman)

    assert _rules(assessment) == [("exempt", "watch")]


def test_unknown_exposure_and_undetermined_exemption_name_every_missing_fact():
    person = replace(ADULT_MAN, sex="unknown", is_official_or_military=None)

    reason = _assess(_charge("356", "2", offence=date(2024, 1, 1)), person=person).reasons[0]

    assert reason.rule == "capital_unknown_fact"
    assert (
        "the person's sex and whether the person is an official or military are not recorded" in reason.text
    )


# ---------------------------------------------------------------------------------------------
# Assessments: which charges count


@pytest.mark.parametrize(
    ("state", "level"),
    [
        param("active", "critical", id="active"),
        param("convicted", "critical", id="convicted"),
        param("dropped", "none", id="dropped"),
        param("reclassified", "none", id="reclassified"),
        param("acquitted", "none", id="acquitted"),
    ],
)
def test_capital_charge_counts_only_while_active_or_convicted(state, level):
    assert _assess(_charge("289", "3", state=state)).level == level


@pytest.mark.parametrize("state", ["dropped", "reclassified", "acquitted"])
def test_ended_charge_gives_no_reason_of_any_kind(state):
    charges = (
        _charge("289", "3", id=1, state=state, stage="attempt", offence=date(2022, 1, 1)),
        _charge("289", "1", id=2, state=state, reclassified_on=TODAY, reclassified_from=_article("218", "2")),
        _charge("309", "2", id=3, state=state),
        _charge("139", "2", id=4, state=state, stage="unknown"),
    )

    assert _assess(*charges) == Assessment(level="none", reasons=())


def test_case_without_charges_has_no_risk():
    assert _assess() == Assessment(level="none", reasons=())


def test_non_capital_charges_off_the_watch_list_have_no_risk():
    assert _assess(_charge("342", "1"), _charge("130", "2", id=2)) == Assessment(level="none", reasons=())


# ---------------------------------------------------------------------------------------------
# Assessments: the watch list


@pytest.mark.parametrize(
    ("number", "part", "official", "watched"),
    [
        param("289", "1", False, True, id="289.1"),
        param("289", "2", False, True, id="289.2"),
        param("218", "2", False, True, id="218.2"),
        param("218", "3", False, True, id="218.3"),
        param("309", "2", False, True, id="309.2"),
        param("309", "4", False, True, id="309.4"),
        param("357", "1", False, True, id="357.1"),
        param("361-1", "1", False, True, id="361-1.1"),
        param("361-1", "3", False, True, id="361-1.3"),
        param("356", "1", True, True, id="356.1-official"),
        param("356", "1", None, True, id="356.1-status-unknown"),
        param("356", "1", False, False, id="356.1-not-official"),
        param("361", "3", False, False, id="361.3-not-listed"),
        param("342", "1", False, False, id="342.1-not-listed"),
    ],
)
def test_watch_list_entry_flags_a_routinely_escalated_charge(number, part, official, watched):
    person = replace(ADULT_MAN, is_official_or_military=official)

    assessment = _assess(_charge(number, part, id=4), person=person)

    if not watched:
        assert assessment == Assessment(level="none", reasons=())
        return
    assert assessment.level == "watch"
    [reason] = assessment.reasons
    assert (reason.rule, reason.charge_id, reason.article) == ("watch_list", 4, f"art. {number} part {part}")
    entry = next(e for e in BY_WATCH_LIST if e.article_number == number)
    assert reason.text.endswith(f"is on the watch list: {entry.reason}.")


def test_watch_list_entry_for_a_whole_article_covers_its_capital_part_too():
    assert _rules(_assess(_charge("357", "3"))) == [("capital_charge", "critical"), ("watch_list", "watch")]


def test_watch_list_entry_for_one_part_ignores_the_other_parts():
    law = replace(BELARUS, watch_list=(WatchEntry("289", "1", "", ORGANISED_GROUP),))

    assert _assess(_charge("289", "2"), law=law).level == "none"


EFFECTIVE = WatchEntry(
    "342", "1", "", "a test entry", effective_from=date(2025, 1, 1), effective_to=date(2025, 6, 30)
)


@pytest.mark.parametrize(
    ("entry", "on", "applies"),
    [
        param(EFFECTIVE, date(2024, 12, 31), False, id="day-before-effective-from"),
        param(EFFECTIVE, date(2025, 1, 1), True, id="on-effective-from"),
        param(EFFECTIVE, date(2025, 6, 30), True, id="on-effective-to"),
        param(EFFECTIVE, date(2025, 7, 1), False, id="day-after-effective-to"),
        param(replace(EFFECTIVE, effective_from=None), date(1999, 1, 1), True, id="open-start"),
        param(replace(EFFECTIVE, effective_to=None), date(2099, 1, 1), True, id="open-end"),
        param(
            replace(EFFECTIVE, effective_to=None), date(2024, 12, 31), False, id="open-end-day-before-start"
        ),
    ],
)
def test_watch_list_entry_applies_only_while_in_effect(entry, on, applies):
    law = replace(BELARUS, watch_list=(entry,))

    assert watch_entry_applies(entry, charge=_charge("342", "1"), person=ADULT_MAN, on=on) is applies
    assert _assess(_charge("342", "1"), law=law, on=on).level == ("watch" if applies else "none")


# ---------------------------------------------------------------------------------------------
# Assessments: recent reclassification


@pytest.mark.parametrize(
    ("days", "recent"),
    [
        param(-1, False, id="tomorrow"),
        param(0, True, id="day-0"),
        param(1, True, id="day-1"),
        param(90, True, id="day-90"),
        param(91, False, id="day-91"),
    ],
)
def test_reclassification_window_is_90_days_both_ends_included(days, recent):
    charge = _charge("289", "1", reclassified_on=TODAY - timedelta(days=days))

    assert is_recent_reclassification(charge, TODAY) is recent
    assert days_since_reclassification(charge, TODAY) == days


def test_charge_not_created_by_a_reclassification_is_not_recent():
    charge = _charge("289", "1")

    assert days_since_reclassification(charge, TODAY) is None
    assert not is_recent_reclassification(charge, TODAY)


RECLASSIFIED = ("recent_reclassification", "elevated")
WATCHED = ("watch_list", "watch")
CRITICAL = ("capital_charge", "critical")


@pytest.mark.parametrize(
    ("number", "part", "days", "rules"),
    [
        param("289", "1", 0, [RECLASSIFIED, WATCHED], id="terrorism-non-capital-day-0"),
        param("289", "1", 90, [RECLASSIFIED, WATCHED], id="terrorism-non-capital-day-90"),
        param("289", "1", 91, [WATCHED], id="terrorism-non-capital-day-91"),
        param("289", "1", -1, [WATCHED], id="terrorism-non-capital-in-the-future"),
        param("289", "3", 0, [CRITICAL, RECLASSIFIED], id="capital-terrorism-day-0"),
        param("289", "3", 90, [CRITICAL, RECLASSIFIED], id="capital-terrorism-day-90"),
        param("289", "3", 91, [CRITICAL], id="capital-terrorism-day-91"),
        param("139", "2", 30, [CRITICAL, RECLASSIFIED], id="capital-without-category"),
        param("356", "1", 90, [RECLASSIFIED], id="treason-non-capital-day-90"),
        param("356", "1", 91, [], id="treason-non-capital-day-91"),
        param("342", "1", 0, [], id="neither-capital-nor-category"),
    ],
)
def test_recent_reclassification_into_capital_terrorism_or_treason_is_elevated(number, part, days, rules):
    reclassified_on = TODAY - timedelta(days=days)
    charge = _charge(
        number, part, id=2, reclassified_on=reclassified_on, reclassified_from=_article("218", "2")
    )

    assert _rules(_assess(charge)) == rules


def test_recent_reclassification_into_a_capital_part_ruled_out_for_the_person_still_counts():
    charge = _charge(
        "356", "2", offence=date(2024, 1, 1), reclassified_on=TODAY, reclassified_from=_article("356", "1")
    )

    assert _rules(_assess(charge)) == [RECLASSIFIED]


def test_recent_reclassification_reason_names_both_articles_and_the_date():
    charge = _charge(
        "289", "1", id=2, reclassified_on=date(2026, 10, 1), reclassified_from=_article("218", "2")
    )

    reason = _assess(charge).reasons[0]

    assert (reason.rule, reason.charge_id, reason.article) == (
        "recent_reclassification",
        2,
        "art. 289 part 1",
    )
    assert reason.text.startswith("The charge was reclassified from art. 218 part 2 to art. 289 part 1 (")
    assert (
        "a terrorism article, on 2026-10-01, within the last 90 days (this flag lapses after 2026-12-30)."
        in reason.text
    )


def test_recent_reclassification_without_a_recorded_source_still_counts():
    reason = _assess(_charge("289", "1", reclassified_on=TODAY)).reasons[0]

    assert reason.rule == "recent_reclassification"
    assert reason.text.startswith("The charge was reclassified to art. 289 part 1 (")
    assert reason.text.endswith(
        f"within the last 90 days (this flag lapses after {TODAY + timedelta(days=90)})."
    )


def test_recent_reclassification_of_a_convicted_charge_counts():
    charge = _charge("289", "1", state="convicted", reclassified_on=TODAY)

    assert RECLASSIFIED in _rules(_assess(charge))


# ---------------------------------------------------------------------------------------------
# Assessments: moratorium and abolition

RU_CAPITAL_PARTS = sorted(key for key, article in RU_ARTICLES.items() if article.capital)


@pytest.mark.parametrize(
    ("number", "part"), RU_CAPITAL_PARTS, ids=[_part_id(key) for key in RU_CAPITAL_PARTS]
)
def test_moratorium_capital_part_is_watch_never_critical(number, part):
    assessment = _assess(_charge(number, part, law="RU"), law=RUSSIA)

    assert _rules(assessment) == [("moratorium", "watch")]
    assert assessment.reasons[0].text.endswith(f"in Russia is a {MORATORIUM_TEXT}.")


@pytest.mark.parametrize(
    ("person", "charge", "rules"),
    [
        param(ADULT_MAN, _charge("105", "2", law="RU"), [("moratorium", "watch")], id="adult-man"),
        param(
            ADULT_OF_UNKNOWN_SEX, _charge("105", "2", law="RU"), [("moratorium", "watch")], id="unknown-sex"
        ),
        param(
            NOTHING_KNOWN,
            _charge("105", "2", law="RU", offence=None),
            [("moratorium", "watch")],
            id="nothing-known",
        ),
        param(
            ADULT_MAN,
            _charge("105", "2", law="RU", stage="unknown"),
            [("moratorium", "watch")],
            id="unknown-stage",
        ),
        param(ADULT_WOMAN, _charge("105", "2", law="RU"), [("exempt", "watch")], id="woman"),
        param(
            ADULT_MAN,
            _charge("105", "2", law="RU", stage="attempt"),
            [("ruled_out_by_stage", "watch")],
            id="attempt",
        ),
    ],
)
def test_moratorium_turns_critical_and_elevated_into_watch(person, charge, rules):
    assert _rules(_assess(charge, person=person, law=RUSSIA)) == rules


def test_moratorium_turns_recent_reclassification_into_watch():
    charge = _charge("105", "2", law="RU", reclassified_on=TODAY - timedelta(days=10))

    assessment = _assess(charge, law=RUSSIA)

    assert assessment.level == "watch"
    reason = next(r for r in assessment.reasons if r.rule == "recent_reclassification")
    assert reason.level == "watch"
    lapses = TODAY - timedelta(days=10) + timedelta(days=90)
    assert reason.text.endswith(f"(this flag lapses after {lapses}); {MORATORIUM_TEXT}.")


def test_moratorium_still_reports_a_death_sentence():
    case = CaseFacts(sentence_kind="death", verdict_date=date(2020, 1, 1))

    assert _assess(_charge("105", "2", law="RU"), case=case, law=RUSSIA).level == "sentenced_to_death"


@pytest.mark.parametrize(
    ("charge", "rules"),
    [
        param(_charge("289", "3"), [], id="capital-charge"),
        param(_charge("139", "2", stage="unknown"), [], id="unknown-stage"),
        param(_charge("289", "3", stage="attempt", offence=date(2022, 1, 1)), [], id="ruled-out-by-date"),
        param(_charge("139", "2", reclassified_on=TODAY), [], id="reclassified-into-capital-only"),
        param(
            _charge("289", "3", reclassified_on=TODAY),
            [("recent_reclassification", "watch")],
            id="reclassified-into-capital-terrorism",
        ),
        param(
            _charge("289", "1", reclassified_on=TODAY),
            [("recent_reclassification", "watch"), WATCHED],
            id="reclassified-into-terrorism",
        ),
    ],
)
def test_abolished_death_penalty_leaves_only_terrorism_reclassification_and_the_watch_list(charge, rules):
    assessment = _assess(charge, person=ADULT_OF_UNKNOWN_SEX, law=ABOLISHED)

    assert _rules(assessment) == rules
    assert all("a capital part" not in reason.text for reason in assessment.reasons)


def test_abolished_death_penalty_still_reports_a_death_sentence():
    case = CaseFacts(sentence_kind="death", verdict_date=date(1990, 1, 1))

    assert _assess(_charge("289", "3"), case=case, law=ABOLISHED).level == "sentenced_to_death"


# ---------------------------------------------------------------------------------------------
# Assessments: death sentence, several charges, the reasons themselves


@pytest.mark.parametrize(
    ("sentence_kind", "level"),
    [
        param("death", "sentenced_to_death", id="death"),
        # Another sentence leaves the conviction at watch until the verdict is final (see below).
        param("life", "watch", id="life"),
        param("deprivation_of_liberty", "watch", id="term"),
        param("", "critical", id="no-sentence"),
    ],
)
def test_sentenced_to_death_only_for_a_death_sentence(sentence_kind, level):
    case = CaseFacts(sentence_kind=sentence_kind, verdict_date=date(2024, 7, 1) if sentence_kind else None)

    assert _assess(_charge("289", "3", state="convicted"), case=case).level == level


def test_death_sentence_reason_comes_first_and_the_other_reasons_stay():
    case = CaseFacts(sentence_kind="death", verdict_date=date(2024, 7, 1))

    assessment = _assess(_charge("289", "3", id=3, state="convicted"), case=case)

    assert _rules(assessment) == [("death_sentence", "sentenced_to_death"), CRITICAL]
    death = assessment.reasons[0]
    assert (death.charge_id, death.article) == (None, "")
    assert death.text == "A death sentence was handed down on 2024-07-01 and has not been commuted."


def test_death_sentence_counts_without_any_charge_or_exemption():
    case = CaseFacts(sentence_kind="death", verdict_date=date(2024, 7, 1))

    assessment = _assess(person=ADULT_WOMAN, case=case)

    assert assessment.level == "sentenced_to_death"
    assert _rules(assessment) == [("death_sentence", "sentenced_to_death")]


def test_several_charges_highest_level_wins_and_every_reason_is_listed():
    # The Svietlahorsk pattern: 289 part 3 as an organised group, with 309, 356 part 1 and 361-1 part 3.
    arson = date(2022, 2, 15)
    charges = (
        _charge("361-1", "3", id=4, offence=arson),
        _charge("289", "3", id=2, offence=arson),
        _charge("356", "1", id=3, offence=arson),
        _charge("309", "2", id=1, offence=arson),
        _charge("289", "3", id=5, offence=arson, stage="attempt"),
        _charge("293", "2", id=6, offence=arson, state="dropped"),
    )

    assessment = _assess(*charges, person=STATUS_UNKNOWN_MAN)

    assert assessment.level == "critical"
    assert [(r.rule, r.level, r.charge_id) for r in assessment.reasons] == [
        ("capital_charge", "critical", 2),
        ("watch_list", "watch", 1),
        ("watch_list", "watch", 3),
        ("watch_list", "watch", 4),
        ("ruled_out_by_date", "watch", 5),
    ]


def test_several_charges_with_an_unknown_fact_and_a_watched_one_reach_elevated():
    charges = (_charge("309", "2", id=1), _charge("289", "3", id=2, stage="unknown"))

    assessment = _assess(*charges)

    assert assessment.level == "elevated"
    assert [(r.rule, r.charge_id) for r in assessment.reasons] == [
        ("capital_unknown_fact", 2),
        ("watch_list", 1),
    ]


def test_reasons_of_one_level_and_one_charge_are_ordered_by_rule():
    assessment = _assess(_charge("357", "3", id=1), person=ADULT_WOMAN)

    assert _rules(assessment) == [("exempt", "watch"), WATCHED]


def test_critical_reason_reads_as_one_plain_sentence():
    article = ArticleFacts(
        "289",
        "3",
        capital=True,
        capital_since=None,
        capital_for_attempt_since=None,
        title_en="Act of terrorism",
    )
    charge = ChargeFacts(id=1, article=article, stage="completed", state="active", offence_date=OFFENCE)

    [reason] = _assess(charge).reasons

    assert reason.text == (
        "The charge under art. 289 part 3 (Act of terrorism) carries the death penalty in Belarus "
        "and no exemption applies."
    )


def test_reason_for_an_article_without_a_title_uses_the_notation_alone():
    article = ArticleFacts("289", "3", capital=True, capital_since=None, capital_for_attempt_since=None)
    charge = ChargeFacts(id=1, article=article, stage="completed", state="active", offence_date=OFFENCE)

    [reason] = _assess(charge).reasons

    assert reason.text.startswith("The charge under art. 289 part 3 carries")


SCENARIOS = {
    "critical": {"charges": (_charge("289", "3"),)},
    "sentenced": {
        "charges": (_charge("139", "2"),),
        "case": CaseFacts(sentence_kind="death", verdict_date=OFFENCE),
    },
    "unknown-facts": {
        "charges": (_charge("356", "2", offence=None, stage="unknown"),),
        "person": NOTHING_KNOWN,
    },
    "exempt": {"charges": (_charge("127"),), "person": ADULT_WOMAN},
    "ruled-out": {
        "charges": (_charge("289", "3", stage="preparation"), _charge("139", "2", id=2, stage="attempt"))
    },
    "watch-list": {
        "charges": tuple(
            _charge(number, part, id=i)
            for i, (number, part) in enumerate(
                [
                    ("289", "1"),
                    ("289", "2"),
                    ("218", "2"),
                    ("309", "4"),
                    ("357", "1"),
                    ("360", "2"),
                    ("361-1", "1"),
                ]
            )
        ),
        "person": STATUS_UNKNOWN_MAN,
    },
    "reclassified": {
        "charges": (_charge("289", "1", reclassified_on=TODAY, reclassified_from=_article("218", "2")),)
    },
    "moratorium": {"charges": (_charge("105", "2", law="RU", reclassified_on=TODAY),), "law": RUSSIA},
}


def _split(scenario: dict) -> tuple[tuple[ChargeFacts, ...], dict]:
    return scenario["charges"], {key: value for key, value in scenario.items() if key != "charges"}


@pytest.mark.parametrize("scenario", [param(value, id=key) for key, value in SCENARIOS.items()])
def test_every_reason_carries_its_charge_article_and_one_readable_sentence(scenario):
    charges, options = _split(scenario)
    by_id = {charge.id: charge for charge in charges}

    assessment = _assess(*charges, **options)

    assert assessment.reasons
    for reason in assessment.reasons:
        assert reason.level in LEVELS[1:]
        assert reason.text[0].isupper() and reason.text.endswith(".") and "\n" not in reason.text
        # One sentence: no full stop inside it once the "art." abbreviations are set aside.
        assert ". " not in reason.text.replace("art. ", "art ")
        if reason.rule == "death_sentence":
            assert (reason.charge_id, reason.article) == (None, "")
        else:
            assert reason.article == by_id[reason.charge_id].article.notation
            assert reason.article in reason.text


@pytest.mark.parametrize("scenario", [param(value, id=key) for key, value in SCENARIOS.items()])
def test_assessment_is_the_same_whatever_the_order_of_the_charges(scenario):
    charges, options = _split(scenario)
    charges = [*charges, _charge("309", "2", id=99), _charge("289", "3", id=98, stage="unknown")]
    shuffled = charges[::-1]
    random.Random(4).shuffle(shuffled)

    first = _assess(*charges, **options)

    assert _assess(*shuffled, **options) == first
    assert _assess(*charges, **options) == first
    levels = [LEVELS.index(reason.level) for reason in first.reasons]
    assert levels == sorted(levels, reverse=True)


# ---------------------------------------------------------------------------------------------
# Bad input fails loudly


@pytest.mark.parametrize(
    "build",
    [
        param(lambda: replace(ADULT_MAN, sex="woman"), id="sex"),
        param(lambda: replace(ADULT_MAN, birth_date_precision="decade"), id="precision"),
        param(lambda: replace(_charge("289", "3"), stage="planned"), id="stage"),
        param(lambda: replace(_charge("289", "3"), state="closed"), id="state"),
        param(lambda: replace(_article("289", "3"), category="extremism"), id="category"),
        param(
            lambda: replace(_article("356", "2"), subject_restriction="military"), id="subject-restriction"
        ),
        param(lambda: replace(BELARUS, death_penalty="suspended"), id="death-penalty"),
        param(lambda: replace(BELARUS, exemptions=("pregnant",)), id="exemption"),
        param(lambda: WatchEntry("356", "1", "military", "x"), id="watch-condition"),
    ],
)
def test_facts_with_a_value_outside_the_vocabulary_are_refused(build):
    with pytest.raises(ValueError, match="must be one of"):
        build()


def test_check_exemption_refuses_an_unknown_rule():
    with pytest.raises(ValueError, match="unknown exemption"):
        check_exemption("pregnant", person=ADULT_MAN, charge=_charge("289", "3"), case=NO_VERDICT, on=TODAY)


def test_risk_module_imports_neither_django_nor_models():
    source = Path(risk.__file__).read_text(encoding="utf-8")

    assert "import django" not in source and "from django" not in source and "cases.models" not in source


# ---------------------------------------------------------------------------------------------
# After the verdict (RISK_RULES.md): a conviction with a sentence other than death is `watch`
# until the verdict is final, then that charge no longer counts.

VERDICT = date(2024, 7, 1)


def _sentenced(kind: str, final_on: date | None = None, precision: str = "day") -> CaseFacts:
    return CaseFacts(
        sentence_kind=kind,
        verdict_date=VERDICT,
        verdict_final_on=final_on,
        verdict_final_precision=precision if final_on else "unknown",
    )


@pytest.mark.parametrize(
    ("case", "level", "rule"),
    [
        param(
            _sentenced("deprivation_of_liberty"),
            "watch",
            "conviction_not_final",
            id="term-final-not-recorded",
        ),
        param(_sentenced("life"), "watch", "conviction_not_final", id="life-final-not-recorded"),
        param(_sentenced("fine"), "watch", "conviction_not_final", id="fine-final-not-recorded"),
        param(
            _sentenced("deprivation_of_liberty", date(2024, 9, 20)), "none", "verdict_final", id="term-final"
        ),
        param(_sentenced("life", date(2024, 9, 20)), "none", "verdict_final", id="life-final"),
        param(_sentenced("deprivation_of_liberty", TODAY), "none", "verdict_final", id="final-today"),
        param(
            _sentenced("deprivation_of_liberty", TODAY + timedelta(days=1)),
            "watch",
            "conviction_not_final",
            id="final-date-still-ahead",
        ),
        param(
            _sentenced("deprivation_of_liberty", date(2026, 11, 1), "month"),
            "watch",
            "conviction_not_final",
            id="final-in-this-month-not-over",
        ),
        param(
            _sentenced("deprivation_of_liberty", date(2026, 10, 1), "month"),
            "none",
            "verdict_final",
            id="final-in-last-month",
        ),
        param(
            _sentenced("deprivation_of_liberty", date(2026, 1, 1), "year"),
            "watch",
            "conviction_not_final",
            id="final-in-this-year-not-over",
        ),
        param(
            _sentenced("deprivation_of_liberty", date(2025, 1, 1), "year"),
            "none",
            "verdict_final",
            id="final-last-year",
        ),
        # No sentence recorded: the conviction may yet carry death (unknown never lowers).
        param(
            CaseFacts(sentence_kind="", verdict_date=VERDICT),
            "critical",
            "capital_charge",
            id="sentence-not-recorded",
        ),
        param(
            _sentenced("death", date(2024, 9, 20)), "sentenced_to_death", "death_sentence", id="death-final"
        ),
    ],
)
def test_conviction_of_a_capital_charge_after_the_verdict(case, level, rule):
    assessment = _assess(_charge("289", "3", state="convicted"), case=case)

    assert assessment.level == level
    assert assessment.reasons[0].rule == rule


def test_not_final_conviction_reason_says_why_and_keeps_the_reason_before_the_verdict():
    before = _assess(_charge("289", "3")).reasons[0]
    reason = _assess(
        _charge("289", "3", state="convicted"), case=_sentenced("deprivation_of_liberty")
    ).reasons[0]

    assert before.rule == "capital_charge"
    assert _said(reason) == (
        "conviction_not_final",
        "watch",
        1,
        "art. 289 part 3",
        "The conviction under art. 289 part 3 with a sentence of deprivation of liberty (verdict 2024-07-01) "
        "is not final, or the day it became final is not recorded: until it is, an appeal may still seek "
        f"the death penalty, so the charge stays on watch. Before the verdict: {before.text}",
    )


def test_final_conviction_reason_says_the_charge_no_longer_counts():
    case = _sentenced("life", date(2025, 3, 1), "month")

    assert tuple(map(_said, _assess(_charge("289", "3", state="convicted"), case=case).reasons)) == (
        (
            "verdict_final",
            "none",
            1,
            "art. 289 part 3",
            "The conviction under art. 289 part 3 with a sentence of life imprisonment "
            "(verdict 2024-07-01) became final on 2025-03: the charge no longer counts towards the risk "
            "of execution.",
        ),
    )


@pytest.mark.parametrize(
    ("charge", "person", "not_final", "final"),
    [
        # Every kind of reason a convicted charge can give, before and after the verdict is final.
        param(
            _charge("289", "3", state="convicted"),
            ADULT_OF_UNKNOWN_SEX,
            ("conviction_not_final", "watch"),
            "none",
            id="unknown-fact",
        ),
        param(_charge("289", "3", state="convicted"), ADULT_WOMAN, ("exempt", "watch"), "none", id="exempt"),
        param(
            _charge("289", "3", state="convicted", stage="attempt", offence=date(2021, 5, 1)),
            ADULT_MAN,
            ("ruled_out_by_date", "watch"),
            "none",
            id="ruled-out-by-date",
        ),
        param(
            _charge("289", "1", state="convicted", reclassified_on=TODAY - timedelta(days=10)),
            ADULT_MAN,
            ("conviction_not_final", "watch"),
            "none",
            id="recent-reclassification",
        ),
        param(
            _charge("309", "2", state="convicted"),
            ADULT_MAN,
            ("watch_list", "watch"),
            "none",
            id="watch-list",
        ),
        param(_charge("339", "2", state="convicted"), ADULT_MAN, None, "none", id="not-capital"),
    ],
)
def test_each_reason_of_a_convicted_charge_is_watch_until_final_then_gone(charge, person, not_final, final):
    pending = _assess(charge, person=person, case=_sentenced("deprivation_of_liberty"))
    settled = _assess(charge, person=person, case=_sentenced("deprivation_of_liberty", date(2025, 1, 10)))

    assert (_rules(pending)[0] if pending.reasons else None) == not_final
    assert pending.level == ("watch" if not_final else "none")
    assert settled.level == final
    assert {reason.rule for reason in settled.reasons} <= {"verdict_final"}


def test_active_charge_beside_a_final_conviction_still_counts():
    # A charge separated into another trial stays active: the verdict says nothing about it.
    charges = (_charge("339", "2", id=1, state="convicted"), _charge("289", "3", id=2))

    assessment = _assess(*charges, case=_sentenced("deprivation_of_liberty", date(2025, 1, 10)))

    assert assessment.level == "critical"
    assert _rules(assessment) == [CRITICAL]


@pytest.mark.parametrize(
    "charge",
    [
        param(_charge("289", "3", state="convicted"), id="convicted"),
        param(_charge("289", "3"), id="active"),
        param(_charge("289", "3", stage="unknown"), id="unknown-fact"),
        param(_charge("289", "1", reclassified_on=TODAY - timedelta(days=10)), id="recent-reclassification"),
    ],
)
def test_moratorium_caps_every_capital_derived_level_at_watch(charge):
    moratorium = replace(BELARUS, death_penalty="moratorium")

    assessment = _assess(charge, case=_sentenced("deprivation_of_liberty"), law=moratorium)

    assert assessment.level == "watch"
    assert all(reason.level in ("watch", "none") for reason in assessment.reasons)


def test_contested_final_date_never_lowers_the_level():
    # One source says the verdict became final; another that the appeal is still pending.
    accepted = _sentenced("deprivation_of_liberty", date(2025, 1, 10))
    pending = risk.Alternative(
        claim={"claim": {}, "label": "verdict final on: not yet"},
        person=ADULT_MAN,
        case=_sentenced("deprivation_of_liberty"),
    )

    assessment = risk.assess_contested(
        person=ADULT_MAN,
        case=accepted,
        charges=(_charge("289", "3", state="convicted"),),
        law=BELARUS,
        on=TODAY,
        alternatives=(pending,),
    )

    assert assessment.level == "watch"
    assert assessment.reasons[0].rule == "contested_fact"


# ---------------------------------------------------------------------------------------------
# Leaving custody (issue 18): a person no longer held in a case is at no risk of execution in it;
# the case's risk ends with one reason that says when and how.

RELEASED_ON = date(2025, 9, 11)


def _left(case: CaseFacts = NO_VERDICT, on=RELEASED_ON, precision="day", how="pardon") -> CaseFacts:
    return replace(
        case,
        left_custody=True,
        left_custody_on=on,
        left_custody_precision=precision if on else "unknown",
        left_custody_how=how,
    )


@pytest.mark.parametrize(
    ("charges", "case", "level", "rules"),
    [
        param((_charge("289", "3"),), _left(), "none", [("released", "none")], id="capital-charge-released"),
        param(
            (_charge("289", "3", state="convicted"),),
            _left(CaseFacts(sentence_kind="death", verdict_date=VERDICT)),
            "none",
            [("released", "none")],
            id="death-sentence-pardoned-and-released",
        ),
        param(
            (_charge("289", "3", state="convicted"),),
            _left(_sentenced("deprivation_of_liberty"), how="exchange"),
            "none",
            [("released", "none")],
            id="conviction-not-final-released-in-a-deal",
        ),
        param(
            (_charge("309", "2"),), _left(how=""), "none", [("released", "none")], id="watch-list-how-unknown"
        ),
        param(
            (_charge("289", "3"),),
            _left(how="death_in_custody"),
            "none",
            [("died_in_custody", "none")],
            id="death-in-custody",
        ),
        param((_charge("339", "2"),), _left(), "none", [], id="nothing-to-end"),
        # Recorded releases have happened: a day known only to its year or month counts from its
        # first possible day (services refuse a release that has not begun).
        param(
            (_charge("289", "3"),),
            _left(on=date(2026, 1, 1), precision="year"),
            "none",
            [("released", "none")],
            id="released-this-year",
        ),
        param(
            (_charge("289", "3"),),
            _left(on=date(2026, 11, 1), precision="month"),
            "none",
            [("released", "none")],
            id="released-this-month",
        ),
        param(
            (_charge("289", "3"),),
            _left(on=TODAY + timedelta(days=1)),
            "critical",
            [("capital_charge", "critical")],
            id="release-day-after-the-assessment-day",
        ),
        # The status says the person is out: a day not recorded does not keep them in.
        param((_charge("289", "3"),), _left(on=None), "none", [("released", "none")], id="day-not-recorded"),
        # A release entry on a case whose status says held is a contradiction for staff, not a
        # release: unknown never lowers a level.
        param(
            (_charge("289", "3"),),
            replace(_left(), left_custody=False),
            "critical",
            [("capital_charge", "critical")],
            id="status-says-held",
        ),
    ],
)
def test_leaving_custody_ends_the_risk_of_the_case(charges, case, level, rules):
    assessment = _assess(*charges, case=case)

    assert assessment.level == level
    assert _rules(assessment) == rules


def test_release_reason_says_when_how_and_what_the_case_was_before():
    before = _assess(_charge("289", "3")).reasons[0]

    assert tuple(map(_said, _assess(_charge("289", "3"), case=_left(how="exchange")).reasons)) == (
        (
            "released",
            "none",
            None,
            "",
            "Released on 2025-09-11 (in an exchange or deal with another government): no longer held in "
            "this case, so its charges no longer count towards the risk of execution. Before, the case "
            f"was at level critical: {before.text}",
        ),
    )


def test_release_reason_writes_a_partial_day_as_the_other_reasons_do():
    reason = _assess(_charge("289", "3"), case=_left(on=date(2025, 9, 1), precision="month", how="")).reasons[
        0
    ]

    assert reason.text.startswith("Released on 2025-09: no longer held")


def test_death_in_custody_reason_says_so():
    reason = _assess(_charge("289", "3"), case=_left(how="death_in_custody")).reasons[0]

    assert reason.rule == "died_in_custody"
    assert reason.text.startswith(
        "Died in custody on 2025-09-11: the case no longer carries a risk of execution."
    )


def test_release_reason_says_when_the_day_is_not_recorded():
    reason = _assess(_charge("289", "3"), case=_left(on=None, how="")).reasons[0]

    assert reason.text.startswith("Released on a day not recorded: no longer held in this case")


def test_contested_fact_of_a_released_case_does_not_raise_it_again():
    released = _left()
    result = risk.assess_contested(
        person=ADULT_WOMAN,
        case=released,
        charges=(_charge("289", "3"),),
        law=BELARUS,
        on=TODAY,
        alternatives=[risk.Alternative({"claim": {}, "label": "sex is male"}, ADULT_MAN, released, None)],
    )

    assert result.level == "none"
    assert _rules(result) == [("released", "none")]


# ---------------------------------------------------------------------------------------------
# A death sentence ended by a dated event (issue 18, point 3; RISK_RULES.md): commuted, clemency
# granted or pardoned, never an overwrite of the sentence.


def _death(ended_on=None, precision="day", by="commuted") -> CaseFacts:
    return CaseFacts(
        sentence_kind="death",
        verdict_date=VERDICT,
        death_sentence_ended_on=ended_on,
        death_sentence_ended_precision=precision if ended_on else "unknown",
        death_sentence_ended_by=by if ended_on else "",
    )


@pytest.mark.parametrize(
    ("case", "level", "rules"),
    [
        param(_death(), "sentenced_to_death", "death_sentence", id="not-ended"),
        param(_death(date(2025, 3, 10)), "none", "death_sentence_ended", id="commuted"),
        param(
            _death(date(2025, 3, 10), by="clemency_granted"), "none", "death_sentence_ended", id="clemency"
        ),
        param(_death(date(2025, 3, 10), by="pardoned"), "none", "death_sentence_ended", id="pardoned"),
        param(_death(date(2026, 11, 1), "month"), "none", "death_sentence_ended", id="commuted-this-month"),
        param(
            _death(TODAY + timedelta(days=2)), "sentenced_to_death", "death_sentence", id="day-not-yet-come"
        ),
    ],
)
def test_a_death_sentence_ends_only_by_a_dated_event(case, level, rules):
    assessment = _assess(_charge("289", "3", state="convicted"), case=case)

    assert assessment.level == level
    assert [r.rule for r in assessment.reasons] == [rules] + (["capital_charge"] if level != "none" else [])


def test_ended_death_sentence_reason_says_how_and_when():
    reason = _assess(
        _charge("289", "3", state="convicted"), case=_death(date(2025, 3, 10), by="clemency_granted")
    )

    assert tuple(map(_said, reason.reasons)) == (
        (
            "death_sentence_ended",
            "none",
            None,
            "",
            "The death sentence (verdict 2024-07-01) was commuted by clemency on 2025-03-10: it can no "
            "longer be carried out, and the conviction no longer counts towards the risk of execution.",
        ),
    )


def test_an_active_charge_beside_a_commuted_death_sentence_still_counts():
    charges = (_charge("289", "3", id=1, state="convicted"), _charge("289", "3", id=2))

    assessment = _assess(*charges, case=_death(date(2025, 3, 10)))

    assert assessment.level == "critical"
    assert _rules(assessment) == [("capital_charge", "critical"), ("death_sentence_ended", "none")]


# ---------------------------------------------------------------------------------------------
# Designation lists (issue 18, point 5): a person on a list that gives a watch reason (the
# terrorism list) is watched in every case; the snapshots bound the days.

LISTED_ON = date(2024, 3, 1)


def _listed(on=LISTED_ON, precision="day", after=None, removed=None, given=False, kind="terrorism"):
    designation = risk.DesignationFacts(
        list_name="List of persons involved in terrorist activity",
        listed_on=on,
        listed_precision=precision,
        listed_after=after,
        removed_on=removed,
        kind=kind,
        listed_on_given=given,
    )
    return replace(ADULT_MAN, designations=(designation,))


@pytest.mark.parametrize(
    ("charges", "person", "case", "law", "level", "rules"),
    [
        param((), _listed(), NO_VERDICT, BELARUS, "watch", [("designated", "watch")], id="listed-no-charge"),
        param(
            (_charge("339", "2"),),
            _listed(),
            NO_VERDICT,
            BELARUS,
            "watch",
            [("designated", "watch")],
            id="listed-charge-not-capital",
        ),
        param(
            (_charge("289", "3"),),
            _listed(),
            NO_VERDICT,
            BELARUS,
            "critical",
            [("capital_charge", "critical"), ("designated", "watch")],
            id="listed-and-capital-charge",
        ),
        param(
            (),
            _listed(),
            NO_VERDICT,
            ABOLISHED,
            "watch",
            [("designated", "watch")],
            id="listed-no-death-penalty",
        ),
        param((), _listed(removed=date(2025, 1, 1)), NO_VERDICT, BELARUS, "none", [], id="removed-before"),
        param(
            (),
            _listed(removed=TODAY + timedelta(days=1)),
            NO_VERDICT,
            BELARUS,
            "watch",
            [("designated", "watch")],
            id="removal-after-the-assessment-day",
        ),
        param((), _listed(on=TODAY + timedelta(days=1)), NO_VERDICT, BELARUS, "none", [], id="listed-later"),
        param(
            (),
            _listed(on=date(2026, 1, 1), precision="year"),
            NO_VERDICT,
            BELARUS,
            "watch",
            [("designated", "watch")],
            id="listed-this-year",
        ),
        param((), _listed(), _left(), BELARUS, "none", [("released", "none")], id="released"),
    ],
)
def test_a_person_on_the_terrorism_list_is_watched_until_removed(charges, person, case, law, level, rules):
    assessment = _assess(*charges, person=person, case=case, law=law)

    assert assessment.level == level
    assert _rules(assessment) == rules


def test_designation_reason_says_since_when_as_the_snapshots_bound_it():
    (bounded,) = _assess(person=_listed(after=date(2023, 12, 1))).reasons
    (first,) = _assess(person=_listed()).reasons
    (given,) = _assess(person=_listed(on=date(2023, 11, 15), given=True)).reasons
    (extremist,) = _assess(person=_listed(kind="extremism")).reasons

    assert bounded.text == (
        "Listed as involved in terrorist activity since 2024-03-01 at the latest (not on it on "
        "2023-12-01), on the “List of persons involved in terrorist activity”: an inclusion often comes "
        "before a terrorism charge."
    )
    assert first.text.startswith(
        "Listed as involved in terrorist activity since 2024-03-01 at the latest, on"
    )
    assert given.text.startswith("Listed as involved in terrorist activity since 2023-11-15, on the “List")
    assert extremist.text.startswith("Listed as involved in extremist activity since")
