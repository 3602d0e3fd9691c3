"""Who gives each spelling of a name, as of when (issue 17): a spelling keeps the source that gave
it first and every other source that gives it too, so a second list's word on a name is never
lost; public pages footnote the names, a confidential source as "a confidential source". Every
name here is invented."""

import datetime
import re

import pytest
from django.urls import reverse

from cases import services
from cases.models import NameSource, PersonName
from cases.transfer.importing import importer
from tests.cases.test_import import csv_bytes, row
from tests.cases.test_import_claims import LIST_DAY, OTHER_LIST, _import
from tests.factories import PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "in bulk"])
def test_a_second_list_that_writes_a_known_spelling_is_recorded_beside_the_first(law, monkeypatch, bulk):
    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 1 if bulk else 10**9)
    _import(csv_bytes([row()]))
    _import(csv_bytes([row()]), mapping=OTHER_LIST, reclassified_on=D(2024, 7, 1))

    name = PersonName.objects.select_related("source").get()
    assert (name.source.import_list, name.as_of, name.as_of_precision) == ("prisoners-list", LIST_DAY, "day")
    [other] = NameSource.objects.select_related("source")
    assert (other.name, other.source.import_list, other.as_of) == (name, "other-list", D(2024, 7, 1))


def test_a_list_imported_again_records_nothing_new_on_its_names(law):
    _import(csv_bytes([row()]))
    _import(csv_bytes([row()]), mapping=OTHER_LIST)
    history = PersonName.history.count() + NameSource.history.count()

    _import(csv_bytes([row()]))
    _import(csv_bytes([row()]), mapping=OTHER_LIST)

    assert NameSource.objects.count() == 1
    assert PersonName.history.count() + NameSource.history.count() == history


def test_a_spelling_staff_entered_without_a_source_takes_the_first_source_that_gives_it():
    person = PersonFactory()
    name = person.names.get(is_primary=True)
    assert name.source is None
    report = SourceFactory()

    services.cite_person_name(name=name, source=report, as_of=D(2024, 1, 2))
    services.cite_person_name(name=name, source=SourceFactory(), as_of=D(2024, 3, 4))

    name.refresh_from_db()
    assert (name.source, name.as_of) == (report, D(2024, 1, 2))
    assert name.also_given_by.count() == 1


def test_the_public_page_footnotes_each_spelling_and_a_confidential_source_only_as_such(client, law):
    from tests.public.test_fact_sources import ALIAKSANDR, make_person, number_of, page, public_source

    case = make_person(names=ALIAKSANDR)
    person = case.person
    weekly = public_source("Synthetic weekly")
    secret = SourceFactory(title="Synthetic informant CANARYname", confidential=True, url="")
    shown, other = person.names.get(is_primary=True), person.names.exclude(is_primary=True).first()
    services.cite_person_name(name=other, source=weekly)
    services.cite_person_name(name=other, source=secret)

    html = page(client, case)

    also = re.search(r"<dt>Also written</dt><dd>(.*?)</dd>", html, re.S).group(1)
    assert f'href="#source-{number_of(html, weekly.title)}"' in also
    assert "a confidential source" in html and "CANARYname" not in html
    assert shown.text in html


def test_the_api_gives_who_gives_each_spelling_and_hides_a_confidential_one(client, law):
    from tests.api.conftest import make_published_case

    case = make_published_case()
    name = case.person.names.get(is_primary=True)
    services.cite_person_name(name=name, source=SourceFactory(confidential=False, title="Synthetic daily"))
    services.cite_person_name(name=name, source=SourceFactory(confidential=True, title="CANARYapiname"))

    record = client.get(f"/api/v1/people/{case.person.slug}/").json()

    given = next(n for n in record["names"] if n["is_primary"])["given_by"]
    assert [(g["source"] and g["source"]["title"], g["source_confidential"]) for g in given] == [
        ("Synthetic daily", False),
        (None, True),
    ]
    assert "CANARYapiname" not in str(record)


def test_the_staff_see_every_source_of_a_spelling_on_the_persons_page(admin_client):
    person = PersonFactory()
    name = person.names.get(is_primary=True)
    services.cite_person_name(name=name, source=SourceFactory(title="Synthetic first list"))
    services.cite_person_name(
        name=name, source=SourceFactory(title="Synthetic second list"), as_of=D(2024, 5, 6)
    )

    page = admin_client.get(reverse("admin:cases_person_change", args=[person.pk])).content.decode()

    assert "Synthetic second list (as of 6 May 2024)" in page
