"""The staff lists stay right while they are made fast (issue 21, point 2): the article filter by
semi-join, the lists without a second count of the whole table.

How fast is measured in bench/admin_lists.py, never here."""

import datetime

import pytest
from django.urls import reverse

from cases.protection.permissions import VIEWER
from tests.factories import CaseFactory, ChargeFactory, PersonFactory, UserFactory, article

D = datetime.date


@pytest.fixture
def viewer(client, db):
    client.force_login(UserFactory(groups=[VIEWER]))
    return client


def _listed(response) -> list[int]:
    return [row.pk for row in response.context["cl"].result_list]


def test_a_person_charged_twice_under_the_filtered_article_is_listed_once(viewer, law):
    twice = ChargeFactory(article=article("342.1"), charged_on=D(2021, 1, 5)).case
    ChargeFactory(case=CaseFactory(person=twice.person), article=article("342.1"), charged_on=D(2022, 2, 1))
    ChargeFactory(case=twice, article=article("342.1"), charged_on=D(2021, 3, 1))
    other = ChargeFactory(article=article("218.2"), charged_on=D(2021, 1, 5)).case

    people = viewer.get(reverse("admin:cases_person_changelist"), {"article": article("342.1").pk})
    cases = viewer.get(reverse("admin:cases_case_changelist"), {"article": article("342.1").pk})

    assert _listed(people) == [twice.person_id]
    assert sorted(_listed(cases)) == sorted(twice.person.cases.values_list("pk", flat=True))
    assert other.pk not in _listed(cases)


def test_the_article_filter_offers_only_articles_someone_is_charged_under(viewer, law):
    ChargeFactory(article=article("342.1"), charged_on=D(2021, 1, 5))

    response = viewer.get(reverse("admin:cases_person_changelist"))

    (choices,) = [
        f for f in response.context["cl"].filter_specs if getattr(f, "parameter_name", "") == "article"
    ]
    offered = [value for value, _ in choices.lookup_choices]
    assert offered == [article("342.1").pk]


def test_a_filter_value_that_is_not_an_article_lists_nobody_rather_than_failing(viewer, law):
    ChargeFactory(article=article("342.1"), charged_on=D(2021, 1, 5))

    response = viewer.get(reverse("admin:cases_person_changelist"), {"article": "x"})

    assert response.status_code == 200
    assert _listed(response) == []


@pytest.mark.parametrize("name", ["cases_person", "cases_case", "cases_charge", "cases_riskalert"])
def test_the_big_lists_do_not_count_the_whole_table_a_second_time(viewer, law, name):
    PersonFactory()

    response = viewer.get(reverse(f"admin:{name}_changelist"), {"q": "zzz"})

    assert response.status_code == 200
    assert response.context["cl"].show_full_result_count is False


def _person(*names):
    return PersonFactory(names=[(text, script, kind, i == 0) for i, (text, script, kind) in enumerate(names)])


def test_a_search_finds_a_person_whose_words_are_in_different_names_and_lists_them_once(viewer, law):
    both = _person(
        ("Сымон Вымыслаў", "be_cyrl", "official_be"), ("Simon Vymyslau", "latin", "passport_latin")
    )
    _person(("Сымон Іншы", "be_cyrl", "official_be"))

    response = viewer.get(reverse("admin:cases_person_changelist"), {"q": "Сымон Vymyslau"})

    assert _listed(response) == [both.pk]


@pytest.mark.parametrize("few", [1, 2000])
def test_a_search_finding_many_people_lists_every_one_of_them(viewer, law, monkeypatch, few):
    """Past FEW_PEOPLE the ids stay a subquery; the same people are listed either way."""
    monkeypatch.setattr("cases.filtersets.FEW_PEOPLE", few)
    found = [_person((f"Сымон Вымыслаў{n}", "be_cyrl", "official_be")) for n in range(3)]
    _person(("Пятро Іншы", "be_cyrl", "official_be"))

    response = viewer.get(reverse("admin:cases_person_changelist"), {"q": "сымон"})

    assert sorted(_listed(response)) == sorted(p.pk for p in found)


def test_the_cases_charges_and_alerts_lists_are_searched_by_their_own_fields_too(viewer, law):
    charge = ChargeFactory(article=article("342.1"), charged_on=D(2021, 1, 5))
    case = charge.case
    case.case_number = "SYN-4471"
    case.save(update_fields=["case_number"])
    ChargeFactory(article=article("218.2"), charged_on=D(2021, 1, 5))

    cases = viewer.get(reverse("admin:cases_case_changelist"), {"q": "syn-4471"})
    charges = viewer.get(reverse("admin:cases_charge_changelist"), {"q": "342"})

    assert _listed(cases) == [case.pk]
    assert charge.pk in _listed(charges)
    assert all(c.article.number == "342" for c in charges.context["cl"].result_list)
