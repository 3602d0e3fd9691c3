"""Duplicate scoring and the nightly search: one person across scripts and sources, and only them.

Every name here is invented (Вымыслаў, Прыдуманы, Бандарэнка, Навіцкі, Лугавая ...).
"""

import datetime

import pytest

from cases import choices
from cases.identity.duplicates import (
    PersonFacts,
    birth_dates_compatible,
    blocking_keys,
    duplicate_score,
    find_duplicates,
)
from cases.models import DuplicateCandidate, ExternalIdentifier
from tests.factories import PersonFactory

THRESHOLD = 0.85
DAY, MONTH, YEAR = choices.DatePrecision.DAY, choices.DatePrecision.MONTH, choices.DatePrecision.YEAR
MALE, FEMALE = choices.Sex.MALE, choices.Sex.FEMALE
BORN = datetime.date(1990, 4, 12)


def facts(*names, **fields):
    return PersonFacts(names=names, **fields)


# (left record, right record): each pair describes one person and must reach the threshold.
SAME_PERSON = [
    pytest.param(
        facts("Аляксандр Вымыслаў", birth_date=BORN, birth_date_precision=DAY),
        facts("Александр Вымыслов", birth_date=BORN, birth_date_precision=DAY),
        id="belarusian-and-russian-cyrillic",
    ),
    pytest.param(
        facts("Аляксандр Вымыслаў"), facts("Aliaksandr Vymyslau"), id="passport-latin-no-other-facts"
    ),
    pytest.param(facts("Аляксандр Вымыслаў"), facts("Alyaksandr Vymyslau"), id="bgn-latin"),
    pytest.param(facts("Аляксандр Вымыслаў"), facts("Aleksandr Vymyslov"), id="russian-passport-latin"),
    pytest.param(facts("Аляксандр Вымыслаў"), facts("Alexander Vymyslov"), id="press-spelling"),
    pytest.param(
        facts("Вымыслов Александр Иванович", sex=MALE),
        facts("Aliaksandr Vymyslau", sex=MALE),
        id="court-order",
    ),
    pytest.param(
        facts("Сяргей Бандарэнка", birth_date=datetime.date(1985, 1, 1), birth_date_precision=YEAR),
        facts("Sergey Bondarenko", birth_date=datetime.date(1985, 7, 30), birth_date_precision=DAY),
        id="year-only-birth-date-is-compatible",
    ),
    pytest.param(
        facts("Дзмітрый Навіцкі", birth_date=datetime.date(1979, 3, 1), birth_date_precision=MONTH),
        facts("Dmitriy Novitskiy", birth_date=datetime.date(1979, 3, 17), birth_date_precision=DAY),
        id="month-only-birth-date-is-compatible",
    ),
    pytest.param(
        facts("Кацярына Лугавая", sex=FEMALE), facts("Yekaterina Lugovaya", sex=FEMALE), id="be-ru-given"
    ),
    pytest.param(facts("Ганна Лугавая"), facts("Анна Луговая"), id="hanna-anna"),
    pytest.param(
        facts("Віктар Вымыслаў", birth_date=BORN, birth_date_precision=DAY),
        facts("Victor Vymyslau", birth_date=BORN, birth_date_precision=DAY),
        id="press-c-for-k",
    ),
    pytest.param(facts("Уладзімір Навіцкі"), facts("Włodzimierz Nowicki"), id="polish-spelling"),
    pytest.param(
        facts("Сяргей Вымыслаў", region=1), facts("Sergei Vymyzlau", region=1), id="typo-confirmed-by-region"
    ),
    pytest.param(
        facts("Мікалай Прыдуманы", "Mikalai Prydumany", external_ids=frozenset({("prisoners-list", "17")})),
        facts("Nikolai Pridumanyi", external_ids=frozenset({("url", "https://example.org/17")})),
        id="ids-of-different-schemes",
    ),
]

