"""Confidential fields are encrypted at rest: a copied database or dump holds only ciphertext."""

import datetime
import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.management.commands.rotate_field_keys import rotate_all
from cases.models import Organisation, Person, Source, Submission
from cases.protection import crypto
from cases.protection.retention import delete_expired_payloads
from cases.services import intake
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Mother: +375 29 000-00-00, Synthetic Street 1"  # synthetic, but shaped like the real thing
REPORT = {  # a partner's report of a detention: who reported it and how to reach them
    "name": "Выдуманы CANARYname",
    "other_names": ["Vydumany CANARYalias"],
    "detention_date": "2026-11-01",
    "articles": ["ч.1 ст.342"],
    "description": "Detained at home, CANARYdescription",
    "contact": "CANARYreporter, Signal +375 29 000-00-01",
}
CANARIES = ("CANARY", "+375", "Выдуманы", "ст.342")  # none can occur in base64 or a timestamp
OLD_KEY, NEW_KEY = crypto.new_key(), crypto.new_key()


def _raw(table: str, column: str, pk: int, pk_column: str = "id") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {pk_column} = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _raw_json(table: str, column: str, pk: int) -> str:
    """A JSON column's stored text (PostgreSQL's driver may hand back jsonb already decoded)."""
    value = _raw(table, column, pk)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _dump_of(*tables: str) -> str:
    """Every row of the tables as the database stores them: what a stolen dump would show."""
    rows = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            rows += [repr(row) for row in cursor.fetchall()]
    return "\n".join(rows)


def test_confidential_fields_are_unreadable_in_a_raw_database_dump(law):
    """A copy of the database (the state's seizure of a server or backup) reveals no contact or note."""
    person = PersonFactory()
    services.update_person(person=person, internal_notes=SECRET, contacts=SECRET)
    source = services.save_detail(
        instance=Source(kind="relative", title="Call", confidential=True, contact=SECRET)
    )

    dump = _dump_of("cases_person", "cases_historicalperson", "cases_source", "cases_historicalsource")

    assert "Mother" not in dump and "+375" not in dump
    assert _raw("cases_person", "internal_notes", person.pk).startswith(crypto.PREFIX)
    assert _raw("cases_source", "contact", source.pk).startswith(crypto.PREFIX)
    person.refresh_from_db()
    assert person.internal_notes == SECRET and person.contacts == SECRET  # staff still read it


def _submission(payload=None) -> Submission:
    organisation, _ = Organisation.objects.get_or_create(name="Synthetic partner")
    return intake.receive_submission(organisation=organisation, payload=payload or REPORT)


def test_partner_submission_is_unreadable_in_a_raw_database_dump(law):
    """The reporter's contact, names and description are as confidential as a source's contact."""
    submission = _submission()

    dump = _dump_of("cases_submission")

    assert not [canary for canary in CANARIES if canary in dump]
    assert _raw("cases_submission", "payload", submission.pk).startswith(crypto.PREFIX)
    assert Submission.objects.get(pk=submission.pk).payload == REPORT  # staff still read it


def test_encrypted_submission_is_moderated_as_before(law, client):
    """The moderation screen shows the report and accepting it creates the draft person."""
    submission = _submission()
    client.force_login(UserFactory(is_superuser=True))

    page = client.get(reverse("admin:cases_submission_change", args=[submission.pk])).content.decode()
    queue = client.get(reverse("admin:cases_submission_changelist")).content.decode()
    client.post(
        reverse("admin:cases_submission_changelist"),
        {"action": "accept_selected", "_selected_action": [submission.pk]},
    )

    assert "CANARYreporter" in page and "Выдуманы CANARYname" in queue
    submission.refresh_from_db()
    assert submission.state == "accepted"
    assert submission.person.primary_name.text == "Выдуманы CANARYname"
    assert "CANARYreporter" in submission.person.contacts
    assert "CANARYdescription" in submission.person.internal_notes


def test_retention_deletes_an_encrypted_submission_payload(law, settings):
    settings.SUBMISSION_RETENTION_DAYS = 30
    submission = _submission()
    intake.reject_submission(submission=submission, by=UserFactory(), note="duplicate")
    Submission.objects.filter(pk=submission.pk).update(
        handled_at=timezone.now() - datetime.timedelta(days=31)
    )

    assert delete_expired_payloads() == 1
    assert _raw("cases_submission", "payload", submission.pk) is None
    assert Submission.objects.get(pk=submission.pk).payload is None


