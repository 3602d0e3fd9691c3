"""Lower-severity findings of issue #13 on the API: extreme times in filters, a schema that must say
what can be null, throttling, caching of confidential answers, query strings in the audit.

Each test names the failure or the attack it stops.
"""

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from rest_framework.test import APIClient

from api.throttles import AnonymousRateThrottle
from cases import services
from cases.models import AuditEntry
from cases.protection import audit
from registry.env import env_rate
from tests.api.conftest import make_published_case
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db

CANARY = "CANARYhardening"


# a. updated_since with an extreme offset or year ----------------------------------------------

EXTREME_TIMES = [
    "2024-01-01T00:00:00+99:00",
    "2024-01-01T00:00:00-24:00",
    "9999-12-31T23:59:59-20:14",
    "9999-12-31T23:00:00-01:00",
    "0001-01-01T00:00:00+23:59",
    "0001-01-01T00:00:00+00:01",
    "0001-01-01T00:00:00",  # read in TIME_ZONE (+03:00): before year 1 in UTC
]


@pytest.mark.parametrize("path", ["api:person-list", "api:case-list", "api:person-export", "api:case-export"])
@pytest.mark.parametrize("value", EXTREME_TIMES)
def test_updated_since_out_of_range_is_a_400_that_says_why(api_client_for, law, path, value):
    kwargs = {"filetype": "json"} if path.endswith("export") else {}

    response = api_client_for("anonymous").get(reverse(path, kwargs=kwargs), {"updated_since": value})

    assert response.status_code == 400
    [message] = response.json()["updated_since"]
    assert "ISO 8601" in message or "out of range" in message


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00-23:59", "9999-12-31T23:59:59+23:59", "2024-01-01T00:00:00-20:14"]
)
def test_updated_since_at_the_edges_that_fit_in_utc_is_answered(api_client_for, law, value):
    make_published_case()

    response = api_client_for("anonymous").get(reverse("api:person-list"), {"updated_since": value})

    assert response.status_code == 200
    expected = 0 if value.startswith("9999") else 1
    assert response.json()["count"] == expected


@pytest.mark.postgres
@pytest.mark.parametrize("value", EXTREME_TIMES)
def test_updated_since_out_of_range_is_a_400_on_postgresql_too(api_client_for, law, value):
    response = api_client_for("key:read:restricted").get(reverse("api:case-list"), {"updated_since": value})

    assert response.status_code == 400 and "updated_since" in response.json()


# b. The schema says which fields can be null ---------------------------------------------------


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return {**_resolve(schema, node["allOf"][0]), **{k: v for k, v in node.items() if k != "allOf"}}
    return node


def _allows_null(schema, node) -> bool:
    node = _resolve(schema, node)
    if node.get("nullable") or None in node.get("enum", []):
        return True
    return any(_allows_null(schema, option) for option in node.get("oneOf", []))


def _nulls_the_schema_forbids(schema, node, value, where="") -> list[str]:
    """Every place in `value` that is null where the schema `node` does not allow null."""
    node = _resolve(schema, node)
    if value is None:
        return [] if _allows_null(schema, node) else [where]
    problems = []
    if isinstance(value, dict) and "properties" in node:
        for name, item in value.items():
            if name in node["properties"]:
                inner = node["properties"][name]
                problems += _nulls_the_schema_forbids(schema, inner, item, f"{where}.{name}")
    if isinstance(value, list) and "items" in node:
        for item in value:
            problems += _nulls_the_schema_forbids(schema, node["items"], item, f"{where}[]")
    return problems


def _response_schema(schema, path, operation="get"):
    return schema["paths"][path][operation]["responses"]["200"]["content"]["application/json"]["schema"]


@pytest.fixture
def sparse_registry(law, django_capture_on_commit_callbacks):
    """Published records with every optional relation empty: a charge not reclassified, a person
    and a facility without a region, a case without a verdict; and its first assessment."""
    with django_capture_on_commit_callbacks(execute=True):
        case = make_published_case()
    services.update_person(person=case.person, region=None)
    return {"case": case, "facility": FacilityFactory(region=None)}


