"""External identifiers in the API: shown to callers who see confidential fields (read:restricted
keys, staff), found with `?external_id=<scheme>:<value>` on top of what the caller may see, and
carried by the people exports. Anonymous callers and read:public keys get neither the ids nor the
lookup."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from tests.api.conftest import make_published_case

pytestmark = pytest.mark.django_db

PAGE_URL = "https://list.example.org/p/1234?from=a:b"
CANARY = "CANARYextid"


def _identify(person, *pairs):
    for scheme, value in pairs:
        services.add_external_identifier(person=person, scheme=scheme, value=value)


@pytest.fixture
def published(law):
    person = make_published_case().person
    _identify(person, ("prisoners-list", "1234"), ("url", PAGE_URL))
    return person


@pytest.fixture
def draft(law):
    person = make_published_case(publish=False).person
    _identify(person, ("prisoners-list", f"{CANARY}-draft"))
    return person


def _lookup(client, external_id):
    return client.get(reverse("api:person-list"), {"external_id": external_id})


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [person["id"] for person in response.json()["results"]]


def test_person_detail_shows_external_ids_to_a_restricted_key(api_client_for, published):
    client = api_client_for("key:read:restricted")

    body = client.get(reverse("api:person-detail", args=[published.slug])).json()

    assert body["external_ids"] == [
        {"scheme": "prisoners-list", "value": "1234"},
        {"scheme": "url", "value": PAGE_URL},
    ]


@pytest.mark.parametrize("caller", ["anonymous", "key:read:public"])
def test_person_detail_and_list_show_no_external_ids_to_public_callers(api_client_for, law, caller):
    person = make_published_case().person
    _identify(person, ("prisoners-list", CANARY))
    client = api_client_for(caller)

    detail = client.get(reverse("api:person-detail", args=[person.slug]))
    listed = client.get(reverse("api:person-list"))

    assert detail.status_code == 200 and listed.status_code == 200
    assert "external_ids" not in detail.json() and "external_ids" not in listed.json()["results"][0]
    assert CANARY not in detail.content.decode() + listed.content.decode()


@pytest.mark.parametrize("caller", ["key:read:restricted", "staff:viewer"])
def test_external_id_lookup_finds_the_person_for_callers_who_see_ids(api_client_for, published, caller):
    other = make_published_case().person
    _identify(other, ("prisoners-list", "12345"))
    client = api_client_for(caller)

    assert _slugs(_lookup(client, "prisoners-list:1234")) == [published.slug]


def test_external_id_lookup_splits_at_the_first_colon_so_urls_match(api_client_for, published):
    client = api_client_for("key:read:restricted")

    assert _slugs(_lookup(client, f"url:{PAGE_URL}")) == [published.slug]


def test_external_id_lookup_is_exact(api_client_for, published):
    client = api_client_for("key:read:restricted")

    assert _slugs(_lookup(client, "prisoners-list:123")) == []
    assert _slugs(_lookup(client, "prisoners-list: 1234")) == []
    assert _slugs(_lookup(client, "url:1234")) == []


def test_external_id_lookup_of_an_unknown_id_is_an_empty_list(api_client_for, published):
    response = _lookup(api_client_for("key:read:restricted"), "prisoners-list:99999")

    assert _slugs(response) == [] and response.json()["count"] == 0


@pytest.mark.parametrize("malformed", ["1234", "prisoners-list:", ":1234"])
def test_external_id_lookup_without_scheme_and_value_is_a_400_that_says_how(
    api_client_for, published, malformed
):
    response = _lookup(api_client_for("key:read:restricted"), malformed)

    assert response.status_code == 400
    assert response.json() == {
        "external_id": ["Write <scheme>:<value>, e.g. prisoners-list:1234 or url:https://example.org/p/1234."]
    }


@pytest.mark.parametrize("caller", ["anonymous", "key:read:public"])
def test_external_id_lookup_is_refused_to_public_callers_and_finds_no_one(
    api_client_for, published, draft, caller
):
    client = api_client_for(caller)

    for external_id in ("prisoners-list:1234", f"prisoners-list:{CANARY}-draft"):
        response = _lookup(client, external_id)
        assert response.status_code == 403
        assert "read:restricted" in response.json()["detail"]
        assert published.slug not in response.content.decode()
        assert draft.slug not in response.content.decode()


def test_external_id_lookup_by_a_restricted_key_does_not_find_an_unpublished_person(
    api_client_for, published, draft
):
    restricted = api_client_for("key:read:restricted")
    staff = api_client_for("staff:viewer")

    assert _slugs(_lookup(restricted, f"prisoners-list:{CANARY}-draft")) == []
    assert _slugs(_lookup(staff, f"prisoners-list:{CANARY}-draft")) == [draft.slug]


def test_people_csv_export_carries_external_ids_for_a_restricted_key(api_client_for, published):
    services.add_external_identifier(person=published, scheme="other-list", value="=HYPERLINK(1)")
    client = api_client_for("key:read:restricted")

    response = client.get(reverse("api:person-export", args=["csv"]))

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["external_ids"] for row in rows] == [
        f"other-list:=HYPERLINK(1) | prisoners-list:1234 | url:{PAGE_URL}"
    ]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_people_json_export_carries_external_ids_for_a_restricted_key(api_client_for, published):
    client = api_client_for("key:read:restricted")

    response = client.get(reverse("api:person-export", args=["json"]))

    records = json.loads(b"".join(response.streaming_content))
    assert [record["external_ids"] for record in records] == [
        [{"scheme": "prisoners-list", "value": "1234"}, {"scheme": "url", "value": PAGE_URL}]
    ]


def test_people_export_of_an_external_id_lookup_holds_only_that_person(api_client_for, published):
    make_published_case()
    client = api_client_for("key:read:restricted")

    response = client.get(reverse("api:person-export", args=["json"]), {"external_id": "prisoners-list:1234"})

    assert [record["id"] for record in json.loads(b"".join(response.streaming_content))] == [published.slug]


def test_people_export_for_anonymous_carries_no_external_ids(api_client_for, law):
    person = make_published_case().person
    _identify(person, ("prisoners-list", CANARY))
    client = api_client_for("anonymous")

    for filetype in ("csv", "json"):
        content = b"".join(
            client.get(reverse("api:person-export", args=[filetype])).streaming_content
        ).decode()
        assert person.slug in content
        assert CANARY not in content and "external_ids" not in content


def test_restricted_read_of_external_ids_is_on_the_audit_record(api_client_for, published):
    from cases.models import AuditEntry

    api_client_for("key:read:restricted").get(reverse("api:person-detail", args=[published.slug]))

    assert "external_ids" in AuditEntry.objects.get().fields


def test_person_list_with_external_ids_uses_the_same_number_of_queries_for_1_and_many(api_client_for, law):
    client = api_client_for("key:read:restricted")

    def add_person(n):
        person = make_published_case().person
        _identify(person, ("prisoners-list", str(n)), ("url", f"https://list.example.org/p/{n}"))

    def count_queries():
        cache.clear()  # the list's count is kept per data version: every answer here is built
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("api:person-list"))
        assert response.status_code == 200
        return len(queries), response.json()

    add_person(0)
    count_queries()  # the key's first request also notes that it was used
    one, body = count_queries()
    assert len(body["results"][0]["external_ids"]) == 2
    for n in range(1, 20):
        add_person(n)
    many, body = count_queries()
    assert len(body["results"]) == 20 and all(len(p["external_ids"]) == 2 for p in body["results"])
    assert many == one