# Different people: each pair must stay below the threshold.
DIFFERENT_PEOPLE = [
    pytest.param(facts("Аляксандр Вымыслаў"), facts("Аляксандр Прыдуманы"), id="same-common-given-name"),
    pytest.param(facts("Аляксандр Вымыслаў"), facts("Сяргей Вымыслаў"), id="same-surname"),
    pytest.param(
        facts("Аляксандр Вымыслаў", birth_date=BORN, birth_date_precision=DAY),
        facts("Аляксандр Вымыслаў", birth_date=datetime.date(1961, 11, 2), birth_date_precision=DAY),
        id="namesakes-with-conflicting-birth-dates",
    ),
    pytest.param(
        facts("Аляксандр Вымыслаў", birth_date=datetime.date(1990, 1, 1), birth_date_precision=YEAR),
        facts("Aleksandr Vymyslov", birth_date=datetime.date(1991, 1, 1), birth_date_precision=YEAR),
        id="namesakes-born-in-different-years",
    ),
    pytest.param(facts("Aleksandr Vymyslov"), facts("Aleksandra Vymyslova"), id="aleksandr-aleksandra"),
    pytest.param(
        facts("Аляксандр Вымыслаў", birth_date=BORN, birth_date_precision=DAY),
        facts("Аляксандра Вымыслава", birth_date=BORN, birth_date_precision=DAY),
        id="twins-same-birth-day-are-not-one-person",
    ),
    pytest.param(
        facts("Жанна Лугавая", sex=FEMALE), facts("Zhanna Luhavaya", sex=MALE), id="conflicting-sex"
    ),
    pytest.param(
        facts("Мікалай Прыдуманы", external_ids=frozenset({("prisoners-list", "17")})),
        facts("Nikolai Pridumanyi", external_ids=frozenset({("prisoners-list", "912")})),
        id="two-rows-of-one-list",
    ),
    pytest.param(facts("Siarhei Navitski"), facts("Кацярына Лугавая"), id="nothing-shared"),
    pytest.param(facts("Ігар Бандарэнка"), facts("Ягор Бандарчук"), id="similar-given-and-surname"),
    pytest.param(facts("Вольга Навіцкая"), facts("Volha Navitski"), id="feminine-and-masculine-surname"),
    pytest.param(facts("Аляксандр Вымыслаў"), facts("", "  "), id="no-name"),
]


@pytest.mark.parametrize(("a", "b"), SAME_PERSON)
def test_duplicate_score_reaches_threshold_for_one_person(a, b):
    score, reasons = duplicate_score(a, b)
    assert score >= THRESHOLD, reasons
    assert duplicate_score(b, a)[0] == score


@pytest.mark.parametrize(("a", "b"), DIFFERENT_PEOPLE)
def test_duplicate_score_stays_below_threshold_for_different_people(a, b):
    score, reasons = duplicate_score(a, b)
    assert score < THRESHOLD, reasons


def test_duplicate_score_rises_with_the_same_birth_day():
    alike = facts("Віктар Вымыслаў"), facts("Victor Vymyslau")
    born = {"birth_date": BORN, "birth_date_precision": DAY}
    confirmed = facts("Віктар Вымыслаў", **born), facts("Victor Vymyslau", **born)
    assert duplicate_score(*confirmed)[0] > duplicate_score(*alike)[0]


def test_duplicate_score_reasons_are_sentences_without_the_facts():
    a = facts("Аляксандр Вымыслаў", birth_date=BORN, birth_date_precision=DAY, region=3)
    b = facts("Aliaksandr Vymyslau", birth_date=BORN, birth_date_precision=DAY, region=3)
    score, reasons = duplicate_score(a, b)
    codes = [r["code"] for r in reasons]
    assert codes == ["names_equal", "birth_date_same", "region_same"]
    text = " ".join(r["text"] for r in reasons)
    assert "1990" not in text and "Вымыслаў" not in text and "Vymyslau" not in text
    assert all(r["text"].endswith(".") for r in reasons)


def test_external_ids_of_one_scheme_make_it_not_the_same_person():
    a = facts("Аляксандр Вымыслаў", external_ids=frozenset({("prisoners-list", "1")}))
    b = facts("Аляксандр Вымыслаў", external_ids=frozenset({("prisoners-list", "2")}))
    score, reasons = duplicate_score(a, b)
    assert score == 0.0
    assert reasons[-1]["code"] == "external_id_conflict"


@pytest.mark.parametrize(
    ("a", "a_precision", "b", "b_precision", "expected"),
    [
        (datetime.date(1990, 1, 1), YEAR, datetime.date(1990, 12, 31), DAY, True),
        (datetime.date(1990, 1, 1), YEAR, datetime.date(1991, 1, 1), DAY, False),
        (datetime.date(1990, 4, 1), MONTH, datetime.date(1990, 4, 30), DAY, True),
        (datetime.date(1990, 4, 1), MONTH, datetime.date(1990, 5, 1), DAY, False),
        (datetime.date(1990, 4, 1), MONTH, datetime.date(1990, 1, 1), YEAR, True),
        (datetime.date(1990, 4, 12), DAY, datetime.date(1990, 4, 13), DAY, False),
    ],
)
def test_birth_dates_compatible_respects_precision(a, a_precision, b, b_precision, expected):
    assert birth_dates_compatible(a, a_precision, b, b_precision) is expected
    assert birth_dates_compatible(b, b_precision, a, a_precision) is expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Аляксандр Вымыслаў", "Vymyslov Aleksandr"),
        ("Віктар Вымыслаў", "Victor Vymyslau"),
        ("Сяргей Вымыслаў", "Sergei Vymyzlau"),
        ("Вымыслаў Аляксандр Іванавіч", "Aliaksandr Vymyslau"),
    ],
)
def test_blocking_keys_bring_spellings_of_one_name_together(a, b):
    from cases.identity.names import name_key

    assert blocking_keys(name_key(a)) & blocking_keys(name_key(b))


