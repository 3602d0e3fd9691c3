"""/health/: the database, the broker and the age of the oldest stale case, and who sees the numbers."""

import datetime
import json
import uuid
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.test import override_settings
from django.utils import timezone

from cases.models import Case
from cases.protection.permissions import VIEWER
from registry import health, liveness
from registry.celery import app as celery_app
from tests.conftest import REDIS_URL
from tests.factories import CaseFactory, UserFactory

TOKEN = "t" * 40
FLAGS_ONLY = {"database": {"ok"}, "broker": {"ok"}, "assessments": {"ok"}, "worker": {"ok"}, "beat": {"ok"}}


def _stale_case(*, waiting: datetime.timedelta) -> Case:
    """A case that became stale `waiting` ago (a factory case starts stale). Needs the `law` fixture."""
    case = CaseFactory()
    Case.objects.filter(pk=case.pk).update(risk_stale_since=timezone.now() - waiting)
    return case


@pytest.fixture
def viewer(law):
    return UserFactory(groups=[VIEWER])


@pytest.fixture
def real_broker():
    """The Celery app pointed at the test Redis, as a deployment with workers is, for one test;
    the worker and beat have just reported (tests/registry/test_liveness.py covers their absence)."""
    for component in (liveness.BEAT, liveness.WORKER, liveness.CONTROL):
        liveness.record(component)
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")}

    def point_at(url: str, queue: str = "celery"):
        conf.update(broker_url=url, task_always_eager=False, task_default_queue=queue)

    yield point_at
    conf.update(saved)


@pytest.mark.django_db
def test_health_of_a_healthy_registry_is_ok_with_only_flags_for_anonymous(client, law):
    _stale_case(waiting=datetime.timedelta(seconds=5))

    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body == {
        "status": "ok",
        "checks": {
            "database": {"ok": True},
            "broker": {"ok": True},
            "assessments": {"ok": True},
            "worker": {"ok": True},
            "beat": {"ok": True},
        },
    }


@pytest.mark.django_db
def test_health_for_a_viewer_has_the_timings_and_the_stale_count(client, viewer):
    _stale_case(waiting=datetime.timedelta(seconds=30))
    client.force_login(viewer)

    body = client.get("/health/").json()

    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True and body["checks"]["database"]["ms"] >= 0
    assert body["checks"]["broker"] == {"ok": True, "ms": 0.0, "transport": "in-process", "queues": {}}
    assessments = body["checks"]["assessments"]
    assert assessments["ok"] is True and assessments["stale"] == 1
    assert 30 <= assessments["oldest_stale_seconds"] < 60


@pytest.mark.django_db
def test_health_for_staff_without_view_case_or_second_factor_is_flags_only(client, law, unverified_login):
    _stale_case(waiting=datetime.timedelta(seconds=30))
    no_role = UserFactory()
    client.force_login(no_role)
    assert {k: set(v) for k, v in client.get("/health/").json()["checks"].items()} == FLAGS_ONLY

    password_only = unverified_login(client, UserFactory(groups=[VIEWER]))
    assert {k: set(v) for k, v in password_only.get("/health/").json()["checks"].items()} == FLAGS_ONLY


@pytest.mark.django_db
@override_settings(HEALTH_TOKEN=TOKEN)
def test_health_with_the_token_has_the_numbers_and_with_a_wrong_one_only_flags(client, law):
    _stale_case(waiting=datetime.timedelta(seconds=30))

    with_token = client.get("/health/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").json()
    wrong = client.get("/health/", HTTP_AUTHORIZATION=f"Bearer {TOKEN[:-1]}x").json()

    assert with_token["checks"]["assessments"]["stale"] == 1
    assert {k: set(v) for k, v in wrong["checks"].items()} == FLAGS_ONLY


@pytest.mark.django_db
@override_settings(HEALTH_TOKEN="")
def test_health_without_a_configured_token_gives_an_empty_bearer_nothing(client, law):
    _stale_case(waiting=datetime.timedelta(seconds=30))

    body = client.get("/health/", HTTP_AUTHORIZATION="Bearer ").json()

    assert {k: set(v) for k, v in body["checks"].items()} == FLAGS_ONLY