def test_searching_inside_an_encrypted_submission_is_refused_not_silently_empty(law):
    with pytest.raises(FieldError):
        list(Submission.objects.filter(payload__contact="CANARYreporter"))


def test_each_save_gives_different_ciphertext_so_equal_values_cannot_be_matched(law):
    """Ciphertext reveals nothing, not even that two people share a relative's phone number."""
    first, second = PersonFactory(), PersonFactory()
    for person in (first, second):
        services.update_person(person=person, contacts=SECRET)
    assert _raw("cases_person", "contacts", first.pk) != _raw("cases_person", "contacts", second.pk)


def test_empty_confidential_field_is_stored_empty_so_constraints_still_hold(law):
    source = services.save_detail(instance=Source(kind="publication", title="Press", confidential=False))
    assert _raw("cases_source", "contact", source.pk) == ""
    assert Source.objects.filter(contact="").filter(pk=source.pk).exists()


def test_searching_inside_an_encrypted_field_is_refused_not_silently_empty(law):
    with pytest.raises(FieldError):
        list(Person.objects.filter(internal_notes__icontains="Mother"))


def test_rotation_rewrites_every_value_with_the_new_key_and_keeps_it_readable(law):
    """After rotation the old key can be destroyed: a leaked old key then opens nothing."""
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        person = PersonFactory()
        services.update_person(person=person, internal_notes=SECRET)
        submission = _submission()
        before = _raw("cases_person", "internal_notes", person.pk)
        submission_before = _raw("cases_submission", "payload", submission.pk)

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        counts = rotate_all()
    assert counts["cases_person"] >= 1 and counts["cases_historicalperson"] >= 1
    assert counts["cases_submission"] == 1

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):  # the old key is gone
        assert Person.objects.get(pk=person.pk).internal_notes == SECRET
        assert _raw("cases_person", "internal_notes", person.pk) != before
        history = person.history.order_by("-history_id").first()
        assert history.internal_notes == SECRET
        assert Submission.objects.get(pk=submission.pk).payload == REPORT
        assert _raw("cases_submission", "payload", submission.pk) != submission_before
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]), pytest.raises(crypto.UnreadableValue):
        Person.objects.get(pk=person.pk).internal_notes  # noqa: B018


def test_rotation_command_refuses_when_a_value_needs_a_key_no_longer_listed(law):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        person = PersonFactory()
        services.update_person(person=person, internal_notes=SECRET)
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]),
        pytest.raises(Exception, match="keep the old key"),
    ):
        call_command("rotate_field_keys")
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD_KEY]):
        assert Person.objects.get(pk=person.pk).internal_notes == SECRET


@pytest.mark.one_database
@pytest.mark.django_db(transaction=True)
def test_migration_encrypts_existing_submissions_and_reverses(law):
    """Reports received before submissions were encrypted are encrypted in place, and back."""
    before, after = ("cases", "0010_person_published_order"), ("cases", "0011_encrypt_submission_payload")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old_apps = executor.loader.project_state([before]).apps
    OldSubmission = old_apps.get_model("cases", "Submission")  # noqa: N806 - a model class
    organisation = old_apps.get_model("cases", "Organisation").objects.create(name="Earlier partner")
    legacy = OldSubmission.objects.create(organisation=organisation, payload=REPORT)
    deleted = OldSubmission.objects.create(organisation=organisation, payload=None)
    assert "CANARYreporter" in _raw_json("cases_submission", "payload", legacy.pk)

    executor = MigrationExecutor(connection)
    executor.migrate([after])

    assert _raw("cases_submission", "payload", legacy.pk).startswith(crypto.PREFIX)
    assert _raw("cases_submission", "payload", deleted.pk) is None
    assert Submission.objects.get(pk=legacy.pk).payload == REPORT

    executor = MigrationExecutor(connection)
    executor.migrate([before])
    assert json.loads(_raw_json("cases_submission", "payload", legacy.pk)) == REPORT

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Submission.objects.get(pk=legacy.pk).payload == REPORT


def _start_production(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("FIELD_ENCRYPTION_KEYS", "DATABASE_URL")}
    clean.update(REGISTRY_ENV="production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="registry.example.org", **env)
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], capture_output=True, text=True, env=clean, timeout=60
    )


def test_production_refuses_to_start_without_a_field_key():
    """A production server started without the key must not run and write confidential data in clear."""
    result = _start_production()
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS is not set" in result.stderr


def test_production_refuses_a_malformed_field_key():
    result = _start_production(FIELD_ENCRYPTION_KEYS="not-a-key")
    assert result.returncode != 0
    assert "not a Fernet key" in result.stderr
