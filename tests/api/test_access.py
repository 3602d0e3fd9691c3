"""Who may do what through the API, as one table; and nothing confidential leaks to the public."""

import json

import pytest
from django.urls import reverse

from cases.models import Submission
from tests.api.conftest import CALLERS, make_published_case

pytestmark = pytest.mark.django_db

READERS = {
    "anonymous",
    "key:read:public",
    "key:read:restricted",
    "staff:viewer",
    "staff:editor",
    "staff:publisher",
}
NOBODY: set = set()


def _urls(case):
    """Every endpoint of the API, as (name, url) with real objects behind the detail ones."""
    charge, event = case.charges.first(), case.events.filter(is_public=True).first()
    return {
        "people": reverse("api:person-list"),
        "person": reverse("api:person-detail", args=[case.person.slug]),
        "people export": reverse("api:person-export", args=["csv"]),
        "cases": reverse("api:case-list"),
        "case": reverse("api:case-detail", args=[case.public_id]),
        "cases export": reverse("api:case-export", args=["json"]),
        "charges": reverse("api:charge-list"),
        "charge": reverse("api:charge-detail", args=[charge.public_id]),
        "charge chain": reverse("api:charge-chain", args=[charge.public_id]),
        "events": reverse("api:event-list"),
        "event": reverse("api:event-detail", args=[event.public_id]),
        "hearings": reverse("api:hearing-list"),
        "assessments": reverse("api:assessment-list"),
        "articles": reverse("api:article-list"),
        "article": reverse("api:article-detail", args=["BY-289.3"]),
        "facilities": reverse("api:facility-list"),
        "facility": reverse("api:facility-detail", args=[case.stays.first().facility.slug]),
        "statistics": reverse("api:statistics"),
        "changes": reverse("api:changes"),
        "submissions": reverse("api:submission-list"),
        "webhooks": reverse("api:webhook-list"),
    }


READ_ONLY = [
    "people",
    "person",
    "people export",
    "cases",
    "case",
    "cases export",
    "charges",
    "charge",
    "charge chain",
    "events",
    "event",
    "hearings",
    "assessments",
    "articles",
    "article",
    "facilities",
    "facility",
    "statistics",
    "changes",
]
# (endpoint, read or write) -> the callers allowed; everyone else is refused. One table.
MATRIX = {(name, "read"): READERS for name in READ_ONLY}
MATRIX |= {(name, "write"): NOBODY for name in READ_ONLY}
MATRIX |= {
    ("submissions", "read"): {"key:write:submissions"},  # its own organisation's, read back
    ("submissions", "write"): {"key:write:submissions"},
    ("webhooks", "read"): {"key:webhooks"},
    ("webhooks", "write"): {"key:webhooks"},
}
WRITE_BODIES = {
    "submissions": {"name": "Вымыслаў Тэст", "detention_date": "2026-11-01", "articles": ["ч.1 ст.342"]},
    "webhooks": {"url": "https://93.184.215.14/hook"},
}


@pytest.fixture
def published_case(law):
    return make_published_case()


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("endpoint", "method"), sorted(MATRIX))
def test_authorisation_matrix(api_client_for, published_case, caller, endpoint, method):
    from cases.models import WebhookSubscription

    client = api_client_for(caller)
    url = _urls(published_case)[endpoint]
    before = Submission.objects.count(), WebhookSubscription.objects.count()

    if method == "read":
        response = client.get(url)
    else:
        response = client.post(url, WRITE_BODIES.get(endpoint, {"name": "x"}), format="json")

    if caller in MATRIX[(endpoint, method)]:
        assert response.status_code in (200, 201), response.content[:300]
    else:
        assert response.status_code in (401, 403, 405), (response.status_code, response.content[:300])
        assert (Submission.objects.count(), WebhookSubscription.objects.count()) == before


CANARY = "CANARY7f3e9b"


@pytest.fixture
def leaky_registry(law):
    """Data that could leak: a canary in every confidential field, plus a draft person."""
    published = make_published_case(confidential_text=CANARY, charges=("342.1", "289.3"))
    make_published_case(confidential_text=CANARY + "draft", publish=False, name_suffix=CANARY + "draftname")
    return published


def _every_public_url(case):
    """(url, the status it must answer with): a leak test that only sees errors proves nothing."""
    charge = case.charges.first()
    ok = [
        reverse("api:person-list"),
        reverse("api:person-detail", args=[case.person.slug]),
        reverse("api:person-export", args=["csv"]),
        reverse("api:person-export", args=["json"]),
        reverse("api:case-list"),
        reverse("api:case-detail", args=[case.public_id]),
        reverse("api:case-export", args=["csv"]),
        reverse("api:charge-list"),
        reverse("api:charge-detail", args=[charge.public_id]),
        reverse("api:charge-chain", args=[charge.public_id]),
        reverse("api:event-list"),
        reverse("api:event-export", args=["json"]),
        reverse("api:assessment-list"),
        reverse("api:article-list"),
        reverse("api:facility-list"),
        reverse("api:statistics"),
        reverse("api:changes"),
        reverse("schema"),
        reverse("api:person-list") + f"?q={CANARY}&ordering=internal_notes",
    ]
    errors = [
        (reverse("api:person-detail", args=["no-such-person"]), 404),
        (reverse("api:changes") + "?since=x", 400),
        (reverse("api:person-list") + "?ordering=internal_notes", 400),
    ]
    return [(url, 200) for url in ok[:-1]] + [(ok[-1], 400)] + errors


