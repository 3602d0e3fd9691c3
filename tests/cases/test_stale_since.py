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


@pytest.mark.django_db(transaction=True)
def test_a_case_marked_stale_shows_under_review_on_the_statistics_page_at_once(client, law, monkeypatch):
    """A stale mark is written by update(), which sends no save signal; the cached statistics
    page must not go on counting the old level as current."""
    from django.urls import reverse

    from tests.api.conftest import make_published_case

    case = make_published_case()
    assert Case.objects.get(pk=case.pk).risk_status == "none"
    client.get(reverse("public:statistics"))  # cached with the case counted as 'none'
    monkeypatch.setattr(assessment_queue, "enqueue_assessments", lambda case_ids: 0)  # message lost

    assessment_queue.request_assessment([case.pk])

    response = client.get(reverse("public:statistics"))
    risk_chart = next(chart for chart in response.context["charts"] if chart.slug == "risk")
    assert [bar.label for bar in risk_chart.bars] == ["under review"]
