"""A numbered API page's count is counted once per data version (api.pagination, issue 21): at
1,000,000 people counting was 70 ms of every page. The count must still follow every commit (a
withdrawal first of all) and never pass from one caller to another or from one filter to another."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import choices, services
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/people/"


def _published(n: int):
    people = [CaseFactory().person for _ in range(n)]
    for person in people:
        services.publish_person(person=person)
    return people


def _answer(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200, response.content
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    return response.json(), counts


def test_a_numbered_pages_count_is_counted_once_then_read_from_the_cache(
    api_client_for, law, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _published(3)
    client = api_client_for("anonymous")
    first, counted = _answer(client, page_size=2)
    assert first["count"] == 3 and len(counted) == 1
    second, counted = _answer(client, page_size=2, page=2)
    assert second["count"] == 3 and len(second["results"]) == 1
    assert counted == []  # the page size and number are not part of what is counted


@pytest.mark.django_db(transaction=True)  # real commits: the version moves when one commits
def test_a_commit_moves_the_count_a_withdrawal_included(api_client_for, law):
    people = _published(3)
    client = api_client_for("anonymous")
    assert _answer(client)[0]["count"] == 3
    assert _answer(client)[1] == []
    services.withdraw_person(person=people[0])
    answer, counted = _answer(client)
    assert answer["count"] == 2 and len(counted) == 1
    assert people[0].slug not in [p["id"] for p in answer["results"]]
    _published(2)
    assert _answer(client)[0]["count"] == 4


@pytest.mark.parametrize("first", ["anonymous", "staff:viewer"])
def test_callers_who_see_different_rows_never_share_a_count(
    api_client_for, law, django_capture_on_commit_callbacks, first
):
    with django_capture_on_commit_callbacks(execute=True):
        _published(2)
        PersonFactory(publication_state=choices.PublicationState.DRAFT)  # staff only
    expected = {"anonymous": 2, "staff:viewer": 3}
    order = [first, *(caller for caller in expected if caller != first)]
    for caller in order * 2:  # each a second time, from the cache
        assert _answer(api_client_for(caller))[0]["count"] == expected[caller], caller


def test_each_filter_and_order_has_its_own_count(api_client_for, law, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _published(3)
    client = api_client_for("anonymous")
    assert _answer(client)[0]["count"] == 3
    answer, counted = _answer(client, q="Nobody Known")
    assert answer["count"] == 0 and len(counted) == 1
    assert _answer(client, q="Testavy")[0]["count"] == 3
    assert _answer(client, updated_since="2999-01-01T00:00:00Z")[0]["count"] == 0
    assert _answer(client, ordering="slug")[0]["count"] == 3
    assert _answer(client, q="Nobody Known") == (
        {"count": 0, "next": None, "previous": None, "results": [], "next_cursor": None},
        [],
    )


def test_a_cursor_page_counts_nothing(api_client_for, law, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _published(3)
    answer, counted = _answer(api_client_for("anonymous"), cursor="")
    assert answer["count"] is None and counted == []
