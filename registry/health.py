"""The health endpoint, `/health/`: can the registry answer, queue its work and keep risk current?

Five checks, each cheap enough to run every few seconds:

- database: one `SELECT 1` on the default database;
- broker: a connection to the Celery broker with a one-second timeout, and the length of each
  queue (with no broker configured the tasks run in-process, which is always "ok");
- assessments: how many cases are marked stale (edited, not yet re-assessed) and how long the
  oldest has waited; older than `HEALTH_MAX_STALE_SECONDS` means the assessments are stuck.

- worker and beat: how long ago each last reported its heartbeat (registry.liveness); older
  than `HEALTH_MAX_HEARTBEAT_SECONDS` (default 60) means it is dead or stuck. The worker is also
  failing when it is up but has not run beat's heartbeat task from the `control` queue. With
  tasks run in-process (no broker) there is no worker nor beat to wait for: always "ok".

The answer is "ok", "degraded" (a queue longer than `HEALTH_MAX_QUEUE_LENGTH`: work is late but
flowing) or "failing" (HTTP 503: the database or the broker does not answer, or the assessments
are stuck). Anonymous callers get the status and one ok flag per check, nothing else: no counts,
no timings, no host names, no error texts. Staff who may view cases (with a verified second
factor) and callers sending `Authorization: Bearer <HEALTH_TOKEN>` also get the numbers.
See docs/operations.md.
"""

import datetime
import hmac
import logging
import time

from django.conf import settings
from django.db import connections
from django.db.models import Count, Min
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cases.models import Case
from registry import liveness
from registry.celery import app

logger = logging.getLogger(__name__)

OK, DEGRADED, FAILING = "ok", "degraded", "failing"
IN_PROCESS = "in-process"
BROKER_TIMEOUT_SECONDS = 1
DETAIL_PERMISSION = "cases.view_case"


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def check_database() -> dict:
    """One round trip to the default database."""
    started = time.perf_counter()
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        # The type only: a driver's message can name the host, the user or the database.
        logger.warning("health: the database did not answer (%s)", type(exc).__name__)
        return {"ok": False, "ms": _ms(started)}
    return {"ok": True, "ms": _ms(started)}


def queue_names(app) -> list[str]:
    """The queues tasks are sent to: the default one and any that routes or queues declare."""
    names = {app.conf.task_default_queue}
    for queue in app.conf.task_queues or ():
        names.add(queue.name)
    routes = app.conf.task_routes or {}
    if isinstance(routes, dict):
        for route in routes.values():
            if isinstance(route, dict) and route.get("queue"):
                names.add(route["queue"])
    return sorted(names)


def _broker_connection(app):
    """A connection to the broker that gives up after a second, whatever the workers use."""
    options = {
        **(app.conf.broker_transport_options or {}),
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
    }
    return app.connection_for_read(connect_timeout=BROKER_TIMEOUT_SECONDS, transport_options=options)


def _queue_length(connection, name: str) -> int:
    """Messages waiting in one queue. A queue nobody has used yet (Redis deletes an empty list)
    is reported by the broker as missing: that is an empty queue."""
    with connection.channel() as channel:
        try:
            return channel.queue_declare(queue=name, passive=True).message_count
        except connection.channel_errors:
            return 0


def runs_in_process() -> bool:
    """True where tasks run inside the request that queues them: no broker, no worker, no beat."""
    return bool(app.conf.task_always_eager or app.conf.broker_url.startswith("memory://"))


def check_broker() -> dict:
    """Connect to the broker with a one-second timeout and read each queue's length."""
    if runs_in_process():
        return {"ok": True, "ms": 0.0, "transport": IN_PROCESS, "queues": {}}
    started = time.perf_counter()
    try:
        with _broker_connection(app) as connection:
            connection.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
            queues = {name: _queue_length(connection, name) for name in queue_names(app)}
            transport = connection.transport_cls
    except Exception as exc:
        logger.warning("health: the broker did not answer (%s)", type(exc).__name__)
        return {"ok": False, "ms": _ms(started)}
    result = {"ok": True, "ms": _ms(started), "transport": str(transport), "queues": queues}
    result["queue_length"] = sum(queues.values())
    return result


def stale_cases_summary(now=None) -> dict:
    """How many cases are stale, and how long the oldest has waited, in one query.

    `Case.risk_stale_since` is set when a case becomes stale (an edit, a law-data update) and kept
    while it stays stale, so a case edited again while it waits still shows its whole wait.
    """
    now = now or timezone.now()
    stale = Case.objects.filter(risk_stale=True).order_by()
    row = stale.aggregate(count=Count("id"), oldest=Min(Coalesce("risk_stale_since", "updated_at")))
    oldest = row["oldest"]
    age = max(0, int((now - oldest).total_seconds())) if oldest else 0
    return {"stale": row["count"], "oldest_stale_seconds": age}


