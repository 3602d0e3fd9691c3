"""Celery tasks: thin, safe to run twice, each loading its input and calling a service or an engine.

This is the top of the data flow: tasks import the risk engine, identity and protection, never the
other way round. Each task is provided to `cases.background` under a name, which is how services
and engines ask for work without importing this module (cases.apps loads it at start-up).
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from cases import background, services
from cases.identity.duplicates import find_duplicates
from cases.models import RiskAlert
from cases.protection.retention import purge_transient_data
from cases.risk import alerts, assessment, queue
from cases.transfer import published_files
from registry import liveness

# A task that meets an unreachable database (stopped, restarting, failing over) is retried after
# growing waits (at most 1, 2, 4 ... 256, 300 s, each shortened at random so the queue does not
# come back all at once: at most about 13 minutes in all) rather than dropped: during an outage a
# worker would otherwise burn through the whole queue in seconds. After the last retry the case
# is still marked stale and the sweep assesses it.
RETRY_WHILE_DATABASE_DOWN = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 10,
}


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_WHILE_DATABASE_DOWN)
def task_assess_case(*, case_id: int) -> str | None:
    """Assess one case from the data as it is now (so duplicate and late messages are harmless);
    a case already assessed at its current generation returns at once (a burst of edits)."""
    queue.forget_queued(case_id)  # before reading: an edit committed from now on queues anew
    stored = assessment.assess_case(case_id=case_id, skip_if_current=True)
    return stored.level if stored else None


@shared_task(**RETRY_WHILE_DATABASE_DOWN)
def task_sweep_stale_cases() -> int:
    """Assess every case still marked stale (edits whose task was lost, broker outages)."""
    return assessment.assess_stale_cases()


@shared_task
def task_full_pass() -> int:
    """Re-assess every case: catches passing dates (a 90-day window, a 65th birthday) and rule changes."""
    return assessment.assess_all_cases().changed


@shared_task(acks_late=True, **RETRY_WHILE_DATABASE_DOWN)
def task_send_alert_email(*, alert_id: int) -> int:
    return alerts.send_alert_email(alert_id=alert_id)


@shared_task(acks_late=True, **RETRY_WHILE_DATABASE_DOWN)
def task_deliver_webhook(*, delivery_id: int) -> str:
    return alerts.deliver_webhook(delivery_id=delivery_id)


@shared_task
def task_retry_due_webhooks() -> int:
    """Retry every pending delivery whose backoff has passed (also catches lost messages)."""
    due = alerts.due_deliveries()
    for delivery_id in due:
        alerts.deliver_webhook(delivery_id=delivery_id)
    return len(due)


@shared_task
def task_email_unsent_alerts() -> int:
    """Send alert e-mails whose task was lost (broker down when the alert was raised)."""
    ids = list(RiskAlert.objects.filter(emailed_at__isnull=True).values_list("id", flat=True)[:500])
    for alert_id in ids:
        alerts.send_alert_email(alert_id=alert_id)
    return len(ids)


@shared_task(**RETRY_WHILE_DATABASE_DOWN)
def task_check_silences() -> int:
    """Alert on every silence past its threshold (cases.services.contacts); returns how many."""
    return services.raise_silence_alerts()


@shared_task
def task_purge_transient_data() -> dict:
    """Data minimisation: raw submissions, expired sessions and old login records
    (cases.protection.retention)."""
    return purge_transient_data()


@shared_task
def task_find_duplicates() -> int:
    """List likely duplicate people for staff review (nightly); returns how many pairs are new."""
    return find_duplicates().created


@shared_task(ignore_result=True)
def task_heartbeat() -> None:
    """Note that a worker took a task from the `control` queue (beat sends one every 20 s;
    /health/ reads the time, registry.liveness)."""
    liveness.record(liveness.CONTROL)


@shared_task(ignore_result=True, **RETRY_WHILE_DATABASE_DOWN)
def task_refresh_public_downloads() -> dict:
    """Build the files of the whole published registry that are due (cases.transfer.published_files)."""
    return published_files.refresh()


background.provide("assess_case", task_assess_case)
background.provide("refresh_public_downloads", task_refresh_public_downloads)
background.provide("sweep_stale_cases", task_sweep_stale_cases)
background.provide("send_alert_email", task_send_alert_email)
background.provide("deliver_webhook", task_deliver_webhook)