@pytest.mark.parametrize("caller", ["anonymous", "key:read:restricted", "staff:viewer"])
@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/api/v1/people/", "/api/v1/people/"),
        ("/api/v1/cases/", "/api/v1/cases/"),
        ("/api/v1/charges/", "/api/v1/charges/"),
        ("/api/v1/events/", "/api/v1/events/"),
        ("/api/v1/assessments/", "/api/v1/assessments/"),
        ("/api/v1/facilities/", "/api/v1/facilities/?page_size=200"),
        ("/api/v1/articles/", "/api/v1/articles/?page_size=200"),
    ],
)
def test_every_null_in_an_answer_is_allowed_by_the_schema(api_client_for, sparse_registry, caller, path, url):
    client = api_client_for(caller)
    schema = client.get(reverse("schema"), {"format": "json"}).json()

    body = client.get(url).json()

    assert body["results"], f"{url} returned nothing to check"
    assert _nulls_the_schema_forbids(schema, _response_schema(schema, path), body) == []


def test_reclassified_into_is_nullable_in_the_schema(api_client_for, law):
    schema = api_client_for("anonymous").get(reverse("schema"), {"format": "json"}).json()

    charge = schema["components"]["schemas"]["Charge"]["properties"]

    assert charge["reclassified_into"].get("nullable") is True
    assert charge["reclassified_from"].get("nullable") is True


def test_null_region_of_a_facility_and_a_person_are_answered_as_null(api_client_for, sparse_registry):
    client = api_client_for("anonymous")

    people = client.get(reverse("api:person-list")).json()["results"]
    facility = sparse_registry["facility"]
    facility_body = client.get(reverse("api:facility-detail", args=[facility.slug])).json()

    assert people[0]["region"] is None and facility_body["region"] is None


# c. Throttling ---------------------------------------------------------------------------------


@pytest.fixture
def throttled(settings):
    """Throttling as production has it, with small rates; off in every other test
    (registry/settings_test.py)."""
    settings.API_THROTTLE_ANON = "3/min"
    settings.API_THROTTLE_KEY = "5/min"
    cache.clear()
    yield settings
    cache.clear()


def _get_until_refused(client, url, limit, **headers):
    answers = [client.get(url, **headers) for _ in range(limit + 1)]
    return answers[:limit], answers[limit]


def test_anonymous_callers_are_throttled_per_address_with_retry_after(throttled, api_client_for):
    client = api_client_for("anonymous")
    url = reverse("api:person-list")

    allowed, refused = _get_until_refused(client, url, 3, REMOTE_ADDR="192.0.2.10")
    elsewhere = client.get(url, REMOTE_ADDR="192.0.2.11")

    assert [r.status_code for r in allowed] == [200, 200, 200]
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"]
    assert elsewhere.status_code == 200


def test_keys_are_throttled_per_key_at_their_own_rate(throttled, api_client_for):
    first, second = api_client_for("key:read:public"), api_client_for("key:read:public")
    url = reverse("api:person-list")

    allowed, refused = _get_until_refused(first, url, 5, REMOTE_ADDR="192.0.2.10")
    other_key_same_address = second.get(url, REMOTE_ADDR="192.0.2.10")

    assert [r.status_code for r in allowed] == [200] * 5
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert other_key_same_address.status_code == 200