def check_assessments(now=None) -> dict:
    try:
        summary = stale_cases_summary(now)
    except Exception as exc:
        logger.warning("health: could not count stale cases (%s)", type(exc).__name__)
        return {"ok": False}
    return {"ok": summary["oldest_stale_seconds"] < settings.HEALTH_MAX_STALE_SECONDS, **summary}


def _seconds_ago(moment: float | None, now: float) -> int | None:
    return None if moment is None else max(0, int(now - moment))


def _moment(moment: float | None) -> datetime.datetime | None:
    return None if moment is None else datetime.datetime.fromtimestamp(moment, tz=datetime.UTC)


def _heartbeats() -> dict:
    """Every component's last heartbeat (Unix seconds or None), or None if the cache does not answer."""
    try:
        return {c: liveness.last_seen(c) for c in (liveness.BEAT, liveness.WORKER, liveness.CONTROL)}
    except Exception as exc:
        logger.warning("health: could not read the heartbeats (%s)", type(exc).__name__)
        return None


def check_liveness(now=None) -> dict[str, dict]:
    """The `worker` and `beat` checks: is each heartbeat younger than HEALTH_MAX_HEARTBEAT_SECONDS?

    The worker's own timer says its process runs; the control heartbeat (a task beat sends) says it
    also takes tasks from the `control` queue. That one is judged only while beat runs: with beat
    dead no heartbeat task is sent, and the worker must not look dead for it.
    """
    if runs_in_process():
        return {name: {"ok": True, "transport": IN_PROCESS} for name in ("worker", "beat")}
    seen = _heartbeats()
    if seen is None:
        return {"worker": {"ok": False}, "beat": {"ok": False}}
    now = (now or timezone.now()).timestamp()
    limit = settings.HEALTH_MAX_HEARTBEAT_SECONDS

    def fresh(age):
        return age is not None and age <= limit

    beat_age = _seconds_ago(seen[liveness.BEAT], now)
    worker_age = _seconds_ago(seen[liveness.WORKER], now)
    control_age = _seconds_ago(seen[liveness.CONTROL], now)
    worker_ok = fresh(worker_age) and (fresh(control_age) or not fresh(beat_age))
    return {
        "worker": {
            "ok": worker_ok,
            "seen_at": _moment(seen[liveness.WORKER]),
            "seen_seconds_ago": worker_age,
            "control_task_at": _moment(seen[liveness.CONTROL]),
            "control_task_seconds_ago": control_age,
        },
        "beat": {
            "ok": fresh(beat_age),
            "seen_at": _moment(seen[liveness.BEAT]),
            "seen_seconds_ago": beat_age,
        },
    }


def run_checks(now=None) -> dict:
    """Every check, and the overall status they add up to."""
    database = check_database()
    broker = check_broker()
    assessments = check_assessments(now) if database["ok"] else {"ok": False}
    alive = check_liveness(now)
    checks = {"database": database, "broker": broker, "assessments": assessments, **alive}
    if not all(check["ok"] for check in checks.values()):
        status = FAILING
    elif broker.get("queue_length", 0) > settings.HEALTH_MAX_QUEUE_LENGTH:
        status = DEGRADED
    else:
        status = OK
    return {"status": status, "checks": checks}


def _token_matches(request) -> bool:
    expected = settings.HEALTH_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(expected) and hmac.compare_digest(given.encode(), f"Bearer {expected}".encode())


def _sees_details(request, database_ok: bool) -> bool:
    """The numbers are for monitoring (the token) and for staff who may view cases."""
    if _token_matches(request):
        return True
    if not database_ok:  # the session is in the database: no way to tell who is asking
        return False
    try:
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and getattr(user, "is_verified", lambda: False)()
            and user.has_perm(DETAIL_PERMISSION)
        )
    except Exception:
        return False


def flags_only(report: dict) -> dict:
    """What an anonymous caller sees: the status and each check's ok flag."""
    return {
        "status": report["status"],
        "checks": {name: {"ok": check["ok"]} for name, check in report["checks"].items()},
    }


@never_cache
@require_safe
def health(request):
    report = run_checks()
    body = report if _sees_details(request, report["checks"]["database"]["ok"]) else flags_only(report)
    return JsonResponse(body, status=503 if report["status"] == FAILING else 200)
