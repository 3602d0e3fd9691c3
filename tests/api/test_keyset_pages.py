"""Keyset pages of the API's lists (api.pagination, issue 21): a walk with `cursor` sees every
row once, in the list's order, each page as cheap as the first; numbered pages stay as they were."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import choices
from cases.models import Person
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/people/"


def _published(n: int, *, same_time: bool = False) -> list[Person]:
    people = [
        PersonFactory(publication_state=choices.PublicationState.PUBLISHED, published_at=timezone.now())
        for _ in range(n)
    ]
    if same_time:  # ties on the first key: the id decides
        Person.objects.filter(pk__in=[p.pk for p in people]).update(
            updated_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        )
    return people


def _walk(client, **params) -> tuple[list[str], list[dict]]:
    slugs, answers = [], []
    answer = client.get(URL, {"cursor": "", **params}).json()
    while True:
        answers.append(answer)
        slugs += [p["id"] for p in answer["results"]]
        if answer["next_cursor"] is None:
            return slugs, answers
        answer = client.get(URL, {"cursor": answer["next_cursor"], **params}).json()


def _numbered(client, **params) -> list[str]:
    slugs, page = [], 1
    while True:
        answer = client.get(URL, {"page": page, **params}).json()
        slugs += [p["id"] for p in answer["results"]]
        if answer["next"] is None:
            return slugs
        page += 1


@pytest.mark.parametrize("same_time", [False, True])
@pytest.mark.parametrize("ordering", [None, "slug", "-created"])
def test_a_cursor_walk_lists_every_published_person_once_in_the_lists_order(
    api_client_for, law, same_time, ordering
):
    _published(7, same_time=same_time)
    PersonFactory()  # a draft: never listed to anyone without a staff session
    client = api_client_for("anonymous")
    params = {"page_size": 3, **({"ordering": ordering} if ordering else {})}

    walked, answers = _walk(client, **params)

    assert walked == _numbered(client, **params)
    assert len(walked) == len(set(walked)) == 7
    assert [len(a["results"]) for a in answers] == [3, 3, 1]
    assert all(a["count"] is None and a["previous"] is None for a in answers)


def test_a_numbered_page_gives_the_cursor_of_the_page_after_it(api_client_for, law):
    _published(5)
    client = api_client_for("anonymous")

    first = client.get(URL, {"page_size": 2}).json()
    second = client.get(URL, {"page_size": 2, "page": 2}).json()
    by_cursor = client.get(URL, {"page_size": 2, "cursor": first["next_cursor"]}).json()
    last = client.get(URL, {"page_size": 2, "page": 3}).json()

    assert first["count"] == 5
    assert by_cursor["results"] == second["results"]
    assert by_cursor["next"].endswith(f"cursor={by_cursor['next_cursor']}&page_size=2") or (
        f"cursor={by_cursor['next_cursor']}" in by_cursor["next"]
    )
    assert last["next_cursor"] is None


def test_rows_that_did_not_move_are_neither_skipped_nor_repeated_when_others_change(api_client_for, law):
    people = _published(6)
    client = api_client_for("anonymous")
    first = client.get(URL, {"page_size": 2, "cursor": ""}).json()
    moved = Person.objects.get(slug=first["results"][0]["id"])
    moved.occupation = "teacher"
    moved.save()  # newest now: it moves to the front of the list, behind the walker

    rest, _ = _walk_from(client, first["next_cursor"], page_size=2)

    unmoved = [p["id"] for p in first["results"][1:]] + rest
    assert sorted(unmoved) == sorted(p.slug for p in people if p.pk != moved.pk)


def _walk_from(client, cursor, **params):
    slugs, answers = [], []
    while cursor is not None:
        answer = client.get(URL, {"cursor": cursor, **params}).json()
        answers.append(answer)
        slugs += [p["id"] for p in answer["results"]]
        cursor = answer["next_cursor"]
    return slugs, answers


def test_a_deep_cursor_page_neither_counts_nor_skips_rows(api_client_for, law):
    _published(6)
    client = api_client_for("anonymous")
    cursor = client.get(URL, {"page_size": 2, "page": 2}).json()["next_cursor"]

    with CaptureQueriesContext(connection) as queries:
        answer = client.get(URL, {"page_size": 2, "cursor": cursor})

    assert answer.status_code == 200 and len(answer.json()["results"]) == 2
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "COUNT(" not in sql and "OFFSET" not in sql


@pytest.mark.parametrize(
    ("params", "complaint"),
    [
        ({"cursor": "not-a-cursor"}, "Not a cursor"),
        ({"cursor": "W1sic2x1ZyJdLCBbMV1d"}, "Not a cursor"),  # [["slug"], [1]]: another order's
        ({"cursor": "", "page": "2"}, "either page or cursor"),
    ],
)
def test_a_bad_cursor_is_a_400_that_names_it(api_client_for, law, params, complaint):
    _published(2)

    answer = api_client_for("anonymous").get(URL, params)

    assert answer.status_code == 400
    assert complaint in answer.json()["cursor"]


def test_a_cursor_from_another_order_is_refused(api_client_for, law):
    _published(3)
    client = api_client_for("anonymous")
    cursor = client.get(URL, {"page_size": 1, "cursor": "", "ordering": "slug"}).json()["next_cursor"]

    answer = client.get(URL, {"page_size": 1, "cursor": cursor})

    assert answer.status_code == 400 and "Not a cursor" in answer.json()["cursor"]


def test_an_order_on_a_field_that_may_be_empty_has_no_cursor_pages(api_client_for, law):
    CaseFactory()
    client = api_client_for("staff:viewer")

    answer = client.get(reverse("api:case-list"), {"cursor": "", "ordering": "verdict"})
    numbered = client.get(reverse("api:case-list"), {"ordering": "verdict"})

    assert answer.status_code == 400 and "use page" in answer.json()["cursor"]
    assert numbered.status_code == 200 and numbered.json()["next_cursor"] is None
