"""The public list counts its rows once per data version and filters (issue 21), and never shows
a count older than the data: a withdrawal moves the version, so the next reader's count is new."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from tests.public.conftest import ALIAKSANDR, make_person

OTHER = [("Пятро Іншы", "be_cyrl", "official_be")]


def _found(client, **params) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/people/", params).content.decode()
    counts = sum(1 for q in queries.captured_queries if "COUNT(" in q["sql"].upper())
    found = html.split(" found")[0].rsplit(">", 1)[-1].strip()
    return found, counts


def test_the_same_list_is_counted_once_per_data_version(client, law):
    make_person(names=ALIAKSANDR)
    make_person(names=OTHER)

    first, first_counts = _found(client)
    again, again_counts = _found(client)

    assert first == again == "2 people"
    assert first_counts >= 1 and again_counts == first_counts - 1


def test_each_filter_has_its_own_count(client, law):
    make_person(names=ALIAKSANDR)
    make_person(names=OTHER)

    assert _found(client)[0] == "2 people"
    assert _found(client, q="Вымыслаў")[0] == "1 person"
    assert _found(client, q="Пятро")[0] == "1 person"


@pytest.mark.django_db(transaction=True)  # real commits: the data version moves on commit
def test_a_withdrawal_is_counted_at_once(client, law):
    kept = make_person(names=ALIAKSANDR)
    gone = make_person(names=OTHER)
    assert _found(client)[0] == "2 people"

    services.withdraw_person(person=gone.person)

    assert _found(client)[0] == "1 person"
    assert kept.person.slug in client.get("/people/").content.decode()


def _slugs_on_pages(client, pages: int) -> list[list[str]]:
    found = []
    for page in range(1, pages + 1):
        html = client.get("/people/", {"page": page}).content.decode()
        found.append(re.findall(r'href="/people/([a-z0-9-]+)/"', html))
    return found


def test_a_deep_page_read_by_its_ids_first_lists_the_same_people_in_the_same_order(client, law, monkeypatch):
    for n in range(7):
        make_person(names=[(f"Сымон Вымыслаў{n}", "be_cyrl", "official_be")])
    monkeypatch.setattr("public.views.PAGE_SIZE", 2)
    monkeypatch.setattr("cases.caching.DEEP_PAGE_ROWS", 10_000)
    in_one_query = _slugs_on_pages(client, 4)
    monkeypatch.setattr("cases.caching.DEEP_PAGE_ROWS", 2)  # from page 2 on

    with CaptureQueriesContext(connection) as queries:
        by_ids_first = _slugs_on_pages(client, 4)

    assert by_ids_first == in_one_query
    assert [len(page) for page in by_ids_first] == [2, 2, 2, 1]
    stepping = [q["sql"] for q in queries.captured_queries if "OFFSET" in q["sql"].upper()]
    # Only the ids are read where rows are stepped over.
    assert len(stepping) == 3
    assert all(re.match(r'SELECT "cases_person"."id"( AS "pk")? FROM', sql) for sql in stepping), stepping
