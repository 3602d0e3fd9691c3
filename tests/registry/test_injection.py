"""SQL injection and ORM-lookup injection through query strings: every API list endpoint and the
public list page answer a clear 400 or ignore the parameter, never a server error, and never a
result that reveals an unpublished person, an internal note or a confidential source."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import Organisation, PartnerAPIKey
from tests.api.conftest import make_published_case

CANARY = "CANARY5b1e"

# Payloads in the parameters the endpoints really read: they must be treated as plain values.
INJECTIONS = [
    {"q": "' OR 1=1--"},
    {"q": '" OR ""="'},
    {"q": "Synthetic') OR ('1'='1"},
    {"q": "a\x00b"},
    {"article": "289' OR '1'='1"},
    {"article": "289; DROP TABLE cases_person;--"},
    {"article": "289.1 UNION SELECT internal_notes FROM cases_person"},
    {"region": "' OR 1=1--"},
    {"jurisdiction": "BY' OR '1'='1"},
    {"status": "detained' OR '1'='1"},
    {"risk_level": "none' OR '1'='1"},
    {"detained_after": "2020-01-01' OR '1'='1"},
    {"updated_since": "2020-01-01T00:00:00' OR 1=1--"},
    {"case": "' OR 1=1--"},
    {"since": "0 OR 1=1"},
    {"limit": "10; SELECT 1"},
    {"page": "1 OR 1=1"},
    {"page_size": "1; SELECT 1"},
    {"ordering": "-updated,(SELECT 1)"},
]

# Django lookups on fields the public may not filter or see: ignored or refused, never applied.
HIDDEN_LOOKUPS = [
    {"_connector": "OR"},
    {"_negated": "true"},
    {"publication_state": "draft"},
    {"publication_state__in": "draft"},
    {"person__publication_state": "draft"},
    {"internal_notes__icontains": CANARY},
    {"internal_notes": f"notes {CANARY}"},
    {"person__internal_notes__icontains": CANARY},
    {"contacts__icontains": CANARY},
    {"is_public": "false"},
    {"confidential": "true"},
    {"sources__confidential": "true"},
    {"ordering": "internal_notes"},
    {"ordering": "-person__internal_notes"},
    {"ordering": "publication_state"},
]

API_ENDPOINTS = [
    ("api:person-list", {}),
    ("api:person-export", {"filetype": "json"}),
    ("api:case-list", {}),
    ("api:case-export", {"filetype": "json"}),
    ("api:charge-list", {}),
    ("api:event-list", {}),
    ("api:assessment-list", {}),
    ("api:article-list", {}),
    ("api:facility-list", {}),
    ("api:changes", {}),
    ("api:statistics", {}),
]


@pytest.fixture
def registry_with_secrets(law):
    """Two published people (one with internal notes, an internal event and a confidential
    source, all holding the canary) and one unpublished person."""
    leaky = make_published_case(name_suffix="Leaky", confidential_text=CANARY)
    plain = make_published_case(name_suffix="Plain")
    hidden = make_published_case(name_suffix="Hiddenperson", confidential_text=CANARY, publish=False)
    return {"leaky": leaky, "plain": plain, "hidden": hidden}


def _secrets(data, *, with_confidential_fields: bool) -> list[str]:
    hidden = data["hidden"]
    found = [hidden.person.slug, str(hidden.public_id), "Hiddenperson"]
    if not with_confidential_fields:
        found.append(CANARY)
    return found


def _not_sent(secrets, params):
    """The secrets the caller did not type: a page may echo the query (the search box, the next
    page's link); an ignored filter is caught by comparing its results instead."""
    return [s for s in secrets if not any(s in value for value in params.values())]


def _client(caller: str) -> APIClient:
    client = APIClient()
    if caller == "key:read:restricted":
        organisation = Organisation.objects.create(name="Synthetic Partner")
        _, raw = PartnerAPIKey.objects.create_key(
            name=caller, organisation=organisation, scopes=[PartnerAPIKey.Scope.READ_RESTRICTED]
        )
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def _body(response):
    if response["Content-Type"].startswith("application/json"):
        payload = b"".join(response.streaming_content) if response.streaming else response.content
        return payload.decode()
    return response.content.decode()


def _results(response_json):
    if isinstance(response_json, dict) and "results" in response_json:
        return response_json["results"]
    return response_json


@pytest.mark.parametrize("caller", ["anonymous", "key:read:restricted"])
@pytest.mark.parametrize(("name", "kwargs"), API_ENDPOINTS, ids=[n for n, _ in API_ENDPOINTS])
def test_api_list_ignores_or_refuses_injected_parameters(registry_with_secrets, caller, name, kwargs):
    import json

    client = _client(caller)
    url = reverse(name, kwargs=kwargs)
    secrets = _secrets(registry_with_secrets, with_confidential_fields=caller != "anonymous")
    unfiltered = _body(client.get(url))
    assert not [secret for secret in secrets if secret in unfiltered]
    baseline = json.loads(unfiltered)

    for params in [*INJECTIONS, *HIDDEN_LOOKUPS]:
        response = client.get(url, params)
        body = _body(response)
        assert response.status_code in (200, 400), (url, params, response.status_code)
        for secret in _not_sent(secrets, params):
            assert secret not in body, (url, params, secret)
        if response.status_code == 400:
            # A clear refusal names what it refuses, as JSON.
            assert set(json.loads(body)) & set(params), (url, params, body)
        elif params in HIDDEN_LOOKUPS:
            assert _results(json.loads(body)) == _results(baseline), (url, params)


@pytest.mark.parametrize("caller", ["anonymous", "key:read:restricted"])
def test_api_person_list_never_narrows_by_a_hidden_field(registry_with_secrets, caller):
    client = _client(caller)
    url = reverse("api:person-list")

    everyone = {p["id"] for p in client.get(url).json()["results"]}
    narrowed = {p["id"] for p in client.get(url, {"internal_notes__icontains": CANARY}).json()["results"]}

    assert everyone == {registry_with_secrets[k].person.slug for k in ("leaky", "plain")}
    assert narrowed == everyone  # the filter would have left the leaky person alone


def _slugs_on_list_page(body: str) -> set[str]:
    import re

    return set(re.findall(r'href="/people/([^/"]+)/"', body))


def test_public_list_page_ignores_or_refuses_injected_parameters(client, registry_with_secrets):
    url = reverse("public:person-list")
    baseline = _slugs_on_list_page(client.get(url).content.decode())
    assert baseline == {registry_with_secrets[k].person.slug for k in ("leaky", "plain")}
    secrets = _secrets(registry_with_secrets, with_confidential_fields=False)

    for params in [*INJECTIONS, *HIDDEN_LOOKUPS]:
        response = client.get(url, params)
        body = response.content.decode()
        assert response.status_code == 200, (params, response.status_code)
        for secret in _not_sent(secrets, params):
            assert secret not in body, (params, secret)
        shown = _slugs_on_list_page(body)
        if params in HIDDEN_LOOKUPS:
            assert shown == baseline, params
        else:
            assert shown <= baseline, params
