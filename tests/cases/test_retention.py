"""Transient personal data goes after its retention period; the registry's own records stay.

The attack it limits: a seized or copied database that holds months of raw partner reports,
staff sessions and login records with addresses, when only the last days were ever needed.
"""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.utils import timezone

from cases.models import Organisation, Person, Submission
from cases.protection.retention import purge_transient_data
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _submission(*, handled_days_ago=None):
    submission = Submission.objects.create(
        organisation=Organisation.objects.get_or_create(name="Synthetic partner")[0],
        payload={"name": "Выдуманы Чалавек", "contact": "CANARYreporter"},
    )
    if handled_days_ago is not None:
        Submission.objects.filter(pk=submission.pk).update(
            state=Submission.State.REJECTED, handled_at=NOW - datetime.timedelta(days=handled_days_ago)
        )
    return submission


def _login_attempt(days_ago, model=AccessAttempt):
    kwargs = {"failures_since_start": 1} if model is AccessAttempt else {}
    record = model.objects.create(
        username=f"someone{days_ago}", ip_address="203.0.113.7", user_agent="x", **kwargs
    )
    model.objects.filter(pk=record.pk).update(attempt_time=NOW - datetime.timedelta(days=days_ago))


@override_settings(SUBMISSION_RETENTION_DAYS=30, LOGIN_RECORD_RETENTION_DAYS=14)
def test_purge_deletes_what_has_served_its_purpose_and_keeps_the_rest(law):
    old, recent, pending = _submission(handled_days_ago=31), _submission(handled_days_ago=2), _submission()
    (
        _login_attempt(15),
        _login_attempt(1),
        _login_attempt(20, AccessFailureLog),
        _login_attempt(3, AccessFailureLog),
    )
    expired, live = SessionStore(), SessionStore()
    expired.create(), live.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=NOW - datetime.timedelta(hours=1)
    )
    person = PersonFactory()

    counts = purge_transient_data(now=NOW)

    assert counts["submission payloads"] == 1 and counts["expired sessions"] == 1
    assert counts["login attempts"] == 1 and counts["failed-login log"] == 1
    old.refresh_from_db(), recent.refresh_from_db(), pending.refresh_from_db()
    assert old.payload is None and old.payload_deleted_at is not None
    assert recent.payload is not None
    assert pending.payload is not None  # a detention waiting for moderation is never dropped
    assert AccessAttempt.objects.count() == 1 and AccessFailureLog.objects.count() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert Person.objects.filter(pk=person.pk).exists()


def test_purge_twice_deletes_nothing_more(law):
    _submission(handled_days_ago=400)
    purge_transient_data(now=NOW)
    assert set(purge_transient_data(now=NOW).values()) == {0}
