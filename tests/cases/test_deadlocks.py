"""Staff editing at the same moment never meet a deadlock (issue #14, finding 2).

Two editors reclassifying charges in different cases under the same articles, in opposite
directions, used to deadlock at commit on PostgreSQL: the service locked the charge's article
row too (FOR UPDATE through its join), and the deferred foreign-key check of the new charge
then waited for the other editor's article lock. These tests run the editors on two real
connections.
"""

import datetime
import logging
import threading
from unittest import mock

import psycopg
import pytest
from django.db import OperationalError, connection, connections

from cases import choices, services
from cases.models import Charge, Reclassification
from cases.services import cases as case_services
from tests.factories import CaseFactory, ChargeFactory, UserFactory, article

D = datetime.date
PAIRS = 100


def _side_by_side(*calls):
    """Run each call on its own thread (its own database connection), all released at once;
    return what each raised (None when it succeeded)."""
    barrier = threading.Barrier(len(calls))
    errors = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
        except Exception as error:
            errors[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_reclassify_charge_in_opposite_directions_at_once_never_deadlocks(law, caplog):
    hooliganism, terrorism = article("339.1"), article("289.3")
    editor_a, editor_b = UserFactory(), UserFactory()
    pairs = [(ChargeFactory(article=hooliganism), ChargeFactory(article=terrorism)) for _ in range(PAIRS)]
    caplog.set_level(logging.WARNING)

    failures = []
    for up, down in pairs:
        failures += _side_by_side(
            lambda up=up: services.reclassify_charge(
                charge=up, to_article=terrorism, on=D(2022, 6, 1), by=editor_a
            ),
            lambda down=down: services.reclassify_charge(
                charge=down, to_article=hooliganism, on=D(2022, 6, 1), by=editor_b
            ),
        )

    assert [f for f in failures if f is not None] == []
    for up, down in pairs:
        up.refresh_from_db()
        down.refresh_from_db()
        assert up.state == down.state == choices.ChargeState.RECLASSIFIED
        assert up.reclassified_into.article == terrorism
        assert down.reclassified_into.article == hooliganism
    assert Reclassification.objects.count() == 2 * PAIRS
    assert Charge.objects.filter(state=choices.ChargeState.ACTIVE, article=terrorism).count() == PAIRS
    assert Charge.objects.filter(state=choices.ChargeState.ACTIVE, article=hooliganism).count() == PAIRS
    assert [r.getMessage() for r in caplog.records if "deadlock" in r.getMessage().lower()] == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reclassify_and_end_charge_under_shared_articles_at_once_both_save(law):
    hooliganism, terrorism = article("339.1"), article("289.3")
    pairs = [(ChargeFactory(article=hooliganism), ChargeFactory(article=terrorism)) for _ in range(10)]

    failures = []
    for up, ended in pairs:
        failures += _side_by_side(
            lambda up=up: services.reclassify_charge(charge=up, to_article=terrorism, on=D(2022, 6, 1)),
            lambda ended=ended: services.end_charge(
                charge=ended, state=choices.ChargeState.DROPPED, on=D(2022, 6, 1)
            ),
        )

    assert [f for f in failures if f is not None] == []
    assert Charge.objects.filter(state=choices.ChargeState.DROPPED).count() == 10
    assert Charge.objects.filter(state=choices.ChargeState.RECLASSIFIED).count() == 10


def _deadlock() -> OperationalError:
    """What Django raises when PostgreSQL chose this transaction as a deadlock's victim."""
    try:
        raise OperationalError("deadlock detected") from psycopg.errors.DeadlockDetected("deadlock detected")
    except OperationalError as error:
        return error


@pytest.mark.django_db(transaction=True)
def test_reclassify_charge_chosen_as_deadlock_victim_is_retried_once_and_saves_once(law):
    charge = ChargeFactory(article=article("339.1"))
    real_record_event = case_services.record_event
    attempts = []

    def victim_once(**kwargs):
        attempts.append(kwargs["message"])
        if len(attempts) == 1:
            raise _deadlock()
        return real_record_event(**kwargs)

    with mock.patch.object(case_services, "record_event", side_effect=victim_once):
        successor = services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1))

    assert len(attempts) == 2
    charge.refresh_from_db()
    assert charge.reclassified_into == successor
    assert successor.article == article("289.3")
    assert Reclassification.objects.filter(from_charge=charge).count() == 1
    assert Charge.objects.filter(case=charge.case).count() == 2
    assert charge.case.events.filter(kind=choices.EventKind.RECLASSIFIED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_reclassify_charge_deadlocked_twice_gives_up_with_nothing_saved(law):
    charge = ChargeFactory(article=article("339.1"))

    with (
        mock.patch.object(case_services, "record_event", side_effect=_deadlock()),
        pytest.raises(OperationalError),
    ):
        services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1))

    charge.refresh_from_db()
    assert charge.state == choices.ChargeState.ACTIVE
    assert Charge.objects.filter(case=charge.case).count() == 1
    assert not Reclassification.objects.exists()


@pytest.mark.django_db
def test_update_case_inside_a_callers_transaction_is_not_retried(law):
    case = CaseFactory()
    calls = []

    def deadlocked(*args, **kwargs):
        calls.append(1)
        raise _deadlock()

    # The caller's transaction (here the test's) is broken by the deadlock: only it can start over.
    assert connection.in_atomic_block
    with (
        mock.patch.object(case_services, "validated_save", side_effect=deadlocked),
        pytest.raises(OperationalError),
    ):
        services.update_case(case=case, court="Synthetic district court")

    assert calls == [1]


@pytest.mark.django_db(transaction=True)
def test_reclassify_charge_other_operational_error_is_not_retried(law):
    charge = ChargeFactory(article=article("339.1"))
    calls = []

    def broken(**kwargs):
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    with (
        mock.patch.object(case_services, "record_event", side_effect=broken),
        pytest.raises(OperationalError),
    ):
        services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1))

    assert calls == [1]
