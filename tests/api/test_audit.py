"""Reads of confidential data are on record, bulk reads alert the administrators, and the record
itself never holds a secret.

The attacks: an insider reading internal notes or contacts one record at a time, or copying the
registry page by page; a stolen partner key used to harvest it.
"""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from cases import services
from cases.models import AuditEntry, Source
from cases.protection.permissions import PUBLISHER, SOURCES, VIEWER
from tests.api.conftest import make_published_case
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

CANARY = "CANARYaudit"


def _no_secret_in_audit():
    for entry in AuditEntry.objects.all():
        text = repr([entry.actor, entry.object_ids, entry.fields, entry.via, entry.object_type])
        assert CANARY not in text


def test_opening_a_person_with_internal_notes_is_recorded_with_who_and_which(client, law):
    person = PersonFactory()
    services.update_person(person=person, internal_notes=f"notes {CANARY}")
    reader = UserFactory(groups=[PUBLISHER])
    client.force_login(reader)

    client.get(reverse("admin:cases_person_change", args=[person.pk]))

    entry = AuditEntry.objects.get()
    assert entry.user == reader and entry.actor == f"staff:{reader.pk}"
    assert entry.action == AuditEntry.Action.READ
    assert entry.object_ids == [str(person.public_id)] and entry.fields == ["internal_notes"]
    _no_secret_in_audit()


def test_opening_a_person_without_confidential_values_records_nothing(client, law):
    person = PersonFactory()
    client.force_login(UserFactory(groups=[VIEWER]))
    client.get(reverse("admin:cases_person_change", args=[person.pk]))
    assert not AuditEntry.objects.exists()


def test_sources_group_reading_a_contact_is_recorded_and_others_cannot_read_it_at_all(client, law):
    source = services.save_detail(
        instance=Source(kind="witness", title=f"Told by {CANARY}", confidential=True, contact=CANARY)
    )
    client.force_login(UserFactory(groups=[VIEWER]))
    assert client.get(reverse("admin:cases_source_change", args=[source.pk])).status_code in (302, 404)
    assert not AuditEntry.objects.exists()

    client.force_login(UserFactory(groups=[VIEWER, SOURCES]))
    client.get(reverse("admin:cases_source_change", args=[source.pk]))
    assert AuditEntry.objects.get().fields == ["title", "contact"]
    _no_secret_in_audit()


def test_restricted_key_reading_a_list_is_a_bulk_read_and_anonymous_reads_are_not_recorded(
    api_client_for, law
):
    for n in range(3):
        make_published_case(name_suffix=f" Аўдыт{n}", confidential_text=f"{CANARY}{n}")
    api_client_for("anonymous").get(reverse("api:person-list"))
    assert not AuditEntry.objects.exists()

    api_client_for("key:read:restricted").get(reverse("api:person-list"))

    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.BULK_READ and entry.record_count == 3
    assert entry.actor.startswith("key:") and "internal_notes" in entry.fields
    _no_secret_in_audit()


def test_every_export_by_a_key_is_recorded_with_its_size(api_client_for, law):
    make_published_case()
    response = api_client_for("key:read:public").get(reverse("api:person-export", args=["json"]))
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.record_count == 1 and entry.object_type == "people"


@override_settings(AUDIT_BULK_THRESHOLD=4, AUDIT_WINDOW_MINUTES=60)
def test_reading_past_the_threshold_alerts_the_administrators_once_per_window(api_client_for, law):
    UserFactory(username="admin1", email="admin1@registry.test", is_superuser=True)
    for n in range(3):
        make_published_case(name_suffix=f" Масавы{n}", confidential_text=f"{CANARY}{n}")
    client = api_client_for("key:read:restricted")

    client.get(reverse("api:person-list"))  # 3 records: under the threshold
    assert not [m for m in mail.outbox if "records in" in m.subject]
    client.get(reverse("api:person-list"))  # 6: over it
    client.get(reverse("api:person-list"))  # 9: still the same window

    alerts = [m for m in mail.outbox if "records in" in m.subject]
    assert len(alerts) == 1
    assert "admin1@registry.test" in alerts[0].to
    assert CANARY not in alerts[0].body and "Масавы" not in alerts[0].body
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ALERT).count() == 1
