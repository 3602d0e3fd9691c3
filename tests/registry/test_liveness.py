"""Liveness is visible: the worker and beat report heartbeats, and /health/ fails when either stops."""

import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings

from cases.tasks import task_heartbeat
from registry import health, liveness
from registry.celery import app as celery_app

TOKEN = "t" * 40


@pytest.fixture
def with_workers(monkeypatch):
    """A deployment whose tasks go to a broker and are run by workers, with a broker that answers
    (faked: only the heartbeats are under test here)."""
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_always_eager")}
    conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    answering = {"ok": True, "ms": 0.1, "transport": "redis", "queues": {}, "queue_length": 0}
    monkeypatch.setattr(health, "check_broker", lambda: answering)
    yield
    conf.update(saved)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _beats(*, beat: float | None, worker: float | None, control: float | None):
    """Heartbeats that many seconds old (None: never seen)."""
    now = time.time()
    for component, age in ((liveness.BEAT, beat), (liveness.WORKER, worker), (liveness.CONTROL, control)):
        if age is not None:
            liveness.record(component, now - age)


@pytest.mark.django_db
@override_settings(HEALTH_MAX_HEARTBEAT_SECONDS=60, HEALTH_TOKEN=TOKEN)
def test_liveness_with_fresh_heartbeats_is_ok(client, with_workers):
    _beats(beat=5, worker=10, control=15)

    response = client.get("/health/")
    checks = health.run_checks()["checks"]

    assert response.status_code == 200 and response.json()["status"] == "ok"
    assert checks["worker"]["ok"] is True and 10 <= checks["worker"]["seen_seconds_ago"] < 15
    assert checks["beat"]["ok"] is True and 5 <= checks["beat"]["seen_seconds_ago"] < 10


