"""Requests to assess a case merge while its message waits (issue #14, finding 7).

A burst of edits used to queue one message per request (1,014 messages for the demo's 200
cases), and the worker stayed busy long after every flag was current. Now a case with a message
still waiting in the queue gets no second one: the waiting message reads the data when it runs,
after the later edits committed. The task forgets the mark before it reads, so an edit that
commits after that sends a new message.
"""

import datetime
import os
import subprocess
import sys

import pytest
from django.core.cache import cache

from cases import background, services
from cases.models import Case
from cases.risk import queue
from cases.tasks import task_assess_case
from tests.factories import CaseFactory, article

D = datetime.date


@pytest.fixture(autouse=True)
def merging_on(settings):
    """As with CACHE_URL set: the web processes and the worker share the cache."""
    settings.RISK_MERGE_QUEUED_ASSESSMENTS = True


@pytest.fixture
def hold_messages(monkeypatch):
    """From the call on, messages are kept instead of sent (as if no worker had taken them yet);
    the cases made before it were assessed in-process and carry no mark."""
    messages = []

    def start():
        cache.clear()
        monkeypatch.setattr(background, "send", lambda name, **kwargs: messages.append((name, kwargs)))
        return messages

    yield start
    cache.clear()


def _charged_case():
    case = CaseFactory()
    charge = services.add_charge(
        case=case, article=article("339.1"), offence_date=D(2022, 2, 20), charged_on=D(2022, 3, 2)
    )
    return case, charge


@pytest.mark.django_db(transaction=True)
def test_twenty_edits_of_a_case_whose_message_waits_queue_one_message(law, hold_messages):
    case, _ = _charged_case()
    sent = hold_messages()

    for _ in range(20):
        queue.request_assessment([case.pk])  # each in its own committed transaction

    assert sent == [("assess_case", {"case_id": case.pk})]


@pytest.mark.django_db(transaction=True)
def test_an_edit_after_the_task_started_queues_a_new_message_and_the_task_sees_every_edit(law, hold_messages):
    case, charge = _charged_case()
    sent = hold_messages()
    queue.request_assessment([case.pk])

    task_assess_case(case_id=case.pk)  # the waiting message runs: the mark is gone
    services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1))

    assert sent == [("assess_case", {"case_id": case.pk})] * 2
    task_assess_case(case_id=case.pk)
    case.refresh_from_db()
    assert case.risk_stale is False and case.risk_level == "critical"


@pytest.mark.django_db(transaction=True)
def test_different_cases_each_get_their_message(law, hold_messages):
    cases = [_charged_case()[0] for _ in range(3)]
    sent = hold_messages()

    queue.request_assessment([c.pk for c in cases])
    queue.request_assessment([c.pk for c in cases])

    assert sorted(kwargs["case_id"] for _, kwargs in sent) == sorted(c.pk for c in cases)


@pytest.mark.django_db(transaction=True)
def test_a_message_that_could_not_be_sent_leaves_no_mark(law, monkeypatch):
    case, _ = _charged_case()
    cache.clear()
    attempts = []

    def broker_down(name, **kwargs):
        attempts.append(kwargs)
        raise ConnectionError("broker down")

    monkeypatch.setattr(background, "send", broker_down)
    queue.request_assessment([case.pk])
    queue.request_assessment([case.pk])

    assert len(attempts) == 2  # the second request tried again: no mark stood in its way
    assert Case.objects.get(pk=case.pk).risk_stale is True  # and the sweep still has it


@pytest.mark.django_db(transaction=True)
def test_a_cache_that_does_not_answer_sends_every_message(law, hold_messages, monkeypatch):
    case, _ = _charged_case()
    sent = hold_messages()

    def no_answer(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "add", no_answer)
    queue.request_assessment([case.pk])
    queue.request_assessment([case.pk])

    assert len(sent) == 2


@pytest.mark.django_db(transaction=True)
def test_without_a_shared_cache_every_request_sends_its_message(law, hold_messages, settings):
    """A cache of the process's own (no CACHE_URL): the worker could never clear a mark set here."""
    settings.RISK_MERGE_QUEUED_ASSESSMENTS = False
    case, _ = _charged_case()
    sent = hold_messages()

    queue.request_assessment([case.pk])
    queue.request_assessment([case.pk])

    assert len(sent) == 2


def _merging_setting(**env) -> str:
    """RISK_MERGE_QUEUED_ASSESSMENTS as the settings compute it in a fresh process with this env."""
    clean = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "RISK_MERGE_QUEUED_ASSESSMENTS")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from registry import settings; print(settings.RISK_MERGE_QUEUED_ASSESSMENTS)",
        ],
        env=clean | {"REGISTRY_ENV": "test"} | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_merging_is_on_exactly_when_the_cache_is_shared():
    assert _merging_setting(CACHE_URL="redis://127.0.0.1:6379/3") == "True"
    assert _merging_setting() == "False"
    assert (
        _merging_setting(CACHE_URL="redis://127.0.0.1:6379/3", RISK_MERGE_QUEUED_ASSESSMENTS="0") == "False"
    )


@pytest.mark.django_db(transaction=True)
def test_requests_in_one_transaction_gather_into_one_batch_sent_once_at_commit(law, hold_messages):
    from django.db import connection, transaction

    cases = [_charged_case()[0] for _ in range(3)]
    sent = hold_messages()
    with transaction.atomic():
        for _ in range(4):
            for case in cases:
                queue.request_assessment([case.pk])
        callbacks = [item[1] for item in connection.run_on_commit]

    assert len(callbacks) == 1, f"{len(callbacks)} commit callbacks for one transaction's requests"
    assert sent == [("assess_case", {"case_id": case.pk}) for case in sorted(cases, key=lambda c: c.pk)]
