"""The public download of the published registry: /data/registry.json and /data/registry.csv."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Reclassification
from cases.transfer import published_files
from tests.api.conftest import make_published_case
from tests.factories import article
from tests.public.conftest import ALIAKSANDR, make_person

D = datetime.date
CANARY = "CANARY51d0"


@pytest.fixture
def published(law):
    """A published case whose every confidential field holds the canary, and a draft person."""
    case = make_published_case(charges=("218.2",), confidential_text=CANARY)
    successor = services.reclassify_charge(
        charge=case.charges.get(), to_article=article("289.1"), on=D(2022, 6, 1)
    )
    Reclassification.objects.filter(to_charge=successor).update(note=f"staff note {CANARY}")
    make_person(names=[(f"Draft {CANARY}", "latin", "passport_latin")], publish=False)
    published_files.build("json")
    published_files.build("csv")
    return case


def _body(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_json_download_holds_the_published_people_as_the_anonymous_api_shows_them(client, published):
    response = client.get(reverse("public:download-json"))
    api_person = client.get(f"/api/v1/people/{published.person.slug}/").json()

    document = json.loads(_body(response))
    assert document["format"] == "registry-export" and document["audience"] == "public"
    assert [p["id"] for p in document["people"]] == [published.person.slug]
    assert set(document["people"][0]) == set(api_person)
    assert document["people"][0]["cases"][0]["id"] == str(published.public_id)


@pytest.mark.parametrize("name", ["public:download-json", "public:download-csv"])
def test_downloads_leak_no_confidential_value_and_no_unpublished_person(client, published, name):
    body = _body(client.get(reverse(name)))

    assert CANARY not in body
    assert "Confidential source" not in body and "internal" not in body
    assert published.person.slug in body


def test_csv_download_has_one_row_per_published_person_with_formulas_neutralised(client, published):
    services.update_person(person=published.person, occupation="@SUM(A1:A9)")
    published_files.build("csv")

    rows = list(csv.DictReader(io.StringIO(_body(client.get(reverse("public:download-csv"))))))

    assert [r["id"] for r in rows] == [published.person.slug]
    assert rows[0]["occupation"] == "'@SUM(A1:A9)"
    assert rows[0]["current_charges"] == "ч. 1 ст. 289"


@pytest.mark.parametrize("name", ["public:download-json", "public:download-csv"])
def test_downloads_are_files_with_the_public_headers(client, published, name):
    response = client.get(reverse(name))

    assert response["Content-Disposition"].startswith('attachment; filename="registry-')
    assert "public" in response["Cache-Control"] and "max-age=600" in response["Cache-Control"]
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_downloads_answer_only_reads(client, law):
    assert client.post(reverse("public:download-json")).status_code == 405


def test_statistics_page_links_to_both_downloads(client, law):
    html = client.get(reverse("public:statistics")).content.decode()

    assert reverse("public:download-json") in html and reverse("public:download-csv") in html


def _queries(format) -> int:
    with CaptureQueriesContext(connection) as queries:
        published_files.build(format)
    return len(queries)


@pytest.mark.parametrize("format", ["json", "csv"])
def test_building_a_download_takes_as_many_queries_for_nine_people_as_for_one(law, format):
    make_published_case()
    published_files.build(format)  # the first build creates its record; later ones update it
    one = _queries(format)
    for index in range(8):
        make_published_case(name_suffix=f"n{index}")
        make_person(names=ALIAKSANDR)

    assert _queries(format) == one
