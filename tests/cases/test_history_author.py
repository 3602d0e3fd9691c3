"""Every version names its author. The author is a plain reference, not a database constraint
(cases/models/history.py: the check cost every history row of a large import at commit), so
these tests guard what the constraint guarded: a user deleted through Django leaves their
versions in place, with no author, and every registry model's history is built the same way."""

import pytest
from django.apps import apps

from cases import services
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_deleting_a_user_keeps_their_versions_without_an_author():
    author = UserFactory()
    person = PersonFactory()
    services.update_person(person=person, by=author, is_official_or_military=True)
    version = person.history.order_by("-history_id").first()
    assert version.history_user_id == author.pk

    author.delete()

    version.refresh_from_db()
    assert version.history_user_id is None
    assert version.is_official_or_military is True


def test_every_registry_history_is_indexed_by_its_record_and_its_date_only():
    histories = [
        model
        for model in apps.get_app_config("cases").get_models()
        # a record's history (a many-to-many field's history rows carry no type of their own)
        if hasattr(model, "instance_type") and any(f.name == "history_type" for f in model._meta.fields)
    ]
    assert len(histories) > 20
    for history in histories:
        indexed = sorted(f.name for f in history._meta.concrete_fields if f.db_index and not f.primary_key)
        assert indexed == ["history_date", "history_user", "id"], (history.__name__, indexed)
        assert not history._meta.get_field("history_user").db_constraint, history.__name__
