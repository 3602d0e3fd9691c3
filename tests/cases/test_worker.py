"""With a real Celery worker process and the real Redis: nothing a worker or broker does loses a
flag. No test here calls a task by hand; the services enqueue, the worker and its beat do the rest."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
import redis
from django.db import connection

from cases import services
from cases.models import Case
from registry.celery import app as celery_app
from tests.conftest import REDIS_URL
from tests.factories import CaseFactory, article

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/14")
# The lock on BROKER_URL's database, kept in another database (REDIS_URL) that no test empties.
BROKER_LOCK = f"registry-tests:lock:{BROKER_URL}"
import datetime  # noqa: E402

D = datetime.date


def _db_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """A `celery worker` subprocess (with its beat) against the test database and Redis."""

    def __init__(self, tmp_path, *, beat: bool):
        self.cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "registry",
            "worker",
            "-P",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            "celery,control",  # the sweep is routed to `control` (CELERY_TASK_ROUTES)
            "-l",
            "warning",
        ]
        if beat:
            self.cmd += ["-B", "--schedule", str(tmp_path / "beat-schedule")]
        self.env = dict(os.environ) | {
            "REGISTRY_ENV": "test",
            "DJANGO_SETTINGS_MODULE": "registry.settings",
            "DATABASE_URL": _db_url(),
            "CELERY_BROKER_URL": BROKER_URL,
            "RISK_SWEEP_SECONDS": "1",
        }
        self.log = tmp_path / f"worker-{time.monotonic_ns()}.log"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            self.cmd,
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def kill(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def broker_to_ourselves():
    """Hold the test Redis database alone for one test. The tests here empty it, and a worker
    takes any message in it, so two of them side by side (in two pytest-xdist workers, or in two
    runs of the suite on one Redis) would lose or steal each other's messages. Each takes a few
    seconds; the others wait for the lock, which expires if its holder is killed."""
    lock = redis.Redis.from_url(REDIS_URL).lock(BROKER_LOCK, timeout=600, blocking_timeout=600)
    if not lock.acquire():
        pytest.fail(f"another test run held {BROKER_URL} for ten minutes")
    yield
    lock.release()


@pytest.fixture
def broker(broker_to_ourselves):
    """Point this process's Celery app at the test Redis database, emptied."""
    client = redis.Redis.from_url(BROKER_URL)
    client.flushdb()
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, BROKER_URL
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield client
    conf.task_always_eager, conf.broker_url = saved
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    client.flushdb()


@pytest.fixture
def workers(broker, tmp_path):
    """Start `celery worker` processes; stopped before the broker fixture empties the database."""
    started = []

    def start(*, beat=False):
        worker = Worker(tmp_path, beat=beat).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _wait_for(predicate, *, timeout=60.0, what="condition", logs=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    detail = "\n".join(log.read_text()[-3000:] for log in logs if log.exists())
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{detail}")


def _level(case) -> tuple[str, bool]:
    row = Case.objects.filter(pk=case.pk).values_list("risk_level", "risk_stale").get()
    return row


def _watched_case():
    case = CaseFactory()
    charge = services.add_charge(
        case=case, article=article("218.2"), offence_date=D(2022, 2, 20), charged_on=D(2022, 3, 2)
    )
    return case, charge


def test_reclassification_reaches_the_new_level_through_a_real_worker(law, broker, workers):
    worker = workers()
    case, charge = _watched_case()
    _wait_for(lambda: _level(case) == ("watch", False), what="the first assessment", logs=[worker.log])

    services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1))

    _wait_for(lambda: _level(case) == ("critical", False), what="critical", logs=[worker.log])
    assert case.assessments.first().level == "critical"


def test_worker_killed_during_a_task_the_case_still_ends_up_assessed(law, broker, workers):
    case, charge = _watched_case()  # no worker yet: the messages wait in Redis
    services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1))
    assert _level(case)[1] is True

    # Hold the case's row so the worker's task blocks inside its transaction, then kill it.
    url = _db_url().replace("postgres://", "postgresql://")
    with psycopg.connect(url) as blocker, psycopg.connect(url, autocommit=True) as observer:
        blocker.execute("SELECT id FROM cases_case WHERE id = %s FOR UPDATE", [case.pk])
        worker = workers()
        waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = %s"
        name = connection.settings_dict["NAME"]
        try:
            _wait_for(
                lambda: observer.execute(waiting, [name]).fetchone()[0] >= 1,
                what="the worker to block on the case",
                logs=[worker.log],
            )
            worker.kill()
        finally:
            blocker.rollback()
    assert _level(case) == ("none", True)  # no result was written (no worker ran before); still stale

    # The message died with the worker; the sweep of a new worker's beat catches the case up.
    broker.flushdb()
    replacement = workers(beat=True)
    _wait_for(lambda: _level(case) == ("critical", False), what="the sweep", logs=[replacement.log])


def test_broker_restarted_empty_during_an_edit_the_sweep_catches_up(law, broker, workers):
    case, charge = _watched_case()
    services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1))
    broker.flushdb()  # what an empty restart does to the queued messages
    assert _level(case)[1] is True

    worker = workers(beat=True)
    _wait_for(lambda: _level(case) == ("critical", False), what="the sweep", logs=[worker.log])
