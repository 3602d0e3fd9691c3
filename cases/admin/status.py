"""Admin screen "System status": the health checks with their numbers, and the work still waiting.

For staff who may view cases; linked from the admin index. It shows what `/health/` reports in
full (database and broker round trips, each queue's length, stale cases and the oldest one's
wait, the worker's and beat's last heartbeats: which one is down, and since when), when risk
was last assessed, alert e-mails not sent yet, webhook deliveries still
pending or given up, and the whole-registry downloads: when each was built, and whether it is
withheld or due for a rebuild. It counts; it names no person and no partner's address.
"""

import datetime

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, Q
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cases.models import Case, PublishedFile, RiskAlert, WebhookDelivery
from cases.transfer import published_files
from registry import health

PERMISSION = "cases.view_case"


def duration(value: datetime.timedelta | None) -> str:
    """A wait in the largest two units that matter: '45 s', '3 min 12 s', '2 h 5 min', '4 days 3 h'."""
    if value is None:
        return ""
    seconds = max(0, int(value.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    day_words = ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    hour_words = gettext("%(n)d h") % {"n": hours}
    minute_words = gettext("%(n)d min") % {"n": minutes}
    second_words = gettext("%(n)d s") % {"n": seconds}
    if days:
        return day_words + (f" {hour_words}" if hours else "")
    if hours:
        return hour_words + (f" {minute_words}" if minutes else "")
    if minutes:
        return minute_words + (f" {second_words}" if seconds else "")
    return second_words


def _ago(now, moment) -> str:
    return "" if moment is None else duration(now - moment)


def work_waiting(now=None) -> dict:
    """Counts of the background work that has not happened yet, in three queries."""
    now = now or timezone.now()
    alerts = RiskAlert.objects.filter(emailed_at__isnull=True).aggregate(
        count=Count("id"), oldest=Min("created_at")
    )
    deliveries = WebhookDelivery.objects.aggregate(
        pending=Count("id", filter=Q(state=WebhookDelivery.State.PENDING)),
        due=Count("id", filter=Q(state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now)),
        failed=Count("id", filter=Q(state=WebhookDelivery.State.FAILED)),
        oldest_pending=Min("created_at", filter=Q(state=WebhookDelivery.State.PENDING)),
    )
    assessed = Case.objects.aggregate(last=Max("risk_assessed_at"))
    return {
        "unsent_alert_emails": alerts["count"],
        "oldest_unsent_alert_age": _ago(now, alerts["oldest"]),
        "pending_deliveries": deliveries["pending"],
        "due_deliveries": deliveries["due"],
        "failed_deliveries": deliveries["failed"],
        "oldest_pending_delivery_age": _ago(now, deliveries["oldest_pending"]),
        "last_assessed_at": assessed["last"],
        "last_assessed_age": _ago(now, assessed["last"]),
    }


# Why a download is due for a rebuild (cases.transfer.published_files.due), for staff to read.
DUE = {
    "missing": _("the file is missing"),
    "taken away": _("something was taken away from the public after it was built"),
    "old": _("it is older than the longest it may go unrebuilt"),
    "changed": _("the public data changed since it was built"),
}


def downloads(now=None) -> list[dict]:
    """The state of each whole-registry download (two small queries a format)."""
    now = now or timezone.now()
    files = {file.format: file for file in PublishedFile.objects.all()}
    rows = []
    for format, label in PublishedFile.FORMATS:
        file = files.get(format)
        due = published_files.due(file, now=now)
        rows.append(
            {
                "format": label,
                "file": file,
                "age": _ago(now, file.built_at) if file else "",
                "compressed_mib": f"{file.compressed_size / 2**20:.1f}" if file else "",
                "withheld": file is not None and published_files.servable(format) is None,
                "due": DUE.get(due, due) if due else "",
            }
        )
    return rows


def _ages(check: dict) -> dict:
    """The heartbeat ages of a worker or beat check, as durations to read."""
    return {
        key: duration(datetime.timedelta(seconds=check[key])) if check.get(key) is not None else ""
        for key in ("seen_seconds_ago", "control_task_seconds_ago")
    }


def status_view(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    now = timezone.now()
    report = health.run_checks(now)
    checks = report["checks"]
    context = {
        **admin.site.each_context(request),
        "title": gettext("System status"),
        "report": report,
        "database": checks["database"],
        "broker": checks["broker"],
        "assessments": checks["assessments"],
        "in_process": checks["broker"].get("transport") == health.IN_PROCESS,
        "oldest_stale_age": duration(
            datetime.timedelta(seconds=checks["assessments"].get("oldest_stale_seconds", 0))
        ),
        "max_stale_age": duration(datetime.timedelta(seconds=settings.HEALTH_MAX_STALE_SECONDS)),
        "max_queue_length": settings.HEALTH_MAX_QUEUE_LENGTH,
        "worker": checks["worker"],
        "beat": checks["beat"],
        "worker_ages": _ages(checks["worker"]),
        "worker_silent": (checks["worker"].get("seen_seconds_ago") or 0)
        > settings.HEALTH_MAX_HEARTBEAT_SECONDS,
        "beat_ages": _ages(checks["beat"]),
        "max_heartbeat_age": duration(datetime.timedelta(seconds=settings.HEALTH_MAX_HEARTBEAT_SECONDS)),
        "sweep_every": duration(
            datetime.timedelta(seconds=settings.CELERY_BEAT_SCHEDULE["sweep-stale-cases"]["schedule"])
        ),
        "waiting": work_waiting(now) if checks["database"]["ok"] else None,
        "downloads": downloads(now) if checks["database"]["ok"] else None,
        "checked_at": now,
    }
    return TemplateResponse(request, "admin/cases/status.html", context)


def _with_status_url(get_urls):
    def urls():
        own = [path("status/", admin.site.admin_view(status_view), name="registry_status")]
        return own + get_urls()

    return urls


# Like the export (cases.admin.export), the page has no model: the site gets the URL directly, and
# the index template admin/cases/export_index.html links to it.
admin.site.get_urls = _with_status_url(admin.site.get_urls)
