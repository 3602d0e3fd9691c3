"""Staff accounts: ending a person's access at once, and the client address used by the lockout.

`end_access` is the one way to cut a person off: the admin action calls it, and so does
disabling the account (the signal below), so both paths behave the same.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models import PartnerAPIKey

audit = logging.getLogger("registry.audit")


@dataclass(frozen=True)
class AccessEnded:
    sessions: int
    api_keys: int


def end_access(*, user, by) -> AccessEnded:
    """End every session of `user` and revoke every API key issued to them.

    Side effects: deletes the user's rows of the session table (their next request is anonymous),
    sets `revoked` on each unrevoked PartnerAPIKey whose `issued_to` is the user, and writes one
    line to the "registry.audit" log (ids and counts, never a key or a session key). `by` is the
    user who asked, or None when not known. The user's OTP devices and recovery codes are kept:
    they are useless without the password, and an account that is enabled again should not need
    a new enrolment; an administrator who suspects the phone is lost deletes the devices in the
    admin (OTP > TOTP devices, static devices).
    """
    with transaction.atomic():
        session_keys = _session_keys_of(user)
        Session.objects.filter(session_key__in=session_keys).delete()
        keys = list(PartnerAPIKey.objects.select_for_update().filter(issued_to=user, revoked=False))
        PartnerAPIKey.objects.filter(pk__in=[k.pk for k in keys]).update(revoked=True)
    audit.info(
        "access ended: user=%s by=%s sessions_ended=%d api_keys_revoked=%s",
        user.pk,
        by.pk if by is not None else "unknown",
        len(session_keys),
        ",".join(k.prefix for k in keys) or "none",
    )
    return AccessEnded(sessions=len(session_keys), api_keys=len(keys))


def _session_keys_of(user) -> list[str]:
    """Keys of the live sessions that belong to `user`.

    The session table does not index its rows by user, so every live session is decoded: a few
    hundred rows for a staff of dozens, run only when access is ended.
    """
    wanted = str(user.pk)
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == wanted:
            keys.append(session.session_key)
    return keys


def client_ip_address(request) -> str | None:
    """The address the lockout counts failures against (settings.AXES_CLIENT_IP_CALLABLE).

    With TRUSTED_PROXY_COUNT = 0 (the default) it is REMOTE_ADDR and X-Forwarded-For is ignored,
    since any client can send that header. With N trusted proxies, each of which appends the
    address it received from, the client is the N-th entry from the right; the entries further
    left were written by the client and are never believed. A header shorter than that did not
    come through the proxies, so REMOTE_ADDR is used.
    """
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if count == 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


# Disabling an account ends its access ----------------------------------------------------------


@receiver(pre_save, sender=get_user_model(), dispatch_uid="cases.protection.accounts.remember_was_active")
def _remember_was_active(sender, instance, raw=False, update_fields=None, **kwargs):
    # A login saves last_login alone: no need to look at the row.
    if raw or instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        instance._was_active = False
        return
    instance._was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()


@receiver(
    post_save, sender=get_user_model(), dispatch_uid="cases.protection.accounts.end_access_when_disabled"
)
def _end_access_when_disabled(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return
    if getattr(instance, "_was_active", False) and not instance.is_active:
        end_access(user=instance, by=_acting_user())


def _acting_user():
    """The signed-in user of the request being served, if any (simple_history keeps it)."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None
