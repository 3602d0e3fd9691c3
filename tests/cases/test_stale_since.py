"""A stale case knows since when it waits, so the health check measures the real wait."""

import datetime

import pytest
from django.utils import timezone

from cases.models import Case
from cases.risk import assessment
from cases.risk import queue as assessment_queue
from tests.factories import ChargeFactory

pytestmark = pytest.mark.django_db


def test_a_case_keeps_the_time_it_became_stale_through_later_edits_and_loses_it_when_assessed(law):
    case = ChargeFactory().case
    assessment.assess_case(case_id=case.pk)
    case.refresh_from_db()
    assert case.risk_stale is False and case.risk_stale_since is None

    long_ago = timezone.now() - datetime.timedelta(hours=2)
    assessment_queue.request_assessment([case.pk])
    Case.objects.filter(pk=case.pk).update(risk_stale_since=long_ago)  # as if it waited two hours
    assessment_queue.request_assessment([case.pk])  # edited again while waiting
    case.refresh_from_db()
    assert case.risk_stale and case.risk_stale_since == long_ago

    assessment.assess_case(case_id=case.pk)
    case.refresh_from_db()
    assert case.risk_stale is False and case.risk_stale_since is None


def test_a_law_update_marks_the_jurisdiction_stale_from_now(law):
    case = ChargeFactory().case
    assessment.assess_case(case_id=case.pk)
    before = timezone.now() - datetime.timedelta(seconds=1)  # SQLite keeps milliseconds only
    assessment_queue.request_jurisdiction_assessment(case.jurisdiction_id)
    case.refresh_from_db()
    assert case.risk_stale and case.risk_stale_since >= before


def test_the_full_pass_clears_the_time(law):
    case = ChargeFactory().case
    assessment.assess_all_cases(on=datetime.date(2026, 11, 24))
    case.refresh_from_db()
    assert case.risk_stale is False and case.risk_stale_since is None
