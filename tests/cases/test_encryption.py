"""Confidential fields are encrypted at rest: a copied database or dump holds only ciphertext."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from cases import services
from cases.management.commands.rotate_field_keys import rotate_all
from cases.models import Person, Source
from cases.protection import crypto
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

SECRET = "Mother: +375 29 000-00-00, Synthetic Street 1"  # synthetic, but shaped like the real thing
OLD_KEY, NEW_KEY = crypto.new_key(), crypto.new_key()


def _raw(table: str, column: str, pk: int, pk_column: str = "id") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {pk_column} = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


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
        before = _raw("cases_person", "internal_notes", person.pk)

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        counts = rotate_all()
    assert counts["cases_person"] >= 1 and counts["cases_historicalperson"] >= 1

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):  # the old key is gone
        assert Person.objects.get(pk=person.pk).internal_notes == SECRET
        assert _raw("cases_person", "internal_notes", person.pk) != before
        history = person.history.order_by("-history_id").first()
        assert history.internal_notes == SECRET
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