# The nightly search ------------------------------------------------------------------------------


def person(*names, **fields):
    forms = [
        (text, "latin" if text.isascii() else "be_cyrl", kind, i == 0) for i, (text, kind) in enumerate(names)
    ]
    return PersonFactory(names=forms, **fields)


@pytest.fixture
def synthetic_set(law):
    """Two spellings of one man, a namesake born decades apart, and an unrelated woman."""
    one = person(("Аляксандр Вымыслаў", "official_be"), ("Александр Вымыслов", "official_ru"))
    same = person(("Aliaksandr Vymyslau", "passport_latin"))
    namesake = person(("Aleksandr Vymyslov", "passport_latin"), birth_date=datetime.date(1955, 2, 3))
    other = person(("Кацярына Лугавая", "official_be"), sex=FEMALE)
    twin_a = person(("Сяргей Навіцкі", "official_be"))
    twin_b = person(("Siarhei Navitski", "passport_latin"))
    return {"one": one, "same": same, "namesake": namesake, "other": other, "siarhei": (twin_a, twin_b)}


def pairs():
    return {(c.person_a_id, c.person_b_id): c for c in DuplicateCandidate.objects.all()}


def test_find_duplicates_lists_each_likely_pair_once_lower_id_first(synthetic_set):
    result = find_duplicates(threshold=THRESHOLD)

    one, same = synthetic_set["one"], synthetic_set["same"]
    twin_a, twin_b = synthetic_set["siarhei"]
    assert set(pairs()) == {tuple(sorted((one.pk, same.pk))), tuple(sorted((twin_a.pk, twin_b.pk)))}
    assert result.created == 2
    candidate = pairs()[tuple(sorted((one.pk, same.pk)))]
    assert candidate.state == DuplicateCandidate.State.OPEN
    assert candidate.score >= THRESHOLD
    assert candidate.reasons[0]["code"] == "names_equal"


def test_find_duplicates_twice_creates_nothing_new(synthetic_set):
    find_duplicates(threshold=THRESHOLD)
    before = {pair: (c.score, c.state) for pair, c in pairs().items()}

    again = find_duplicates(threshold=THRESHOLD)

    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert {pair: (c.score, c.state) for pair, c in pairs().items()} == before


def test_find_duplicates_never_reopens_a_pair_marked_not_duplicate(synthetic_set):
    find_duplicates(threshold=THRESHOLD)
    twin_a, twin_b = synthetic_set["siarhei"]
    closed = DuplicateCandidate.objects.get(person_a=min(twin_a, twin_b, key=lambda p: p.pk))
    closed.state = DuplicateCandidate.State.NOT_DUPLICATE
    closed.save()

    find_duplicates(threshold=THRESHOLD)

    closed.refresh_from_db()
    assert closed.state == DuplicateCandidate.State.NOT_DUPLICATE
    assert DuplicateCandidate.objects.filter(state=DuplicateCandidate.State.OPEN).count() == 1


def test_find_duplicates_drops_an_open_pair_that_no_longer_scores(synthetic_set):
    find_duplicates(threshold=THRESHOLD)
    twin_a, twin_b = synthetic_set["siarhei"]
    ExternalIdentifier.objects.create(person=twin_a, scheme="prisoners-list", value="1")
    ExternalIdentifier.objects.create(person=twin_b, scheme="prisoners-list", value="2")

    result = find_duplicates(threshold=THRESHOLD)

    assert result.removed == 1
    assert not DuplicateCandidate.objects.filter(person_a__in=[twin_a, twin_b]).exists()


def test_find_duplicates_skips_merged_people(synthetic_set):
    one, same = synthetic_set["one"], synthetic_set["same"]
    type(same).objects.filter(pk=same.pk).update(merged_into=one)

    find_duplicates(threshold=THRESHOLD)

    assert not DuplicateCandidate.objects.filter(person_b=same).exists()
    assert not DuplicateCandidate.objects.filter(person_a=same).exists()


def test_task_find_duplicates_returns_the_new_pairs(synthetic_set, settings):
    from cases.tasks import task_find_duplicates

    settings.DUPLICATE_THRESHOLD = THRESHOLD
    assert task_find_duplicates.delay().get() == 2
    assert task_find_duplicates.delay().get() == 0
