"""Who read what confidential data, and who read a lot: recorded, and administrators alerted.

Every write already has its history (django-simple-history, with the author). This module keeps
the other half: each read of a confidential field (an internal note, a contact, a confidential
source) and each bulk read or export, as an `AuditEntry` naming the actor, the records (by public
id), the field names and the page, API path or command it came through (a query string only with
its parameter names: it can hold a name someone searched for), never the values. When one actor
reads more than AUDIT_BULK_THRESHOLD records within AUDIT_WINDOW_MINUTES, the administrators
(active superusers with an e-mail, and settings.ADMINS) get one e-mail for that window: an insider
copying the registry page by page, or a stolen key used to harvest it, is noticed while it happens.
"""

import datetime
import logging
from urllib.parse import parse_qsl

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import mail_admins, send_mail
from django.db.models import Sum
from django.utils import timezone

from cases.models import AuditEntry, PartnerAPIKey

log = logging.getLogger("registry.audit")


def actor_for(request) -> tuple[str, object]:
    """('staff:<id>', user), ('key:<prefix>', None) or ('anonymous', None) for a request."""
    key = getattr(request, "auth", None)
    if isinstance(key, PartnerAPIKey):
        return f"key:{key.prefix}", None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"staff:{user.pk}", user
    return "anonymous", None


def without_query_values(via: str) -> str:
    """`via` with the values of its query string removed, the parameter names kept:
    'GET /api/v1/people/export.csv?q=Name&region=minsk' -> 'GET /api/v1/people/export.csv?q=&region='.

    A query string can hold a name someone searched for; which filters were used is enough to say
    how the records were read, and an audit entry or log line must not become a list of searches.
    """
    head, separator, rest = via.partition("?")
    if not separator:
        return via
    query, space, tail = rest.partition(" ")
    names = dict.fromkeys(name for name, _ in parse_qsl(query, keep_blank_values=True))
    return head + ("?" + "&".join(f"{name}=" for name in names) if names else "") + space + tail


def _public_id(obj) -> str:
    return str(getattr(obj, "public_id", None) or getattr(obj, "slug", None) or obj.pk)


def record(
    *,
    actor: str,
    user=None,
    action: str,
    object_type: str,
    objects=(),
    count: int | None = None,
    fields=(),
    via: str = "",
) -> AuditEntry:
    ids = [_public_id(obj) for obj in objects]
    entry = AuditEntry.objects.create(
        actor=actor,
        user=user,
        action=action,
        object_type=object_type,
        object_ids=ids[:1000],  # a bulk read keeps its count; the first thousand ids say which
        record_count=count if count is not None else len(ids),
        fields=list(fields),
        via=without_query_values(via)[:200],
    )
    log.info(
        "audit %s actor=%s records=%s type=%s fields=%s via=%s",
        action,
        actor,
        entry.record_count,
        object_type,
        ",".join(fields),
        entry.via,
    )
    alert_if_bulk(actor)
    return entry


def record_request_read(request, objects, *, object_type: str, fields, bulk: bool = False):
    """A read through a page or the API; nothing is recorded when nothing confidential was read."""
    objects = list(objects)
    if not objects or not fields:
        return None
    actor, user = actor_for(request)
    action = AuditEntry.Action.BULK_READ if bulk or len(objects) > 1 else AuditEntry.Action.READ
    return record(
        actor=actor,
        user=user,
        action=action,
        object_type=object_type,
        objects=objects,
        fields=fields,
        via=f"{request.method} {request.path}",
    )


def alert_if_bulk(actor: str) -> bool:
    """E-mail the administrators once per window when the actor passed the threshold."""
    if actor == "anonymous":
        return False
    since = timezone.now() - datetime.timedelta(minutes=settings.AUDIT_WINDOW_MINUTES)
    recent = AuditEntry.objects.filter(actor=actor, at__gte=since)
    read = recent.exclude(action=AuditEntry.Action.ALERT).aggregate(n=Sum("record_count"))["n"] or 0
    if read < settings.AUDIT_BULK_THRESHOLD or recent.filter(action=AuditEntry.Action.ALERT).exists():
        return False
    AuditEntry.objects.create(
        actor=actor,
        action=AuditEntry.Action.ALERT,
        object_type="",
        record_count=0,
        via=f"{read} records in {settings.AUDIT_WINDOW_MINUTES} minutes",
    )
    subject = f"Registry: {actor} read {read} records in {settings.AUDIT_WINDOW_MINUTES} minutes"
    body = (
        f"{actor} has read {read} records, confidential fields or exports included, within "
        f"{settings.AUDIT_WINDOW_MINUTES} minutes (threshold {settings.AUDIT_BULK_THRESHOLD}).\n"
        "If this was not expected, end their access (admin: Users, 'End all sessions and revoke "
        "API keys') and look at the audit entries in the staff area."
    )
    recipients = list(
        get_user_model()
        .objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        send_mail(subject, body, None, recipients, fail_silently=True)
    mail_admins(subject, body, fail_silently=True)
    log.warning("audit alert: %s", subject)
    return True