@pytest.mark.parametrize("caller", ["anonymous", "key:read:public"])
def test_confidential_fields_never_reach_public_callers(api_client_for, leaky_registry, caller):
    client = api_client_for(caller)
    for url, expected_status in _every_public_url(leaky_registry):
        response = client.get(url)
        assert response.status_code == expected_status, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert CANARY.encode() not in body, url
        assert b"draftname" not in body, url


def test_restricted_key_sees_confidential_fields_of_published_records_only(api_client_for, leaky_registry):
    client = api_client_for("key:read:restricted")
    person = client.get(reverse("api:person-detail", args=[leaky_registry.person.slug])).json()
    assert person["internal_notes"] == f"notes {CANARY}"
    events = json.dumps(client.get(reverse("api:event-list")).json())
    assert f"internal {CANARY}" in events
    assert "draft" not in json.dumps(client.get(reverse("api:person-list")).json())


@pytest.mark.parametrize("caller", ["key:read:restricted", "staff:viewer", "staff:editor", "staff:publisher"])
def test_confidential_sources_and_contacts_reach_no_one_outside_the_sources_group(
    api_client_for, leaky_registry, caller
):
    """An insider (or a partner key) outside the Sources group reads who told us, or their contact."""
    client = api_client_for(caller)
    events = json.dumps(client.get(reverse("api:event-list")).json())
    assert f"internal {CANARY}" in events  # the internal event itself is visible to these callers
    assert f"Confidential source {CANARY}" not in events
    assert f"contact {CANARY}" not in events


def test_sources_group_member_sees_confidential_sources_and_their_contacts(api_client_for, leaky_registry):
    events = json.dumps(api_client_for("staff:sources").get(reverse("api:event-list")).json())
    assert f"Confidential source {CANARY}" in events
    assert f"contact {CANARY}" in events


def test_staff_viewer_sees_drafts(api_client_for, leaky_registry):
    people = api_client_for("staff:viewer").get(reverse("api:person-list")).json()
    assert people["count"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"publication_state": "draft"},
        {"internal_notes": CANARY},
        {"ordering": "internal_notes"},
        {"ordering": "-publication_state"},
        {"internal_notes__icontains": "notes"},
    ],
)
def test_filtering_or_ordering_by_a_hidden_field_changes_nothing(api_client_for, leaky_registry, params):
    client = api_client_for("anonymous")
    plain = client.get(reverse("api:person-list")).json()
    filtered = client.get(reverse("api:person-list"), params)
    assert filtered.status_code in (200, 400)
    if filtered.status_code == 200:
        assert filtered.json()["results"] == plain["results"]
    assert CANARY.encode() not in filtered.content


def test_unpublished_person_is_404_like_a_missing_one(api_client_for, law):
    draft = make_published_case(publish=False)
    client = api_client_for("anonymous")
    hidden = client.get(reverse("api:person-detail", args=[draft.person.slug]))
    missing = client.get(reverse("api:person-detail", args=["never-existed-000"]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_revoked_and_expired_keys_are_refused(api_client_for, organisation):
    import datetime

    from django.utils import timezone
    from rest_framework.test import APIClient

    from cases.models import PartnerAPIKey

    key, raw = PartnerAPIKey.objects.create_key(name="k", organisation=organisation, scopes=["read:public"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert client.get(reverse("api:person-list")).status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None

    PartnerAPIKey.objects.filter(pk=key.pk).update(expiry_date=timezone.now() - datetime.timedelta(days=1))
    assert client.get(reverse("api:person-list")).status_code == 401
    PartnerAPIKey.objects.filter(pk=key.pk).update(expiry_date=None, revoked=True)
    assert client.get(reverse("api:person-list")).status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Api-Key not.a-key")
    assert client.get(reverse("api:person-list")).status_code == 401


def test_password_only_staff_session_reads_the_api_as_the_public(client, unverified_login, law):
    """A stolen password without the second factor must not open drafts through the API either."""
    make_published_case(name_suffix=" Чарнавік", publish=False)
    from cases.protection.permissions import EDITOR
    from tests.factories import UserFactory

    unverified_login(client, UserFactory(groups=[EDITOR]))
    body = client.get(reverse("api:person-list")).content.decode()
    assert "Чарнавік" not in body
