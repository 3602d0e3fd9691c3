"""Edits that commit while an assessment runs, and bursts of requests for one case.

The promise: an edit that can raise a level is shown either as the new level or as "under
review", never as an old level called current, even when the edit's own message is lost and only
the set-based pass (nightly, or the sweep of many stale cases) sees the case.

These tests commit for real (transactional database): the edit runs in another thread, with its
own connection, at a fixed point of the pass, and commits before the pass goes on.
"""

import datetime
import threading

import pytest
from django.db import connection, connections

from cases import background, services, tasks
from cases.models import Case
from cases.risk import assessment, rules
from cases.risk import queue as assessment_queue
from tests.factories import CaseFactory, article

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date


def _reload(case) -> Case:
    return Case.objects.get(pk=case.pk)


def _commit_in_another_connection(edit) -> None:
    """Run `edit` in another thread (its own connection) and wait until it has committed.

    An in-memory SQLite test database cannot be opened from a second thread's connection, so
    there the edit runs on this connection: the pass holds no transaction between its reads, so
    an edit committed here at that point is what another connection's commit would be.
    """
    if connection.vendor == "sqlite":
        edit()
        return
    failure = []

    def run():
        try:
            edit()
        except Exception as exc:  # re-raised in the test's thread
            failure.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive() and not failure, failure


def _edit_once_after(monkeypatch, name: str, edit) -> None:
    """Commit `edit` right after the first call of `assessment.<name>` returns (a seam of the pass)."""
    real = getattr(assessment, name)
    done = []

    def seam(*args, **kwargs):
        result = real(*args, **kwargs)
        if name == "_charge_rows":
            result = list(result)  # the rows are read before the edit commits
        if not done:
            done.append(True)
            _commit_in_another_connection(edit)
        return result

    monkeypatch.setattr(assessment, name, seam)


@pytest.fixture
def lost_messages(monkeypatch):
    """Every assessment request after commit is lost (a broker restarted empty): only passes run."""
    lost = []
    monkeypatch.setattr(assessment_queue, "enqueue_assessments", lambda case_ids: lost.extend(case_ids))
    monkeypatch.setattr(assessment_queue, "enqueue_sweep", lambda: lost.append("sweep"))
    return lost


def _watched_case():
    """A case charged under 218 part 2 (on the watch list), assessed: 'watch', not stale."""
    case = CaseFactory()
    services.add_charge(
        case=case, article=article("218.2"), offence_date=D(2022, 2, 20), charged_on=D(2022, 3, 2)
    )
    assessment.assess_case(case_id=case.pk)
    case = _reload(case)
    assert (case.risk_level, case.risk_stale) == ("watch", False)
    return case


def _run_pass(entry, monkeypatch):
    if entry == "sweep":
        monkeypatch.setattr(assessment, "BULK_STALE", 0)  # the set-based branch of the sweep
        assessment.assess_stale_cases()
    else:
        assessment.assess_all_cases(on=D(2022, 7, 1))


@pytest.mark.parametrize("entry", ["full pass", "sweep"])
def test_set_based_pass_never_clears_an_edit_committed_after_it_read_the_charges(
    law, monkeypatch, lost_messages, entry
):
    case = _watched_case()
    if entry == "sweep":
        assessment_queue.request_assessment([case.pk])  # stale already; its message was lost too
    charge = case.charges.get()
    _edit_once_after(
        monkeypatch,
        "_charge_rows",
        lambda: services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1)),
    )

    _run_pass(entry, monkeypatch)

    case = _reload(case)
    assert case.pk in lost_messages  # the edit's own message never came
    assert case.charges.get(state="active").article == article("289.3")
    assert case.risk_status in ("critical", "under_review")  # never 'watch' called current


@pytest.mark.parametrize("entry", ["full pass", "sweep"])
def test_set_based_pass_never_clears_a_capital_charge_added_after_it_chose_the_candidates(
    law, monkeypatch, lost_messages, entry
):
    """A case with no charge that can give a reason is 'none' without the rules; a capital charge
    added once the pass chose the cases to run the rules on must not be written over as 'none'."""
    case = CaseFactory()
    services.add_charge(case=case, article=article("342.1"), charged_on=D(2022, 3, 2))
    assessment.assess_case(case_id=case.pk)
    assert _reload(case).risk_status == "none"
    if entry == "sweep":
        assessment_queue.request_assessment([case.pk])
    # The pass computes the 'none' digest right after it read the candidates.
    _edit_once_after(
        monkeypatch,
        "digest",
        lambda: services.add_charge(
            case=case, article=article("289.3"), offence_date=D(2022, 2, 1), charged_on=D(2022, 3, 3)
        ),
    )

    _run_pass(entry, monkeypatch)

    case = _reload(case)
    assert case.charges.filter(article=article("289.3"), state="active").exists()
    assert case.risk_status in ("critical", "under_review")  # never 'none' called current


def test_sweep_after_a_race_gives_the_new_level(law, monkeypatch, lost_messages):
    case = _watched_case()
    charge = case.charges.get()
    _edit_once_after(
        monkeypatch,
        "_charge_rows",
        lambda: services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1)),
    )
    assessment.assess_all_cases(on=D(2022, 7, 1))
    monkeypatch.undo()

    assessment.assess_stale_cases()

    assert _reload(case).risk_status == "critical"


# Bursts of requests -----------------------------------------------------------------------------


def test_many_requests_for_one_case_cause_one_computation_and_lose_none(law, monkeypatch, settings):
    """A burst of edits queues one message while it waits (test_assessment_merging); should the
    broker deliver it ten times (a killed worker, a redelivery), the first run assesses the newest
    data and the others find the case current and return without running the rules again."""
    settings.RISK_MERGE_QUEUED_ASSESSMENTS = True
    case = CaseFactory()
    queued = []
    monkeypatch.setattr(background, "send", lambda name, **kwargs: queued.append((name, kwargs)))
    for day in range(1, 10):
        services.add_charge(case=case, article=article("342.1"), charged_on=D(2022, 3, day))
    services.add_charge(
        case=case, article=article("289.3"), offence_date=D(2022, 2, 1), charged_on=D(2022, 4, 1)
    )
    assert queued == [("assess_case", {"case_id": case.pk})]  # merged while it waits
    computed = []
    real_assess = rules.assess
    monkeypatch.setattr(rules, "assess", lambda **kw: computed.append(kw) or real_assess(**kw))

    burst = queued * 10

    results = [tasks.task_assess_case(**kwargs) for _name, kwargs in burst]

    assert len(computed) == 1
    assert results == ["critical"] + [None] * 9
    case = _reload(case)
    assert (case.risk_level, case.risk_stale) == ("critical", False)
    assert case.risk_assessed_generation == case.risk_generation


def test_a_request_after_an_assessment_is_computed_again(law, monkeypatch):
    """A message for an edit made after the last assessment is never skipped."""
    case = CaseFactory()
    queued = []
    monkeypatch.setattr(
        background, "send", lambda name, **kwargs: queued.append(kwargs) if name == "assess_case" else None
    )
    services.add_charge(case=case, article=article("342.1"), charged_on=D(2022, 3, 1))
    tasks.task_assess_case(**queued.pop())
    assert _reload(case).risk_status == "none"

    services.add_charge(
        case=case, article=article("289.3"), offence_date=D(2022, 2, 1), charged_on=D(2022, 4, 1)
    )
    tasks.task_assess_case(**queued.pop())

    assert _reload(case).risk_status == "critical"