def test_anonymous_throttle_behind_a_proxy_counts_the_client_address_the_lockout_uses(
    throttled, api_client_for
):
    throttled.TRUSTED_PROXY_COUNT = 1
    client = api_client_for("anonymous")
    url = reverse("api:statistics")
    proxy = "10.0.0.1"

    # The client forges the left-hand entry; the proxy appends the address it saw.
    allowed, refused = _get_until_refused(
        client, url, 3, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.4"
    )
    forged_again = client.get(url, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.4")
    colleague = client.get(url, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.5")

    assert [r.status_code for r in allowed] == [200, 200, 200] and refused.status_code == 429
    assert forged_again.status_code == 429
    assert colleague.status_code == 200


def test_staff_sessions_are_throttled_per_person_at_the_key_rate(throttled, api_client_for):
    client = api_client_for("staff:viewer")

    allowed, refused = _get_until_refused(client, reverse("api:person-list"), 5)

    assert [r.status_code for r in allowed] == [200] * 5 and refused.status_code == 429


def test_throttle_lets_requests_through_with_a_warning_when_the_cache_does_not_answer(
    throttled, api_client_for, monkeypatch, caplog
):
    def no_answer(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(AnonymousRateThrottle.cache, "get", no_answer)
    client = api_client_for("anonymous")

    statuses = [client.get(reverse("api:statistics")).status_code for _ in range(5)]

    assert statuses == [200] * 5
    assert "throttle: the cache did not answer (ConnectionError)" in caplog.text


def test_throttling_is_off_unless_a_test_asks_for_it(api_client_for):
    client = api_client_for("anonymous")

    statuses = {client.get(reverse("api:statistics")).status_code for _ in range(70)}

    assert statuses == {200}


def test_throttle_settings_refuse_a_rate_that_is_not_a_rate(monkeypatch):
    monkeypatch.setenv("API_THROTTLE_ANON", "sixty a minute")
    with pytest.raises(ImproperlyConfigured, match="API_THROTTLE_ANON"):
        env_rate("API_THROTTLE_ANON", "60/min")
    monkeypatch.setenv("API_THROTTLE_ANON", "120/hour")
    assert env_rate("API_THROTTLE_ANON", "60/min") == "120/hour"
    monkeypatch.setenv("API_THROTTLE_ANON", "off")
    assert env_rate("API_THROTTLE_ANON", "60/min") is None


# f. What the docs say a read:restricted key gets ----------------------------------------------


def test_restricted_key_gets_internal_notes_and_events_but_never_contacts_or_confidential_sources(
    api_client_for, law
):
    """docs/api.md: `read:restricted` adds internal notes and internal events, never contacts."""
    case = make_published_case(confidential_text=CANARY)
    services.update_person(person=case.person, contacts=f"mother {CANARY}contact")
    client = api_client_for("key:read:restricted")

    answers = [
        client.get(reverse("api:person-detail", args=[case.person.slug])),
        client.get(reverse("api:person-list")),
        client.get(reverse("api:event-list")),
        client.get(reverse("api:person-export", kwargs={"filetype": "json"})),
        client.get(reverse("api:event-export", kwargs={"filetype": "csv"})),
    ]
    bodies = "".join((b"".join(r.streaming_content) if r.streaming else r.content).decode() for r in answers)

    assert f"notes {CANARY}" in bodies and f"internal {CANARY}" in bodies
    assert f"{CANARY}contact" not in bodies and f"contact {CANARY}" not in bodies
    assert f"Confidential source {CANARY}" not in bodies
    assert '"contacts"' not in bodies


# g. Confidential answers are never stored by a cache -----------------------------------------

PRIVATE_CALLERS = ["key:read:public", "key:read:restricted", "key:write:submissions", "staff:viewer"]


def _urls(case):
    return [
        reverse("api:person-list"),
        reverse("api:person-detail", args=[case.person.slug]),
        reverse("api:case-list"),
        reverse("api:event-list"),
        reverse("api:person-export", kwargs={"filetype": "csv"}),
        reverse("api:statistics"),
        reverse("api:changes"),
    ]


@pytest.mark.parametrize("caller", PRIVATE_CALLERS)
def test_answers_to_a_key_or_a_staff_session_are_never_stored(api_client_for, law, caller):
    case = make_published_case(confidential_text=CANARY)
    client = api_client_for(caller)

    for url in _urls(case):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url
        assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}, url


def test_restricted_answer_carrying_confidential_data_is_not_stored(api_client_for, law):
    case = make_published_case(confidential_text=CANARY)

    response = api_client_for("key:read:restricted").get(reverse("api:event-list"), {"case": case.public_id})

    assert f"internal {CANARY}" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_refused_key_is_answered_without_being_stored(law):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Api-Key not.a-real-key")

    response = client.get(reverse("api:person-list"))

    assert response.status_code == 401 and "no-store" in response["Cache-Control"]


def test_anonymous_public_answers_keep_their_caching(api_client_for, law):
    case = make_published_case()
    client = api_client_for("anonymous")

    for url in _urls(case):
        response = client.get(url)
        assert "no-store" not in response.get("Cache-Control", ""), url
        assert "Authorization" in response["Vary"], url


# i. The audit keeps no query-string values ----------------------------------------------------


def test_export_audit_entry_keeps_the_path_and_parameter_names_not_the_searched_name(api_client_for, law):
    make_published_case()
    client = api_client_for("key:read:restricted")

    client.get(
        reverse("api:person-export", kwargs={"filetype": "json"}), {"q": "Тэставы Явар", "region": "x"}
    )

    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.via == "GET /api/v1/people/export.json/?q=&region="
    assert "Тэставы" not in entry.via and "%D0" not in entry.via


def test_audit_record_drops_query_values_whoever_calls_it(law):
    entry = audit.record(
        actor="staff:1",
        action=AuditEntry.Action.EXPORT,
        object_type="people",
        count=3,
        via="GET /admin/export/?format=json&q=Testavy+Yavar",
    )

    assert entry.via == "GET /admin/export/?format=&q="