@pytest.mark.django_db
@override_settings(HEALTH_MAX_STALE_SECONDS=600, HEALTH_TOKEN=TOKEN)
def test_health_with_a_case_stale_longer_than_the_limit_is_failing_with_503(client, law):
    _stale_case(waiting=datetime.timedelta(seconds=30))
    _stale_case(waiting=datetime.timedelta(hours=2))

    anonymous = client.get("/health/")
    monitoring = client.get("/health/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert anonymous.status_code == 503
    assert anonymous.json()["status"] == "failing"
    assert anonymous.json()["checks"]["assessments"] == {"ok": False}
    assessments = monitoring.json()["checks"]["assessments"]
    assert assessments["ok"] is False and assessments["stale"] == 2
    assert 2 * 3600 <= assessments["oldest_stale_seconds"] < 2 * 3600 + 60


@pytest.mark.django_db
def test_health_counts_the_whole_wait_of_a_case_edited_again_while_stale(law):
    """A second edit of a case that already waits must not reset its clock and hide a stuck queue."""
    from cases.risk import queue as assessment_queue

    case = _stale_case(waiting=datetime.timedelta(hours=2))
    assessment_queue.request_assessment([case.pk])

    summary = health.stale_cases_summary()

    assert summary["stale"] == 1 and summary["oldest_stale_seconds"] >= 2 * 3600


@pytest.mark.django_db
def test_health_counts_no_stale_case_once_assessed(law):
    case = _stale_case(waiting=datetime.timedelta(hours=2))
    Case.objects.filter(pk=case.pk).update(risk_stale=False)

    assert health.stale_cases_summary() == {"stale": 0, "oldest_stale_seconds": 0}


@pytest.mark.django_db
@override_settings(HEALTH_TOKEN=TOKEN)
def test_health_when_the_database_fails_is_503_without_the_error_text(client, caplog):
    secret = "could not connect to server at 10.20.30.40 as user registry_owner"
    cursor = mock.patch.object(connections["default"], "cursor", side_effect=OperationalError(secret))

    with cursor:
        anonymous = client.get("/health/")
        monitoring = client.get("/health/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert anonymous.status_code == 503 == monitoring.status_code
    assert anonymous.json() == {
        "status": "failing",
        "checks": {
            "database": {"ok": False},
            "broker": {"ok": True},
            "assessments": {"ok": False},
            "worker": {"ok": True},
            "beat": {"ok": True},
        },
    }
    assert monitoring.json()["checks"]["database"]["ok"] is False
    for text in (anonymous.content.decode(), monitoring.content.decode(), caplog.text):
        assert "10.20.30.40" not in text and "registry_owner" not in text
    assert "the database did not answer (OperationalError)" in caplog.text


@pytest.mark.django_db
def test_health_answers_only_get_and_head(client):
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405


@pytest.mark.django_db
@override_settings(HEALTH_TOKEN=TOKEN)
def test_health_with_a_broker_that_does_not_answer_is_failing_quickly(client, real_broker):
    real_broker("redis://127.0.0.1:1/0")  # nothing listens on port 1

    started = timezone.now()
    response = client.get("/health/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    elapsed = timezone.now() - started

    assert response.status_code == 503
    assert response.json()["status"] == "failing"
    assert set(response.json()["checks"]["broker"]) == {"ok", "ms"}
    assert response.json()["checks"]["broker"]["ok"] is False
    assert "127.0.0.1" not in response.content.decode()
    assert elapsed < datetime.timedelta(seconds=3)


@pytest.mark.redis
@pytest.mark.django_db
@override_settings(HEALTH_TOKEN=TOKEN)
def test_health_with_redis_reports_the_length_of_the_queue(client, real_broker):
    import redis

    queue = f"health-test-{uuid.uuid4().hex}"
    real_broker(REDIS_URL, queue)
    server = redis.Redis.from_url(REDIS_URL)
    server.lpush(queue, json.dumps({"body": "fake", "headers": {}, "properties": {}}))
    server.lpush(queue, json.dumps({"body": "fake too", "headers": {}, "properties": {}}))
    try:
        monitoring = client.get("/health/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        anonymous = client.get("/health/")
    finally:
        server.delete(queue)

    assert monitoring.status_code == 200
    broker = monitoring.json()["checks"]["broker"]
    assert broker["ok"] is True and broker["transport"] == "redis"
    assert set(broker["queues"]) == {queue, "control"}  # the default queue and the routed one
    assert broker["queues"][queue] == 2 and broker["queue_length"] == 2 + broker["queues"]["control"]
    assert anonymous.json()["checks"]["broker"] == {"ok": True}


@pytest.mark.redis
@pytest.mark.django_db
@override_settings(HEALTH_MAX_QUEUE_LENGTH=1)
def test_health_with_a_queue_over_the_limit_is_degraded_but_200(client, real_broker):
    import redis

    queue = f"health-test-{uuid.uuid4().hex}"
    real_broker(REDIS_URL, queue)
    server = redis.Redis.from_url(REDIS_URL)
    server.lpush(queue, "a", "b")
    try:
        response = client.get("/health/")
        broker = health.check_broker()
    finally:
        server.delete(queue)

    assert response.status_code == 200 and response.json()["status"] == "degraded"
    assert broker["queues"][queue] == 2


@pytest.mark.redis
def test_health_reads_an_unused_queue_as_empty(real_broker):
    real_broker(REDIS_URL, f"health-test-{uuid.uuid4().hex}")

    broker = health.check_broker()

    assert broker["ok"] is True and broker["queue_length"] == 0
