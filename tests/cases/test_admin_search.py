"""The admin's case, charge and alert lists find a person by any name in any script, as the people
list does: a Latin spelling finds a name recorded only in Cyrillic, and the other way round."""

import datetime

import pytest
from django.urls import reverse

from cases import services
from cases.protection.permissions import VIEWER
from tests.factories import ChargeFactory, PersonFactory, UserFactory, article

pytestmark = pytest.mark.django_db

LISTS = ["admin:cases_case_changelist", "admin:cases_charge_changelist", "admin:cases_riskalert_changelist"]


@pytest.fixture
def viewer(client, law):
    client.force_login(UserFactory(groups=[VIEWER]))
    return client


def _charged_person_with_alert(names, case_number, capture):
    """A person with one case whose charge rose to critical: a case, a charge and an alert to find."""
    person = PersonFactory(names=names)
    with capture(execute=True):
        charge = ChargeFactory(case__person=person, case__case_number=case_number, article=article("342.1"))
        services.reclassify_charge(charge=charge, to_article=article("289.3"), on=datetime.date(2022, 6, 1))
    return person


@pytest.fixture
def two_people(law, django_capture_on_commit_callbacks):
    _charged_person_with_alert(
        [("Аляксандр Вымыслаў", "be_cyrl", "official_be", True)],
        "SEARCH-00001",
        django_capture_on_commit_callbacks,
    )
    _charged_person_with_alert(
        [("Yauhen Prydumany", "latin", "passport_latin", True)],
        "SEARCH-00002",
        django_capture_on_commit_callbacks,
    )


@pytest.mark.parametrize("changelist", LISTS)
@pytest.mark.parametrize(
    ("query", "found", "not_found"),
    [
        ("Aliaksandr", "SEARCH-00001", "SEARCH-00002"),  # Latin query, name recorded only in Cyrillic
        ("Vymyslau", "SEARCH-00001", "SEARCH-00002"),
        ("Александр", "SEARCH-00001", "SEARCH-00002"),  # the Russian form of a Belarusian name
        ("Евгений", "SEARCH-00002", "SEARCH-00001"),  # Cyrillic query, name recorded only in Latin
        ("Prydumany", "SEARCH-00002", "SEARCH-00001"),  # the recorded spelling itself still matches
    ],
)
def test_admin_list_search_finds_a_person_by_any_name_in_any_script(
    viewer, two_people, changelist, query, found, not_found
):
    content = viewer.get(reverse(changelist), {"q": query}).content.decode()
    assert found in content
    assert not_found not in content


@pytest.mark.parametrize(
    ("changelist", "query"),
    [("admin:cases_case_changelist", "SEARCH-00002"), ("admin:cases_riskalert_changelist", "SEARCH-00002")],
)
def test_admin_list_search_by_case_number_still_works(viewer, two_people, changelist, query):
    content = viewer.get(reverse(changelist), {"q": query}).content.decode()
    assert "SEARCH-00002" in content
    assert "SEARCH-00001" not in content


def test_charge_list_search_by_article_number_still_works(viewer):
    ChargeFactory(case__case_number="SEARCH-00003", article=article("342.1"))
    ChargeFactory(case__case_number="SEARCH-00004", article=article("289.3"))
    content = viewer.get(reverse("admin:cases_charge_changelist"), {"q": "342"}).content.decode()
    assert "SEARCH-00003" in content
    assert "SEARCH-00004" not in content