@pytest.mark.django_db
@override_settings(HEALTH_MAX_HEARTBEAT_SECONDS=60, HEALTH_TOKEN=TOKEN)
def test_liveness_with_a_dead_worker_fails_health_with_503_and_names_the_worker(client, with_workers):
    _beats(beat=5, worker=75, control=75)

    response = client.get("/health/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    anonymous = client.get("/health/")

    assert response.status_code == 503 and response.json()["status"] == "failing"
    checks = response.json()["checks"]
    assert checks["worker"]["ok"] is False and 75 <= checks["worker"]["seen_seconds_ago"] < 80
    down_for = time.time() - datetime.datetime.fromisoformat(checks["worker"]["seen_at"]).timestamp()
    assert 75 <= down_for < 80
    assert checks["beat"]["ok"] is True
    assert anonymous.status_code == 503
    assert anonymous.json()["checks"]["worker"] == {"ok": False}
    assert anonymous.json()["checks"]["beat"] == {"ok": True}


@pytest.mark.django_db
@override_settings(HEALTH_MAX_HEARTBEAT_SECONDS=60)
def test_liveness_with_a_dead_beat_fails_health_and_names_beat_not_the_worker(client, with_workers):
    _beats(beat=90, worker=5, control=90)

    response = client.get("/health/")
    checks = health.run_checks()["checks"]

    assert response.status_code == 503
    assert checks["beat"]["ok"] is False and 90 <= checks["beat"]["seen_seconds_ago"] < 95
    assert checks["worker"]["ok"] is True  # its own timer: a dead beat does not make it look dead


@pytest.mark.django_db
@override_settings(HEALTH_MAX_HEARTBEAT_SECONDS=60)
def test_liveness_with_a_worker_not_taking_control_tasks_fails(client, with_workers):
    _beats(beat=5, worker=5, control=300)

    checks = health.run_checks()["checks"]

    assert checks["worker"]["ok"] is False
    assert checks["worker"]["control_task_seconds_ago"] >= 300
    assert client.get("/health/").status_code == 503


@pytest.mark.django_db
@override_settings(HEALTH_MAX_HEARTBEAT_SECONDS=60)
def test_liveness_never_seen_is_failing(client, with_workers):
    response = client.get("/health/")
    checks = health.run_checks()["checks"]

    assert response.status_code == 503
    assert checks["worker"] == {
        "ok": False,
        "seen_at": None,
        "seen_seconds_ago": None,
        "control_task_at": None,
        "control_task_seconds_ago": None,
    }
    assert checks["beat"] == {"ok": False, "seen_at": None, "seen_seconds_ago": None}


@pytest.mark.django_db
@override_settings(HEALTH_MAX_HEARTBEAT_SECONDS=45)
def test_liveness_threshold_is_configurable(with_workers):
    _beats(beat=50, worker=50, control=50)

    checks = health.run_checks()["checks"]

    assert checks["worker"]["ok"] is False and checks["beat"]["ok"] is False


@pytest.mark.django_db
def test_liveness_with_tasks_in_process_is_ok_without_any_heartbeat(client):
    response = client.get("/health/")
    checks = health.run_checks()["checks"]

    assert response.status_code == 200
    assert checks["worker"] == {"ok": True, "transport": "in-process"}
    assert checks["beat"] == {"ok": True, "transport": "in-process"}


def test_liveness_routes_the_sweep_and_the_heartbeat_to_the_control_queue():
    router = celery_app.amqp.router

    def queue_of(name):
        return router.route({}, name)["queue"].name

    assert queue_of("cases.tasks.task_sweep_stale_cases") == "control"
    assert queue_of("cases.tasks.task_heartbeat") == "control"
    assert queue_of("cases.tasks.task_assess_case") == "celery"
    assert "control" in health.queue_names(celery_app)


def test_liveness_beat_schedules_the_heartbeat_often_enough_for_the_threshold(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["heartbeat"]

    assert entry["task"] == "cases.tasks.task_heartbeat"
    assert entry["schedule"] <= settings.HEALTH_MAX_HEARTBEAT_SECONDS / 2
    assert settings.HEALTH_MAX_HEARTBEAT_SECONDS <= 60
    assert settings.CELERY_BEAT_SCHEDULER == "registry.liveness:HeartbeatScheduler"


def test_liveness_heartbeat_task_records_the_control_heartbeat():
    task_heartbeat()

    assert time.time() - liveness.last_seen(liveness.CONTROL) < 5


def test_liveness_beat_scheduler_records_beat_on_every_tick(tmp_path):
    scheduler = liveness.HeartbeatScheduler(app=celery_app, schedule_filename=str(tmp_path / "schedule"))

    scheduler.tick()

    assert time.time() - liveness.last_seen(liveness.BEAT) < 5


# With a real worker and beat -------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of this test's own (the shared one is never stopped or flushed)."""
    if not shutil.which("redis-server"):
        pytest.skip("this test needs redis-server")
    port = _free_port()
    subprocess.run(
        [
            "redis-server",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "yes",
            "--dir",
            str(tmp_path),
            "--pidfile",
            str(tmp_path / "redis.pid"),
        ],
        check=True,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}"
    client.shutdown(nosave=True)


def _celery(tmp_path, redis_url: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ) | {
        "REGISTRY_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "registry.settings",
        "CELERY_BROKER_URL": f"{redis_url}/0",
        "CACHE_URL": f"{redis_url}/1",
        "RISK_SWEEP_SECONDS": "3600",
    }
    log = (tmp_path / f"{args[0]}.log").open("w")
    command = [sys.executable, "-m", "celery", "-A", "registry", *args, "-l", "warning"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def _status_until(client, predicate, *, timeout: float) -> tuple[dict, float]:
    started = time.monotonic()
    while True:
        body = client.get("/health/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").json()
        if predicate(body) or time.monotonic() - started > timeout:
            return body, time.monotonic() - started
        time.sleep(1)


@pytest.mark.slow
@pytest.mark.one_database  # a minute of waiting on a worker and beat: the database plays no part
@pytest.mark.redis
@pytest.mark.django_db
def test_liveness_a_killed_worker_turns_health_503_within_the_threshold(client, own_redis, tmp_path):
    limit = 40
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"{own_redis}/1",
            "KEY_PREFIX": "registry",
        }
    }
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_always_eager")}
    conf.update(broker_url=f"{own_redis}/0", task_always_eager=False)
    celery_app._pool = None
    worker = _celery(
        tmp_path,
        own_redis,
        "worker",
        "-P",
        "solo",
        "-Q",
        "celery,control",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    )
    beat = _celery(tmp_path, own_redis, "beat", "--schedule", str(tmp_path / "beat-schedule"))
    try:
        with override_settings(CACHES=caches, HEALTH_MAX_HEARTBEAT_SECONDS=limit, HEALTH_TOKEN=TOKEN):
            healthy, _ = _status_until(client, lambda body: body["status"] == "ok", timeout=90)
            assert healthy["status"] == "ok", (tmp_path / "worker.log").read_text()
            assert healthy["checks"]["worker"]["control_task_seconds_ago"] is not None

            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
            failing, waited = _status_until(
                client, lambda body: body["status"] == "failing", timeout=limit + 30
            )
            response = client.get("/health/")

        assert failing["status"] == "failing" and waited <= limit + 2
        assert response.status_code == 503
        assert failing["checks"]["worker"]["ok"] is False
        assert failing["checks"]["beat"]["ok"] is True
    finally:
        for process in (worker, beat):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        conf.update(saved)
        celery_app._pool = None
