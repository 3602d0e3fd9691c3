"""The public list counts its rows once per data version and filters (issue 21), and never shows
a count older than the data: a withdrawal moves the version, so the next reader's count is new."""

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
