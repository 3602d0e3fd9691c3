"""Keeping in touch through the API (issue 19, points 1 and 5): a partner with `read:contacts`
reads the contacts and the days without contact of published people (never what was said, never
who reported it), a partner with `write:contacts` reports one, staff read everything and the read
is on record; nobody else gets in. Names are invented."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases import choices, services
from cases.models import AuditEntry, Organisation, PartnerAPIKey, PrisonerContact
from cases.protection.permissions import VIEWER
from tests.api.conftest import make_published_case
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db
Scope = PartnerAPIKey.Scope
C = choices.ContactChannel
DETAILS = "CANARYcontact The lawyer saw a bandage on his head"


def _ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def _key_client(organisation, *scopes) -> APIClient:
    _, raw = PartnerAPIKey.objects.create_key(name="k", organisation=organisation, scopes=list(scopes))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@pytest.fixture
def partner(db):
    return Organisation.objects.create(name="Synthetic Letters Project")


@pytest.fixture
def registry(law):
    """A published person heard from 90 and 10 days ago (once by a lawyer), and an unpublished one."""
    published = make_published_case()
    services.record_contact(person=published.person, channel=C.LAWYER_VISIT, date=_ago(90), details=DETAILS)
    services.record_contact(person=published.person, channel=C.LETTER, date=_ago(10), details=DETAILS)
    draft = CaseFactory()
    services.record_contact(person=draft.person, channel=C.CALL, date=_ago(3), details=DETAILS)
    return published, draft


def test_a_partner_reads_contacts_of_published_people_without_details_or_reporter(partner, registry):
    published, draft = registry
    client = _key_client(partner, Scope.READ_CONTACTS)

    body = client.get("/api/v1/contacts/").json()

    assert [(r["person"], r["channel"], r["date"]) for r in body["results"]] == [
        (published.person.slug, C.LETTER, _ago(10).isoformat()),
        (published.person.slug, C.LAWYER_VISIT, _ago(90).isoformat()),
    ]
    assert set(body["results"][0]) == {
        "id",
        "person",
        "channel",
        "date",
        "date_precision",
        "reported_by_you",
        "created_at",
    }
    assert DETAILS not in str(body) and draft.person.slug not in str(body)


@pytest.mark.parametrize(
    "scopes",
    [[], [Scope.READ_PUBLIC], [Scope.READ_RESTRICTED], [Scope.WRITE_SUBMISSIONS], [Scope.WRITE_CONTACTS]],
)
def test_contacts_need_the_read_contacts_scope(partner, registry, scopes):
    client = _key_client(partner, *scopes)

    for path in ("/api/v1/contacts/", "/api/v1/silences/"):
        response = client.get(path)
        assert response.status_code == 403 and "read:contacts" in response.json()["detail"]


def test_a_contacts_key_without_a_read_scope_reads_no_public_records_nor_the_feed(partner, registry):
    client = _key_client(partner, Scope.READ_CONTACTS)

    assert client.get("/api/v1/people/").status_code == 403
    assert client.get("/api/v1/changes/").status_code == 403


def test_anonymous_callers_read_no_contacts(client, registry):
    for path in ("/api/v1/contacts/", "/api/v1/silences/"):
        response = client.get(path)
        assert response.status_code in (401, 403) and DETAILS not in response.content.decode()


def test_the_silences_list_puts_the_longest_silence_first_with_days_per_channel(partner, registry, law):
    published, _ = registry
    unheard = make_published_case()
    long_silent = make_published_case()
    services.record_contact(
        person=long_silent.person,
        channel=C.FAMILY_VISIT,
        date=datetime.date(2024, 5, 1),
        date_precision=choices.DatePrecision.MONTH,
    )
    client = _key_client(partner, Scope.READ_CONTACTS)

    rows = client.get("/api/v1/silences/").json()["results"]

    assert [r["person"] for r in rows] == [
        long_silent.person.slug,
        published.person.slug,
        unheard.person.slug,
    ]
    first = rows[0]
    today = timezone.localdate()
    assert first["days_at_least"] == (today - datetime.date(2024, 5, 31)).days
    assert first["days_at_most"] == (today - datetime.date(2024, 5, 1)).days
    assert first["threshold_passed"] is True and first["channels"]["family_visit"] == first["days_at_least"]
    assert rows[1]["channels"]["lawyer_visit"] == 90 and rows[1]["days_at_least"] == 10
    assert rows[1]["threshold_passed"] is False
    assert rows[2]["days_at_least"] is None and rows[2]["last_contact_between"] is None


def test_a_partner_reports_a_contact_that_counts_at_once(partner, registry):
    published, _ = registry
    client = _key_client(partner, Scope.WRITE_CONTACTS)

    response = client.post(
        "/api/v1/contacts/",
        {
            "person": published.person.slug,
            "channel": C.CALL,
            "date": _ago(1).isoformat(),
            "details": "CANARYnew",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["reported_by_you"] is True and "details" not in response.json()
    contact = PrisonerContact.objects.get(public_id=response.json()["id"])
    assert (contact.reported_by, contact.channel, contact.details) == (partner, C.CALL, "CANARYnew")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"date": "2025-13"}, "date", "YYYY-MM-DD, YYYY-MM or YYYY"),
        ({"date": "yesterday"}, "date", "YYYY-MM-DD, YYYY-MM or YYYY"),
        ({"date": "2999"}, "date", "in the future"),
        ({"channel": "pigeon"}, "channel", "not a valid choice"),
        ({"person": "nobody-here"}, "person", "No published person has this slug"),
    ],
)
def test_a_bad_report_is_refused_field_by_field_and_records_nothing(partner, registry, body, field, message):
    published, _ = registry
    client = _key_client(partner, Scope.WRITE_CONTACTS)
    before = PrisonerContact.objects.count()

    response = client.post(
        "/api/v1/contacts/",
        {"person": published.person.slug, "channel": C.LETTER, "date": "2025-03"} | body,
        format="json",
    )

    assert response.status_code == 400 and message in str(response.json()[field])
    assert PrisonerContact.objects.count() == before


def test_an_unpublished_person_cannot_be_reported_on_even_by_slug(partner, registry):
    _, draft = registry
    client = _key_client(partner, Scope.WRITE_CONTACTS)

    response = client.post(
        "/api/v1/contacts/", {"person": draft.person.slug, "channel": C.LETTER, "date": "2025"}, format="json"
    )

    assert response.status_code == 400 and PrisonerContact.objects.filter(person=draft.person).count() == 1


def test_staff_read_every_contact_with_details_and_the_read_is_on_record(client, registry):
    viewer = UserFactory(groups=[VIEWER])
    client.force_login(viewer)

    body = client.get("/api/v1/contacts/").json()

    assert len(body["results"]) == 3 and DETAILS in str(body)
    entry = AuditEntry.objects.get(user=viewer)
    assert entry.object_type == "contacts" and entry.record_count == 3 and DETAILS not in str(entry.__dict__)


def test_staff_cannot_report_contacts_through_the_api(client, registry):
    published, _ = registry
    client.force_login(UserFactory(groups=[VIEWER]))

    response = client.post(
        "/api/v1/contacts/",
        {"person": published.person.slug, "channel": C.LETTER, "date": "2025"},
        content_type="application/json",
    )

    assert response.status_code == 403


def test_the_contacts_list_takes_a_bounded_number_of_queries(
    partner, registry, django_assert_max_num_queries
):
    published, _ = registry
    for days in range(20, 60):
        services.record_contact(person=published.person, channel=C.LETTER, date=_ago(days))
    client = _key_client(partner, Scope.READ_CONTACTS)

    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/contacts/").json()["results"]) == 42


def test_the_change_feed_tells_contacts_readers_of_a_new_contact_and_nobody_else(partner, registry, settings):
    settings.CHANGE_FEED_SETTLE_SECONDS = 0
    published, _ = registry
    readers = {
        "contacts": _key_client(partner, Scope.READ_PUBLIC, Scope.READ_CONTACTS),
        "restricted": _key_client(partner, Scope.READ_RESTRICTED),
        "anonymous": APIClient(),
    }

    seen = {
        who: [c for c in client.get("/api/v1/changes/").json()["results"] if c["object_type"] == "contact"]
        for who, client in readers.items()
    }

    ids = {str(c.public_id) for c in PrisonerContact.objects.filter(person=published.person)}
    assert {c["object_id"] for c in seen["contacts"]} == ids
    assert seen["restricted"] == [] and seen["anonymous"] == []


# Letters (point 2) ----------------------------------------------------------------------------


def test_a_letter_service_reports_counts_and_reads_back_only_its_own(partner, registry):
    published, draft = registry
    other = Organisation.objects.create(name="Another Letters Project")
    services.report_letters(
        person=published.person, organisation=other, period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31), letters_sent=7,
    )  # fmt: skip
    writer = _key_client(partner, Scope.WRITE_CONTACTS)
    reader = _key_client(partner, Scope.READ_CONTACTS)
    body = {"person": published.person.slug, "period_start": "2026-02-01", "period_end": "2026-02-28"}

    first = writer.post("/api/v1/letters/", body | {"letters_sent": 3}, format="json")
    again = writer.post("/api/v1/letters/", body | {"letters_sent": 5}, format="json")
    mine = reader.get("/api/v1/letters/").json()["results"]

    assert (first.status_code, again.status_code) == (201, 201)
    assert mine == [
        {
            "person": published.person.slug,
            "period_start": "2026-02-01",
            "period_end": "2026-02-28",
            "letters_sent": 5,
            "reported_at": mine[0]["reported_at"],
        }
    ]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"letters_sent": -2}, "letters_sent", "greater than or equal to 0"),
        ({"period_end": "2026-01-01"}, "period_end", "ends on or after"),
        ({"person": "nobody-here"}, "person", "No published person"),
        ({"period_start": "2026-02"}, "period_start", "Date has wrong format"),
    ],
)
def test_a_bad_letter_report_is_refused_field_by_field(partner, registry, body, field, message):
    published, _ = registry
    client = _key_client(partner, Scope.WRITE_CONTACTS)
    good = {
        "person": published.person.slug,
        "period_start": "2026-02-01",
        "period_end": "2026-02-28",
        "letters_sent": 1,
    }

    response = client.post("/api/v1/letters/", good | body, format="json")

    assert response.status_code == 400 and message in str(response.json()[field])


@pytest.mark.parametrize("scopes", [[Scope.READ_PUBLIC], [Scope.READ_RESTRICTED], [Scope.READ_CONTACTS]])
def test_reporting_letters_needs_the_write_contacts_scope(partner, registry, scopes):
    published, _ = registry
    client = _key_client(partner, *scopes)

    response = client.post(
        "/api/v1/letters/",
        {
            "person": published.person.slug,
            "period_start": "2026-02-01",
            "period_end": "2026-02-28",
            "letters_sent": 1,
        },
        format="json",
    )

    assert response.status_code == 403


def test_the_change_feed_tells_contacts_readers_of_new_letter_counts_only(partner, registry, settings):
    settings.CHANGE_FEED_SETTLE_SECONDS = 0
    published, _ = registry
    services.report_letters(
        person=published.person, organisation=partner, period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31), letters_sent=4,
    )  # fmt: skip

    def letters(client):
        return [c for c in client.get("/api/v1/changes/").json()["results"] if c["object_type"] == "letters"]

    seen = letters(_key_client(partner, Scope.READ_PUBLIC, Scope.READ_CONTACTS))
    assert [(c["object_id"], c["action"]) for c in seen] == [(published.person.slug, "updated")]
    assert letters(_key_client(partner, Scope.READ_RESTRICTED)) == []


# One table: who may read and write the endpoints of issue 19 ----------------------------------

CALLER_SCOPES = {
    "anonymous": None,
    "key:read:public": [Scope.READ_PUBLIC],
    "key:read:restricted": [Scope.READ_RESTRICTED],
    "key:write:submissions": [Scope.WRITE_SUBMISSIONS],
    "key:webhooks": [Scope.WEBHOOKS],
    "key:read:contacts": [Scope.READ_CONTACTS],
    "key:write:contacts": [Scope.WRITE_CONTACTS],
    "staff:viewer": "Viewer",
    "staff:editor": "Editor",
    "staff:publisher": "Publisher",
}
STAFF = {"staff:viewer", "staff:editor", "staff:publisher"}
ISSUE_19_MATRIX = {
    ("contacts", "read"): {"key:read:contacts"} | STAFF,
    ("contacts", "write"): {"key:write:contacts"},
    ("silences", "read"): {"key:read:contacts"} | STAFF,
    ("letters", "read"): {"key:read:contacts"} | STAFF,
    ("letters", "write"): {"key:write:contacts"},
    ("particular-risks", "read"): {"anonymous", "key:read:public", "key:read:restricted"} | STAFF,
    ("particular-risks", "write"): set(),
}


@pytest.mark.parametrize("caller", sorted(CALLER_SCOPES))
@pytest.mark.parametrize(("endpoint", "method"), sorted(ISSUE_19_MATRIX))
def test_issue_19_authorisation_matrix(partner, registry, caller, endpoint, method):
    published, _ = registry
    scopes = CALLER_SCOPES[caller]
    if caller.startswith("key:"):
        client = _key_client(partner, *scopes)
    else:
        client = APIClient()
        if caller.startswith("staff:"):
            client.force_login(UserFactory(groups=[scopes]))
    bodies = {
        "contacts": {"person": published.person.slug, "channel": "letter", "date": "2026"},
        "letters": {
            "person": published.person.slug,
            "period_start": "2026-01-01",
            "period_end": "2026-01-31",
            "letters_sent": 2,
        },
        "particular-risks": {"person": published.person.slug, "kind": "beating"},
    }
    url = f"/api/v1/{endpoint}/"

    response = (
        client.get(url) if method == "read" else client.post(url, bodies.get(endpoint, {}), format="json")
    )

    if caller in ISSUE_19_MATRIX[(endpoint, method)]:
        assert response.status_code in (200, 201), response.content[:300]
    else:
        assert response.status_code in (401, 403, 405), (response.status_code, response.content[:300])
